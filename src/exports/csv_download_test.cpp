// CSV downloads of logs: the columns against the real service's, the file's layout, labels and
// codes, who gets which columns, the filters and other organisations' logs, the record of each
// download, big downloads behind an emailed link, and the command line.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "accounts/permissions.h"
#include "accounts/store.h"
#include "cli/export_commands.h"
#include "exports/csv_download.h"
#include "exports/routes.h"
#include "exports/store.h"
#include "form/registry.h"
#include "jobs/jobs.h"
#include "logs/generate.h"
#include "test_app.h"
#include "util/paths.h"
#include "util/time.h"

using namespace core;
using test::contains;

namespace {

std::vector<std::string> expected_headers(const std::string& name) {
  std::ifstream in(resource_root() / "tests" / "fixtures" / "exports" / name);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') out.push_back(line);
  return out;
}

std::vector<std::string> headers(const std::string& type, bool support) {
  auto f = form::get(type, 2026);
  std::vector<std::string> out;
  for (auto& c : exports::csv_columns(*f, exports::download_spec(type, 2026), support)) out.push_back(c.header);
  return out;
}

// RFC 4180 rows (quoted cells, doubled quotes, CRLF), as a spreadsheet reads them.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (quoted) {
      if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') cell += '"', ++i;
      else if (ch == '"') quoted = false;
      else cell += ch;
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      rows.back().push_back(cell), cell.clear();
    } else if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(cell), cell.clear();
      rows.emplace_back();
      ++i;
    } else {
      cell += ch;
    }
    any = true;
  }
  if (!cell.empty()) rows.back().push_back(cell);
  if (rows.back().empty()) rows.pop_back();
  (void)any;
  return rows;
}

struct Csv {
  std::vector<std::string> definitions, headers;
  std::vector<std::vector<std::string>> rows;
  std::string column(size_t row, const std::string& header) const {
    for (size_t i = 0; i < headers.size(); ++i)
      if (headers[i] == header) return i < rows[row].size() ? rows[row][i] : "";
    ADD_FAILURE() << "no column " << header;
    return "";
  }
  bool has(const std::string& header) const { return std::find(headers.begin(), headers.end(), header) != headers.end(); }
  int row_of(int64_t id) const {
    for (size_t r = 0; r < rows.size(); ++r)
      if (!rows[r].empty() && rows[r][0] == std::to_string(id)) return int(r);
    return -1;
  }
};

Csv read_csv(const std::string& body) {
  EXPECT_EQ(body.substr(0, 3), "\xEF\xBB\xBF") << "UTF-8 with a byte order mark, for Excel";
  auto rows = parse_csv(body.substr(3));
  Csv c;
  if (rows.size() < 2) {
    ADD_FAILURE() << "no header rows in: " << body.substr(0, 200);
    return c;
  }
  c.definitions = rows[0];
  c.headers = rows[1];
  c.rows.assign(rows.begin() + 2, rows.end());
  return c;
}

// Filters the list to 2026 (the download's year) and downloads it.
web::Response download(test::Client& c, const std::string& list = "/lettings-logs", std::multimap<std::string, std::string> form = {{"year", "2026"}}) {
  return c.post(list + "/csv-download", std::move(form));
}

}  // namespace

// The columns, in order, are the real service's for each audience (csv-downloads.md §4.1, §4.2).
TEST(CsvColumns, HeadersAreTheRealServicesForEachKindAndAudience) {
  struct Want {
    const char* type;
    size_t support, others;
  };
  for (Want w : {Want{"lettings", 232, 185}, Want{"sales", 164, 154}}) {
    std::string t = w.type;
    EXPECT_EQ(headers(t, true), expected_headers(t + "-2026-support-headers.txt")) << t;
    EXPECT_EQ(headers(t, false), expected_headers(t + "-2026-non-support-headers.txt")) << t;
    EXPECT_EQ(expected_headers(t + "-2026-support-headers.txt").size(), w.support) << t;
    EXPECT_EQ(expected_headers(t + "-2026-non-support-headers.txt").size(), w.others) << t;
  }
}

// The description lints clean, and a description naming what the form does not have does not.
TEST(CsvColumns, DescriptionsAreLintedAgainstTheirForm) {
  auto f = form::get("lettings", 2026);
  nlohmann::json spec = exports::download_spec("lettings", 2026);
  EXPECT_TRUE(exports::lint_download_spec(*f, spec).empty());
  spec["exclude"].push_back("no_such_question");
  spec["trailing"].push_back("made_up_column");
  spec["colour"] = "blue";
  auto problems = exports::lint_download_spec(*f, spec);
  auto mentions = [&](const std::string& s) {
    return std::any_of(problems.begin(), problems.end(), [&](const std::string& p) { return contains(p, s); });
  };
  EXPECT_TRUE(mentions("no_such_question"));
  EXPECT_TRUE(mentions("made_up_column"));
  EXPECT_TRUE(mentions("colour"));
}

TEST(CsvDownload, AProviderGetsLabelsOfTheirOwnLogsWithoutTheSupportColumns) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  test::Client c(t), other(t);
  c.sign_in("provider@riverside.example");
  // A reference that a spreadsheet would run as a formula, and one with a comma and quotes.
  int64_t mine = test::create_log_with_setup(c, "=HYPERLINK(\"http://x\")", "Flat 1, \"Mill\"");
  other.sign_in("provider@northshire.example");
  int64_t theirs = test::create_log_with_setup(other, "NS-1", "NS-P1");

  c.get("/lettings-logs?filtered=1&years=2026");
  auto confirm = c.get("/lettings-logs/csv-download");
  EXPECT_EQ(confirm.status, 200);
  EXPECT_TRUE(contains(confirm.body, "You have selected <strong>1 log</strong>")) << confirm.body;
  EXPECT_TRUE(contains(confirm.body, "2026 to 2027"));
  EXPECT_FALSE(contains(confirm.body, "codes only"));

  auto res = download(c);
  ASSERT_EQ(res.status, 200) << res.collect();
  EXPECT_EQ(res.content_type, "text/csv; charset=utf-8");
  EXPECT_TRUE(contains(res.header("Content-Disposition"), "attachment; filename=\"lettings-logs-2026-27-"));
  Csv csv = read_csv(res.collect());
  EXPECT_EQ(csv.headers, expected_headers("lettings-2026-non-support-headers.txt"));
  EXPECT_EQ(csv.definitions[0], "Log ID");
  ASSERT_EQ(csv.rows.size(), 1u);
  EXPECT_EQ(csv.row_of(theirs), -1) << "another organisation's log is not in the file";
  int r = csv.row_of(mine);
  ASSERT_EQ(r, 0);
  EXPECT_EQ(csv.column(0, "tenancycode"), "'=HYPERLINK(\"http://x\")") << "neutralised against formula injection";
  EXPECT_EQ(csv.column(0, "propcode"), "Flat 1, \"Mill\"");
  EXPECT_EQ(csv.column(0, "needstype"), "General needs");
  EXPECT_EQ(csv.column(0, "renttype_detail"), "Social Rent");
  EXPECT_EQ(csv.column(0, "startdate"), "2026-05-01");
  EXPECT_EQ(csv.column(0, "status"), "in_progress");
  EXPECT_EQ(csv.column(0, "assigned_to"), "provider@riverside.example");
  EXPECT_FALSE(csv.has("created_by")) << "who created a log is for support";
  EXPECT_EQ(csv.column(0, "owning_organisation_name"), "Riverside Homes Housing Association");
  EXPECT_EQ(csv.column(0, "declaration"), "Yes");
  EXPECT_EQ(csv.column(0, "creation_method"), "Single log");
  EXPECT_FALSE(csv.has("hhtype")) << "support-only columns are left out";
  // The download is recorded: who, the year, the filters, how many rows.
  auto conn = t.conn();
  auto row = conn->query_one("SELECT user_id, log_type, year, codes, filters, rows_count, state FROM csv_downloads");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->i64(0), t.user_id("provider@riverside.example"));
  EXPECT_EQ(row->str(1), "lettings");
  EXPECT_EQ(row->i64(2), 2026);
  EXPECT_EQ(row->i64(3), 0);
  EXPECT_TRUE(contains(row->str(4), "\"years\":[2026]"));
  EXPECT_EQ(row->i64(5), 1);
  EXPECT_EQ(row->str(6), "downloaded");
}

TEST(CsvDownload, TheFiltersAndSearchDecideWhichLogs) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  test::Client c(t);
  c.sign_in("coordinator@riverside.example");
  int64_t a = test::create_log_with_setup(c, "ALPHA-1", "P-A");
  int64_t b = test::create_log_with_setup(c, "BETA-2", "P-B");
  c.get("/lettings-logs?filtered=1&years=2026&search=BETA-2");
  auto confirm = c.get("/lettings-logs/csv-download");
  EXPECT_TRUE(contains(confirm.body, "BETA-2")) << "the confirmation shows the search";
  Csv csv = read_csv(download(c).collect());
  EXPECT_EQ(csv.row_of(a), -1);
  EXPECT_GE(csv.row_of(b), 0);
  // A status filter that excludes them.
  c.get("/lettings-logs?filtered=1&years=2026&status=completed");
  EXPECT_TRUE(read_csv(download(c).collect()).rows.empty());
}

TEST(CsvDownload, OneCollectionYearIsRequired) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  test::Client c(t);
  c.sign_in("provider@riverside.example");
  c.get("/lettings-logs/clear-filters");
  auto picker = c.get("/lettings-logs/csv-download");
  EXPECT_EQ(picker.status, 200);
  EXPECT_TRUE(contains(picker.body, "Which collection year do you want to download?"));
  EXPECT_TRUE(contains(picker.body, "value=\"2026\""));
  EXPECT_FALSE(contains(picker.body, "value=\"2025\"")) << "the list offers 2025, but there is no 2025 form to download with";
  EXPECT_TRUE(contains(c.get("/lettings-logs/csv-download?year=2025").body, "Which collection year"));
  EXPECT_EQ(download(c, "/lettings-logs", {{"year", "2025"}}).status, 400);
  // Continue without a choice: an error, as GOV.UK forms say it.
  auto none = c.get("/lettings-logs/csv-download?chose=1");
  EXPECT_EQ(none.status, 422);
  EXPECT_TRUE(contains(none.body, "There is a problem"));
  EXPECT_TRUE(contains(none.body, "href=\"#year-2026\""));
  // A year the list does not offer is not taken.
  EXPECT_TRUE(contains(c.get("/lettings-logs/csv-download?year=1999").body, "Which collection year"));
  EXPECT_TRUE(contains(c.get("/lettings-logs/csv-download?year=2026x").body, "Which collection year"));
  EXPECT_TRUE(contains(c.get("/lettings-logs/csv-download?year=2026").body, "You have selected"));
  // Posting without one is refused and records nothing.
  EXPECT_EQ(download(c, "/lettings-logs", {}).status, 400);
  EXPECT_EQ(download(c, "/lettings-logs", {{"year", "-1"}}).status, 400);
  EXPECT_EQ(t.count("csv_downloads"), 0);
}

TEST(CsvDownload, CodesAndEveryColumnAreForSupportOnly) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  test::Client p(t), s(t);
  p.sign_in("provider@riverside.example");
  int64_t id = test::create_log_with_setup(p, "T-CODES", "P-CODES");
  EXPECT_EQ(p.get("/lettings-logs/csv-download?year=2026&codes=1").status, 403);
  EXPECT_EQ(download(p, "/lettings-logs", {{"year", "2026"}, {"codes", "1"}}).status, 403);
  EXPECT_EQ(t.count("csv_downloads"), 0);
  // Without a CSRF token, nothing.
  EXPECT_EQ(p.post("/lettings-logs/csv-download", {{"year", "2026"}}, false).status, 403);
  EXPECT_EQ(t.count("csv_downloads"), 0);

  s.sign_in("support@example.gov.uk");
  EXPECT_TRUE(contains(s.get("/lettings-logs?filtered=1&years=2026").body, "Download (CSV, codes only)"));
  Csv codes = read_csv(download(s, "/lettings-logs", {{"year", "2026"}, {"codes", "1"}}).collect());
  EXPECT_EQ(codes.headers, expected_headers("lettings-2026-support-headers.txt"));
  int r = codes.row_of(id);
  ASSERT_GE(r, 0);
  EXPECT_EQ(codes.column(size_t(r), "needstype"), "1");
  EXPECT_EQ(codes.column(size_t(r), "renttype_detail"), "1") << "rent type + 1, the bulk-upload code";
  EXPECT_EQ(codes.column(size_t(r), "creation_method"), "1");
  Csv labels = read_csv(download(s).collect());
  EXPECT_EQ(labels.column(size_t(labels.row_of(id)), "needstype"), "General needs");
}

TEST(CsvDownload, AnOrganisationsListDownloadsThatOrganisationsLogs) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  test::Client p(t), s(t), n(t);
  p.sign_in("provider@riverside.example");
  int64_t id = test::create_log_with_setup(p, "T-ORG", "P-ORG");
  std::string list = "/organisations/" + std::to_string(t.org_id("Riverside Homes Housing Association")) + "/lettings-logs";
  s.sign_in("support@example.gov.uk");
  EXPECT_EQ(s.get(list + "/csv-download?year=2026").status, 200);
  auto res = download(s, list);
  ASSERT_EQ(res.status, 200);
  EXPECT_TRUE(contains(res.header("Content-Disposition"), "Riverside-Homes-Housing-Association")) << res.header("Content-Disposition");
  EXPECT_GE(read_csv(res.collect()).row_of(id), 0);
  // Another organisation's user cannot reach it.
  n.sign_in("coordinator@northshire.example");
  EXPECT_EQ(n.get(list + "/csv-download?year=2026").status, 404);
  EXPECT_EQ(download(n, list).status, 404);
  EXPECT_EQ(n.get("/organisations/999999/lettings-logs/csv-download?year=2026").status, 404);
}

TEST(CsvDownload, LogsWithErrorsSayWhatIsMissing) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  test::Client c(t);
  c.sign_in("provider@riverside.example");
  int64_t id = test::create_log_with_setup(c, "T-ERR", "P-ERR");
  c.get("/lettings-logs?filtered=1&years=2026");
  EXPECT_TRUE(contains(c.get("/lettings-logs/csv-download?errors=1").body, "Download logs with errors"));
  Csv csv = read_csv(download(c, "/lettings-logs", {{"year", "2026"}, {"errors", "1"}}).collect());
  ASSERT_EQ(csv.headers.back(), "errors");
  int r = csv.row_of(id);
  ASSERT_GE(r, 0);
  std::string errors = csv.column(size_t(r), "errors");
  EXPECT_TRUE(contains(errors, "You must answer")) << errors;
  EXPECT_FALSE(contains(csv.column(size_t(r), "errors"), "tenant code")) << "answered questions are not listed: " << errors;
}

// More logs than the stream limit: a job writes the file, the person gets an email with a link, and
// the link opens for them, their coordinators and support only, for 48 hours.
TEST(CsvDownload, BigDownloadsRunAsAJobBehindALink) {
  test::PinToday pin("2026-12-01");
  setenv("CORE_CSV_STREAM_LIMIT", "1", 1);
  test::TestApp t;
  test::Client c(t), coordinator(t), outsider(t);
  c.sign_in("provider@riverside.example");
  int64_t a = test::create_log_with_setup(c, "BIG-1", "P-1");
  int64_t b = test::create_log_with_setup(c, "BIG-2", "P-2");
  c.get("/lettings-logs?filtered=1&years=2026");
  EXPECT_TRUE(contains(c.get("/lettings-logs/csv-download").body, "email you a link"));
  auto res = download(c);
  unsetenv("CORE_CSV_STREAM_LIMIT");
  ASSERT_EQ(res.status, 303);
  std::string page = res.header("Location");
  ASSERT_TRUE(page.rfind("/csv-downloads/", 0) == 0) << page;
  EXPECT_TRUE(contains(c.get(page).body, "We are preparing your CSV download"));
  EXPECT_EQ(c.get(page + "/download").status, 303) << "no file before it is written";

  mail::FileMailer mailer(t.mail_dir(), "CORE <noreply@core.test>");
  jobs::Worker worker(t.db(), "test");
  exports::register_jobs(worker, t.db(), mailer, "http://localhost:8080");
  EXPECT_EQ(worker.run_due(), 1);
  std::string email = t.last_email_to("provider@riverside.example");
  EXPECT_TRUE(contains(email, "http://localhost:8080" + page)) << email;

  EXPECT_TRUE(contains(c.get(page).body, "Your CSV download is ready"));
  auto file = c.get(page + "/download");
  ASSERT_EQ(file.status, 200);
  Csv csv = read_csv(file.collect());
  EXPECT_EQ(csv.headers, expected_headers("lettings-2026-non-support-headers.txt"));
  EXPECT_EQ(csv.rows.size(), 2u);
  EXPECT_GE(csv.row_of(a), 0);
  EXPECT_GE(csv.row_of(b), 0);

  coordinator.sign_in("coordinator@riverside.example");
  EXPECT_EQ(coordinator.get(page + "/download").status, 200) << "their organisation's coordinator may open it";
  outsider.sign_in("coordinator@northshire.example");
  EXPECT_EQ(outsider.get(page).status, 404);
  EXPECT_EQ(outsider.get(page + "/download").status, 404);
  EXPECT_EQ(outsider.get("/csv-downloads/abc").status, 404);

  // After 48 hours the link has expired.
  t.conn()->exec("UPDATE csv_downloads SET expires_at = ?", {std::string("2020-01-01T00:00:00Z")});
  EXPECT_TRUE(contains(c.get(page).body, "This download link has expired"));
  EXPECT_EQ(c.get(page + "/download").status, 303);
  // Its file is then deleted (by the next big download's job), the record of the download kept.
  EXPECT_GT(t.count("csv_download_parts"), 0);
  EXPECT_EQ(exports::store::purge_expired_parts(*t.conn(), util::now_iso()), 1);
  EXPECT_EQ(t.count("csv_download_parts"), 0);
  EXPECT_EQ(t.count("csv_downloads"), 1);
  EXPECT_TRUE(contains(c.get(page).body, "This download link has expired"));
}

// `core export csv` writes the file support would download.
TEST(CsvDownload, TheCommandLineWritesTheSameFile) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  test::Client p(t), s(t);
  p.sign_in("provider@riverside.example");
  int64_t id = test::create_log_with_setup(p, "CLI-1", "P-CLI");
  s.sign_in("support@example.gov.uk");
  auto out = std::filesystem::temp_directory_path() / "core-export-test.csv";
  ASSERT_EQ(cli::export_csv("lettings", "2026", true, "", out.string(), t.db_url()), 0);
  std::ifstream in(out, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  Csv file = read_csv(ss.str());
  Csv web = read_csv(download(s, "/lettings-logs", {{"year", "2026"}, {"codes", "1"}}).collect());
  EXPECT_EQ(file.headers, web.headers);
  EXPECT_EQ(file.rows, web.rows);
  EXPECT_EQ(file.rows.size(), 1u);
  EXPECT_GE(file.row_of(id), 0);
  EXPECT_FALSE(std::filesystem::exists(out.string() + ".part"));
  std::filesystem::remove(out);
  // Bad options change nothing and say why.
  EXPECT_EQ(cli::export_csv("rentals", "2026", false, "", out.string(), t.db_url()), 2);
  EXPECT_EQ(cli::export_csv("lettings", "1999", false, "", out.string(), t.db_url()), 2);
  EXPECT_EQ(cli::export_csv("lettings", "2026", false, "x", out.string(), t.db_url()), 2);
  EXPECT_EQ(cli::export_csv("lettings", "2026", false, "", "", t.db_url()), 2);
  EXPECT_FALSE(std::filesystem::exists(out));
}

// Complete sales logs: dates split into day, month and year, postcodes into their halves, the
// service charges by the type of sale, and support's upper-case headers.
TEST(CsvDownload, SalesLogsDownloadWithTheirWorkedOutColumns) {
  test::PinToday pin("2026-06-01");
  test::TestApp t;
  logs::GenerateOptions o;
  o.type = "sales";
  o.count = 3;
  o.organisations = {t.org_id("Northshire County Council")};
  o.assigned_to_id = t.user_id("coordinator@northshire.example");
  ASSERT_EQ(logs::generate(t.db(), o), 3);
  test::Client c(t), s(t);
  c.sign_in("coordinator@northshire.example");
  c.get("/sales-logs?filtered=1&years=2026");
  EXPECT_TRUE(contains(c.get("/sales-logs/csv-download").body, "You have selected <strong>3 logs</strong>"));
  Csv csv = read_csv(download(c, "/sales-logs").collect());
  EXPECT_EQ(csv.headers, expected_headers("sales-2026-non-support-headers.txt"));
  ASSERT_EQ(csv.rows.size(), 3u);
  auto conn = t.conn();
  for (size_t r = 0; r < 3; ++r) {
    int64_t id = std::stoll(csv.rows[r][0]);
    auto answers = test::stored_answers(t, id);
    std::string saledate = answers["saledate"].get<std::string>();
    EXPECT_EQ(csv.column(r, "year"), saledate.substr(0, 4));
    EXPECT_EQ(csv.column(r, "month"), std::to_string(std::stoi(saledate.substr(5, 2))));
    EXPECT_EQ(csv.column(r, "day"), std::to_string(std::stoi(saledate.substr(8, 2))));
    EXPECT_EQ(csv.column(r, "purchid"), answers["purchid"].get<std::string>());
    EXPECT_EQ(csv.column(r, "status"), "completed");
    if (answers.contains("postcode_full") && answers["postcode_full"].is_string()) {
      std::string pc = answers["postcode_full"].get<std::string>();
      EXPECT_EQ(csv.column(r, "pcode1") + " " + csv.column(r, "pcode2"), pc);
    }
    // Shared ownership (1) has service charges; discounted ownership (2) its own columns.
    int64_t type = answers["ownershipsch"].get<int64_t>();
    if (type == 1) {
      EXPECT_EQ(csv.column(r, "has_mscharge"), "");
    }
    if (type == 2) {
      EXPECT_EQ(csv.column(r, "has_servicecharges"), "");
    }
    EXPECT_NE(csv.column(r, "ownershipsch"), std::to_string(type)) << "labels, not codes";
  }
  s.sign_in("support@example.gov.uk");
  Csv support = read_csv(download(s, "/sales-logs", {{"year", "2026"}, {"codes", "1"}}).collect());
  EXPECT_EQ(support.headers, expected_headers("sales-2026-support-headers.txt"));
  ASSERT_EQ(support.rows.size(), 3u);
  EXPECT_TRUE(support.column(0, "OWNERSHIP") == "1" || support.column(0, "OWNERSHIP") == "2") << support.column(0, "OWNERSHIP");
  EXPECT_EQ(support.column(0, "CREATEDBY"), "coordinator@northshire.example");
  EXPECT_EQ(support.column(0, "CREATEDBYID"), std::to_string(t.user_id("coordinator@northshire.example")));
}

// Read on a second connection in a thread of its own, the file is the same; and when the writing
// fails part-way (the browser went away), the reading stops too and the failure is reported.
TEST(CsvDownload, ReadingOnASecondConnectionGivesTheSameFileAndStopsWithTheWriter) {
  test::PinToday pin("2026-06-01");
  test::TestApp t(true);
  logs::GenerateOptions o;
  o.count = 3000;
  o.organisations = {t.org_id("Northshire County Council")};
  ASSERT_EQ(logs::generate(t.db(), o), 3000);
  exports::CsvRequest r;
  r.year = 2026;
  r.support = true;
  r.filter.all_organisations = true;
  auto c = t.conn();
  auto reader = t.conn();
  std::string one, two;
  EXPECT_EQ(exports::write_csv(*c, r, [&](std::string_view s) { one.append(s); }), 3000);
  EXPECT_EQ(exports::write_csv(*c, r, [&](std::string_view s) { two.append(s); }, &*reader), 3000);
  EXPECT_TRUE(one == two);
  int rows = 0;
  EXPECT_THROW(exports::write_csv(*c, r, [&](std::string_view) {
    if (++rows == 10) throw std::runtime_error("the connection was closed");
  }, &*reader), std::runtime_error);
  EXPECT_EQ(rows, 10);
  // Both connections are usable afterwards.
  EXPECT_EQ(reader->query_one("SELECT COUNT(*) FROM logs")->i64(0), 3000);
  EXPECT_EQ(exports::write_csv(*c, r, [&](std::string_view) {}, &*reader), 3000);
}

// While as many downloads stream as the pool can spare (a quarter of its connections, two each),
// another download is prepared by a job instead of waiting for connections.
TEST(CsvDownload, StreamsBeyondThePoolsShareArePreparedByAJob) {
  test::PinToday pin("2026-12-01");
  test::TestApp t(true, [](web::Config& cfg) { cfg.db_pool = 8; });  // one stream at a time
  test::Client c(t);
  c.sign_in("provider@riverside.example");
  test::create_log_with_setup(c, "POOL-1", "P-1");
  web::Request req;
  req.method = "POST";
  req.path = "/lettings-logs/csv-download";
  req.cookies = c.cookies;
  req.form = {{"year", "2026"}, {"csrf_token", c.csrf()}};
  web::Response held = t.app().handle(req);  // streaming, not yet read
  ASSERT_EQ(held.status, 200);
  ASSERT_TRUE(bool(held.stream));
  auto second = download(c);
  EXPECT_EQ(second.status, 303);
  EXPECT_TRUE(second.header("Location").rfind("/csv-downloads/", 0) == 0) << second.header("Location");
  // A stored file's link counts too: while the first streams, it is "try again in a minute".
  mail::FileMailer mailer(t.mail_dir(), "CORE <noreply@core.test>");
  jobs::Worker worker(t.db(), "test");
  exports::register_jobs(worker, t.db(), mailer, "http://localhost:8080");
  EXPECT_EQ(worker.run_due(), 1);
  auto busy = c.get(second.header("Location") + "/download");
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.header("Retry-After"), "60");
  // Once the first is done, downloads stream again.
  EXPECT_FALSE(held.collect().empty());
  held = web::Response();
  EXPECT_EQ(download(c).status, 200);
  EXPECT_EQ(c.get(second.header("Location") + "/download").status, 200);
}

// The confirmation names only the people and organisations the user may see, whatever ids the
// address puts in the filters.
TEST(CsvDownload, TheConfirmationNamesNoOneFromAnotherOrganisation) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  test::Client c(t);
  c.sign_in("provider@riverside.example");
  auto outsider = accounts::store::find_user(*t.conn(), t.user_id("coordinator@northshire.example"));
  ASSERT_TRUE(outsider);
  c.get("/lettings-logs?filtered=1&years=2026&assigned_to=specific&user=" + std::to_string(outsider->id) +
        "&owning_organisation=" + std::to_string(t.org_id("Ministry of Housing, Communities and Local Government")));
  auto page = c.get("/lettings-logs/csv-download");
  EXPECT_EQ(page.status, 200);
  EXPECT_FALSE(contains(page.body, outsider->name)) << outsider->name;
  EXPECT_FALSE(contains(page.body, "Ministry of Housing"));
  EXPECT_TRUE(contains(page.body, "An organisation you cannot see"));
}

// A big download's link: support's download of every organisation is not for the coordinators of
// support's organisation; one organisation's download is for that organisation's coordinators.
TEST(CsvDownload, ALinkOpensForItsOrganisationsCoordinatorsOnlyWhenItHoldsOnlyThatOrganisation) {
  accounts::User coordinator;
  coordinator.id = 7;
  coordinator.organisation_id = 3;
  coordinator.role = accounts::Role::Coordinator;
  coordinator.active = true;
  EXPECT_TRUE(accounts::permissions::can_view_csv_download(coordinator, 3, 9, true));
  EXPECT_FALSE(accounts::permissions::can_view_csv_download(coordinator, 3, 9, false));
  EXPECT_FALSE(accounts::permissions::can_view_csv_download(coordinator, 4, 9, true));
  EXPECT_TRUE(accounts::permissions::can_view_csv_download(coordinator, 3, 7, false)) << "their own";
  coordinator.active = false;
  EXPECT_FALSE(accounts::permissions::can_view_csv_download(coordinator, 3, 7, false));
}

// What the address bar can hold: ids that are not ids, years that are not years, flags with other values.
TEST(CsvDownload, HostileAddressesGetA404OrThePickerAndChangeNothing) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  test::Client c(t);
  c.sign_in("provider@riverside.example");
  test::create_log_with_setup(c, "HOSTILE-1", "P-1");
  for (std::string id : {"0", "-1", "99999999999999999999", "1e3", "1%00", "..%2f..%2fetc"}) {
    EXPECT_EQ(c.get("/csv-downloads/" + id).status, 404) << id;
    EXPECT_EQ(c.get("/csv-downloads/" + id + "/download").status, 404) << id;
  }
  for (std::string year : {"99999999999999999999", "-2026", "2026.0", "0", "%00"})
    EXPECT_TRUE(contains(c.get("/lettings-logs/csv-download?year=" + year).body, "Which collection year")) << year;
  // Only "1" asks for codes or errors; anything else is the ordinary download.
  auto other = c.get("/lettings-logs/csv-download?year=2026&codes=yes&errors=2");
  EXPECT_EQ(other.status, 200);
  EXPECT_TRUE(contains(other.body, "Labels"));
  EXPECT_EQ(download(c, "/lettings-logs", {{"year", "99999999999999999999"}}).status, 400);
  EXPECT_EQ(t.count("csv_downloads"), 0);
}

// A big download's job works out whose logs from the person as they are when it runs: a record
// that says "every organisation" for someone who is not support gives only their own.
TEST(CsvDownload, TheJobUsesWhatThePersonMaySeeWhenItRuns) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  test::Client c(t), other(t);
  c.sign_in("provider@riverside.example");
  int64_t mine = test::create_log_with_setup(c, "SCOPE-1", "P-1");
  other.sign_in("provider@northshire.example");
  int64_t theirs = test::create_log_with_setup(other, "SCOPE-2", "P-2");
  auto conn = t.conn();
  logs::store::Filter all;
  all.all_organisations = true;  // as if they had been support when they asked
  exports::store::Download d;
  d.user_id = t.user_id("provider@riverside.example");
  d.organisation_id = t.org_id("Riverside Homes Housing Association");
  d.type = "lettings";
  d.year = 2026;
  d.filters = exports::filter_json(all);
  d.filename = "x.csv";
  d.state = "queued";
  int64_t id = exports::store::create(*conn, d);
  EXPECT_EQ(exports::write_download(t.db(), *conn, id, {}), 1);
  std::string file;
  exports::store::each_part(*conn, id, [&](std::string_view s) { file.append(s); });
  Csv csv = read_csv(file);
  EXPECT_GE(csv.row_of(mine), 0);
  EXPECT_EQ(csv.row_of(theirs), -1);
}

// One person has at most 3 big downloads waiting or being written; the 4th is refused (429) and
// recorded nowhere, until one of theirs is done.
TEST(CsvDownload, APersonHasAtMostThreeBigDownloadsPreparedAtOnce) {
  test::PinToday pin("2026-12-01");
  setenv("CORE_CSV_STREAM_LIMIT", "1", 1);
  test::TestApp t;
  test::Client c(t), other(t);
  c.sign_in("provider@riverside.example");
  test::create_log_with_setup(c, "CAP-1", "P-1");
  test::create_log_with_setup(c, "CAP-2", "P-2");
  c.get("/lettings-logs?filtered=1&years=2026");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(download(c).status, 303) << i;
  auto fourth = download(c);
  EXPECT_EQ(fourth.status, 429);
  EXPECT_TRUE(contains(fourth.body, "You already have 3 downloads being prepared"));
  EXPECT_EQ(t.count("csv_downloads"), 3);
  // Someone else is not held up by them.
  other.sign_in("coordinator@riverside.example");
  other.get("/lettings-logs?filtered=1&years=2026");
  EXPECT_EQ(download(other).status, 303);
  // One of the first person's is written: they may ask again.
  mail::FileMailer mailer(t.mail_dir(), "CORE <noreply@core.test>");
  jobs::Worker worker(t.db(), "test");
  exports::register_jobs(worker, t.db(), mailer, "http://localhost:8080");
  auto conn = t.conn();
  auto first_job = conn->query_one("SELECT MIN(job_id) FROM csv_downloads")->i64(0);
  conn->exec("UPDATE jobs SET run_after = '2100-01-01T00:00:00Z' WHERE id <> ?", {first_job});
  EXPECT_EQ(worker.run_due(), 1);
  EXPECT_EQ(download(c).status, 303);
  unsetenv("CORE_CSV_STREAM_LIMIT");
}
