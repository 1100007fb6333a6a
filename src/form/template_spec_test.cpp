#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <unistd.h>

#include "expr/eval.h"
#include "form/registry.h"
#include "form/template_spec.h"

using namespace core;
using namespace core::form;
using nlohmann::json;

namespace {

const std::string kRoot = CORE_SOURCE_DIR;
const std::string kData = kRoot + "/data";

// The 2026 form of the type, loaded once per process (form/registry.h).
std::shared_ptr<const Form> form_2026(const std::string& type) { return form::get(type, 2026); }

// A small lettings spec that lints clean against the 2026 form; each test breaks one thing.
json small_spec() {
  return json::parse(R"js({
    "template": { "type": "lettings", "year": 2026, "form": "lettings.json",
                  "header_rows": ["Question", "Field number"], "field_number_row": 2 },
    "year_check": { "attribute": "startdate", "fields": [2, 3, 4], "message": "wrong_year" },
    "messages": { "wrong_year": "Incorrect start dates, please ensure you have used the correct template." },
    "fields": [
      { "field": 1, "attribute": "renewal", "read": "yes_no", "yes": 1, "no": 0 },
      { "field": 2, "attribute": "startdate", "read": "date_part", "part": "day" },
      { "field": 3, "attribute": "startdate", "read": "date_part", "part": "month" },
      { "field": 4, "attribute": "startdate", "read": "date_part", "part": "year" },
      { "field": 5, "attribute": "rent_type", "read": "code", "codes": { "1": 0, "2": 1 } },
      { "field": 6, "attribute": "sexrab1", "read": "code" },
      { "field": 7, "attribute": "age1", "read": "number_or_r", "flag": { "attribute": "age1_known", "number": 0, "r": 1 } },
      { "field": 8, "attribute": "postcode_full", "read": "postcode_half", "part": "outward" },
      { "field": 9, "attribute": "postcode_full", "read": "postcode_half", "part": "inward" },
      { "field": 10, "read": "code", "codes": [0, 1] },
      { "field": 11, "attribute": "owning_organisation_id", "read": "organisation", "when": "renewal == 1" },
      { "field": 12, "read": "ignored" }
    ],
    "derive": [ { "set": "housingneeds_type", "when": "present(field_10)", "value": "if(field_10 == \"1\", 0, 3)" } ],
    "rules": [ { "id": "R1", "when": "blank(field_10) && renewal == 1",
                 "messages": { "10": "You must answer access needs.", "1 if present(field_1)": "Check the renewal." } } ]
  })js");
}

std::vector<std::string> lint_json(const json& j) {
  std::string error;
  auto spec = load_template_spec(j, error);
  EXPECT_TRUE(spec) << error;
  if (!spec) return {"did not load: " + error};
  return lint_template_spec(*spec, *form_2026("lettings"));
}

bool has_problem(const std::vector<std::string>& problems, const std::string& start, const std::string& part) {
  for (auto& p : problems)
    if (p.rfind(start, 0) == 0 && p.find(part) != std::string::npos) return true;
  return false;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += x + "\n";
  return s;
}

}  // namespace

TEST(TemplateSpec, TheRealSpecsLintCleanAgainstTheirForms) {
  for (std::string type : {"lettings", "sales"}) {
    std::string error;
    auto spec = load_template_spec_file(kRoot + "/forms/2026/" + template_spec_file_name(type), error);
    ASSERT_TRUE(spec) << type << ": " << error;
    EXPECT_EQ(spec->type, type);
    EXPECT_EQ(spec->year, 2026);
    auto problems = lint_template_spec(*spec, *form_2026(type));
    EXPECT_TRUE(problems.empty()) << type << ":\n" << joined(problems);
    // The template's header rows end with the "Field number" row, which aligns the columns.
    ASSERT_EQ(spec->header_rows.size(), 8u);
    EXPECT_EQ(spec->field_number_row, 8);
    EXPECT_EQ(spec->header_rows.back(), "Field number");
  }
}

TEST(TemplateSpec, TheRealSpecsHaveEveryFieldOfTheTemplate) {
  std::string error;
  auto lettings = load_template_spec_file(kRoot + "/forms/2026/lettings-bulk-upload.json", error);
  auto sales = load_template_spec_file(kRoot + "/forms/2026/sales-bulk-upload.json", error);
  ASSERT_TRUE(lettings && sales) << error;
  EXPECT_EQ(lettings->fields.size(), 147u);
  EXPECT_EQ(sales->fields.size(), 136u);
  // A few fields read as the reference says.
  auto* rent_type = lettings->field(11);
  ASSERT_TRUE(rent_type);
  EXPECT_EQ(rent_type->attribute, "rent_type");
  EXPECT_EQ(rent_type->reader, Reader::Code);
  ASSERT_EQ(rent_type->codes.size(), 7u);
  EXPECT_EQ(rent_type->codes[0].first, "1");
  EXPECT_TRUE(rent_type->codes[0].second.equals(expr::Value(0)));
  auto* day = lettings->field(8);
  ASSERT_TRUE(day);
  EXPECT_EQ(day->reader, Reader::DatePart);
  EXPECT_EQ(day->attribute, "startdate");
  EXPECT_TRUE(day->setup);
  EXPECT_EQ(lettings->year_check.fields, (std::vector<int>{8, 9, 10}));
  EXPECT_EQ(sales->year_check.attribute, "saledate");
  EXPECT_EQ(sales->field(4)->reader, Reader::Organisation);
  EXPECT_EQ(sales->field(34)->reader, Reader::Nationality);
  EXPECT_NE(lettings->message("blank_template").find("Template is blank"), std::string::npos);
  EXPECT_NE(sales->message("wrong_field_count").find("sales 2026"), std::string::npos);
  EXPECT_EQ(lettings->field(41)->invalid, "Age of person 1 must be a number or the letter R");
  // The bulk-upload-only checks over several cells are rules, their messages on the fields named.
  const TemplateRule* charges = nullptr;
  for (auto& r : lettings->rules)
    if (r.id == "L-CHARGES-ALL-OR-NONE") charges = &r;
  ASSERT_TRUE(charges);
  ASSERT_EQ(charges->messages.size(), 8u);
  EXPECT_EQ(charges->messages[0].field, 142);
  EXPECT_EQ(charges->messages[0].when, "blank(field_142)");
}

TEST(TemplateSpec, ASmallSoundSpecLintsClean) {
  auto problems = lint_json(small_spec());
  EXPECT_TRUE(problems.empty()) << joined(problems);
}

TEST(TemplateSpec, AnUnknownAttributeIsReportedWithItsField) {
  json j = small_spec();
  j["fields"][5]["attribute"] = "sexrab99";
  auto problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "field 6: ", "sexrab99")) << joined(problems);
  EXPECT_EQ(problems.size(), 1u) << joined(problems);
}

TEST(TemplateSpec, ACodeThatIsNotAnOptionIsReportedWithItsField) {
  json j = small_spec();
  j["fields"][4]["codes"]["3"] = 42;  // rent_type has no option 42
  auto problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "field 5: ", "42")) << joined(problems);
  EXPECT_EQ(problems.size(), 1u) << joined(problems);

  j = small_spec();
  j["fields"][0]["no"] = 2;  // renewal's options are 1 and 0
  problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "field 1: ", "'no' is 2")) << joined(problems);

  j = small_spec();
  j["fields"][6]["flag"]["r"] = "R";  // age1_known's options are numbers
  problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "field 7: ", "age1_known")) << joined(problems);
}

TEST(TemplateSpec, ARepeatedOrMissingFieldNumberIsReported) {
  json j = small_spec();
  j["fields"][11]["field"] = 11;  // two field 11s, no field 12
  auto problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "field 11: ", "more than once")) << joined(problems);
  EXPECT_TRUE(has_problem(problems, "field 12: ", "missing")) << joined(problems);

  j = small_spec();
  j["fields"][11]["field"] = 13;  // a gap at 12
  problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "field 13: ", "from 1 to 12")) << joined(problems);
  EXPECT_TRUE(has_problem(problems, "field 12: ", "missing")) << joined(problems);
}

TEST(TemplateSpec, AnUnknownReaderIsReportedWithItsField) {
  json j = small_spec();
  j["fields"][5]["read"] = "guess";
  auto problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "field 6: ", "unknown reader 'guess'")) << joined(problems);
  EXPECT_EQ(problems.size(), 1u) << joined(problems);
}

TEST(TemplateSpec, ADatesPartsMustNameOneDateAttribute) {
  json j = small_spec();
  j["fields"][2]["attribute"] = "voiddate";  // startdate's month read into another date
  auto problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "field 2: ", "startdate has no month part")) << joined(problems);
  EXPECT_TRUE(has_problem(problems, "field 3: ", "voiddate has no day part")) << joined(problems);
  EXPECT_TRUE(has_problem(problems, "year_check: ", "field 3 is not a part of startdate")) << joined(problems);

  j = small_spec();
  j["fields"][3]["part"] = "day";  // two days, no year
  problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "field 4: ", "already read from field 2")) << joined(problems);

  j = small_spec();
  j["fields"][1]["attribute"] = "tenancycode";  // text, not a date
  problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "field 2: ", "needs a date attribute")) << joined(problems);
}

TEST(TemplateSpec, ReadersMustSuitTheirAttributes) {
  json j = small_spec();
  j["fields"][10]["attribute"] = "tenancycode";  // organisation reader on a text answer
  auto problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "field 11: ", "organisations_owning")) << joined(problems);

  j = small_spec();
  j["fields"][4]["attribute"] = "renttype";  // worked out by the form from rent_type: not an input
  j["fields"][4]["codes"] = json::array({1, 2});
  j["derive"][0]["set"] = "hhtype";
  problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "field 5: ", "renttype is worked out by the form")) << joined(problems);
  EXPECT_TRUE(has_problem(problems, "derive[0] (hhtype): ", "worked out by the form")) << joined(problems);

  j = small_spec();
  j["fields"][11]["attribute"] = "propcode";  // an ignored field fills nothing
  problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "field 12: ", "ignored")) << joined(problems);
}

TEST(TemplateSpec, ExpressionsAreParsedAgainstTheForm) {
  json j = small_spec();
  j["fields"][10]["when"] = "renewal == ";
  auto problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "field 11: ", "when 'renewal == '")) << joined(problems);

  j = small_spec();
  j["derive"][0]["value"] = "if(field_99 == \"1\", 0, 3)";  // there is no field 99
  problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "derive[0] (housingneeds_type): ", "field_99")) << joined(problems);

  j = small_spec();
  j["derive"][0]["set"] = "no_such_answer";
  problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "derive[0] (no_such_answer): ", "not an attribute")) << joined(problems);
}

TEST(TemplateSpec, RulesAreCheckedAgainstTheFormAndTheFields) {
  json j = small_spec();
  auto& r = j["rules"][0];
  r["when"] = "blank(field_10) && renewal == 7";  // 7 is not an option of renewal
  r["category"] = "fatal";
  r["messages"]["13"] = "Not a field.";
  r["messages"]["1 if present(field_1"] = "Does not parse.";
  j["rules"].push_back(j["rules"][0]);
  auto problems = lint_json(j);
  EXPECT_TRUE(has_problem(problems, "rule R1: when ", "renewal == 7")) << joined(problems);
  EXPECT_TRUE(has_problem(problems, "rule R1: ", "category 'fatal'")) << joined(problems);
  EXPECT_TRUE(has_problem(problems, "rule R1: ", "field 13 is not a field of the template")) << joined(problems);
  EXPECT_TRUE(has_problem(problems, "rule R1: field 1 if 'present(field_1'", "")) << joined(problems);
  EXPECT_TRUE(has_problem(problems, "rule R1: ", "the id is used twice")) << joined(problems);

  j = small_spec();
  j["rules"][0]["messages"]["ten"] = "A key that is not a field.";
  std::string error;
  EXPECT_FALSE(load_template_spec(j, error));
  EXPECT_EQ(error.rfind("rules[0].messages.ten: ", 0), 0u) << error;
  j = small_spec();
  j["rules"][0]["messages"]["10 when x"] = "Not ' if '.";
  EXPECT_FALSE(load_template_spec(j, error));
  EXPECT_NE(error.find("rules[0].messages.10 when x"), std::string::npos) << error;
}

TEST(TemplateSpec, ExpressionsReadCellsByFieldNumberBesideTheAnswers) {
  // A derivation of the real spec: housing needs type from the tick cells 94-96.
  const Form& f = *form_2026("lettings");
  std::string error;
  auto spec = load_template_spec_file(kRoot + "/forms/2026/lettings-bulk-upload.json", error);
  ASSERT_TRUE(spec) << error;
  const TemplateDerivation* type = nullptr;
  for (auto& d : spec->derive)
    if (d.set == "housingneeds_type") type = &d;
  ASSERT_TRUE(type);
  auto value = parse_spec_expression(type->value, f, int(spec->fields.size()));
  std::vector<expr::Value> vals(f.size() + spec->fields.size());
  expr::Env env;
  env.now = env.before = vals.data();
  env.lookups = &f.lookups;
  EXPECT_TRUE(expr::eval(value, env).equals(expr::Value(3)));  // nothing ticked: none of a, b, c
  vals[size_t(field_slot(f, 95))] = expr::Value("1");
  EXPECT_TRUE(expr::eval(value, env).equals(expr::Value(1)));  // b) wheelchair access to essential rooms
  vals[size_t(field_slot(f, 94))] = expr::Value("1");
  EXPECT_TRUE(expr::eval(value, env).equals(expr::Value(0)));  // a) comes first
  EXPECT_THROW(parse_spec_expression("field_148 == \"1\"", f, 147), expr::ParseError);
}

TEST(TemplateSpec, AMalformedSpecIsAnErrorWithItsPathNotACrash) {
  struct Case {
    json j;
    std::string error;
  };
  std::vector<Case> cases;
  cases.push_back({json::array(), "must be an object"});
  cases.push_back({json::object(), "template: is missing"});
  json j = small_spec();
  j["fields"] = "no";
  cases.push_back({j, "fields: must be a list"});
  j = small_spec();
  j["fields"][4]["codes"] = 7;
  cases.push_back({j, "fields[4].codes: must be a list or an object"});
  j = small_spec();
  j["fields"][4]["codes"]["3"] = json::array();
  cases.push_back({j, "fields[4].codes.3: must be a whole number, text or null"});
  j = small_spec();
  j["fields"][2].erase("read");
  cases.push_back({j, "fields[2].read: is missing"});
  j = small_spec();
  j["fields"][0]["field"] = "one";
  cases.push_back({j, "fields[0].field: must be a whole number"});
  j = small_spec();
  j["fields"][6]["flag"] = json::array({1});
  cases.push_back({j, "fields[6].flag: must be an object"});
  j = small_spec();
  j["template"]["year"] = 1e300;
  cases.push_back({j, "template.year: must be a whole number"});
  j = small_spec();
  j["messages"]["wrong_year"] = 3;
  cases.push_back({j, "messages.wrong_year: must be text"});
  j = small_spec();
  j["fields"][0]["attribut"] = "renewal";
  cases.push_back({j, "fields[0]: unknown key 'attribut'"});
  j = small_spec();
  j["extra"] = 1;
  cases.push_back({j, "unknown key 'extra'"});
  j = small_spec();
  j["rules"][0]["fields"] = json::array({1});
  cases.push_back({j, "rules[0]: unknown key 'fields'"});
  for (auto& c : cases) {
    std::string error;
    auto spec = load_template_spec(c.j, error);
    EXPECT_FALSE(spec) << c.j.dump();
    EXPECT_EQ(error, c.error) << c.j.dump();
  }
}

TEST(TemplateSpec, AFileThatIsNotJsonIsAnError) {
  auto dir = std::filesystem::temp_directory_path() / ("template_spec_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "lettings-bulk-upload.json").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << "{ \"template\": { \"type\": \"lettings\", \xff\xfe";
  }
  std::string error;
  EXPECT_FALSE(load_template_spec_file(path, error));
  EXPECT_EQ(error, "is not valid JSON");
  error.clear();
  EXPECT_FALSE(load_template_spec_file((dir / "missing.json").string(), error));
  EXPECT_NE(error.find("cannot read"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(TemplateSpec, SpecFilesAreToldApartFromForms) {
  EXPECT_TRUE(is_template_spec_path("forms/2026/lettings-bulk-upload.json"));
  EXPECT_TRUE(is_template_spec_path("sales-bulk-upload.json"));
  EXPECT_FALSE(is_template_spec_path("forms/2026/lettings.json"));
  EXPECT_FALSE(is_template_spec_path("forms/2026/-bulk-upload.json"));
  EXPECT_FALSE(is_template_spec_path("forms/2026-bulk-upload.json/lettings.json"));
  EXPECT_EQ(template_spec_file_name("sales"), "sales-bulk-upload.json");
  EXPECT_EQ(reader_from_name("postcode_half"), Reader::PostcodeHalf);
  EXPECT_FALSE(reader_from_name("Code"));
  EXPECT_STREQ(reader_name(Reader::NumberOrR), "number_or_r");
}

TEST(TemplateSpec, TheRegistryFindsEachFormsSpecBesideIt) {
  auto lettings = template_spec("lettings", 2026);
  ASSERT_TRUE(lettings);
  EXPECT_EQ(lettings->fields.size(), 147u);
  EXPECT_EQ(template_spec("lettings", 2026), lettings);  // loaded once
  EXPECT_EQ(template_spec("sales", 2026)->fields.size(), 136u);
  EXPECT_NE(template_spec_path("sales", 2026).find("forms/2026/sales-bulk-upload.json"), std::string::npos);
  EXPECT_THROW(template_spec("lettings", 2099), std::runtime_error);
}

// A type names a file in the year's folder: nothing else is looked for, and nothing is kept.
TEST(TemplateSpec, ATypeThatIsNotANameIsRefused) {
  for (const std::string& type : std::vector<std::string>{"../lettings", "lettings/../../etc/passwd", "/etc/passwd", "", "Lettings", "-x",
                                                          std::string("lettings\0x", 10), std::string(500, 'a')}) {
    EXPECT_THROW(form::template_spec(type, 2026), std::runtime_error) << type;
    EXPECT_THROW(form::get(type, 2026), std::runtime_error) << type;
    EXPECT_THROW(form::definition_path(type, 2026), std::runtime_error) << type;
  }
  EXPECT_NO_THROW(form::template_spec("sales", 2026));
}
