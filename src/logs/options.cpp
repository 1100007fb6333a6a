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

std::vector<accounts::Organisation> owning_choices(db::Connection& c, const accounts::User& u) {
  std::vector<accounts::Organisation> out;
  if (perm::is_support(u)) {
    for (auto& o : accounts::store::list_organisations(c, "", 1, 100000).organisations)
      if (o.holds_own_stock && o.active) out.push_back(o);
    return out;
  }
  if (auto own = accounts::store::find_organisation(c, u.organisation_id); own && own->holds_own_stock) out.push_back(*own);
  for (auto& o : accounts::store::stock_owners(c, u.organisation_id))
    if (o.active) out.push_back(o);
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
    int64_t org = u.organisation_id;
    if (perm::is_support(u)) {
      auto owning = id_at(f, values, "owning_organisation_id");
      if (!owning) return out;
      org = *owning;
      if (auto o = accounts::store::find_organisation(c, org); o && o->holds_own_stock) out.push_back({std::to_string(o->id), o->name + " (Owning organisation)", ""});
    } else if (auto own = accounts::store::find_organisation(c, org)) {
      out.push_back({std::to_string(own->id), own->name + " (Your organisation)", ""});
    }
    for (auto& o : accounts::store::managing_agents(c, org))
      if (o.active) out.push_back({std::to_string(o.id), o.name, ""});
  } else if (src == "users") {
    std::vector<int64_t> orgs;
    if (perm::is_support(u)) {
      for (const char* a : {"owning_organisation_id", "managing_organisation_id"})
        if (auto id = id_at(f, values, a); id && std::find(orgs.begin(), orgs.end(), *id) == orgs.end()) orgs.push_back(*id);
    } else {
      orgs.push_back(u.organisation_id);
    }
    for (int64_t org : orgs) {
      accounts::store::UserFilter uf;
      uf.per_page = 1000;
      for (auto& x : accounts::store::list_users(c, org, uf).users)
        if (x.active) out.push_back({std::to_string(x.id), x.name + " (" + x.email + ")", ""});
    }
  } else if (src == "schemes") {
    std::vector<int64_t> owners;
    if (auto owning = id_at(f, values, "owning_organisation_id")) {
      owners.push_back(*owning);
      for (auto& o : accounts::store::stock_owners(c, *owning)) owners.push_back(o.id);
    }
    if (owners.empty()) return out;
    for (auto& s : schemes::store::list_schemes(c, owners, false, ""))
      out.push_back({std::to_string(s.id), s.service_name + " (" + s.code() + ")", ""});
  } else if (src == "locations") {
    auto scheme = id_at(f, values, "scheme_id");
    if (!scheme) return out;
    auto locs = schemes::store::list_locations(c, *scheme);
    std::sort(locs.begin(), locs.end(), [](auto& a, auto& b) { return a.postcode < b.postcode; });
    for (auto& l : locs)
      if (l.confirmed) out.push_back({std::to_string(l.id), l.postcode, l.name});
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

form::Context log_context(db::Connection& c, const accounts::User& u, const form::Form& f, const form::Values& values,
                          const form::Values& stored, const util::Date& today) {
  form::Context ctx;
  ctx.today = today;
  OrganisationCache orgs;
  resolve_context(c, f, values, ctx, u, &orgs);
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
