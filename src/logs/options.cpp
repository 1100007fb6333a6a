#include "logs/options.h"

#include <algorithm>

#include "accounts/permissions.h"
#include "accounts/store.h"
#include "logs/context.h"
#include "schemes/store.h"

namespace core::logs {

using expr::Value;
namespace perm = accounts::permissions;

namespace {

std::optional<int64_t> id_at(const form::Form& f, const form::Values& v, const char* attr) {
  int s = f.slot(attr);
  if (s < 0 || !v[size_t(s)].is_int()) return std::nullopt;
  return v[size_t(s)].as_int();
}

bool has_id(const std::vector<accounts::Organisation>& orgs, int64_t id) {
  return std::any_of(orgs.begin(), orgs.end(), [&](const accounts::Organisation& o) { return o.id == id; });
}

std::vector<accounts::Organisation> owning_choices(db::Connection& c, const accounts::User& u) {
  std::vector<accounts::Organisation> candidates, out;
  auto stock_owners = accounts::store::stock_owners(c, u.organisation_id);
  if (perm::is_support(u)) {
    candidates = accounts::store::list_organisations(c, "", 1, 100000).organisations;
  } else {
    if (auto own = accounts::store::find_organisation(c, u.organisation_id)) candidates.push_back(*own);
    candidates.insert(candidates.end(), stock_owners.begin(), stock_owners.end());
  }
  for (auto& o : candidates)
    if (perm::can_choose_owning_organisation(u, o, has_id(stock_owners, o.id))) out.push_back(o);
  return out;
}

}  // namespace

std::vector<web::Option> dynamic_options(db::Connection& c, const accounts::User& u, const form::Form& f, const form::Question& q,
                                         const form::Values& values) {
  std::vector<web::Option> out;
  const std::string& src = q.options_from;
  if (src == "organisations_owning") {
    for (auto& o : owning_choices(c, u))
      out.push_back({std::to_string(o.id), o.name + (o.id == u.organisation_id && !perm::is_support(u) ? " (Your organisation)" : ""), ""});
  } else if (src == "organisations_managing") {
    int64_t base = perm::managing_choice_base(u, id_at(f, values, "owning_organisation_id"));
    if (base == 0) return out;
    auto agents = accounts::store::managing_agents(c, base);
    std::vector<accounts::Organisation> candidates;
    if (auto b = accounts::store::find_organisation(c, base)) candidates.push_back(*b);
    candidates.insert(candidates.end(), agents.begin(), agents.end());
    for (auto& o : candidates) {
      if (!perm::can_choose_managing_organisation(u, o, base, has_id(agents, o.id))) continue;
      std::string note = o.id != base ? "" : perm::is_support(u) ? " (Owning organisation)" : " (Your organisation)";
      out.push_back({std::to_string(o.id), o.name + note, ""});
    }
  } else if (src == "users") {
    if (!perm::can_assign_logs(u)) return out;
    auto owning = id_at(f, values, "owning_organisation_id"), managing = id_at(f, values, "managing_organisation_id");
    std::vector<int64_t> orgs;
    if (perm::is_support(u)) {
      for (auto id : {owning, managing})
        if (id && std::find(orgs.begin(), orgs.end(), *id) == orgs.end()) orgs.push_back(*id);
    } else {
      orgs.push_back(u.organisation_id);
    }
    for (int64_t org : orgs) {
      accounts::store::UserFilter uf;
      uf.per_page = 1000;
      for (auto& x : accounts::store::list_users(c, org, uf).users)
        if (perm::can_choose_assigned_user(u, x, owning, managing)) out.push_back({std::to_string(x.id), x.name + " (" + x.email + ")", ""});
    }
  } else if (src == "schemes") {
    auto owning = id_at(f, values, "owning_organisation_id");
    if (!owning) return out;
    std::vector<int64_t> owners = {*owning}, stock_owners;
    for (auto& o : accounts::store::stock_owners(c, *owning)) stock_owners.push_back(o.id);
    owners.insert(owners.end(), stock_owners.begin(), stock_owners.end());
    for (auto& s : schemes::store::list_schemes(c, owners, false, ""))
      if (perm::can_choose_scheme(s.owning_organisation_id, *owning, stock_owners))
        out.push_back({std::to_string(s.id), s.service_name + " (" + s.code() + ")", ""});
  } else if (src == "locations") {
    auto scheme = id_at(f, values, "scheme_id");
    if (!scheme) return out;
    // Only the chosen scheme's locations, and only a scheme this log may have.
    bool scheme_offered = false;
    for (auto& o : dynamic_options(c, u, f, *f.attributes[size_t(f.slot("scheme_id"))].questions.front(), values))
      scheme_offered = scheme_offered || o.value == std::to_string(*scheme);
    if (!scheme_offered) return out;
    auto locs = schemes::store::list_locations(c, *scheme);
    std::sort(locs.begin(), locs.end(), [](auto& a, auto& b) { return a.postcode < b.postcode; });
    for (auto& l : locs)
      if (l.confirmed && l.scheme_id == *scheme) out.push_back({std::to_string(l.id), l.postcode, l.name});
  } else if (src == "local_authorities_england") {
    for (auto& [code, name] : f.lookups.local_authorities_england) out.push_back({code, name, ""});
  } else if (src == "local_authorities_all") {
    for (auto& [code, name] : f.lookups.local_authorities_all) out.push_back({code, name, ""});
  } else if (src == "countries") {
    for (auto& [code, name] : f.lookups.countries)
      if (code != "826") out.push_back({code, name, ""});  // the UK is its own answer on the same page
  }
  return out;
}

bool live_record_choice(const form::Question& q) {
  const std::string& s = q.options_from;
  return s == "organisations_owning" || s == "organisations_managing" || s == "users" || s == "schemes" || s == "locations";
}

std::vector<form::Error> refuse_unoffered(db::Connection& c, const accounts::User& u, const form::Form& f, const form::Values& stored,
                                          const form::Values& after) {
  std::vector<form::Error> errors;
  for (auto& pg : f.pages)
    for (auto& q : pg.questions) {
      if (!live_record_choice(q) || q.slot < 0) continue;
      const Value& now = after[size_t(q.slot)];
      if (now.null() || now.equals(stored[size_t(q.slot)])) continue;
      bool offered = false;
      for (auto& o : dynamic_options(c, u, f, q, after)) offered = offered || o.value == now.text();
      bool reported = std::any_of(errors.begin(), errors.end(), [&](const form::Error& e) { return e.fields.front() == q.id; });
      if (offered || reported) continue;
      std::string label = q.label();
      if (!label.empty()) label[0] = char(std::tolower(static_cast<unsigned char>(label[0])));
      errors.push_back({"H-CHOICE", {q.id}, "Select one of the options for " + label + "."});
    }
  return errors;
}

form::Context log_context(db::Connection& c, const accounts::User& u, const form::Form& f, const form::Values& values,
                          const form::Values& stored, const util::Date& today, std::vector<form::Error>* record_errors) {
  form::Context ctx;
  ctx.today = today;
  OrganisationCache orgs;
  auto errors = resolve_context(c, f, values, ctx, u, &orgs);
  if (record_errors) record_errors->insert(record_errors->end(), errors.begin(), errors.end());
  // Routing of the setup pages, from the user's organisation and its relationships.
  auto own = cached_organisation(c, orgs, u.organisation_id);
  if (!perm::is_support(u) && own) {
    auto rel = cached_relationships(c, u.organisation_id);
    size_t owning_choices = own->holds_own_stock ? 1 : 0;
    for (auto& o : rel.stock_owners) owning_choices += o.active ? 1 : 0;
    ctx.values["stock_owner_choice_needed"] = Value(owning_choices > 1 || !own->holds_own_stock);
    ctx.values["managing_agent_choice_needed"] = Value(!own->holds_own_stock || !rel.managing_agents.empty());
  } else if (perm::is_support(u)) {
    bool needed = false;
    if (auto owning = id_at(f, values, "owning_organisation_id"))
      if (auto o = cached_organisation(c, orgs, *owning))
        needed = !o->holds_own_stock || !cached_relationships(c, o->id).managing_agents.empty();
    ctx.values["managing_agent_choice_needed"] = Value(needed);
  }
  if (auto before = id_at(f, stored, "owning_organisation_id"))
    if (auto o = cached_organisation(c, orgs, *before)) ctx.values["previous_owning_provider_type"] = Value(o->provider_type == 1 ? "LA" : "PRP");
  return ctx;
}

}  // namespace core::logs
