#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <fstream>

#include "form/cases.h"
#include "form/gateway.h"
#include "form/lint.h"
#include "lint_text.h"

using namespace core;
using namespace core::form;
using nlohmann::json;

namespace {

const std::string kRoot = CORE_SOURCE_DIR;
const std::string kData = kRoot + "/data";

std::shared_ptr<const Form> test_form() {
  static auto f = Form::load_checked(kRoot + "/tests/fixtures/forms/2099/lettings.json", kData);
  return f;
}
std::shared_ptr<const Form> lettings_2026() {
  static auto f = Form::load_checked(kRoot + "/forms/2026/lettings.json", kData);
  return f;
}

Context ctx() {
  Context c;
  c.today = util::Date{2099, 6, 1};
  return c;
}

Outcome run(const json& before, const json& changes, Options opt = {}) {
  auto& f = *test_form();
  Values start(f.size());
  if (!before.is_null()) start = apply(f, start, changes_from_json(before), ctx()).values;
  return apply(f, start, changes_from_json(changes), ctx(), opt);
}

const expr::Value& value(const Outcome& o, const char* attr) { return o.values[size_t(test_form()->slot(attr))]; }

bool has_error(const Outcome& o, const std::string& rule, const std::string& field) {
  for (auto& e : o.errors)
    if (e.rule == rule && std::find(e.fields.begin(), e.fields.end(), field) != e.fields.end()) return true;
  return false;
}

std::string message(const Outcome& o, const std::string& rule) {
  for (auto& e : o.errors)
    if (e.rule == rule) return e.message;
  return "";
}

// Lints a definition given as text; returns every problem.
std::vector<std::string> lint_text(const std::string& text) { return test::lint_text(text, kData); }
using test::mentions;

// The small test form with one part replaced.
std::string variant(const std::string& from, const std::string& to) {
  std::ifstream in(kRoot + "/tests/fixtures/forms/2099/lettings.json");
  std::string s((std::istreambuf_iterator<char>(in)), {});
  auto p = s.find(from);
  if (p == std::string::npos) throw std::runtime_error("fixture has no " + from);
  return s.replace(p, from.size(), to);
}

}  // namespace

TEST(Gateway, RefusesInvalidAnswersAndKeepsTheValidOnes) {
  auto o = run(nullptr, {{"needstype", 1}, {"startdate", "2099-02-31"}, {"age1", "forty"}, {"ecstat1", 7},
                         {"brent", -5}, {"nosuch", 1}, {"weekly_rent", 3}, {"sheltered", "1"}});
  EXPECT_EQ(value(o, "needstype").as_int(), 1);
  EXPECT_TRUE(value(o, "startdate").null());
  EXPECT_TRUE(value(o, "age1").null());
  EXPECT_TRUE(value(o, "ecstat1").null());
  EXPECT_TRUE(value(o, "brent").null());
  EXPECT_TRUE(o.input_errors);
  EXPECT_EQ(message(o, "H-DATE-FORMAT"), "Tenancy start date must be a real date.");
  EXPECT_EQ(message(o, "H-NUM-FORMAT"), "Lead tenant’s age must be a number.");
  EXPECT_EQ(message(o, "H-OPTION"), "Select one of the options for lead tenant’s working situation.");
  EXPECT_TRUE(has_error(o, "H-UNKNOWN-FIELD", "nosuch"));
  EXPECT_TRUE(has_error(o, "H-NOT-INPUT", "weekly_rent"));
  EXPECT_FALSE(o.ok());
}

TEST(Gateway, NumericBoundsAndSteps) {
  json setup = {{"needstype", 2}, {"startdate", "2099-05-01"}};
  EXPECT_EQ(message(run(setup, {{"age1", 121}}), "H-NUM-RANGE"), "Lead tenant’s age must be between 16 and 120.");
  EXPECT_EQ(message(run(setup, {{"age1", 30.5}}), "H-NUM-STEP-1"), "Lead tenant’s age must be a whole number.");
  EXPECT_EQ(message(run(setup, {{"brent", -1}}), "H-NUM-MIN"), "Basic rent must be at least £0 every 4 weeks.");
  EXPECT_EQ(message(run(setup, {{"brent", "1.234"}}), "H-NUM-STEP-001"), "Basic rent must be given to the nearest hundredth.");
  auto ok = run(setup, {{"brent", "1,200.50"}, {"age1", "40"}});
  EXPECT_TRUE(ok.ok());
  EXPECT_DOUBLE_EQ(value(ok, "brent").as_number(), 1200.5);
  EXPECT_EQ(value(ok, "age1").as_int(), 40);
}

// A question with only a maximum is still bound-checked (it never was before issue 10).
TEST(Gateway, AQuestionWithOnlyAMaximumIsChecked) {
  auto dir = std::filesystem::temp_directory_path() / ("core-max-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "form.json") << variant("\"min\": 0, \"step\": 0.01", "\"max\": 1000, \"step\": 0.01");
  auto f = Form::load_checked((dir / "form.json").string(), kData);
  std::filesystem::remove_all(dir);
  Values start = apply(*f, Values(f->size()), changes_from_json(json{{"needstype", 2}, {"startdate", "2099-05-01"}}), ctx()).values;
  auto over = apply(*f, start, changes_from_json(json{{"brent", "1000.01"}}), ctx());
  EXPECT_EQ(message(over, "H-NUM-MAX"), "Basic rent must be at most £1,000 every 4 weeks.");
  EXPECT_TRUE(over.values[size_t(f->slot("brent"))].null());
  auto at = apply(*f, start, changes_from_json(json{{"brent", "1000"}}), ctx());
  EXPECT_EQ(message(at, "H-NUM-MAX"), "");
  EXPECT_DOUBLE_EQ(at.values[size_t(f->slot("brent"))].as_number(), 1000);
}

// What no page could send is refused with a message, never thrown or stored (issue 10).
TEST(Gateway, HostileNumbersCodesAndTexts) {
  json setup = {{"needstype", 2}, {"startdate", "2099-05-01"}};
  EXPECT_EQ(message(run(setup, {{"age1", std::string(400, '9')}}), "H-NUM-FORMAT"), "Lead tenant’s age must be a number of 15 digits or fewer.");
  EXPECT_EQ(message(run(setup, {{"age1", std::string(100000, '9')}}), "H-NUM-FORMAT"), "Lead tenant’s age must be a number of 15 digits or fewer.");
  EXPECT_EQ(message(run(setup, {{"age1", "1e308"}}), "H-NUM-FORMAT"), "Lead tenant’s age must be a number.");
  EXPECT_EQ(message(run(setup, {{"age1", 1e308}}), "H-NUM-FORMAT"), "Lead tenant’s age must be a smaller number.");
  EXPECT_EQ(message(run(setup, {{"age1", std::string(100000, ' ') + "40"}}), "H-NUM-FORMAT"), "Lead tenant’s age must be a number.");
  EXPECT_EQ(message(run(setup, {{"ecstat1", std::string(100000, ' ') + "1"}}), "H-OPTION"), "Select one of the options for lead tenant’s working situation.");
  EXPECT_EQ(value(run(setup, {{"ecstat1", "  1 "}}), "ecstat1").as_int(), 1);  // spaces around a code are fine
  EXPECT_EQ(message(run(setup, {{"needstype", std::string(1001, ' ')}}), "H-OPTION"), "Select one of the options for needs type.");
  EXPECT_TRUE(value(run(setup, {{"age1", "   "}}), "age1").null());  // a blank answer is no answer
  // Text: control characters and characters that reorder text are refused, with the question named.
  json sheltered = {{"needstype", 2}, {"startdate", "2099-05-01"}, {"sheltered", 1}};
  for (std::string bad : {std::string("line\nbreak"), std::string("\x01"), std::string("\x1b[31mred"), std::string("abc\xE2\x80\xAEgpj")}) {
    auto o = run(sheltered, {{"sheltered_note", bad}});
    EXPECT_TRUE(has_error(o, "H-TEXT", "sheltered_note")) << bad;
    EXPECT_TRUE(value(o, "sheltered_note").null());
  }
  EXPECT_EQ(message(run(sheltered, {{"sheltered_note", "a\tb"}}), "H-TEXT"), "Tell us more must not contain line breaks, tabs or other control characters.");
  EXPECT_EQ(message(run(sheltered, {{"sheltered_note", "\xE2\x80\xAE"}}), "H-TEXT"), "Tell us more must not contain characters that change the direction of text.");
  EXPECT_EQ(value(run(sheltered, {{"sheltered_note", "Warden on site – Zoë"}}), "sheltered_note").as_string(), "Warden on site – Zoë");
  EXPECT_EQ(message(run(sheltered, {{"sheltered_note", std::string(1001, 'a')}}), "H-TYPE"), "Tell us more must be 1,000 characters or fewer.");
}

TEST(Gateway, ClearsAnswersNoLongerAskedAndDerives) {
  auto before = run(nullptr, {{"needstype", 2}, {"startdate", "2099-05-01"}, {"sheltered", 1}, {"sheltered_note", "warden"},
                              {"brent", 400}, {"need_a", 1}, {"need_none", 1}});
  EXPECT_EQ(value(before, "sheltered").as_int(), 1);
  EXPECT_DOUBLE_EQ(value(before, "weekly_rent").as_number(), 100);
  EXPECT_EQ(value(before, "need_none").as_int(), 0);  // derived: another need is ticked
  auto& f = *test_form();
  auto o = apply(f, before.values, changes_from_json({{"needstype", 1}}), ctx());
  EXPECT_TRUE(value(o, "sheltered").null());
  EXPECT_TRUE(value(o, "sheltered_note").null());
  EXPECT_NE(std::find(o.cleared.begin(), o.cleared.end(), "sheltered"), o.cleared.end());
  EXPECT_NE(std::find(o.cleared.begin(), o.cleared.end(), "sheltered_note"), o.cleared.end());
  // A follow-up answer stays while its page is shown, even when the parent's answer hides it (as in the
  // real service, whose rules then flag it).
  auto o2 = apply(f, before.values, changes_from_json({{"sheltered", 2}}), ctx());
  EXPECT_EQ(value(o2, "sheltered_note").as_string(), "warden");
  auto j = o.to_json(f);
  EXPECT_EQ(j["derived"]["weekly_rent"], 100);
}

TEST(Gateway, HardAndSoftValidationsAndStatus) {
  json setup = {{"needstype", 1}, {"startdate", "2099-05-01"}};
  auto o = run(setup, {{"age1", 17}, {"ecstat1", 5}});
  ASSERT_TRUE(has_error(o, "H-AGE-RETIRED", "age1"));
  EXPECT_TRUE(has_error(o, "H-AGE-RETIRED", "ecstat1"));
  EXPECT_EQ(message(o, "H-AGE-RETIRED"), "A lead tenant aged 17 cannot be retired.");
  EXPECT_EQ(o.errors.size(), 1u);  // one error, two fields
  EXPECT_EQ(o.status, Status::InProgress);

  auto soft = run(setup, {{"age1", 70}, {"ecstat1", 1}, {"need_b", 1}, {"brent", 100}});
  ASSERT_EQ(soft.soft_checks.size(), 1u);
  EXPECT_EQ(soft.soft_checks[0].confirm_field, "retirement_check");
  EXPECT_EQ(soft.soft_checks[0].title, "You told us this person is over 66 and not retired.");
  EXPECT_EQ(soft.status, Status::InProgress);  // the unconfirmed screen counts as unanswered
  EXPECT_TRUE(soft.ok());                      // but never blocks saving
  auto& f = *test_form();
  auto done = apply(f, soft.values, changes_from_json({{"retirement_check", 0}}), ctx());
  EXPECT_TRUE(done.soft_checks.empty());
  EXPECT_EQ(done.status, Status::Completed);
  // The confirmation goes when the screen no longer applies.
  auto retired = apply(f, done.values, changes_from_json({{"ecstat1", 5}}), ctx());
  EXPECT_TRUE(value(retired, "retirement_check").null());
  EXPECT_EQ(retired.status, Status::Completed);
}

TEST(Gateway, SubsectionStatuses) {
  auto& f = *test_form();
  auto empty = apply(f, Values(f.size()), {}, ctx());
  EXPECT_EQ(empty.status, Status::NotStarted);
  EXPECT_EQ(empty.subsections[0], Status::NotStarted);
  EXPECT_EQ(empty.subsections[1], Status::CannotStartYet);
  auto setup = apply(f, Values(f.size()), changes_from_json({{"needstype", 1}, {"startdate", "2099-05-01"}}), ctx());
  EXPECT_EQ(setup.subsections[0], Status::Completed);
  EXPECT_EQ(setup.subsections[1], Status::NotStarted);
  EXPECT_EQ(setup.status, Status::InProgress);
}

TEST(Gateway, PageSubmissionNeedsEveryRequiredAnswer) {
  json setup = {{"needstype", 2}, {"startdate", "2099-05-01"}};
  Options page;
  page.page = "sheltered";
  auto o = run(setup, json::object(), page);
  EXPECT_EQ(message(o, "H-REQ"), "You must answer sheltered.");
  page.page = "needs";
  auto c = run(setup, json::object(), page);
  EXPECT_TRUE(has_error(c, "H-REQ", "need_a"));
  page.page = "sheltered";
  EXPECT_TRUE(run(setup, {{"sheltered", 2}}, page).ok());
}

TEST(Forms, TwoYearsLoadSideBySide) {
  auto a = lettings_2026();
  auto b = test_form();
  EXPECT_EQ(a->year, 2026);
  EXPECT_EQ(b->year, 2099);
  EXPECT_EQ(a->start_date, (util::Date{2026, 4, 1}));
  EXPECT_EQ(a->new_logs_end_date, (util::Date{2027, 7, 3}));
  EXPECT_EQ(a->edit_end_date, (util::Date{2027, 7, 31}));
  EXPECT_EQ(a->pages.size(), 220u);
  EXPECT_GE(a->slot("referral_register"), 0);
  EXPECT_LT(b->slot("referral_register"), 0);
  // Each applies its own rules.
  auto o = apply(*b, Values(b->size()), changes_from_json({{"needstype", 1}, {"startdate", "2099-05-01"}, {"age1", 17}, {"ecstat1", 5}}), ctx());
  EXPECT_TRUE(has_error(o, "H-AGE-RETIRED", "age1"));
  EXPECT_TRUE(lint(*a).empty()) << lint(*a).front();
}

TEST(Lint, FindsUnsoundDefinitions) {
  EXPECT_TRUE(lint_text(variant("", "")).empty());
  EXPECT_TRUE(mentions(lint_text(variant("\"depends_on\": \"needstype == 2\"", "\"depends_on\": \"needstyp == 2\"")),
                       "unknown field 'needstyp'"));
  EXPECT_TRUE(mentions(lint_text(variant("\"depends_on\": \"needstype == 2\"", "\"depends_on\": \"needstype == \"")),
                       "page sheltered depends_on"));
  EXPECT_TRUE(mentions(lint_text(variant("\"depends_on\": \"needstype == 2\"", "\"depends_on\": \"needstype == 2 && startdate == 3\"")),
                       "cannot compare date with number"));
  EXPECT_TRUE(mentions(lint_text(variant("{ \"value\": 2, \"label\": \"Supported housing\" }", "{ \"value\": 1, \"label\": \"Supported housing\" }")),
                       "option 1 is listed twice"));
  EXPECT_TRUE(mentions(lint_text(variant("\"depends_on\": \"needstype == 2\"", "\"depends_on\": \"needstype == 1 && needstype == 2\"")),
                       "page sheltered: unreachable"));
  EXPECT_TRUE(mentions(lint_text(variant("\"depends_on\": \"needstype == 2\"", "\"depends_on\": \"needstype == 3\"")),
                       "has no option 3"));
  EXPECT_TRUE(mentions(lint_text(variant("\"ecstat1\": \"A lead tenant", "\"ecstat9\": \"A lead tenant")),
                       "unknown field 'ecstat9'"));
  EXPECT_TRUE(mentions(lint_text(variant("\"confirm\": \"retirement_check\"", "\"confirm\": \"retirement_chek\"")),
                       "confirm field 'retirement_chek'"));
  EXPECT_TRUE(mentions(lint_text(variant("\"set\": \"weekly_rent\"", "\"set\": \"weekly_rnt\"")), "unknown field 'weekly_rnt'"));
  EXPECT_TRUE(mentions(lint_text(variant("\"values\": { \"age\": \"age1\" }", "\"values\": {}")), "%{age}"));
}

TEST(Lint, ChecksEveryLookupAgainstItsTable) {
  // The fixture with a declared table and one derivation reading it with `call`.
  auto with_lookup = [](const std::string& table, const std::string& call) {
    std::string s = variant("\"variables\": [", "\"tables\": { \"bands\": " + table + " },\n  \"variables\": [");
    std::string from = "\"value\": \"weekly(brent, 3)\"";
    return s.replace(s.find(from), from.size(), "\"value\": \"" + call + "\"");
  };
  const std::string bands = R"({ "file": "income-bands-2026.csv", "keys": ["ecstat"] })";
  EXPECT_TRUE(lint_text(with_lookup(bands, "lookup(\\\"bands\\\", ecstat1, \\\"soft_max\\\")")).empty());
  EXPECT_TRUE(mentions(lint_text(with_lookup(bands, "lookup(\\\"band\\\", ecstat1, \\\"soft_max\\\")")),
                       "undeclared table 'band'"));
  EXPECT_TRUE(mentions(lint_text(with_lookup(bands, "lookup(\\\"bands\\\", ecstat1, 2, \\\"soft_max\\\")")),
                       "takes 1 key(s)"));
  EXPECT_TRUE(mentions(lint_text(with_lookup(bands, "lookup(\\\"bands\\\", ecstat1, \\\"soft_maxx\\\")")),
                       "column the table does not have"));
  EXPECT_TRUE(mentions(lint_text(with_lookup(bands, "lookup(brent, ecstat1, \\\"soft_max\\\")")), "name its table as text"));
  EXPECT_TRUE(mentions(lint_text(with_lookup(R"({ "file": "../secret.csv", "keys": ["ecstat"] })",
                                             "lookup(\\\"bands\\\", ecstat1, \\\"soft_max\\\")")),
                       "must be a file name in data/"));
  EXPECT_TRUE(mentions(lint_text(with_lookup(R"({ "file": "income-bands-2026.csv", "keys": ["nope"] })",
                                             "lookup(\\\"bands\\\", ecstat1, \\\"soft_max\\\")")),
                       "no column 'nope'"));
}

TEST(Gateway, ASubsectionThatDoesNotApplyIsLeftOutOfTheLog) {
  // A sale's subsections for the other types of sale are not part of the log: no pages, no status
  // that holds it back. The discounted ownership log of the complete cases.
  auto f = Form::load_checked(kRoot + "/forms/2026/sales.json", kData);
  std::ifstream in(kRoot + "/tests/cases/sales-2026/complete-logs.json");
  json cases = json::parse(in);
  const json* discounted = nullptr;
  for (auto& c : cases["cases"])
    if (c["expect"]["subsections"].value("discounted_ownership_scheme", "") == "completed") discounted = &c;
  ASSERT_NE(discounted, nullptr);
  Context c;
  c.today = util::Date{2026, 6, 1};
  auto before = apply(*f, Values(f->size()), changes_from_json((*discounted)["before"]), c).values;
  auto o = apply(*f, before, changes_from_json((*discounted)["answers"]), c);
  auto status_of = [&](const std::string& id) {
    for (size_t i = 0; i < f->subsections.size(); ++i)
      if (f->subsections[i].id == id) return o.subsections[i];
    return Status::CannotStartYet;
  };
  EXPECT_EQ(status_of("shared_ownership_initial_purchase"), Status::NotApplicable);
  EXPECT_EQ(status_of("discounted_ownership_scheme"), Status::Completed);
  for (size_t p = 0; p < f->pages.size(); ++p)
    if (f->subsections[size_t(f->pages[p].subsection)].id == "shared_ownership_initial_purchase")
      EXPECT_FALSE(o.routed[p]) << f->pages[p].id;
  // Change the sale to shared ownership: the initial purchase applies, and the log is no longer complete.
  auto shared = apply(*f, o.values, changes_from_json({{"ownershipsch", 1}, {"staircase", 2}}), c);
  for (size_t i = 0; i < f->subsections.size(); ++i)
    if (f->subsections[i].id == "shared_ownership_initial_purchase") EXPECT_NE(shared.subsections[i], Status::NotApplicable);
  EXPECT_NE(shared.status, Status::Completed);
}

TEST(Cases, TheRunnerReportsWhatDoesNotHold) {
  json file = {{"cases", json::array({
      {{"name", "passes"}, {"today", "2099-06-01"}, {"answers", {{"needstype", 1}, {"startdate", "2099-05-01"}, {"age1", 17}, {"ecstat1", 5}}},
       {"expect", {{"rules", {"H-AGE-RETIRED"}}, {"values", {{"needstype", 1}}}}}},
      {{"name", "fails"}, {"today", "2099-06-01"}, {"answers", {{"needstype", 1}}},
       {"expect", {{"rules", {"H-AGE-RETIRED"}}, {"status", "completed"}, {"values", {{"needstype", 2}}},
                   {"subsections", {{"setup", "not_applicable"}, {"nosuch", "completed"}}}}}},
      {{"name", "malformed"}, {"today", "2099-06-01"}, {"expect", {{"rules", {1}}}}},
  })}};
  auto r = run_cases(*test_form(), file);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(r[0].failures.empty());
  EXPECT_EQ(r[1].failures.size(), 5u);
  EXPECT_FALSE(r[2].failures.empty());
}

TEST(Gateway, NumberMessagesUseTheSuffixOfThePageThatAsks) {
  // The rent is asked on one page per rent period; its message follows the period given in the
  // same change, even though "brent" comes before "period" in the answers.
  auto f = lettings_2026();
  form::Context c;
  c.today = util::Date{2026, 6, 1};
  nlohmann::json setup = {{"owning_organisation_id", 1}, {"managing_organisation_id", 1}, {"assigned_to_id", 1}, {"needstype", 1},
                          {"renewal", 0}, {"startdate", "2026-05-01"}, {"rent_type", 0}, {"declaration", 1}};
  auto base = apply(*f, Values(f->size()), changes_from_json(setup), c).values;
  auto message_for = [&](int period) {
    auto o = apply(*f, base, changes_from_json({{"brent", -5}, {"period", period}}), c);
    for (auto& e : o.errors)
      if (e.rule == "H-NUM-MIN") return e.message;
    return std::string();
  };
  EXPECT_EQ(message_for(1), "Basic rent must be at least £0 every week.");
  EXPECT_EQ(message_for(4), "Basic rent must be at least £0 every month.");
}

namespace {

// Same slots, same values, same kinds of value.
void expect_same_values(const Form& f, const Values& a, const Values& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t s = 0; s < a.size(); ++s) {
    EXPECT_EQ(a[s].v.index(), b[s].v.index()) << f.attributes[s].id << ": " << a[s].debug() << " vs " << b[s].debug();
    EXPECT_TRUE(a[s].equals(b[s]) || (a[s].is_list() && b[s].is_list())) << f.attributes[s].id << ": " << a[s].debug() << " vs " << b[s].debug();
  }
}

}  // namespace

TEST(StoredAnswers, TextIsWhatTheJsonLibraryWritesAndReadsForCompleteLogs) {
  auto& f = *lettings_2026();
  std::ifstream in(kRoot + "/tests/cases/lettings-2026/complete-logs.json");
  json file = json::parse(in);
  int logs = 0;
  for (auto& c : file["cases"]) {
    auto context = context_from_json(f, c.value("context", json::object()), util::Date{2026, 6, 1});
    Values start(f.size());
    if (c.contains("before")) start = apply(f, start, changes_from_json(c["before"]), context).values;
    auto o = apply(f, start, changes_from_json(c["answers"]), context);
    std::string text = answers_text(f, o.values);
    EXPECT_EQ(text, o.answers_json(f).dump());
    std::vector<std::string> problems;
    Values back = values_from_text(f, text, &problems);
    EXPECT_TRUE(problems.empty());
    expect_same_values(f, back, values_from_json(f, json::parse(text)));
    Values stored = o.values;
    for (int s : f.context_slots)
      if (s >= 0) stored[size_t(s)] = expr::Value();
    expect_same_values(f, back, stored);
    ++logs;
  }
  EXPECT_GE(logs, 2);
}

TEST(StoredAnswers, StringsNumbersAndBadInput) {
  auto& f = *lettings_2026();
  int code = f.slot("tenancycode"), start = f.slot("startdate"), beds = f.slot("beds"), brent = f.slot("brent");
  ASSERT_GE(code, 0);
  Values v(f.size());
  // Quotes, backslashes, control characters, non-ASCII text and a character outside the BMP.
  std::string awkward = "a\"b\\c\n\t\x01/ caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
  v[size_t(code)] = expr::Value(awkward);
  v[size_t(start)] = expr::Value(util::Date{2026, 4, 1});
  v[size_t(beds)] = expr::Value(int64_t(-3));
  v[size_t(brent)] = expr::Value(125.5);
  std::string text = answers_text(f, v);
  EXPECT_EQ(text, json({{"beds", -3}, {"brent", 125.5}, {"startdate", "2026-04-01"}, {"tenancycode", awkward}}).dump());
  expect_same_values(f, values_from_text(f, text), v);

  // Escapes the library does not write are read too: \u with a surrogate pair, \/.
  Values esc = values_from_text(f, R"({ "tenancycode" : "x\u00e9\ud83d\ude00\/y" , "beds":2.0, "brent":1e2 })");
  EXPECT_EQ(esc[size_t(code)].as_string(), "x\xC3\xA9\xF0\x9F\x98\x80/y");
  EXPECT_TRUE(esc[size_t(beds)].is_int());  // whole decimals are integers, as from_json makes them
  EXPECT_EQ(esc[size_t(brent)].as_int(), 100);

  // Bytes that are not UTF-8 are written as U+FFFD, so the text stays valid JSON.
  v[size_t(code)] = expr::Value(std::string("A\xFF" "B\xC3"));
  std::string bad = answers_text(f, v);
  EXPECT_EQ(json::parse(bad)["tenancycode"], "A\xEF\xBF\xBD" "B\xEF\xBF\xBD");

  // Unknown keys, context names and impossible dates are problems; the rest is read.
  std::vector<std::string> problems;
  Values p = values_from_text(f, R"({"nonsense":1,"today":"2026-01-01","startdate":"2026-02-30","beds":4})", &problems);
  EXPECT_EQ(problems, (std::vector<std::string>{"nonsense", "today", "startdate"}));
  EXPECT_EQ(p[size_t(beds)].as_int(), 4);
  EXPECT_TRUE(p[size_t(start)].null());

  // Numbers beyond 64 bits, nested values and broken text: whatever the JSON library makes of them.
  for (std::string t : {R"({"beds":123456789012345678901234})", R"({"tenancycode":["a",1],"beds":1})", R"({"beds":1)", "", "[1]",
                        R"({"beds":1} x)", R"({"beds":01})", R"({"tenancycode":"\x"})"}) {
    json parsed = json::parse(t, nullptr, false);
    expect_same_values(f, values_from_text(f, t), values_from_json(f, parsed));
  }
}

// Every expression of a form runs from the form's one program, where a def instance's body is
// compiled once however many expressions call it (expr/program.h).
TEST(Forms, ExpressionsAreCompiledTogetherWithEachDefOnce) {
  auto& f = *lettings_2026();
  ASSERT_TRUE(f.program);
  size_t roots = 0, tree_nodes = 0, elsewhere = 0;
  std::function<void(const expr::Node&)> count = [&](const expr::Node& n) {
    ++tree_nodes;
    for (auto& k : n.kids) count(*k);
  };
  auto check = [&](const expr::NodePtr& n) {
    if (!n) return;
    ++roots;
    count(*n);
    if (n.program != f.program.get() || n.own) ++elsewhere;
  };
  for (auto& p : f.pages) {
    check(p.depends_on);
    for (auto& q : p.questions) {
      check(q.derived_when);
      for (auto& o : q.options) check(o.depends_on);
    }
  }
  for (auto& d : f.derivations) check(d.value);
  for (auto& r : f.rules) check(r.when);
  EXPECT_GT(roots, 500u);
  EXPECT_EQ(elsewhere, 0u);
  // The trees repeat each def's body at every call; the program holds it once.
  EXPECT_LT(f.program->size() * 3, tree_nodes);
}

// form.quarter_deadlines: dates, in order, inside the collection window (the home pages show them).
TEST(FormLint, QuarterDeadlinesAreDatesInOrderWithinTheWindow) {
  const std::string at = "\"edit_end_date\": \"2100-07-31\"";
  auto with = [&](const std::string& list) { return lint_text(variant(at, at + ", \"quarter_deadlines\": " + list)); };
  EXPECT_TRUE(with("[\"2099-07-10\", \"2099-10-09\", \"2100-01-15\"]").empty());
  EXPECT_TRUE(mentions(with("[\"2099-07-10\", \"2099-13-01\"]"), "'quarter_deadlines' must hold only dates"));
  EXPECT_TRUE(mentions(with("[\"10 July 2099\"]"), "'quarter_deadlines' must hold only dates"));
  EXPECT_TRUE(mentions(with("[20990710]"), "'quarter_deadlines' must hold only dates"));
  EXPECT_TRUE(mentions(with("\"2099-07-10\""), "'quarter_deadlines' must be a list of dates"));
  EXPECT_TRUE(mentions(with("[\"2099-10-09\", \"2099-07-10\"]"), "must be in order"));
  EXPECT_TRUE(mentions(with("[\"2099-03-01\"]"), "must fall after start_date and before submission_deadline"));
  EXPECT_TRUE(mentions(with("[\"2100-08-01\"]"), "must fall after start_date and before submission_deadline"));
  // The 2026/27 forms carry the real cut-offs.
  std::vector<util::Date> want = {{2026, 7, 10}, {2026, 10, 9}, {2027, 1, 15}};
  EXPECT_EQ(lettings_2026()->quarter_deadlines, want);
  EXPECT_EQ(Form::load_checked(kRoot + "/forms/2026/sales.json", kData)->quarter_deadlines, want);
  EXPECT_TRUE(test_form()->quarter_deadlines.empty()) << "optional";
}

// A page heading names answers as %{answer}: filled in with the answer's text, checked by the linter.
TEST(Form, PageHeadingsNameAnswers) {
  auto f = Form::load_checked(kRoot + "/tests/fixtures/forms/2099/lettings.json", kData);
  Values v(f->size());
  v[size_t(f->slot("needstype"))] = expr::Value(int64_t(2));
  v[size_t(f->slot("age1"))] = expr::Value(int64_t(37));
  EXPECT_EQ(f->fill_in("Housing of type %{needstype} for someone aged %{age1}", v), "Housing of type Supported housing for someone aged 37");
  EXPECT_EQ(f->fill_in("%{age1} and %{age1}", v), "37 and 37");
  EXPECT_EQ(f->fill_in("Nobody: %{sheltered}.", v), "Nobody: .") << "an unanswered answer is blank";
  EXPECT_EQ(f->fill_in("No names here", v), "No names here");
  EXPECT_TRUE(lint_text(variant("{ \"id\": \"sheltered\", \"depends_on\"", "{ \"id\": \"sheltered\", \"header\": \"For %{age1}\", \"depends_on\"")).empty());
  EXPECT_TRUE(mentions(lint_text(variant("{ \"id\": \"sheltered\", \"depends_on\"", "{ \"id\": \"sheltered\", \"header\": \"For %{nobody}\", \"depends_on\"")),
                       "page sheltered: the header uses %{nobody}, which is not an answer"));
}
