// Duplicate keys as the form definitions describe them (form.log.duplicates): parsed and linted
// from the definition, and worked out from a log's answers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "form/cases.h"
#include "form/duplicates.h"
#include "form/registry.h"
#include "form/lint.h"
#include "lint_text.h"

using namespace core;
using namespace core::form;
using nlohmann::json;

namespace {

const std::string kRoot = CORE_SOURCE_DIR;
const std::string kData = kRoot + "/data";

// The 2026 form of the type, loaded once per process (form/registry.h).
std::shared_ptr<const Form> form_2026(const std::string& type) { return form::get(type, 2026); }

// The first complete log of the kind's rule cases, through the gateway.
Values complete_log(const Form& f, const std::string& type) {
  std::ifstream in(kRoot + "/tests/cases/" + type + "-2026/complete-logs.json");
  json c = json::parse(in)["cases"][0];
  auto ctx = context_from_json(f, c.value("context", json::object()), util::Date{2026, 5, 10});
  auto setup = apply(f, Values(f.size()), changes_from_json(c["before"]), ctx).values;
  auto o = apply(f, setup, changes_from_json(c["answers"]), ctx);
  EXPECT_TRUE(o.ok());
  return o.values;
}

// Another value of the attribute's type: another code, one more, another text or day.
expr::Value other_value(const Attribute& a, const expr::Value& v) {
  for (auto& code : a.codes)
    if (!code.equals(v)) return code;
  if (v.is_number()) return expr::number(v.as_number() + 1);
  if (v.is_date()) return expr::from_day_number(expr::day_number(v.as_date()) + 1);
  if (v.is_string()) return v.as_string() + "X";
  if (a.type == expr::Type::String) return "X";
  return expr::Value(12345);
}

std::vector<std::string> lint_text(const std::string& text) { return test::lint_text(text, kData); }
using test::mentions;

// The small test form, with a `log` description added.
std::string with_log(const std::string& log) {
  std::ifstream in(kRoot + "/tests/fixtures/forms/2099/lettings.json");
  std::string s((std::istreambuf_iterator<char>(in)), {});
  const std::string from = "\"edit_end_date\": \"2100-07-31\"";
  auto p = s.find(from);
  if (p == std::string::npos) throw std::runtime_error("the fixture has changed");
  return s.replace(p, from.size(), from + ", \"log\": " + log);
}

}  // namespace

TEST(DuplicateKeys, BothDefinitionsDescribeTheirKeys) {
  auto lettings = form_2026("lettings");
  auto sales = form_2026("sales");
  const std::vector<std::string> l = lettings->log.duplicates.match, s = sales->log.duplicates.match;
  for (const char* k : {"owning_organisation_id", "tenancycode", "startdate", "age1_known", "age1", "sexrab1", "ecstat1", "tcharge",
                        "household_charge", "chcharge", "postcode_full", "address_line1", "uprn"})
    EXPECT_NE(std::find(l.begin(), l.end(), k), l.end()) << k;
  for (const char* k : {"owning_organisation_id", "purchid", "saledate", "age1_known", "age1", "sexrab1", "ecstat1", "postcode_full",
                        "address_line1", "uprn"})
    EXPECT_NE(std::find(s.begin(), s.end(), k), s.end()) << k;
  EXPECT_EQ(std::find(l.begin(), l.end(), "location_id"), l.end());  // from 2026 the location is not a key
  EXPECT_TRUE(lettings->log.duplicates.when);
  EXPECT_TRUE(sales->log.duplicates.when);
}

// Every match answer, changed alone, changes the key; the same answers give the same key.
TEST(DuplicateKeys, EachMatchAnswerChangesTheKey) {
  for (std::string type : {"lettings", "sales"}) {
    auto f = form_2026(type);
    Values v = complete_log(*f, type);
    v[size_t(f->slot("owning_organisation_id"))] = expr::Value(7);
    auto key = duplicate_text(*f, v);
    ASSERT_TRUE(key) << type;
    EXPECT_EQ(duplicate_text(*f, Values(v)), key);
    for (int slot : f->log.duplicates.match_slots) {
      const Attribute& a = f->attributes[size_t(slot)];
      Values changed = v;
      changed[size_t(slot)] = other_value(a, v[size_t(slot)]);
      auto other = duplicate_text(*f, changed);
      EXPECT_NE(other, key) << type << " " << a.id;
    }
  }
}

TEST(DuplicateKeys, WholeNumbersAreWrittenOneWay) {
  auto f = form_2026("lettings");
  Values v = complete_log(*f, "lettings");
  Values w = v;
  v[size_t(f->slot("tcharge"))] = expr::Value(int64_t(100));
  w[size_t(f->slot("tcharge"))] = expr::Value(100.0);
  EXPECT_EQ(duplicate_text(*f, v), duplicate_text(*f, w));
}

// A log whose key answers are not all given is not considered at all.
TEST(DuplicateKeys, LogsWithoutTheirKeyAnswersAreNotConsidered) {
  auto lettings = form_2026("lettings");
  Values v = complete_log(*lettings, "lettings");
  ASSERT_TRUE(duplicate_text(*lettings, v));
  for (const char* attr : {"startdate", "needstype", "sexrab1", "ecstat1", "tcharge", "postcode_full"}) {
    Values w = v;
    w[size_t(lettings->slot(attr))] = expr::Value();
    EXPECT_FALSE(duplicate_text(*lettings, w)) << attr;
  }
  // The age not known, or no rent because the household pays none, still count as answered.
  Values unknown_age = v;
  unknown_age[size_t(lettings->slot("age1"))] = expr::Value();
  unknown_age[size_t(lettings->slot("age1_known"))] = expr::Value(1);
  EXPECT_TRUE(duplicate_text(*lettings, unknown_age));
  Values no_rent = v;
  no_rent[size_t(lettings->slot("tcharge"))] = expr::Value();
  no_rent[size_t(lettings->slot("household_charge"))] = expr::Value(1);
  EXPECT_TRUE(duplicate_text(*lettings, no_rent));
  // An address is a postcode and line 1, or a UPRN.
  Values uprn_only = v;
  uprn_only[size_t(lettings->slot("postcode_full"))] = expr::Value();
  uprn_only[size_t(lettings->slot("uprn"))] = expr::Value(int64_t(10010457355));
  EXPECT_TRUE(duplicate_text(*lettings, uprn_only));

  auto sales = form_2026("sales");
  Values s = complete_log(*sales, "sales");
  ASSERT_TRUE(duplicate_text(*sales, s));
  for (const char* attr : {"saledate", "sexrab1", "address_line1"}) {
    Values w = s;
    w[size_t(sales->slot(attr))] = expr::Value();
    EXPECT_FALSE(duplicate_text(*sales, w)) << attr;
  }
  Values no_ecstat = s;  // not required from 2025
  no_ecstat[size_t(sales->slot("ecstat1"))] = expr::Value();
  EXPECT_TRUE(duplicate_text(*sales, no_ecstat));
  Values no_age = s;
  no_age[size_t(sales->slot("age1"))] = expr::Value();
  EXPECT_FALSE(duplicate_text(*sales, no_age));
  no_age[size_t(sales->slot("age1_known"))] = expr::Value(2);  // prefers not to say
  EXPECT_TRUE(duplicate_text(*sales, no_age));
}

TEST(DuplicateKeys, TheLinterRefusesWhatItCannotResolve) {
  auto bad = lint_text(with_log(R"({"duplicates": {"match": ["startdate", "nosuch", "startdate"], "mach": [], "when": "startdate >"}})"));
  EXPECT_TRUE(mentions(bad, "match names an unknown answer 'nosuch'"));
  EXPECT_TRUE(mentions(bad, "match names 'startdate' twice"));
  EXPECT_TRUE(mentions(bad, "unknown key 'mach'"));
  EXPECT_TRUE(mentions(bad, "form.log.duplicates when"));
  EXPECT_TRUE(mentions(bad, "no owning_organisation_id"));
  EXPECT_TRUE(mentions(lint_text(with_log(R"({"duplicates": {"match": []}})")), "match must list"));
  EXPECT_TRUE(mentions(lint_text(with_log(R"({"duplicates": {"match": ["today"]}})")), "unknown answer 'today'"));
  EXPECT_TRUE(mentions(lint_text(with_log(R"({"duplicates": {"match": ["startdate"], "when": "user_role == \"support\""}})")),
                       "reads the context value 'user_role'"));
  // A form without duplicates has no key.
  auto dir = std::filesystem::temp_directory_path() / ("core-dup-none-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "form.json") << with_log("{}");
  auto f = Form::load_checked((dir / "form.json").string(), kData);
  std::filesystem::remove_all(dir);
  EXPECT_FALSE(duplicate_text(*f, Values(f->size())));
}
