#include "accounts/seed.h"

#include "accounts/passwords.h"
#include "accounts/store.h"

namespace core::accounts {

SeedResult seed_demo(db::Connection& c, int extra_users) {
  SeedResult result;
  const std::string hash = passwords::hash(kDemoPassword);
  auto org = [&](const std::string& name, int type, bool stock, std::vector<int> periods, const std::string& line1,
                 const std::string& town, const std::string& postcode, const std::string& phone) {
    if (auto r = c.query_one("SELECT id FROM organisations WHERE lower(name) = lower(?)", {name})) return r->i64(0);
    Organisation o;
    o.name = name;
    o.provider_type = type;
    o.holds_own_stock = stock;
    o.rent_periods = std::move(periods);
    o.address_line1 = line1;
    o.address_line2 = town;
    o.postcode = postcode;
    o.phone = phone;
    if (stock) {
      o.stock_general_needs = 12500;
      o.stock_supported_housing = 850;
    }
    int64_t id = store::create_organisation(c, o);
    store::audit(c, std::nullopt, "organisation.created", "organisation", id, id, {{"source", "seed"}});
    return id;
  };
  auto user = [&](int64_t org_id, const std::string& name, const std::string& email, Role role, bool dpo, bool key) {
    if (auto u = store::find_user_by_email(c, email)) return u->id;
    store::NewUser nu{org_id, name, email, "", role, dpo, key, hash, true};
    int64_t id = store::create_user(c, nu);
    store::audit(c, std::nullopt, "user.created", "user", id, org_id, {{"source", "seed"}});
    return id;
  };

  c.transaction([&] {
    result.created = !store::find_user_by_email(c, "support@example.gov.uk").has_value();
    int64_t dept = org("Ministry of Housing, Communities and Local Government", 1, false, {}, "2 Marsham Street",
                       "London", "SW1P 4DF", "0303 444 0000");
    user(dept, "Sam Support", "support@example.gov.uk", Role::Support, false, false);

    int64_t la = org("Northshire County Council", 1, true, {1, 2, 4}, "County Hall", "Northtown", "NT1 1AA",
                     "01632 960 001");
    user(la, "Chris Coordinator", "coordinator@northshire.example", Role::Coordinator, false, true);
    user(la, "Pat Provider", "provider@northshire.example", Role::Provider, false, false);
    int64_t dpo = user(la, "Dana Protection", "dpo@northshire.example", Role::Provider, true, false);

    int64_t ha = org("Riverside Homes Housing Association", 2, true, {1, 4}, "1 Quay Street", "Rivertown", "RT2 3BB",
                     "01632 960 002");
    int64_t ha_coord = user(ha, "Alex Agent", "coordinator@riverside.example", Role::Coordinator, true, true);
    user(ha, "Jo Housing", "provider@riverside.example", Role::Provider, false, false);
    if (!store::relationship_exists(c, la, ha)) store::add_relationship(c, la, ha);

    int64_t unsigned_org = org("Eastbrook Housing Trust", 2, true, {1}, "5 Market Place", "Eastbrook", "EB4 5CC",
                               "01632 960 003");
    user(unsigned_org, "Eve Unsigned", "coordinator@eastbrook.example", Role::Coordinator, true, true);

    for (auto [org_id, dpo_id] : {std::pair{la, dpo}, std::pair{ha, ha_coord}}) {
      if (!store::find_data_sharing_agreement(c, org_id))
        store::accept_data_sharing_agreement(c, *store::find_organisation(c, org_id), *store::find_user(c, dpo_id));
    }

    for (int i = 1; i <= extra_users; ++i) {
      std::string email = "user" + std::to_string(i) + "@northshire.example";
      if (store::find_user_by_email(c, email)) continue;
      store::NewUser nu{la, "Demo User " + std::to_string(i), email, "", Role::Provider, false, false, hash, true};
      store::create_user(c, nu);
      ++result.extra_users_added;
    }
  });
  return result;
}

}  // namespace core::accounts
