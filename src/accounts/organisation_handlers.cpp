// Organisations: list and create (support), details, edit, and the data sharing agreement.
#include "accounts/handler_helpers.h"
#include "accounts/permissions.h"
#include "accounts/routes.h"
#include "accounts/service.h"
#include "accounts/store.h"
#include "util/time.h"

namespace core::accounts {
using namespace core::web;
using nlohmann::json;
namespace perm = permissions;

namespace {

service::OrganisationInput input_from(const Request& r) {
  service::OrganisationInput in;
  in.name = r.f("name");
  in.provider_type = r.f("provider_type");
  in.housing_registration_no = r.f("housing_registration_no");
  in.address_line1 = r.f("address_line1");
  in.address_line2 = r.f("address_line2");
  in.postcode = r.f("postcode");
  in.phone = r.f("phone");
  in.holds_own_stock = r.f("holds_own_stock");
  in.stock_general_needs = r.f("stock_general_needs");
  in.stock_supported_housing = r.f("stock_supported_housing");
  in.stock_unspecified = r.f("stock_unspecified");
  in.active = r.has_form("active") ? r.f("active") : "1";
  for (auto& p : r.f_all("rent_periods"))
    if (!p.empty()) in.rent_periods.push_back(p);
  return in;
}

service::OrganisationInput input_from(const Organisation& o) {
  service::OrganisationInput in;
  in.name = o.name;
  in.provider_type = std::to_string(o.provider_type);
  in.housing_registration_no = o.housing_registration_no;
  in.address_line1 = o.address_line1;
  in.address_line2 = o.address_line2;
  in.postcode = o.postcode;
  in.phone = o.phone;
  in.holds_own_stock = o.holds_own_stock ? "1" : "0";
  auto s = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string(); };
  in.stock_general_needs = s(o.stock_general_needs);
  in.stock_supported_housing = s(o.stock_supported_housing);
  in.stock_unspecified = s(o.stock_unspecified);
  in.active = o.active ? "1" : "0";
  for (int p : o.rent_periods) in.rent_periods.push_back(std::to_string(p));
  return in;
}

json form_fields(const service::OrganisationInput& in, const FieldErrors& e, bool admin) {
  std::vector<Option> periods;
  for (const auto& p : rent_periods()) periods.push_back({std::to_string(p.code), p.label, ""});
  json f = {
      {"name", input("name", "Name", in.name, e, {{"autocomplete", "organization"}})},
      {"address_line1", input("address_line1", "Address line 1 (optional)", in.address_line1, e, {{"autocomplete", "address-line1"}})},
      {"address_line2", input("address_line2", "Town or city (optional)", in.address_line2, e,
                              {{"autocomplete", "address-level2"}, {"classes", "govuk-!-width-two-thirds"}})},
      {"postcode", input("postcode", "Postcode (optional)", in.postcode, e,
                         {{"autocomplete", "postal-code"}, {"classes", "govuk-input--width-10"}})},
      {"phone", input("phone", "Telephone number (optional)", in.phone, e,
                      {{"type", "tel"}, {"autocomplete", "tel"}, {"classes", "govuk-input--width-20"}})},
      {"rent_periods", checkboxes("rent_periods", "Which rent periods does the organisation use?", periods,
                                  in.rent_periods, e, {{"hint", "Select all that apply"}})}};
  if (admin) {
    auto num = [&](const std::string& name, const std::string& label) {
      return input(name, label, name == "stock_general_needs" ? in.stock_general_needs
                                : name == "stock_supported_housing" ? in.stock_supported_housing
                                                                    : in.stock_unspecified,
                   e, {{"inputmode", "numeric"}, {"classes", "govuk-input--width-10"}});
    };
    f["provider_type"] = radios("provider_type", "Organisation type",
                                {{"1", "Local authority", ""}, {"2", "Private registered provider", ""}}, in.provider_type, e);
    f["housing_registration_no"] = input("housing_registration_no", "Housing regulator registration number (optional)",
                                         in.housing_registration_no, e, {{"classes", "govuk-input--width-10"}});
    f["holds_own_stock"] = radios("holds_own_stock", "Does the organisation hold its own stock?",
                                  {{"1", "Yes", ""}, {"0", "No", ""}}, in.holds_own_stock, e,
                                  {{"inline", true}});
    f["stock_general_needs"] = num("stock_general_needs", "General needs units (optional)");
    f["stock_supported_housing"] = num("stock_supported_housing", "Supported housing units (optional)");
    f["stock_unspecified"] = num("stock_unspecified", "Unspecified units (optional)");
    f["active"] = radios("active", "Is the organisation active?", {{"1", "Active", ""}, {"0", "Deactivated", ""}},
                         in.active, e, {{"inline", true}});
  }
  return f;
}

Response form_page(Context& ctx, const std::string& title, const std::string& action, const service::OrganisationInput& in,
                   const FieldErrors& e, bool admin, int status, const std::string& back) {
  return ctx.page("organisations/form", {{"title", title},
                                         {"action", action},
                                         {"back", back},
                                         {"errors", error_summary(e)},
                                         {"admin", admin},
                                         {"fields", form_fields(in, e, admin)}},
                  status);
}

}  // namespace

void register_organisation_routes(App& app) {
  app.get("/organisations", [](Context& ctx) {
    const auto& u = ctx.current_user();
    if (!perm::can_list_organisations(u)) return Response::redirect("/organisations/" + std::to_string(u.organisation_id));
    std::string search = trim(ctx.req.q("search"));
    int page = page_number(ctx.req.q("page"));
    auto result = store::list_organisations(ctx.conn(), search, page);
    auto rows = json::array();
    for (const auto& o : result.organisations) rows.push_back(organisation_json(o));
    return ctx.page("organisations/index",
                    {{"title", "Organisations"},
                     {"search", search},
                     {"organisations", rows},
                     {"total", result.total},
                     {"total_label", std::to_string(result.total) + (result.total == 1 ? " organisation" : " organisations")},
                     {"can_create", perm::can_create_organisation(u)},
                     {"pagination", pagination(result.total, 20, page, "/organisations?search=" + url_encode(search))}});
  });

  app.get("/organisations/new", [](Context& ctx) {
    if (!perm::can_create_organisation(ctx.current_user())) throw Forbidden();
    service::OrganisationInput in;
    in.active = "1";
    in.rent_periods = service::all_rent_period_codes();  // all ticked, as in the real service
    return form_page(ctx, "Create a new organisation", "/organisations/new", in, {}, true, 200, "/organisations");
  });

  app.post("/organisations/new", [](Context& ctx) {
    const auto& u = ctx.current_user();
    if (!perm::can_create_organisation(u)) throw Forbidden();
    auto in = input_from(ctx.req);
    auto& c = ctx.conn();
    Organisation org;
    auto e = service::read_organisation(c, in, org);
    if (!e.empty()) return form_page(ctx, "Create a new organisation", "/organisations/new", in, e, true, 422, "/organisations");
    int64_t id = 0;
    try {
      c.transaction([&] {
        id = store::create_organisation(c, org);
        store::audit(c, u.id, "organisation.created", "organisation", id, id, {{"after", organisation_json(org)}});
      });
    } catch (const db::ConstraintError&) {
      e.emplace_back("name", "An organisation with this name already exists");
      return form_page(ctx, "Create a new organisation", "/organisations/new", in, e, true, 422, "/organisations");
    }
    ctx.flash_next(org.name + " has been created");
    return Response::redirect("/organisations/" + std::to_string(id));
  });

  app.get("/organisations/:id", [](Context& ctx) {
    auto org = organisation_from_route(ctx, perm::can_view_organisation);
    const auto& u = ctx.current_user();
    return ctx.page("organisations/show", {{"title", org.name},
                                           {"organisation", organisation_json(org)},
                                           {"tabs", organisation_tabs(ctx, org, "details")},
                                           {"can_edit", perm::can_edit_organisation(u, org.id)},
                                           {"is_support", perm::is_support(u)},
                                           {"can_create_logs", perm::organisation_can_create_logs(org)},
                                           {"can_manage_api_tokens", perm::can_manage_api_tokens(u, org.id)}});
  });

  auto edit_title = [](const Organisation& o) { return "Change " + o.name + "’s details"; };
  app.get("/organisations/:id/edit", [edit_title](Context& ctx) {
    auto org = organisation_from_route(ctx, perm::can_view_organisation, perm::can_edit_organisation);
    std::string base = "/organisations/" + std::to_string(org.id);
    return form_page(ctx, edit_title(org), base + "/edit", input_from(org), {},
                     perm::can_edit_organisation_admin_fields(ctx.current_user()), 200, base);
  });

  app.post("/organisations/:id/edit", [edit_title](Context& ctx) {
    auto org = organisation_from_route(ctx, perm::can_view_organisation, perm::can_edit_organisation);
    const auto& u = ctx.current_user();
    bool admin = perm::can_edit_organisation_admin_fields(u);
    auto in = input_from(ctx.req);
    if (!admin) {
      // Fields only support may change keep their stored values.
      auto stored = input_from(org);
      in.provider_type = stored.provider_type;
      in.housing_registration_no = stored.housing_registration_no;
      in.holds_own_stock = stored.holds_own_stock;
      in.stock_general_needs = stored.stock_general_needs;
      in.stock_supported_housing = stored.stock_supported_housing;
      in.stock_unspecified = stored.stock_unspecified;
      in.active = stored.active;
    }
    auto& c = ctx.conn();
    Organisation updated = org;
    auto e = service::read_organisation(c, in, updated, org.id);
    std::string base = "/organisations/" + std::to_string(org.id);
    if (!e.empty()) return form_page(ctx, edit_title(org), base + "/edit", in, e, admin, 422, base);
    try {
      c.transaction([&] {
        store::update_organisation(c, updated);
        store::audit(c, u.id, "organisation.updated", "organisation", org.id, org.id,
                     {{"before", organisation_json(org)}, {"after", organisation_json(updated)}});
        // Deactivating an organisation signs its users out.
        if (org.active && !updated.active) store::delete_organisation_sessions(c, org.id);
      });
    } catch (const db::ConstraintError&) {
      e.emplace_back("name", "An organisation with this name already exists");
      return form_page(ctx, edit_title(org), base + "/edit", in, e, admin, 422, base);
    }
    ctx.flash_next(updated.name + "’s details have been updated");
    return Response::redirect(base);
  });

  app.get("/organisations/:id/data-sharing-agreement", [](Context& ctx) {
    auto org = organisation_from_route(ctx, perm::can_view_data_sharing_agreement);
    auto& c = ctx.conn();
    auto dsa = store::find_data_sharing_agreement(c, org.id);
    json data = {{"title", "Data sharing agreement"},
                 {"organisation", organisation_json(org)},
                 {"tabs", organisation_tabs(ctx, org, "dsa")},
                 {"can_accept", perm::can_accept_data_sharing_agreement(ctx.current_user(), org)}};
    if (dsa)
      data["agreement"] = {{"signed_at", util::display_datetime(dsa->signed_at)},
                           {"dpo_name", dsa->dpo_name},
                           {"dpo_email", dsa->dpo_email},
                           {"organisation_name", dsa->organisation_name},
                           {"organisation_address", dsa->organisation_address},
                           {"organisation_phone", dsa->organisation_phone}};
    std::string dpo_names;
    for (const auto& m : store::list_users(c, org.id, {"", std::nullopt, "active", 1, 1000}).users)
      if (m.is_dpo) dpo_names += (dpo_names.empty() ? "" : ", ") + m.name;
    data["has_dpos"] = !dpo_names.empty();
    data["dpo_names"] = dpo_names;
    return ctx.page("organisations/data_sharing_agreement", data);
  });

  app.post("/organisations/:id/data-sharing-agreement", [](Context& ctx) {
    auto org = organisation_from_route(ctx, perm::can_view_data_sharing_agreement);
    const auto& u = ctx.current_user();
    if (!perm::can_accept_data_sharing_agreement(u, org)) throw Forbidden();
    auto& c = ctx.conn();
    try {
      c.transaction([&] {
        store::accept_data_sharing_agreement(c, org, u);
        store::audit(c, u.id, "organisation.data_sharing_agreement_accepted", "organisation", org.id, org.id,
                     {{"dpo", {{"id", u.id}, {"name", u.name}, {"email", u.email}}}});
      });
    } catch (const db::ConstraintError&) {
      // Accepted a moment ago by another DPO: nothing more to do.
    }
    ctx.flash_next("You have accepted the data sharing agreement. " + org.name + " can now submit logs.");
    return Response::redirect("/organisations/" + std::to_string(org.id) + "/data-sharing-agreement");
  });
}

}  // namespace core::accounts
