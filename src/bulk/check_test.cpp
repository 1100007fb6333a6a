// Checking bulk-upload files (bulk/check.h), importing them (bulk/upload.h), and the command-line
// report's shape: generated template files with realistic answers, and hostile ones.
#include <gtest/gtest.h>

#include <set>

#include "accounts/store.h"
#include "bulk/check.h"
#include "bulk/generate.h"
#include "bulk/upload.h"
#include "form/registry.h"
#include "jobs/jobs.h"
#include "logs/store.h"
#include "test_app.h"
#include "util/csv.h"
#include "xlsx_fixture.h"

using namespace core;
using nlohmann::json;

namespace {

const util::Date kToday{2026, 12, 1};

std::string lettings_file(int rows, int errors_every, int64_t org = 1, const std::string& email = "") {
  bulk::GenerateOptions o;
  o.rows = rows;
  o.errors_every = errors_every;
  o.organisation_id = org;
  o.email = email;
  return bulk::generate_csv(*form::template_spec("lettings", 2026), o);
}

bulk::Report check_text(const std::string& text, const std::string& type = "lettings") {
  return bulk::check_file(nullptr, nullptr, type, 2026, text, kToday);
}

// Every error of a report, as "row field category message" lines (for failure output).
std::string describe(const bulk::Report& r) {
  std::string out;
  for (auto& m : r.file_errors) out += "file: " + m + "\n";
  for (auto& l : r.logs)
    for (auto& e : l.errors)
      out += "row " + std::to_string(l.row) + " field " + std::to_string(e.field) + " " + e.cell + " " + e.category + ": " + e.message + "\n";
  return out;
}

std::set<std::string> messages_of(const bulk::RowReport& l, int field) {
  std::set<std::string> out;
  for (auto& e : l.errors)
    if (e.field == field) out.insert(e.message);
  return out;
}

// A generated CSV's lines (CRLF), and one line's cells (generated cells hold no commas or quotes).
std::vector<std::string> lines_of(const std::string& csv) {
  std::vector<std::string> lines;
  for (size_t at = 0; at < csv.size();) {
    size_t end = csv.find("\r\n", at);
    lines.push_back(csv.substr(at, end - at));
    at = end + 2;
  }
  return lines;
}
std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> cells;
  size_t from = 0;
  for (size_t i = 0; i <= line.size(); ++i)
    if (i == line.size() || line[i] == ',') {
      cells.push_back(line.substr(from, i - from));
      from = i + 1;
    }
  return cells;
}

// The generated file's rows with one cell of one data row replaced.
std::string with_cell(std::string csv, int data_row, int field, const std::string& text) {
  auto lines = lines_of(csv);
  auto spec = form::template_spec("lettings", 2026);
  std::string& line = lines[spec->header_rows.size() + size_t(data_row)];
  auto cells = cells_of(line);
  cells[size_t(field)] = text;
  line = util::csv_row(cells, false);
  line.resize(line.size() - 2);
  std::string out;
  for (auto& l : lines) out += l + "\r\n";
  return out;
}

}  // namespace

TEST(BulkCheck, GeneratedRowsAreCompleteAndErrorsLandOnTheirCells) {
  auto r = check_text(lettings_file(20, 10));
  ASSERT_TRUE(r.file_errors.empty()) << describe(r);
  ASSERT_EQ(r.rows, 20);
  ASSERT_EQ(r.logs.size(), 20u);
  // Rows 1-9 and 11-19 (0-based) are clean; the header has 8 rows, so data starts on sheet row 9.
  for (int i : {0, 1, 5, 8, 10, 18}) {
    EXPECT_EQ(r.logs[size_t(i)].row, 9 + i);
    EXPECT_TRUE(r.logs[size_t(i)].errors.empty()) << "row " << i << "\n" << describe(r);
  }
  // Row 9 (0-based): "thirty" as the lead tenant's age, field 41, column AP.
  auto& bad = r.logs[9];
  auto m = messages_of(bad, 41);
  ASSERT_EQ(m.size(), 1u) << describe(r);
  EXPECT_EQ(*m.begin(), "Age of person 1 must be a number or the letter R");
  for (auto& e : bad.errors)
    if (e.field == 41) {
      EXPECT_EQ(e.cell, "AP18");
      EXPECT_EQ(e.category, "critical");
    }
  // Row 19: an unknown sex code on field 42.
  auto sex = messages_of(r.logs[19], 42);
  ASSERT_EQ(sex.size(), 1u) << describe(r);
  EXPECT_EQ(*sex.begin(), "Enter a valid value for what is the lead tenant's sex?");
  EXPECT_EQ(r.logs[19].status, "in_progress");
}

TEST(BulkCheck, ReportJsonHasExactlyTheDocumentedShape) {
  auto r = check_text(lettings_file(10, 10));
  json j = r.to_json();
  std::set<std::string> keys;
  for (auto& [k, v] : j.items()) keys.insert(k);
  EXPECT_EQ(keys, (std::set<std::string>{"file_errors", "rows", "logs"}));
  ASSERT_EQ(j["logs"].size(), 10u);
  for (auto& l : j["logs"]) {
    std::set<std::string> lk;
    for (auto& [k, v] : l.items()) lk.insert(k);
    EXPECT_EQ(lk, (std::set<std::string>{"row", "status", "errors"}));
    for (auto& e : l["errors"]) {
      std::set<std::string> ek;
      for (auto& [k, v] : e.items()) ek.insert(k);
      EXPECT_EQ(ek, (std::set<std::string>{"field", "cell", "category", "message"}));
      EXPECT_TRUE(e["category"] == "setup" || e["category"] == "critical" || e["category"] == "soft");
    }
  }
  EXPECT_FALSE(j["logs"][9]["errors"].empty());
}

TEST(BulkCheck, ColumnsInAnyOrderAndWithoutHeaders) {
  std::string file = lettings_file(3, 0);
  auto straight = check_text(file);
  ASSERT_TRUE(straight.file_errors.empty()) << describe(straight);
  // Without the header rows: the data from the first row, field 1 in column B (the label column kept).
  auto spec = form::template_spec("lettings", 2026);
  size_t cut = 0;
  for (size_t i = 0; i < spec->header_rows.size(); ++i) cut = file.find("\r\n", cut) + 2;
  auto headless = check_text(file.substr(cut));
  ASSERT_TRUE(headless.file_errors.empty()) << describe(headless);
  ASSERT_EQ(headless.logs.size(), 3u);
  EXPECT_EQ(headless.logs[0].row, 1);
  EXPECT_EQ(headless.logs[0].status, straight.logs[0].status);
  EXPECT_EQ(headless.logs[0].errors.size(), straight.logs[0].errors.size()) << describe(headless);
  // Columns swapped (with their field numbers): the same answers.
  std::vector<std::vector<std::string>> rows;
  for (auto& line : lines_of(file)) rows.push_back(cells_of(line));
  for (auto& r : rows) std::swap(r[13], r[42]);  // fields 13 (tenant code) and 42 (sex)
  std::string swapped;
  for (auto& r : rows) swapped += util::csv_row(r, false);
  auto moved = check_text(swapped);
  ASSERT_TRUE(moved.file_errors.empty()) << describe(moved);
  EXPECT_EQ(moved.logs[0].reference, straight.logs[0].reference);
  EXPECT_EQ(moved.logs[0].errors.size(), straight.logs[0].errors.size()) << describe(moved);
  // And an XLSX of the same cells reads the same.
  auto xl = check_text(test::xlsx_from_rows(rows));
  ASSERT_TRUE(xl.file_errors.empty()) << describe(xl);
  EXPECT_EQ(xl.logs.size(), 3u);
  EXPECT_EQ(xl.logs[1].errors.size(), moved.logs[1].errors.size()) << describe(xl);
}

TEST(BulkCheck, FileLevelMessages) {
  auto spec = form::template_spec("lettings", 2026);
  EXPECT_EQ(check_text("").file_errors, std::vector<std::string>{spec->message("blank_template")});
  std::string file = lettings_file(2, 0);
  // Header rows only.
  size_t cut = 0;
  for (size_t i = 0; i < spec->header_rows.size(); ++i) cut = file.find("\r\n", cut) + 2;
  EXPECT_EQ(check_text(file.substr(0, cut)).file_errors, std::vector<std::string>{spec->message("blank_template")});
  // A field number missing from the "Field number" row.
  std::string fewer = file;
  size_t fn = fewer.find("Field number");
  size_t last = fewer.find(",147", fn);
  fewer.replace(last, 4, ",");
  EXPECT_EQ(check_text(fewer).file_errors, std::vector<std::string>{spec->message("wrong_field_count")});
  // The first row's date in another collection year.
  std::string other = with_cell(with_cell(file, 0, 10, "2025"), 0, 9, "5");
  auto r = check_text(other);
  EXPECT_EQ(r.file_errors, std::vector<std::string>{spec->message("wrong_year")});
  EXPECT_TRUE(r.logs.empty()) << "no row is checked when the file is refused";
  // Not a spreadsheet.
  EXPECT_FALSE(check_text(std::string("\x89PNG\r\n\x1a\n\0\0\0", 11)).file_errors.empty());
  // A sales file checked as sales reads; a lettings file as sales is the wrong template.
  EXPECT_EQ(check_text(file, "sales").failure, "wrong_template");
}

TEST(BulkCheck, ReadersAreLenientWhereFilesDiffer) {
  std::string file = lettings_file(1, 0);
  // Codes in any case, a 2-digit year, spaces around numbers: all read as the template means.
  std::string lenient = with_cell(with_cell(with_cell(file, 0, 42, "f"), 0, 10, "26"), 0, 41, " 35 ");
  auto r = check_text(lenient);
  ASSERT_TRUE(r.file_errors.empty()) << describe(r);
  EXPECT_TRUE(r.logs[0].errors.empty()) << describe(r);
  // A year of three digits, and text in a number field: reported, never read as 0.
  auto bad = check_text(with_cell(with_cell(file, 0, 142, "ten"), 0, 10, "026"));
  EXPECT_FALSE(messages_of(bad.logs[0], 142).empty()) << describe(bad);
  EXPECT_EQ(messages_of(bad.logs[0], 10), std::set<std::string>{"Tenancy start year must be 2 or 4 digits."}) << describe(bad);
  // An organisation written without ORG: refused on its cell as a setup error that blocks the file.
  auto org = check_text(with_cell(file, 0, 1, "12"));
  ASSERT_FALSE(messages_of(org.logs[0], 1).empty()) << describe(org);
  EXPECT_TRUE(org.logs[0].blocks);
  EXPECT_FALSE(org.can_create());
}

TEST(BulkCheck, DuplicateRowsInTheFile) {
  // With the database: the rent (tcharge), part of what makes two lettings duplicates, needs the
  // managing organisation's rent periods.
  test::TestApp t;
  auto c = t.conn();
  auto coordinator = accounts::store::find_user_by_email(*c, "coordinator@riverside.example");
  std::string file = lettings_file(3, 0, t.org_id("Riverside Homes Housing Association"), "provider@riverside.example");
  auto check_text = [&](const std::string& text) { return bulk::check_file(&*c, &*coordinator, "lettings", 2026, text, kToday); };
  // Row 2 gets row 1's tenant code, age and date: the two are duplicates; row 3 is not.
  auto spec = form::template_spec("lettings", 2026);
  std::string dup = with_cell(with_cell(with_cell(with_cell(file, 1, 13, "TC-100000"), 1, 41, "25"), 1, 8, "1"), 1, 9, "4");
  auto r = check_text(dup);
  ASSERT_TRUE(r.file_errors.empty()) << describe(r);
  EXPECT_EQ(messages_of(r.logs[0], 13), std::set<std::string>{spec->message("duplicate_in_file")}) << describe(r);
  EXPECT_EQ(messages_of(r.logs[1], 13), std::set<std::string>{spec->message("duplicate_in_file")});
  EXPECT_TRUE(messages_of(r.logs[2], 13).empty());
  EXPECT_FALSE(r.can_create());
}

TEST(BulkCheck, HostileFilesGetAFileErrorNeverACrash) {
  std::string file = lettings_file(2, 0);
  for (const std::string& text : {std::string("\"unterminated,quote\r\n"), std::string("PK\x03\x04garbage", 11),
                                  file.substr(0, file.size() / 2) + "\"", std::string(200000, ','), std::string("\xff\xfe\x00\x00", 4)}) {
    auto r = check_text(text);
    EXPECT_TRUE(!r.file_errors.empty() || !r.logs.empty() || r.rows == 0) << "each is either refused or read";
  }
  // A truncated file: the rows read are checked, but a cut quote is a file error.
  EXPECT_FALSE(check_text(file.substr(0, file.size() - 10) + "\"abc").file_errors.empty());
  // Formula-looking cells are text, never evaluated.
  auto f = check_text(with_cell(file, 0, 13, "=1+1"));
  EXPECT_EQ(f.logs[0].reference, "=1+1");
}

// Through the log service and the job handlers, as Riverside's coordinator.
TEST(BulkUpload, CheckedByTheJobThenCreatedAllOrNone) {
  test::TestApp t;
  auto c = t.conn();
  int64_t riverside = t.org_id("Riverside Homes Housing Association");
  auto coordinator = accounts::store::find_user_by_email(*c, "coordinator@riverside.example");
  ASSERT_TRUE(coordinator);
  bulk::Submission s{"lettings", 2026, riverside, "riverside.csv", lettings_file(12, 10, riverside, "provider@riverside.example")};
  auto submitted = bulk::submit(*c, *coordinator, s);
  ASSERT_TRUE(std::holds_alternative<int64_t>(submitted)) << std::get<std::string>(submitted);
  int64_t id = std::get<int64_t>(submitted);
  auto up = bulk::store::find(*c, id);
  ASSERT_TRUE(up);
  EXPECT_EQ(up->state, "checking");
  ASSERT_TRUE(up->check_job_id);
  EXPECT_EQ(jobs::find(*c, *up->check_job_id)->kind, "bulk_upload.check");
  EXPECT_EQ(bulk::run_check(*c, id, nullptr, "", {}, kToday), "checked");
  up = bulk::store::find(*c, id);
  auto report = bulk::Report::from_json(json::parse(*up->report));
  ASSERT_EQ(report.logs.size(), 12u);
  EXPECT_EQ(report.logs[0].status, "completed") << describe(report);
  EXPECT_TRUE(report.logs[0].errors.empty()) << describe(report);
  EXPECT_FALSE(report.logs[9].errors.empty());
  EXPECT_TRUE(report.can_create()) << describe(report);
  int64_t before = t.count("logs");
  // Create and fix the rest in the service: one transaction, every log from this upload.
  EXPECT_EQ(bulk::choose(*c, *coordinator, id, bulk::Choice::ConfirmSoft), std::optional<std::string>(
      "Only soft checks can be confirmed at once, and this file has other errors."));
  ASSERT_EQ(bulk::choose(*c, *coordinator, id, bulk::Choice::CreateAndFix), std::nullopt);
  EXPECT_EQ(bulk::run_create(*c, id, kToday), "created");
  EXPECT_EQ(t.count("logs"), before + 12);
  EXPECT_EQ(bulk::run_create(*c, id, kToday), "already created") << "a retried job creates nothing twice";
  EXPECT_EQ(t.count("logs"), before + 12);
  logs::store::Filter lf;
  lf.all_organisations = true;
  lf.bulk_upload_id = id;
  lf.per_page = 100;
  auto listed = logs::store::list(*c, lf);
  ASSERT_EQ(listed.total, 12);
  int completed = 0;
  for (auto& l : listed.logs) {
    EXPECT_EQ(l.creation_method, "bulk upload");
    EXPECT_EQ(l.owning_organisation_id, riverside);
    completed += l.status == "completed" ? 1 : 0;
  }
  EXPECT_EQ(completed, 11) << "the row with errors is created in progress, its invalid answers left blank";
  // The same file again: every row is now a duplicate of a log, and nothing can be created.
  auto again = bulk::submit(*c, *coordinator, s);
  int64_t id2 = std::get<int64_t>(again);
  bulk::run_check(*c, id2, nullptr, "", {}, kToday);
  auto r2 = bulk::Report::from_json(json::parse(*bulk::store::find(*c, id2)->report));
  EXPECT_FALSE(r2.can_create());
  auto spec = form::template_spec("lettings", 2026);
  EXPECT_EQ(messages_of(r2.logs[0], 13), std::set<std::string>{spec->message("duplicate_log")}) << describe(r2);
}

TEST(BulkUpload, RefusedForAnotherOrganisationOrWithoutTheAgreement) {
  test::TestApp t;
  auto c = t.conn();
  auto riverside_coordinator = accounts::store::find_user_by_email(*c, "coordinator@riverside.example");
  auto unsigned_coordinator = accounts::store::find_user_by_email(*c, "coordinator@eastbrook.example");
  int64_t northshire = t.org_id("Northshire County Council"), eastbrook = t.org_id("Eastbrook Housing Trust");
  int64_t uploads = t.count("bulk_uploads");
  auto other = bulk::submit(*c, *riverside_coordinator, {"lettings", 2026, northshire, "x.csv", lettings_file(1, 0)});
  EXPECT_TRUE(std::holds_alternative<std::string>(other));
  auto unsigned_org = bulk::submit(*c, *unsigned_coordinator, {"lettings", 2026, eastbrook, "x.csv", lettings_file(1, 0)});
  EXPECT_TRUE(std::holds_alternative<std::string>(unsigned_org));
  auto binary = bulk::submit(*c, *riverside_coordinator,
                             {"lettings", 2026, t.org_id("Riverside Homes Housing Association"), "x.csv", std::string("a\0b", 3)});
  EXPECT_EQ(std::get<std::string>(binary), form::template_spec("lettings", 2026)->message("not_csv_or_xlsx"));
  EXPECT_EQ(t.count("bulk_uploads"), uploads) << "nothing stored";
}

// Soft checks only: confirmed all at once, and the logs are created complete. A hard rule that names
// the scheme keeps its own message there (the template's "scheme code" words are for lookups only).
TEST(BulkUpload, SoftChecksConfirmedAtOnceAndRulesKeepTheirWords) {
  test::TestApp t;
  auto c = t.conn();
  int64_t riverside = t.org_id("Riverside Homes Housing Association");
  auto coordinator = accounts::store::find_user_by_email(*c, "coordinator@riverside.example");
  std::string file = lettings_file(3, 0, riverside, "provider@riverside.example");
  auto high = bulk::check_file(&*c, &*coordinator, "lettings", 2026, with_cell(file, 0, 142, "1500"), kToday);
  auto on_scheme = messages_of(high.logs[0], 5);
  ASSERT_EQ(on_scheme.size(), 1u) << describe(high);
  EXPECT_EQ(on_scheme.begin()->rfind("Rent is higher than the absolute maximum", 0), 0u) << *on_scheme.begin();
  auto soft = with_cell(file, 0, 142, "250");
  auto submitted = bulk::submit(*c, *coordinator, {"lettings", 2026, riverside, "soft.csv", soft});
  int64_t id = std::get<int64_t>(submitted);
  bulk::run_check(*c, id, nullptr, "", {}, kToday);
  auto report = bulk::Report::from_json(json::parse(*bulk::store::find(*c, id)->report));
  ASSERT_FALSE(report.logs[0].errors.empty()) << describe(report);
  for (auto& e : report.logs[0].errors) EXPECT_EQ(e.category, "soft") << e.message;
  EXPECT_EQ(report.logs[0].status, "in_progress") << "a soft check not yet confirmed";
  ASSERT_EQ(bulk::choose(*c, *coordinator, id, bulk::Choice::ConfirmSoft), std::nullopt);
  EXPECT_EQ(bulk::run_create(*c, id, kToday), "created");
  logs::store::Filter lf;
  lf.all_organisations = true;
  lf.bulk_upload_id = id;
  auto listed = logs::store::list(*c, lf);
  ASSERT_EQ(listed.total, 3);
  for (auto& l : listed.logs) EXPECT_EQ(l.status, "completed") << "log " << l.id << " (soft checks confirmed) " << l.answers;
}

// A job that failed for good (its server killed on every attempt) leaves its upload where the user can
// act: a check as failed, an import back to waiting for a choice, with why, and no log written.
TEST(BulkUpload, AJobThatFailedForGoodSettlesItsUpload) {
  test::TestApp t;
  auto c = t.conn();
  int64_t riverside = t.org_id("Riverside Homes Housing Association");
  auto coordinator = accounts::store::find_user_by_email(*c, "coordinator@riverside.example");
  auto file = lettings_file(12, 10, riverside, "provider@riverside.example");
  int64_t checking = std::get<int64_t>(bulk::submit(*c, *coordinator, {"lettings", 2026, riverside, "a.csv", file}));
  c->exec("UPDATE jobs SET state = 'failed' WHERE id = ?", {*bulk::store::find(*c, checking)->check_job_id});
  auto a = bulk::settle_failed_job(*c, *bulk::store::find(*c, checking));
  EXPECT_EQ(a.state, "failed");
  EXPECT_EQ(a.failure.value_or(""), "file_error");
  EXPECT_EQ(bulk::status_label(a), "Error reading file");
  int64_t creating = std::get<int64_t>(bulk::submit(*c, *coordinator, {"lettings", 2026, riverside, "b.csv", with_cell(file, 0, 13, "OTHER")}));
  bulk::run_check(*c, creating, nullptr, "", {}, kToday);
  ASSERT_EQ(bulk::choose(*c, *coordinator, creating, bulk::Choice::CreateAndFix), std::nullopt);
  int64_t logs = t.count("logs");
  c->exec("UPDATE jobs SET state = 'failed' WHERE id = ?", {*bulk::store::find(*c, creating)->create_job_id});
  auto b = bulk::settle_failed_job(*c, *bulk::store::find(*c, creating));
  EXPECT_EQ(b.state, "checked");
  EXPECT_EQ(b.message.value_or(""), "The logs could not be created. Nothing was created: try again.");
  EXPECT_FALSE(b.failure) << "a message is not a kind of file failure";
  EXPECT_EQ(t.count("logs"), logs);
}
