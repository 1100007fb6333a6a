#include <gtest/gtest.h>

#include <regex>  // the reference the phrase matcher is checked against (tests only)

#include <map>
#include <set>

#include "expr/ast.h"
#include "expr/eval.h"
#include "expr/lookups.h"

using namespace core;
using namespace core::expr;

namespace {

// A few fields and defs, as a form would supply them.
class TestNames : public Names {
 public:
  std::map<std::string, NameInfo> fields;
  std::map<std::string, Def> defs;
  std::vector<Value> codes = {Value(1), Value(2)};
  TestNames() {
    fields["a"] = {0, Type::Number, nullptr};
    fields["b"] = {1, Type::Number, nullptr};
    fields["renewal"] = {2, Type::Number, &codes};
    fields["name"] = {3, Type::String, nullptr};
    fields["d1"] = {4, Type::Date, nullptr};
    fields["d2"] = {5, Type::Date, nullptr};
    fields["flag"] = {6, Type::Bool, nullptr};
    fields["la"] = {7, Type::String, nullptr};
    defs["both"] = {{}, "a != null && b != null"};
    defs["older(n)"] = {{"n"}, "a >= {n}"};
    defs["loop"] = {{}, "loop"};
  }
  std::optional<NameInfo> lookup(const std::string& n) const override {
    auto it = fields.find(n);
    if (it == fields.end()) return std::nullopt;
    return it->second;
  }
  const Def* def(const std::string& n) const override {
    auto key = n == "older" ? std::string("older(n)") : n;
    auto it = defs.find(key);
    return it == defs.end() ? nullptr : &it->second;
  }
};

class FixedLabels : public Labels {
 public:
  std::string label(int slot, const Value& v) const override { return "label " + std::to_string(slot) + " " + v.text(); }
};

struct Fixture {
  TestNames names;
  std::vector<Value> now = std::vector<Value>(8), before = std::vector<Value>(8);
  Lookups lookups;
  FixedLabels labels;
  Fixture() {
    Table& r = lookups.tables["ranges"];
    r.keys = {"la", "beds"};
    r.columns = {"la", "beds", "soft_max", "name"};
    r.rows["E09000033\x1f" "2\x1f"] = {Value("E09000033"), Value(2), Value(200), Value("two")};
    r.rows["E09000033\x1f" "2.5\x1f"] = {Value("E09000033"), Value(2.5), Value(250.5), Value()};
    lookups.england_codes = {"E09000033"};
    lookups.all_codes = {"E09000033", "S12000033"};
  }
  Value run(const std::string& text) {
    auto n = parse(text, names);
    Env env{now.data(), before.data(), &lookups, &labels};
    return eval(n, env);
  }
};

std::string parse_error(const std::string& text) {
  TestNames names;
  try {
    parse(text, names);
  } catch (const ParseError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Expr, ParsesPrecedenceAndArithmetic) {
  Fixture f;
  EXPECT_TRUE(f.run("1 + 2 * 3 == 7").as_bool());
  EXPECT_TRUE(f.run("(1 + 2) * 3 == 9").as_bool());
  EXPECT_TRUE(f.run("10 / 4 == 2.5").as_bool());
  EXPECT_TRUE(f.run("-2 + 5 == 3").as_bool());
  EXPECT_TRUE(f.run("1 == 1 || 1 == 2 && 1 == 3").as_bool());  // && binds tighter
  EXPECT_FALSE(f.run("!(1 == 1)").truthy());
  EXPECT_TRUE(f.run("3 in [1, 2, 3]").as_bool());
  EXPECT_TRUE(f.run("4 not in [1, 2, 3]").as_bool());
  EXPECT_TRUE(f.run("1 / 0 == null").as_bool());
}

TEST(Expr, NullMeansUnanswered) {
  Fixture f;  // every field is null
  EXPECT_FALSE(f.run("a == 1").truthy());
  EXPECT_TRUE(f.run("a != 1").truthy());
  EXPECT_TRUE(f.run("a == null").truthy());
  EXPECT_FALSE(f.run("a != null").truthy());
  EXPECT_FALSE(f.run("a < 1").truthy());
  EXPECT_FALSE(f.run("a >= 1").truthy());
  EXPECT_FALSE(f.run("a in [1, 2]").truthy());
  EXPECT_TRUE(f.run("a not in [1, 2]").truthy());
  EXPECT_TRUE(f.run("a + 1").null());
  EXPECT_FALSE(f.run("flag").truthy());
  EXPECT_TRUE(f.run("!flag").truthy());
  f.now[0] = Value(5);
  EXPECT_TRUE(f.run("a == 5 && a > 4 && a + 1 == 6").truthy());
}

TEST(Expr, DefsAndMacrosExpandAtParseTime) {
  Fixture f;
  f.now[0] = Value(70);
  EXPECT_FALSE(f.run("both").truthy());
  f.now[1] = Value(1);
  EXPECT_TRUE(f.run("both").truthy());
  EXPECT_TRUE(f.run("older(66)").truthy());
  EXPECT_FALSE(f.run("older(71)").truthy());
  EXPECT_NE(parse_error("older(a)").find("must be literals"), std::string::npos);
  EXPECT_NE(parse_error("older").find("needs 1 arguments"), std::string::npos);
  EXPECT_NE(parse_error("loop").find("refers to itself"), std::string::npos);
}

TEST(Expr, RefusesWhatCannotBeRight) {
  EXPECT_NE(parse_error("renewl == 1").find("unknown field 'renewl'"), std::string::npos);
  EXPECT_NE(parse_error("nosuch(a)").find("unknown function"), std::string::npos);
  EXPECT_NE(parse_error("weekly(a)").find("takes 2"), std::string::npos);
  EXPECT_NE(parse_error("name == 1").find("cannot compare text with number"), std::string::npos);
  EXPECT_NE(parse_error("name + 1").find("arithmetic needs numbers"), std::string::npos);
  EXPECT_NE(parse_error("d1 < 3").find("cannot compare date with number"), std::string::npos);
  EXPECT_NE(parse_error("renewal == 7").find("has no option 7"), std::string::npos);
  EXPECT_NE(parse_error("renewal in [1, 9]").find("has no option 9"), std::string::npos);
  EXPECT_NE(parse_error("a == \"x").find("not closed"), std::string::npos);
  EXPECT_NE(parse_error("a == 1 )").find("unexpected ')'"), std::string::npos);
  EXPECT_NE(parse_error("a ==").find("ends too early"), std::string::npos);
  EXPECT_NE(parse_error("a # 1").find("unexpected character"), std::string::npos);
  EXPECT_NE(parse_error("changed(1)").find("needs a field name"), std::string::npos);
  EXPECT_NE(parse_error("contains_phrase(name, name)").find("literal pattern"), std::string::npos);
  EXPECT_NE(parse_error("contains_phrase(name, [1])").find("list of text phrases"), std::string::npos);
  EXPECT_NE(parse_error("whole_phrase(name, \"x\")").find("list of phrases"), std::string::npos);
  EXPECT_NE(parse_error("matches(name, \"^a\")").find("unknown function"), std::string::npos);
  EXPECT_EQ(parse_error("renewal == 2"), "");
}

TEST(Builtins, Logic) {
  Fixture f;
  f.now[0] = Value(3);
  EXPECT_TRUE(f.run("present(a)").as_bool());
  EXPECT_TRUE(f.run("blank(b)").as_bool());
  EXPECT_EQ(f.run("if(a > 2, 10, 20)").as_int(), 10);
  EXPECT_EQ(f.run("if(a > 5, 10, 20)").as_int(), 20);
  EXPECT_TRUE(f.run("if(a > 5, 10)").null());
  EXPECT_EQ(f.run("coalesce(b, a, 9)").as_int(), 3);
  EXPECT_TRUE(f.run("coalesce(b)").null());
  EXPECT_EQ(f.run("count(a > 1, a > 2, a > 3, b > 0)").as_int(), 2);
  EXPECT_EQ(f.run("sum(a, b, 4)").as_int(), 7);
  EXPECT_EQ(f.run("sum(b)").as_int(), 0);
  EXPECT_EQ(f.run("min(a, 8, b)").as_int(), 3);
  EXPECT_EQ(f.run("max(a, 8, b)").as_int(), 8);
  EXPECT_TRUE(f.run("max(b)").null());
  EXPECT_EQ(f.run("choose(a, [1, 2, 3], [10, 20, 30])").as_int(), 30);
  EXPECT_TRUE(f.run("choose(a, [1, 2], [10, 20])").null());
}

TEST(Builtins, RoundingIsHalfAwayFromZero) {
  Fixture f;
  EXPECT_DOUBLE_EQ(f.run("round(2.675, 2)").as_number(), 2.68);
  EXPECT_DOUBLE_EQ(f.run("round(-2.5, 0)").as_number(), -3);
  EXPECT_EQ(f.run("round(1000 * 12 / 52)").as_int(), 231);
  EXPECT_TRUE(f.run("round(a)").null());
}

TEST(Builtins, ChangedAndPrevious) {
  Fixture f;
  f.before[0] = Value(1);
  f.now[0] = Value(2);
  f.before[1] = Value(5);
  f.now[1] = Value(5);
  EXPECT_TRUE(f.run("changed(a)").as_bool());
  EXPECT_FALSE(f.run("changed(b)").as_bool());
  EXPECT_EQ(f.run("previous(a)").as_int(), 1);
  EXPECT_EQ(f.run("label(a)").as_string(), "label 0 2");
  EXPECT_TRUE(f.run("label(name)").null());
}

TEST(Builtins, Dates) {
  Fixture f;
  f.now[4] = Value(util::Date{2026, 4, 1});
  f.now[5] = Value(util::Date{2027, 3, 31});
  EXPECT_EQ(f.run("days_between(d1, d2)").as_int(), 364);
  EXPECT_EQ(f.run("days_between(d2, d1)").as_int(), -364);
  EXPECT_EQ(f.run("add_days(d1, 14)").as_date(), (util::Date{2026, 4, 15}));
  EXPECT_EQ(f.run("add_days(d1, -1)").as_date(), (util::Date{2026, 3, 31}));
  EXPECT_EQ(f.run("date(2024, 2, 29)").as_date(), (util::Date{2024, 2, 29}));
  EXPECT_TRUE(f.run("date(2026, 2, 31)").null());
  EXPECT_EQ(f.run("year(d2)").as_int(), 2027);
  EXPECT_EQ(f.run("collection_start_year(d2)").as_int(), 2026);
  EXPECT_EQ(f.run("collection_start_year(d1)").as_int(), 2026);
  EXPECT_TRUE(f.run("d1 < d2").as_bool());
  EXPECT_TRUE(f.run("days_between(d1, null)").null());
}

TEST(Builtins, Money) {
  Fixture f;
  EXPECT_DOUBLE_EQ(f.run("weekly(100, 1)").as_number(), 100);
  EXPECT_DOUBLE_EQ(f.run("weekly(433.33, 4)").as_number(), 100);   // 433.33 / 52 * 12 = 99.999…
  EXPECT_DOUBLE_EQ(f.run("weekly(400, 3)").as_number(), 100);      // every 4 weeks
  EXPECT_DOUBLE_EQ(f.run("weekly(100, 11)").as_number(), 98.08);   // 51 payments a year
  EXPECT_TRUE(f.run("weekly(100, 12)").null());
  EXPECT_TRUE(f.run("weekly(100, a)").null());
  EXPECT_DOUBLE_EQ(f.run("per_period(800, 4)").as_number(), 3466.67);
  EXPECT_EQ(f.run("currency(1230)").as_string(), "£1,230.00");
  EXPECT_EQ(f.run("currency(9.5)").as_string(), "£9.50");
  EXPECT_EQ(f.run("currency(-5)").as_string(), "-£5.00");
  EXPECT_EQ(f.run("format_number(1234567)").as_string(), "1,234,567");
  EXPECT_EQ(f.run("format_number(1234.5)").as_string(), "1,234.50");
}

TEST(Builtins, Text) {
  Fixture f;
  f.now[3] = Value("Intro period");
  EXPECT_EQ(f.run("lower(name)").as_string(), "intro period");
  EXPECT_EQ(f.run("upper(name)").as_string(), "INTRO PERIOD");
  EXPECT_EQ(f.run("length(name)").as_int(), 12);
}

TEST(Builtins, PhraseMatchingKeepsTheRealServicesQuirk) {
  Fixture f;
  auto contains = [&](const char* text) {
    f.now[3] = Value(text);
    return f.run("contains_phrase(name, [\"intro\", \"DA\"])").as_bool();
  };
  EXPECT_TRUE(contains("intro"));
  EXPECT_TRUE(contains("the intro"));
  EXPECT_TRUE(contains("intro-period"));
  EXPECT_TRUE(contains("xintro"));
  EXPECT_TRUE(contains("tintro"));
  EXPECT_FALSE(contains("aintro"));
  EXPECT_FALSE(contains("introduction"));
  EXPECT_TRUE(contains("was DA."));
  EXPECT_TRUE(contains("ODA"));
  EXPECT_FALSE(contains("PDA"));
  EXPECT_FALSE(contains("DAY"));
  f.now[3] = Value("  Refugee! ");
  EXPECT_TRUE(f.run("whole_phrase(name, [\"refugee\"])").as_bool());
  f.now[3] = Value("a refugee");
  EXPECT_FALSE(f.run("whole_phrase(name, [\"refugee\"])").as_bool());
  f.now[3] = Value("REFUGEE");
  EXPECT_TRUE(f.run("whole_phrase(name, [\"refugee\"])").as_bool());
  f.now[3] = Value("refugees");
  EXPECT_FALSE(f.run("whole_phrase(name, [\"refugee\"])").as_bool());
}

// The phrase checks run on what users type: one pass, no backtracking, however long the text.
TEST(Builtins, PhraseMatchingOnHostileText) {
  Fixture f;
  auto contains = [&](const std::string& text) {
    f.now[3] = Value(text);
    return f.run("contains_phrase(name, [\"intro\", \"DA\"])").as_bool();
  };
  EXPECT_FALSE(contains(std::string(100000, ' ')));
  EXPECT_FALSE(contains(std::string(100000, 'x')));
  EXPECT_TRUE(contains(std::string(100000, ' ') + "intro"));
  EXPECT_TRUE(contains(std::string(50000, '!') + "DA" + std::string(50000, '!')));
  EXPECT_TRUE(contains(std::string(100000, 'i') + "ntro"));   // "xintro" matches too: the quirk
  EXPECT_FALSE(contains(std::string(100000, 'a') + "intro"));  // no boundary before the run
  EXPECT_TRUE(contains(std::string("a\0b intro", 10)));
  EXPECT_TRUE(contains("\xFF\xFEintro"));
  EXPECT_TRUE(contains("intro1"));   // a digit after the phrase, then the end: a boundary there
  EXPECT_TRUE(contains("DA_x") == false);
  f.now[3] = Value(std::string(100000, '-') + "refugee" + std::string(100000, ' '));
  EXPECT_TRUE(f.run("whole_phrase(name, [\"refugee\"])").as_bool());
  f.now[3] = Value(std::string(100000, '-'));
  EXPECT_FALSE(f.run("whole_phrase(name, [\"refugee\"])").as_bool());
}

// The one-pass matcher gives the answers of the real service's regular expressions: checked against
// std::regex (here only, on short texts) over many texts made of the characters that matter.
TEST(Builtins, PhraseMatchingAgreesWithTheRealServicesRegularExpressions) {
  Fixture f;
  const std::regex contains_re("\\b[^alph:]*(?:intro|DA|Too small)[^a-zA-Z]*\\b", std::regex::ECMAScript | std::regex::icase);
  const std::regex whole_re("^[^a-zA-Z]*(?:intro|DA|Too small)[^a-zA-Z]*$", std::regex::ECMAScript | std::regex::icase);
  const std::string alphabet = "alph:intoDAd Tsm-1_!x";
  uint32_t seed = 12345;
  auto rnd = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
  for (int n = 0; n < 20000; ++n) {
    std::string text;
    for (size_t k = 0, len = rnd() % 12; k < len; ++k) text += alphabet[rnd() % alphabet.size()];
    if (n % 3 == 0) text.insert(rnd() % (text.size() + 1), n % 2 ? "intro" : "da");
    f.now[3] = Value(text);
    ASSERT_EQ(f.run("contains_phrase(name, [\"intro\", \"DA\", \"Too small\"])").as_bool(), std::regex_search(text, contains_re)) << text;
    ASSERT_EQ(f.run("whole_phrase(name, [\"intro\", \"DA\", \"Too small\"])").as_bool(), std::regex_search(text, whole_re)) << text;
  }
}

TEST(Builtins, Postcodes) {
  Fixture f;
  f.now[3] = Value("sw1a1aa");
  EXPECT_EQ(f.run("normalise_postcode(name)").as_string(), "SW1A 1AA");
  EXPECT_TRUE(f.run("valid_postcode(name)").as_bool());
  f.now[3] = Value("NOT A POSTCODE");
  EXPECT_FALSE(f.run("valid_postcode(name)").as_bool());
}

TEST(Builtins, LookupTables) {
  Fixture f;
  f.now[7] = Value("E09000033");
  EXPECT_TRUE(f.run("la_in_england(la)").as_bool());
  EXPECT_TRUE(f.run("la_active(la, date(2026, 4, 1))").as_bool());
  f.now[7] = Value("S12000033");
  EXPECT_FALSE(f.run("la_in_england(la)").as_bool());
  EXPECT_TRUE(f.run("la_active(la, date(2026, 4, 1))").as_bool());
  f.now[7] = Value("X");
  EXPECT_FALSE(f.run("la_active(la, date(2026, 4, 1))").as_bool());
  f.lookups.la_history["E08000016"] = Lookups::LaHistory{"Barnsley", 2021, 2025};
  f.now[7] = Value("E08000016");
  EXPECT_TRUE(f.run("la_in_england(la)").as_bool());
  EXPECT_TRUE(f.run("la_active(la, date(2026, 3, 31))").as_bool());   // 2025/26 collection year
  EXPECT_FALSE(f.run("la_active(la, date(2026, 4, 1))").as_bool());
  EXPECT_EQ(f.run("la_name(la)").as_string(), "Barnsley");
  EXPECT_TRUE(f.run("la_name(\"nope\")").null());
  EXPECT_EQ(f.run("lookup(\"ranges\", \"E09000033\", 2, \"soft_max\")").as_int(), 200);
  EXPECT_EQ(f.run("lookup(\"ranges\", \"E09000033\", 4 / 2, \"soft_max\")").as_int(), 200);  // 2.0 is the key 2
  EXPECT_DOUBLE_EQ(f.run("lookup(\"ranges\", \"E09000033\", 2.5, \"soft_max\")").as_number(), 250.5);
  EXPECT_EQ(f.run("lookup(\"ranges\", \"E09000033\", 2, \"name\")").as_string(), "two");
  EXPECT_TRUE(f.run("lookup(\"ranges\", \"E09000033\", 2.5, \"name\")").null());  // an empty cell
  EXPECT_TRUE(f.run("lookup(\"ranges\", \"E09000033\", 3, \"soft_max\")").null());  // no row
  EXPECT_TRUE(f.run("lookup(\"ranges\", \"E09000033\", 2, \"hard_max\")").null());  // no column
  EXPECT_TRUE(f.run("lookup(\"ranges\", \"E09000033\", a, \"soft_max\")").null());  // a blank key
  EXPECT_TRUE(f.run("lookup(\"nope\", \"E09000033\", 2, \"soft_max\")").null());
}

TEST(Builtins, PostcodePart) {
  Fixture f;
  f.now[3] = Value("sw1a1aa");
  EXPECT_EQ(f.run("postcode_part(name, 1)").as_string(), "SW1A");
  EXPECT_EQ(f.run("postcode_part(name, 2)").as_string(), "1AA");
  f.now[3] = Value(" M1 1AE ");
  EXPECT_EQ(f.run("postcode_part(name, 1)").as_string(), "M1");
  EXPECT_TRUE(f.run("postcode_part(name, 3)").null());
  f.now[3] = Value("NOT A POSTCODE");
  EXPECT_TRUE(f.run("postcode_part(name, 1)").null());
  f.now[3] = Value();
  EXPECT_TRUE(f.run("postcode_part(name, 2)").null());
}

TEST(Builtins, EveryBuiltinIsCoveredHere) {
  // A new builtin must come with a test above; this list is the reminder.
  std::set<std::string> tested = {"present", "blank", "if", "coalesce", "count", "sum", "min", "max", "round", "choose",
                                  "changed", "previous", "label", "days_between", "add_days", "date", "year",
                                  "collection_start_year", "weekly", "per_period", "currency", "format_number", "lower",
                                  "upper", "length", "contains_phrase", "whole_phrase", "valid_postcode",
                                  "normalise_postcode", "postcode_part", "la_in_england", "la_active", "la_name", "lookup"};
  for (auto& b : builtins()) EXPECT_TRUE(tested.count(b.name)) << b.name << " has no test";
}

TEST(Lookups, LoadsTheProjectsOwnTables) {
  auto l = Lookups::load(std::string(CORE_SOURCE_DIR) + "/data", 2026);
  auto rent = Lookups::load_table(std::string(CORE_SOURCE_DIR) + "/data", "rent-ranges-2026.csv", {"la", "lettype", "beds"});
  EXPECT_EQ(rent.rows.size(), 8880u);
  EXPECT_EQ(Lookups::load_table(std::string(CORE_SOURCE_DIR) + "/data", "income-bands-2026.csv", {"ecstat"}).rows.size(), 11u);
  EXPECT_EQ(l.local_authorities_england.size(), 296u);
  EXPECT_GT(l.local_authorities_all.size(), 296u);
  EXPECT_TRUE(l.country_codes.count("826"));
  EXPECT_EQ(l.la_history.at("E08000016").last_year, 2025);
  EXPECT_THROW(Lookups::load("/nonexistent", 2026), std::runtime_error);
  EXPECT_NO_THROW(Lookups::load("/nonexistent", 2026, false));
}

TEST(Lookups, ATableFileIsRefusedWhenItCannotBeRead) {
  std::string data = std::string(CORE_SOURCE_DIR) + "/data";
  EXPECT_THROW(Lookups::load_table(data, "../CMakeLists.txt", {"la"}), std::runtime_error);  // not in data/
  EXPECT_THROW(Lookups::load_table(data, "/etc/passwd", {"la"}), std::runtime_error);
  EXPECT_THROW(Lookups::load_table(data, "rent-ranges-2026.csv", {"nope"}), std::runtime_error);  // no such key column
  EXPECT_THROW(Lookups::load_table(data, "rent-ranges-2026.csv", {"la"}), std::runtime_error);    // keys not unique
  EXPECT_THROW(Lookups::load_table(data, "missing.csv", {"la"}), std::runtime_error);
  EXPECT_NO_THROW(Lookups::load_table(data, "missing.csv", {"la"}, false));
}
