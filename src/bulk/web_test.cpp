// Bulk upload on the web: the journey, the upload (multipart), the results page, the choices, and
// what another organisation's user gets.
#include <gtest/gtest.h>

#include "accounts/store.h"
#include "bulk/generate.h"
#include "bulk/sheet.h"
#include "bulk/store.h"
#include "bulk/upload.h"
#include "form/registry.h"
#include "test_app.h"
#include "web/multipart.h"

using namespace core;
using test::contains;

namespace {

const util::Date kToday{2026, 12, 1};

std::string file_for(test::TestApp& t, int rows, int errors_every) {
  bulk::GenerateOptions o;
  o.rows = rows;
  o.errors_every = errors_every;
  o.organisation_id = t.org_id("Riverside Homes Housing Association");
  o.email = "provider@riverside.example";
  return bulk::generate_csv(*form::template_spec("lettings", 2026), o);
}

// A multipart upload as a browser sends it, through the whole app.
web::Response upload(test::Client& c, const std::string& path, const std::string& filename, const std::string& data,
                     const std::multimap<std::string, std::string>& fields = {}) {
  web::Request req;
  req.method = "POST";
  req.path = path.substr(0, path.find('?'));
  if (path.find('?') != std::string::npos) {
    req.query_string = path.substr(path.find('?') + 1);
    web::parse_urlencoded(req.query_string, req.query);
  }
  req.headers["content-type"] = "multipart/form-data; boundary=xyz";
  req.form = fields;
  req.form.emplace("csrf_token", c.csrf());
  req.files["file"] = {filename, "text/csv", data};
  return c.request(req);
}

int64_t upload_id(const web::Response& r) {
  std::string loc = r.header("Location");
  auto at = loc.rfind('/');
  return at == std::string::npos ? 0 : std::stoll(loc.substr(at + 1));
}

}  // namespace

TEST(BulkUploadWeb, JourneyUploadResultsAndCreate) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  test::Client c(t);
  c.sign_in("coordinator@riverside.example");
  auto start = c.get("/lettings-logs/bulk-upload-logs/start");
  ASSERT_EQ(start.status, 303);
  EXPECT_EQ(start.header("Location"), "/lettings-logs/bulk-upload-logs/prepare-your-file?year=2026") << "one year open: no year page";
  auto prepare = c.get("/lettings-logs/bulk-upload-logs/prepare-your-file?year=2026");
  ASSERT_EQ(prepare.status, 200);
  EXPECT_TRUE(contains(prepare.body, "upload-your-file?year=2026"));
  EXPECT_EQ(c.get("/lettings-logs/bulk-upload-logs/prepare-your-file?year=2019").status, 404) << "a closed year";
  auto page = c.get("/lettings-logs/bulk-upload-logs/upload-your-file?year=2026");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "enctype=\"multipart/form-data\""));
  // No file: the page again with the message.
  auto none = upload(c, "/lettings-logs/bulk-upload-logs/upload-your-file?year=2026", "", "");
  EXPECT_EQ(none.status, 422);
  EXPECT_TRUE(contains(none.body, "Select which file to upload."));
  // A file: stored, checked by the job, results on the page.
  auto r = upload(c, "/lettings-logs/bulk-upload-logs/upload-your-file?year=2026", "C:\\Users\\me\\riverside.csv", file_for(t, 12, 10));
  ASSERT_EQ(r.status, 303) << r.body;
  int64_t id = upload_id(r);
  ASSERT_GT(id, 0);
  auto checking = c.get("/lettings-logs/bulk-upload-results/" + std::to_string(id));
  EXPECT_EQ(checking.status, 200);
  EXPECT_TRUE(contains(checking.body, "data-bulk-progress")) << "the progress, before the check";
  EXPECT_TRUE(contains(checking.body, "Refresh this page"));
  auto progress = c.get("/lettings-logs/bulk-upload-results/" + std::to_string(id) + "/progress");
  EXPECT_TRUE(contains(progress.body, "\"state\":\"checking\""));
  {
    auto conn = t.conn();
    EXPECT_EQ(bulk::run_check(*conn, id, nullptr, "", {}, kToday), "checked");
  }
  auto results = c.get("/lettings-logs/bulk-upload-results/" + std::to_string(id));
  ASSERT_EQ(results.status, 200);
  EXPECT_TRUE(contains(results.body, "riverside.csv")) << "the file's name without its folder";
  EXPECT_TRUE(contains(results.body, "<dd class=\"govuk-summary-list__value\" id=\"rows-read\">12</dd>"));
  EXPECT_TRUE(contains(results.body, "<dd class=\"govuk-summary-list__value\" id=\"logs-with-errors\">1</dd>"));
  EXPECT_TRUE(contains(results.body, "Row 18")) << "the card of the row with errors";
  EXPECT_TRUE(contains(results.body, "AP18"));
  EXPECT_TRUE(contains(results.body, "Age of person 1 must be a number or the letter R"));
  EXPECT_TRUE(contains(results.body, "value=\"create-fix-inline\""));
  auto csv = c.get("/lettings-logs/bulk-upload-results/" + std::to_string(id) + "/errors.csv");
  EXPECT_EQ(csv.status, 200);
  EXPECT_TRUE(contains(csv.content_type, "text/csv"));
  EXPECT_TRUE(contains(csv.body, "AP18"));
  auto xlsx = c.get("/lettings-logs/bulk-upload-results/" + std::to_string(id) + "/errors.xlsx");
  EXPECT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK") << "an XLSX (a zip)";
  {
    auto back = bulk::read_xlsx(xlsx.body);
    ASSERT_TRUE(back.ok()) << back.error;
    bool row18 = false;
    for (auto& row : back.rows) row18 = row18 || (row.number == 18 && row.text(41) == "thirty");
    EXPECT_TRUE(row18) << "the user's rows, as uploaded, at their own row numbers";
  }
  for (const char* what : {"template", "specification"}) {
    auto w = c.get(std::string("/lettings-logs/bulk-upload-logs/") + what + "?year=2026");
    EXPECT_EQ(w.status, 200) << what;
    EXPECT_TRUE(contains(w.content_type, "spreadsheetml")) << what;
    EXPECT_TRUE(bulk::read_xlsx(w.body).ok()) << what;
  }
  // Another organisation's coordinator cannot see it.
  EXPECT_EQ(test::Client(t).get("/lettings-logs/bulk-upload-results/" + std::to_string(id) + "/errors.xlsx").status, 303) << "signed out";
  test::Client other(t);
  other.sign_in("coordinator@northshire.example");
  EXPECT_EQ(other.get("/lettings-logs/bulk-upload-results/" + std::to_string(id)).status, 404);
  EXPECT_EQ(other.get("/lettings-logs/bulk-upload-results/" + std::to_string(id) + "/errors.csv").status, 404);
  EXPECT_EQ(other.post("/lettings-logs/bulk-upload-results/" + std::to_string(id) + "/choice", {{"choice", "create-fix-inline"}}).status, 404);
  EXPECT_EQ(c.get("/sales-logs/bulk-upload-results/" + std::to_string(id)).status, 404) << "a lettings upload is not a sales one";
  // No choice: back with the message. Then create the logs and fix the rest.
  auto no_choice = c.post("/lettings-logs/bulk-upload-results/" + std::to_string(id) + "/choice", {});
  EXPECT_EQ(no_choice.status, 303);
  auto chose = c.post("/lettings-logs/bulk-upload-results/" + std::to_string(id) + "/choice", {{"choice", "create-fix-inline"}});
  EXPECT_EQ(chose.status, 303);
  int64_t before = t.count("logs");
  {
    auto conn = t.conn();
    EXPECT_EQ(bulk::run_create(*conn, id, kToday), "created");
  }
  EXPECT_EQ(t.count("logs"), before + 12);
  auto done = c.get("/lettings-logs/bulk-upload-results/" + std::to_string(id));
  EXPECT_TRUE(contains(done.body, "12 logs created"));
  auto listed = c.get("/lettings-logs?filtered=1&bulk_upload_id=" + std::to_string(id));
  EXPECT_TRUE(contains(listed.body, "12 logs found")) << listed.body.substr(0, 0);
  {
    auto conn = t.conn();
    int64_t first = conn->query_one("SELECT MIN(id) FROM logs WHERE bulk_upload_id = ?", {id})->i64(0);
    auto history = c.get("/lettings-logs/" + std::to_string(first) + "/history");
    EXPECT_TRUE(contains(history.body, "Created from bulk upload " + std::to_string(id)));
  }
  auto from_bulk = c.get("/lettings-logs?filtered=1&creation=bulk_upload");
  EXPECT_TRUE(contains(from_bulk.body, "12 logs found"));
  auto list = c.get("/lettings-logs/bulk-uploads");
  EXPECT_TRUE(contains(list.body, "riverside.csv"));
  EXPECT_FALSE(contains(other.get("/lettings-logs/bulk-uploads").body, "riverside.csv")) << "not in another organisation's list";
  EXPECT_TRUE(contains(c.get("/lettings-logs/bulk-uploads?uploaded_by=you").body, "riverside.csv"));
  test::Client support(t);
  support.sign_in("support@example.gov.uk");
  EXPECT_TRUE(contains(support.get("/lettings-logs/bulk-uploads").body, "riverside.csv")) << "support see every upload";
  EXPECT_FALSE(contains(support.get("/lettings-logs/bulk-uploads?organisation_id=" + std::to_string(t.org_id("Northshire County Council"))).body,
                        "riverside.csv"))
      << "filtered to another organisation";
  EXPECT_FALSE(contains(support.get("/lettings-logs/bulk-uploads?uploaded_by=you").body, "riverside.csv")) << "not uploaded by support";
}

TEST(BulkUploadWeb, RefusedWithoutTheAgreementAndNoCsrf) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  test::Client c(t);
  c.sign_in("coordinator@eastbrook.example");
  EXPECT_EQ(c.get("/lettings-logs/bulk-upload-logs/start").status, 403);
  int64_t uploads = t.count("bulk_uploads");
  EXPECT_EQ(upload(c, "/lettings-logs/bulk-upload-logs/upload-your-file?year=2026", "x.csv", "a,b\r\n").status, 403);
  test::Client r(t);
  r.sign_in("coordinator@riverside.example");
  web::Request req;
  req.method = "POST";
  req.path = "/lettings-logs/bulk-upload-logs/upload-your-file";
  req.query_string = "year=2026";
  req.query.emplace("year", "2026");
  req.files["file"] = {"x.csv", "text/csv", file_for(t, 1, 0)};
  EXPECT_EQ(r.request(req).status, 403) << "no CSRF token";
  EXPECT_EQ(t.count("bulk_uploads"), uploads);
}

TEST(Multipart, ParsesFieldsAndFilesAndRefusesMalformedBodies) {
  std::string body =
      "--xyz\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n"
      "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\x\\\\a.csv\"\r\nContent-Type: text/csv\r\n\r\n1,2\r\n3,4\r\n"
      "--xyz--\r\n";
  auto b = web::multipart_boundary("multipart/form-data; boundary=xyz");
  ASSERT_TRUE(b);
  auto m = web::parse_multipart(body, *b);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->fields.find("csrf_token")->second, "abc");
  ASSERT_TRUE(m->files.count("file"));
  EXPECT_EQ(m->files["file"].filename, "a.csv");
  EXPECT_EQ(m->files["file"].data, "1,2\r\n3,4");
  EXPECT_FALSE(web::parse_multipart("--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end", "xyz"));
  EXPECT_FALSE(web::parse_multipart("no boundary at all", "xyz"));
  EXPECT_FALSE(web::parse_multipart("--xyz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--xyz--", "xyz")) << "a part without a name";
  std::string many;
  for (int i = 0; i < 200; ++i) many += "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n";
  EXPECT_FALSE(web::parse_multipart(many + "--xyz--", "xyz")) << "too many parts";
  EXPECT_FALSE(web::multipart_boundary("text/plain"));
  EXPECT_FALSE(web::multipart_boundary("multipart/form-data; boundary=" + std::string(100, 'a')));
}

TEST(BulkUploadWeb, OwnSpreadsheetIsMappedThenCheckedOnItsOwnColumns) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  test::Client c(t);
  c.sign_in("coordinator@riverside.example");
  std::string own =
      "Tenant code,Tenancy start date,Lead tenant age,Lead tenant sex,Notes\r\n"
      "ABC1,01/05/2026,34,Female,first\r\n"
      "ABC2,2026-06-02,thirty,Male,second\r\n";
  auto r = upload(c, "/lettings-logs/bulk-upload-logs/upload-your-file?year=2026&own=1", "ours.csv", own);
  ASSERT_EQ(r.status, 303) << r.body;
  std::string mapping = r.header("Location");
  ASSERT_TRUE(contains(mapping, "/lettings-logs/bulk-upload-mapping/"));
  int64_t id = upload_id(r);
  auto page = c.get(mapping);
  ASSERT_EQ(page.status, 200);
  // The proposal: each column's select has its question chosen; "Notes" is left unused.
  EXPECT_TRUE(contains(page.body, "<option value=\"tenancycode\" selected>")) << page.body.substr(0, 0);
  EXPECT_TRUE(contains(page.body, "<option value=\"startdate\" selected>"));
  EXPECT_TRUE(contains(page.body, "<option value=\"age1\" selected>"));
  EXPECT_TRUE(contains(page.body, "<option value=\"sexrab1\" selected>"));
  // Two columns on one question: refused, nothing saved.
  auto twice = c.post(mapping, {{"column_0", "tenancycode"}, {"column_1", "tenancycode"}});
  EXPECT_EQ(twice.status, 422);
  EXPECT_TRUE(contains(twice.body, "same question"));
  EXPECT_EQ(c.post(mapping, {{"column_0", "not_a_question"}}).status, 400);
  auto saved = c.post(mapping, {{"column_0", "tenancycode"}, {"column_1", "startdate"}, {"column_2", "age1"}, {"column_3", "sexrab1"}, {"column_4", ""}});
  ASSERT_EQ(saved.status, 303);
  auto values = c.get(saved.header("Location"));
  ASSERT_EQ(values.status, 200);
  EXPECT_TRUE(contains(values.body, "Female"));
  // Female → F and Male → M proposed (value_3_0 and value_3_1: column 3, its first and second values).
  EXPECT_TRUE(contains(values.body, "name=\"value_3_0\"><option value=\"\">Leave blank</option><option value=\"F\" selected>"));
  auto done = c.post(saved.header("Location"), {{"value_3_0", "F"}, {"value_3_1", "M"}});
  ASSERT_EQ(done.status, 303) << done.body;
  {
    auto conn = t.conn();
    EXPECT_EQ(bulk::run_check(*conn, id, nullptr, "", {}, kToday), "checked");
    auto up = bulk::store::find(*conn, id);
    auto report = bulk::Report::from_json(nlohmann::json::parse(*up->report));
    ASSERT_TRUE(report.file_errors.empty());
    ASSERT_EQ(report.logs.size(), 2u);
    EXPECT_EQ(report.logs[0].row, 2) << "the user's own row numbers";
    EXPECT_EQ(report.logs[0].reference, "ABC1");
    bool age_on_c3 = false;
    for (auto& e : report.logs[1].errors) age_on_c3 = age_on_c3 || (e.field == 41 && e.cell == "C3");
    EXPECT_TRUE(age_on_c3) << "the age error is on the user's column C, row 3";
    for (auto& e : report.logs[0].errors) EXPECT_NE(e.cell, "D2") << "Female was read as the lead tenant's sex: " << e.message;
    // The organisation's mapping is kept and offered next time.
    EXPECT_TRUE(bulk::store::mapping(*conn, t.org_id("Riverside Homes Housing Association"), "lettings", 2026));
  }
  auto again = upload(c, "/lettings-logs/bulk-upload-logs/upload-your-file?year=2026&own=1", "ours2.csv",
                      "Tenant code,Tenancy start date,Lead tenant age,Lead tenant sex,Notes\r\nX,01/05/2026,30,Female,n\r\n");
  auto page2 = c.get(again.header("Location"));
  EXPECT_TRUE(contains(page2.body, "<option value=\"sexrab1\" selected>"));
  test::Client other(t);
  other.sign_in("coordinator@northshire.example");
  EXPECT_EQ(other.get(again.header("Location")).status, 404);
}

TEST(BulkUploadWeb, SupportChoosesTheOrganisationAndTheUploaderIsEmailed) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  test::Client s(t);
  s.sign_in("support@example.gov.uk");
  auto page = s.get("/lettings-logs/bulk-upload-logs/upload-your-file?year=2026");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "Which organisation are these logs for?"));
  EXPECT_FALSE(contains(page.body, ">Eastbrook Housing Trust<")) << "an organisation that cannot create logs is not offered";
  auto none = upload(s, "/lettings-logs/bulk-upload-logs/upload-your-file?year=2026", "x.csv", file_for(t, 2, 0));
  EXPECT_EQ(none.status, 422);
  EXPECT_TRUE(contains(none.body, "Select the organisation the logs are for."));
  int64_t eastbrook = t.org_id("Eastbrook Housing Trust"), riverside = t.org_id("Riverside Homes Housing Association");
  auto refused = upload(s, "/lettings-logs/bulk-upload-logs/upload-your-file?year=2026", "x.csv", file_for(t, 2, 0),
                        {{"organisation_id", std::to_string(eastbrook)}});
  EXPECT_EQ(refused.status, 422) << "the data sharing agreement is not signed";
  auto r = upload(s, "/lettings-logs/bulk-upload-logs/upload-your-file?year=2026", "support.csv", file_for(t, 2, 0),
                  {{"organisation_id", std::to_string(riverside)}});
  ASSERT_EQ(r.status, 303) << r.body;
  int64_t id = upload_id(r);
  auto conn = t.conn();
  EXPECT_EQ(bulk::store::find(*conn, id)->organisation_id, riverside);
  // Support must name who each log is for: the generated rows do (the provider's email).
  bulk::run_check(*conn, id, &t.app().mailer(), t.app().base_url(), {}, kToday);
  auto up = bulk::store::find(*conn, id);
  EXPECT_TRUE(up->state == "creating" || up->state == "checked") << up->state;
  // A file with errors is emailed to the uploader with a link to its results.
  test::Client c(t);
  c.sign_in("coordinator@riverside.example");
  auto mine = upload(c, "/lettings-logs/bulk-upload-logs/upload-your-file?year=2026", "mine.csv", file_for(t, 10, 10));
  int64_t id2 = upload_id(mine);
  bulk::run_check(*conn, id2, &t.app().mailer(), t.app().base_url(), {}, kToday);
  std::string mail = t.last_email_to("coordinator@riverside.example");
  EXPECT_TRUE(contains(mail, "mine.csv"));
  EXPECT_TRUE(contains(mail, "/lettings-logs/bulk-upload-results/" + std::to_string(id2)));
}

// Support upload for an organisation: its rows may name only what that organisation's coordinator may.
TEST(BulkUploadWeb, SupportUploadsNameOnlyWhatTheOrganisationMay) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  auto conn = t.conn();
  accounts::Organisation other;
  other.name = "Unrelated Homes";
  other.provider_type = 2;
  other.holds_own_stock = true;
  other.active = true;
  int64_t unrelated = accounts::store::create_organisation(*conn, other);
  auto support = accounts::store::find_user_by_email(*conn, "support@example.gov.uk");
  int64_t riverside = t.org_id("Riverside Homes Housing Association");
  bulk::GenerateOptions o;
  o.rows = 2;
  o.errors_every = 0;
  o.organisation_id = unrelated;  // the rows name an organisation Riverside has nothing to do with
  o.email = "provider@riverside.example";
  std::string file = bulk::generate_csv(*form::template_spec("lettings", 2026), o);
  auto id = std::get<int64_t>(bulk::submit(*conn, *support, {"lettings", 2026, riverside, "for-riverside.csv", file}));
  bulk::run_check(*conn, id, nullptr, "", {}, kToday);
  auto report = bulk::Report::from_json(nlohmann::json::parse(*bulk::store::find(*conn, id)->report));
  ASSERT_EQ(report.logs.size(), 2u);
  bool refused = false;
  for (auto& e : report.logs[0].errors) refused = refused || (e.field == 1 && e.category == "setup");
  EXPECT_TRUE(refused) << "the owning organisation is refused for an upload for Riverside";
  EXPECT_FALSE(report.can_create());
}

// Inputs the pages never offer: a forged organisation, a file over the limit, an answer no select had.
TEST(BulkUploadWeb, ForgedInputsChangeNothing) {
  test::PinToday pin("2026-12-01");
  test::TestApp t;
  test::Client c(t);
  c.sign_in("coordinator@riverside.example");
  int64_t riverside = t.org_id("Riverside Homes Housing Association"), northshire = t.org_id("Northshire County Council");
  // Only support choose the organisation: anyone else's upload is their own organisation's.
  auto r = upload(c, "/lettings-logs/bulk-upload-logs/upload-your-file?year=2026", "forged.csv", file_for(t, 1, 0),
                  {{"organisation_id", std::to_string(northshire)}});
  ASSERT_EQ(r.status, 303);
  {
    auto conn = t.conn();
    EXPECT_EQ(bulk::store::find(*conn, upload_id(r))->organisation_id, riverside);
  }
  // Over 10MB: refused with the template's message, nothing stored.
  int64_t uploads = t.count("bulk_uploads");
  auto big = upload(c, "/lettings-logs/bulk-upload-logs/upload-your-file?year=2026", "big.csv", std::string(10 * 1024 * 1024 + 1, 'a'));
  EXPECT_EQ(big.status, 422);
  EXPECT_TRUE(contains(big.body, "File must be 10MB or less."));
  EXPECT_EQ(t.count("bulk_uploads"), uploads);
  // A year the page did not offer.
  EXPECT_EQ(upload(c, "/lettings-logs/bulk-upload-logs/upload-your-file?year=1999", "x.csv", file_for(t, 1, 0)).status, 404);
  EXPECT_EQ(t.count("bulk_uploads"), uploads);
  // An own spreadsheet's value mapped to an answer the question does not have: refused, nothing queued.
  auto own = upload(c, "/lettings-logs/bulk-upload-logs/upload-your-file?year=2026&own=1", "ours.csv",
                    "Tenant code,Lead tenant sex\r\nA1,Female\r\n");
  std::string mapping = own.header("Location");
  ASSERT_EQ(c.post(mapping, {{"column_0", "tenancycode"}, {"column_1", "sexrab1"}}).status, 303);
  EXPECT_EQ(c.post(mapping + "/values", {{"value_1_0", "ZZ"}}).status, 400);
  int64_t jobs = t.count("jobs");
  {
    auto conn = t.conn();
    EXPECT_EQ(bulk::store::find(*conn, upload_id(own))->state, "mapping") << "still waiting for its mapping";
  }
  EXPECT_EQ(t.count("jobs"), jobs);
  // A choice that is not one of the page's: back with the message, no job queued.
  {
    auto conn = t.conn();
    bulk::run_check(*conn, upload_id(r), nullptr, "", {}, kToday);
  }
  jobs = t.count("jobs");
  EXPECT_EQ(c.post("/lettings-logs/bulk-upload-results/" + std::to_string(upload_id(r)) + "/choice", {{"choice", "delete-everything"}}).status, 303);
  EXPECT_EQ(t.count("jobs"), jobs);
}
