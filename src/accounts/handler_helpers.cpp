#include "accounts/handler_helpers.h"

#include <mutex>

#include "accounts/permissions.h"
#include "accounts/store.h"
#include "util/time.h"

namespace core::accounts {
using nlohmann::json;

Organisation organisation_from_route(web::Context& ctx, OrgCheck see, OrgCheck act, const char* param) {
  int64_t id = ctx.req.id_param(param);
  const User& u = ctx.current_user();
  if (!see(u, id)) throw web::NotFound();
  auto org = store::find_organisation(ctx.conn(), id);
  if (!org) throw web::NotFound();
  if (act && !act(u, id)) throw web::Forbidden();
  return *org;
}

User user_from_route(web::Context& ctx, const char* param) {
  int64_t id = ctx.req.id_param(param);
  auto u = store::find_user(ctx.conn(), id);
  if (!u || !permissions::can_view_user(ctx.current_user(), *u)) throw web::NotFound();
  return *u;
}

json organisation_json(const Organisation& o) {
  auto periods = json::array();
  for (const auto& p : rent_periods())
    for (int code : o.rent_periods)
      if (code == p.code) periods.push_back(p.label);
  auto count = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string("Not given"); };
  std::string address = o.address_line1;
  for (const auto& part : {o.address_line2, o.postcode})
    if (!part.empty()) address += (address.empty() ? "" : ", ") + part;
  return json{{"id", o.id},
              {"name", o.name},
              {"provider_type", provider_type_label(o.provider_type)},
              {"housing_registration_no", o.housing_registration_no.empty() ? "Not given" : o.housing_registration_no},
              {"address", address.empty() ? "Not given" : address},
              {"phone", o.phone.empty() ? "Not given" : o.phone},
              {"holds_own_stock", o.holds_own_stock ? "Yes" : "No"},
              {"stock_general_needs", count(o.stock_general_needs)},
              {"stock_supported_housing", count(o.stock_supported_housing)},
              {"stock_unspecified", count(o.stock_unspecified)},
              {"active", o.active},
              {"status", o.active ? "Active" : "Deactivated"},
              {"rent_periods", periods},
              {"dsa_accepted", o.dsa_accepted}};
}

json user_json(const User& u) {
  // Built key by key: a braced initializer list copies every value once more (20 of these a page).
  std::string status = u.status();
  json j(json::value_t::object);
  auto& o = j.get_ref<json::object_t&>();
  o.emplace("id", u.id);
  o.emplace("name", u.name);
  o.emplace("email", u.email);
  o.emplace("phone", u.phone.empty() ? "Not given" : u.phone);
  o.emplace("organisation", u.organisation_name);
  o.emplace("organisation_id", u.organisation_id);
  o.emplace("role", role_label(u.role));
  o.emplace("is_dpo", u.is_dpo);
  o.emplace("is_key_contact", u.is_key_contact);
  o.emplace("status", u.status_label());
  o.emplace("status_colour", status == "active"        ? "govuk-tag--green"
                             : status == "unconfirmed" ? "govuk-tag--blue"
                                                       : "govuk-tag--grey");
  o.emplace("unconfirmed", status == "unconfirmed");
  o.emplace("deactivated", status == "deactivated");
  o.emplace("last_sign_in", u.last_sign_in_at ? util::display_datetime(*u.last_sign_in_at) : "Never");
  o.emplace("sign_in_count", u.sign_in_count);
  return j;
}

namespace {
struct ExtraTab {
  std::string key, label, suffix;
};
std::mutex extra_tabs_mutex;
std::vector<ExtraTab>& extra_tabs() {
  static std::vector<ExtraTab> tabs;
  return tabs;
}
}  // namespace

void add_organisation_tab(const std::string& key, const std::string& label, const std::string& suffix) {
  std::lock_guard<std::mutex> lock(extra_tabs_mutex);
  for (auto& t : extra_tabs())
    if (t.key == key) return;
  extra_tabs().push_back({key, label, suffix});
}

json organisation_tabs(const web::Context& ctx, const Organisation& o, const std::string& current) {
  std::string base = "/organisations/" + std::to_string(o.id);
  auto tabs = json::array();
  auto add = [&](const std::string& key, const std::string& label, const std::string& href) {
    tabs.push_back({{"label", label}, {"href", href}, {"current", key == current}});
  };
  add("details", "Details", base);
  {
    std::lock_guard<std::mutex> lock(extra_tabs_mutex);
    for (auto& t : extra_tabs()) add(t.key, t.label, base + t.suffix);
  }
  add("users", "Users", base + "/users");
  add("stock-owners", "Stock owners", base + "/stock-owners");
  add("managing-agents", "Managing agents", base + "/managing-agents");
  add("dsa", "Data sharing agreement", base + "/data-sharing-agreement");
  return tabs;
}

}  // namespace core::accounts
