#include "schemes/seed.h"

#include "schemes/store.h"

namespace core::schemes {

void seed_demo(db::Connection& c) {
  auto org = c.query_one("SELECT id FROM organisations WHERE name = 'Northshire County Council'");
  if (!org) return;
  int64_t owner = org->i64(0);
  if (c.query_one("SELECT id FROM schemes WHERE owning_organisation_id = ?", {owner})) return;
  c.transaction([&] {
    auto scheme = [&](const std::string& name, const char* type, const char* group, const char* support, const char* stay) {
      Scheme s;
      s.owning_organisation_id = owner;
      s.service_name = name;
      s.scheme_type = type;
      s.registered_under_care_act = "1";
      s.arrangement_type = "D";
      s.primary_client_group = group;
      s.has_other_client_group = false;
      s.support_type = support;
      s.intended_stay = stay;
      s.startdate = util::Date{2022, 4, 1};
      s.confirmed = true;
      return store::create_scheme(c, s);
    };
    auto location = [&](int64_t scheme_id, const char* postcode, const char* la, const char* name, int64_t units,
                        const char* unit_type, const char* mobility) {
      Location l;
      l.scheme_id = scheme_id;
      l.postcode = postcode;
      l.location_code = la;
      l.name = name;
      l.units = units;
      l.type_of_unit = unit_type;
      l.mobility_type = mobility;
      l.startdate = util::Date{2022, 4, 1};
      l.confirmed = true;
      return store::create_location(c, l);
    };
    int64_t hostel = scheme("Northtown Direct Access Hostel", "5", "N", "3", "S");
    location(hostel, "NE1 4ST", "E08000021", "Quayside House", 24, "4", "N");
    location(hostel, "NE2 1AB", "E08000021", "Jesmond Annexe", 8, "1", "A");
    int64_t older = scheme("Riverside Court Older People's Housing", "7", "M", "2", "P");
    location(older, "NE3 2CD", "E08000021", "Riverside Court", 40, "1", "W");
    location(older, "NE4 5EF", "E08000021", "Elswick Bungalows", 12, "6", "M");
    int64_t closed = location(older, "NE5 6GH", "E08000021", "Fenham Flats", 6, "3", "N");
    store::add_deactivation(c, "location", closed, util::Date{2026, 4, 1});
  });
}

}  // namespace core::schemes
