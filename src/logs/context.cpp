#include "logs/context.h"


#include "accounts/store.h"
#include "schemes/status.h"
#include "schemes/store.h"
#include "util/short_cache.h"

namespace core::logs {

using expr::Value;

namespace {

std::optional<int64_t> id_of(const form::Form& f, const form::Values& v, const char* attr) {
  int s = f.slot(attr);
  if (s < 0 || !v[size_t(s)].is_int()) return std::nullopt;
  return v[size_t(s)].as_int();
}

const char* provider_key(int t) { return t == 1 ? "LA" : "PRP"; }

}  // namespace

namespace {

// Organisation facts are read on every save: kept a second, dropped on any change this process makes.
util::ShortCache<std::optional<accounts::Organisation>> g_organisations(accounts::store::organisations_version);
util::ShortCache<Relationships> g_relationships(accounts::store::organisations_version);

}  // namespace

std::optional<accounts::Organisation> cached_organisation(db::Connection& c, OrganisationCache& cache, int64_t id) {
  auto it = cache.find(id);
  if (it != cache.end()) return it->second;
  return cache[id] = g_organisations.get(id, [&] { return accounts::store::find_organisation(c, id); });
}

Relationships cached_relationships(db::Connection& c, int64_t organisation_id) {
  return g_relationships.get(organisation_id, [&] {
    return Relationships{accounts::store::stock_owners(c, organisation_id), accounts::store::managing_agents(c, organisation_id)};
  });
}

std::vector<form::Error> resolve_context(db::Connection& c, const form::Form& f, const form::Values& values, form::Context& ctx,
                                         const std::optional<accounts::User>& user, OrganisationCache* cache) {
  OrganisationCache local;
  OrganisationCache& orgs = cache ? *cache : local;
  std::vector<form::Error> errors;
  auto& cv = ctx.values;
  // No address lookup service (OS Places) is connected to CORE: the address search page is never
  // routed (derivation M-no-lookup chooses manual entry) and the address is entered by hand. The web
  // pages have no address-search view; connecting a lookup means adding one, and setting this true.
  cv["address_lookup"] = Value(false);
  if (user) cv["user_role"] = Value(user->role == accounts::Role::Support ? "support"
                                    : user->role == accounts::Role::Coordinator ? "data_coordinator" : "data_provider");

  std::optional<accounts::Organisation> owning, managing;
  if (auto id = id_of(f, values, "owning_organisation_id")) {
    owning = cached_organisation(c, orgs, *id);
    if (!owning) errors.push_back({"H-RECORD", {"owning_organisation_id"}, "There is no organisation with the id " + std::to_string(*id) + "."});
  }
  if (auto id = id_of(f, values, "managing_organisation_id")) {
    managing = cached_organisation(c, orgs, *id);
    if (!managing) errors.push_back({"H-RECORD", {"managing_organisation_id"}, "There is no organisation with the id " + std::to_string(*id) + "."});
  }
  if (owning) {
    cv["owning_provider_type"] = Value(provider_key(owning->provider_type));
    cv["owning_dsa_signed"] = Value(owning->dsa_accepted);
    cv["owning_organisation_name"] = Value(owning->name);
  }
  if (managing) {
    cv["managing_provider_type"] = Value(provider_key(managing->provider_type));
    cv["managing_dsa_signed"] = Value(managing->dsa_accepted);
    cv["managing_organisation_name"] = Value(managing->name);
    expr::List periods;
    for (int p : managing->rent_periods) periods.push_back(Value(p));
    cv["managing_rent_periods"] = Value(periods);
  }
  if (auto id = id_of(f, values, "assigned_to_id")) {
    auto u = accounts::store::cached_user(c, *id);
    if (!u) errors.push_back({"H-RECORD", {"assigned_to_id"}, "There is no user with the id " + std::to_string(*id) + "."});
    else if (owning || managing)
      cv["assigned_user_in_organisations"] =
          Value((owning && u->organisation_id == owning->id) || (managing && u->organisation_id == managing->id));
  }

  // Scheme and location, on the tenancy start date (today when it is not known yet).
  util::Date on = ctx.today;
  int sd = f.slot("startdate");
  if (sd >= 0 && values[size_t(sd)].is_date()) on = values[size_t(sd)].as_date();
  if (auto id = id_of(f, values, "scheme_id")) {
    auto scheme = schemes::store::find_scheme(c, *id);
    if (!scheme) {
      errors.push_back({"H-RECORD", {"scheme_id"}, "There is no scheme with the id " + std::to_string(*id) + "."});
    } else {
      auto st = schemes::scheme_status(*scheme, on);
      cv["scheme_status"] = Value(schemes::status_key(st));
      cv["scheme_name"] = Value(scheme->service_name);
      if (auto p = schemes::period_covering(scheme->periods, on))
        cv["scheme_status_date"] = st == schemes::Status::ReactivatingSoon && p->reactivation ? Value(*p->reactivation) : Value(p->deactivation);
      if (owning) cv["scheme_owned_by_owning"] = Value(scheme->owning_organisation_id == owning->id);
      // Active locations: confirmed, and starting no later than two weeks after today.
      util::Date limit = expr::from_day_number(expr::day_number(ctx.today) + 14);
      int64_t active = 0, only = 0;
      auto locations = schemes::store::list_locations(c, *id);
      for (auto& l : locations)
        if (l.confirmed && (!l.startdate || *l.startdate <= limit)) {
          ++active;
          only = l.id;
        }
      cv["scheme_active_location_count"] = Value(active);
      if (active == 1) cv["scheme_single_active_location"] = Value(only);
      if (auto lid = id_of(f, values, "location_id")) {
        const schemes::Location* loc = nullptr;
        for (auto& l : locations)
          if (l.id == *lid) loc = &l;
        if (!loc) {
          errors.push_back({"H-RECORD", {"location_id"}, "The scheme has no location with the id " + std::to_string(*lid) + "."});
        } else {
          auto lst = schemes::location_status(*loc, *scheme, on);
          cv["location_status"] = Value(schemes::status_key(lst));
          if (lst == schemes::Status::ActivatingSoon && loc->startdate) cv["location_status_date"] = Value(*loc->startdate);
          else if (auto p = schemes::period_covering(loc->periods, on))
            cv["location_status_date"] = lst == schemes::Status::ReactivatingSoon && p->reactivation ? Value(*p->reactivation) : Value(p->deactivation);
          cv["location_postcode"] = Value(loc->postcode);
          if (!loc->location_code.empty()) cv["location_la"] = Value(loc->location_code);
          cv["location_mobility_type"] = Value(loc->mobility_type);
        }
      }
    }
  } else {
    cv["scheme_active_location_count"] = Value(0);
  }
  return errors;
}

}  // namespace core::logs
