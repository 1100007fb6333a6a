// The supported-housing complete log of tests/cases, with its scheme and location from a real
// database (SQLite, or PostgreSQL when CORE_TEST_PG is set) instead of fixed context values.
#include <gtest/gtest.h>

#include <fstream>

#include "accounts/seed.h"
#include "form/cases.h"
#include "logs/context.h"
#include "schemes/seed.h"
#include "test_db.h"

using namespace core;
using nlohmann::json;

namespace {

json supported_housing_case() {
  std::ifstream in(std::string(CORE_SOURCE_DIR) + "/tests/cases/lettings-2026/complete-logs.json");
  json file = json::parse(in);
  for (auto& c : file["cases"])
    if (c.value("name", "").find("supported housing") != std::string::npos) return c;
  throw std::runtime_error("no supported housing case");
}

}  // namespace

TEST(LogContext, CompleteSupportedHousingLogWithSchemeAndLocationFromTheDatabase) {
  test::TestDatabase tdb;
  auto c = tdb.db().acquire();
  accounts::seed_demo(*c);
  schemes::seed_demo(*c);
  auto f = form::Form::load_checked(std::string(CORE_SOURCE_DIR) + "/forms/2026/lettings.json", std::string(CORE_SOURCE_DIR) + "/data");
  auto scheme = c->query_one("SELECT id FROM schemes WHERE service_name = ?", {std::string("Northtown Direct Access Hostel")});
  auto location = c->query_one("SELECT id FROM locations WHERE postcode = ?", {std::string("NE1 4ST")});
  auto user = c->query_one("SELECT id FROM users WHERE email = ?", {std::string("coordinator@northshire.example")});
  ASSERT_TRUE(scheme && location && user);

  json tc = supported_housing_case();
  // Setup first (as a housing officer would), then the rest of the log.
  json setup = tc.value("before", json::object());
  json answers = tc["answers"];
  // Northshire (a local authority holding stock) owns and manages the hostel's letting.
  setup["owning_organisation_id"] = 2;
  setup["managing_organisation_id"] = 2;
  setup["assigned_to_id"] = user->i64(0);
  setup["scheme_id"] = scheme->i64(0);
  setup["location_id"] = location->i64(0);
  answers["postcode_full"] = "NE1 4ST";  // the property is at the location
  answers["brent"] = 120;                // within the local authority's range for the area
  answers["referral_register"] = 1;      // a local authority's answers to the referral question
  answers.erase("referral_noms");
  json all = setup;
  for (auto& [k, v] : answers.items()) all[k] = v;

  form::Context ctx;
  ctx.today = util::Date{2026, 6, 1};
  auto values = form::values_from_json(*f, all);
  auto record_errors = logs::resolve_context(*c, *f, values, ctx);
  EXPECT_TRUE(record_errors.empty());
  EXPECT_EQ(ctx.values["owning_provider_type"].as_string(), "LA");
  EXPECT_EQ(ctx.values["scheme_status"].as_string(), "active");
  EXPECT_EQ(ctx.values["location_postcode"].as_string(), "NE1 4ST");
  EXPECT_EQ(ctx.values["scheme_active_location_count"].as_int(), 2);
  auto first = form::apply(*f, form::Values(f->size()), form::changes_from_json(setup), ctx);
  auto o = form::apply(*f, first.values, form::changes_from_json(answers), ctx);
  std::string errors;
  for (auto& e : o.errors) errors += e.rule + ": " + e.message + "\n";
  EXPECT_TRUE(o.errors.empty()) << errors;
  for (auto& s : o.soft_checks) ADD_FAILURE() << "pending soft check " << s.rule;
  EXPECT_EQ(o.status, form::Status::Completed) << o.to_json(*f)["subsections"].dump();
  EXPECT_EQ(o.values[size_t(f->slot("wchair"))].as_int(), 2);  // the location is not wheelchair standard

  // An id that is not in the database is an error on its field, and the log cannot complete.
  all["scheme_id"] = 99999;
  form::Context ctx2;
  ctx2.today = ctx.today;
  auto missing = logs::resolve_context(*c, *f, form::values_from_json(*f, all), ctx2);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].fields[0], "scheme_id");
}
