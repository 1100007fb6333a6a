// The export to the data store: the elements of a 2026 general-needs lettings log and a sales log
// against the real service's examples (names, order and values), the archives (parts of at most N
// records, manifest.xml, well-formed XML), the master manifest, incremental and full runs and their
// numbering, deleted and pending logs, users and organisations, one run at a time, the schedule on
// two servers, and the command line.
#include <gtest/gtest.h>

#include <expat.h>

#include <Poco/MemoryStream.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "accounts/store.h"
#include "bulk/store.h"
#include "cli/export_commands.h"
#include "exports/cds.h"
#include "exports/csv_download.h"
#include "exports/schedule.h"
#include "exports/store.h"
#include "form/gateway.h"
#include "form/registry.h"
#include "jobs/jobs.h"
#include "logs/generate.h"
#include "logs/service.h"
#include "logs/store.h"
#include "test_app.h"
#include "test_db.h"
#include "util/paths.h"
#include "util/text.h"
#include "util/time.h"

using namespace core;
using nlohmann::json;
using test::contains;

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A fresh folder for a test's archives.
struct Folder {
  std::filesystem::path path;
  Folder() {
    path = std::filesystem::temp_directory_path() / ("core-cds-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~Folder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (auto& e : std::filesystem::directory_iterator(path)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

// Every entry of a zip, inflated, by name.
std::map<std::string, std::string> unzip(const std::filesystem::path& p) {
  std::string bytes = read_file(p);
  Poco::MemoryInputStream in(bytes.data(), bytes.size());
  Poco::Zip::ZipArchive archive(in);
  std::map<std::string, std::string> out;
  for (auto it = archive.headerBegin(); it != archive.headerEnd(); ++it) {
    in.clear();
    Poco::Zip::ZipInputStream part(in, it->second, true);
    out[it->first] = std::string((std::istreambuf_iterator<char>(part)), std::istreambuf_iterator<char>());
  }
  return out;
}

// The elements of each <form> of an XML part (expat: the part must be well-formed), as
// (name, text) pairs in order.
using Record = std::vector<std::pair<std::string, std::string>>;
std::vector<Record> records_of(const std::string& xml) {
  struct State {
    std::vector<Record> records;
    int depth = 0;
    std::string text;
  } st;
  XML_Parser p = XML_ParserCreate("UTF-8");
  XML_SetUserData(p, &st);
  XML_SetElementHandler(
      p,
      [](void* d, const XML_Char* name, const XML_Char**) {
        auto* s = static_cast<State*>(d);
        ++s->depth;
        if (s->depth == 2) s->records.emplace_back();
        if (s->depth == 3) s->records.back().emplace_back(name, "");
        s->text.clear();
      },
      [](void* d, const XML_Char*) {
        auto* s = static_cast<State*>(d);
        if (s->depth == 3) s->records.back().back().second = s->text;
        --s->depth;
      });
  XML_SetCharacterDataHandler(p, [](void* d, const XML_Char* t, int n) { static_cast<State*>(d)->text.append(t, size_t(n)); });
  bool ok = XML_Parse(p, xml.data(), int(xml.size()), 1) == XML_STATUS_OK;
  EXPECT_TRUE(ok) << "not well-formed XML: " << XML_ErrorString(XML_GetErrorCode(p)) << " at line " << XML_GetCurrentLineNumber(p);
  XML_ParserFree(p);
  return st.records;
}

// An example record of the real service's (tests/fixtures/exports/: NAME<TAB>VALUE lines), with
// its placeholders filled in.
Record example(const std::string& name, const std::map<std::string, std::string>& placeholders) {
  std::ifstream in(resource_root() / "tests" / "fixtures" / "exports" / name);
  EXPECT_TRUE(in) << name;
  Record out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    std::string value = tab == std::string::npos ? "" : line.substr(tab + 1);
    for (auto& [from, to] : placeholders)
      if (value == from) value = to;
    out.emplace_back(line.substr(0, tab), value);
  }
  return out;
}

// A log's answers built from an example record, through the export description read backwards:
// each element that is an answer of the form gives that answer (as the attribute's type), dates
// given in parts are put together, and `add` is taken off again.
form::Values answers_from_example(const form::Form& f, const json& spec, const Record& ex) {
  form::Values v(f.size());
  std::map<std::string, std::string> of;
  for (auto& [k, text] : ex) of[k] = text;
  std::map<std::string, std::map<std::string, int>> date_parts;
  bool upper = spec.value("upper_case", false);
  for (auto& e : spec["elements"]) {
    std::string element, attribute;
    int64_t add = 0;
    if (e.is_string()) {
      attribute = e.get<std::string>();
      element = upper ? util::ascii_upper(attribute) : attribute;
    } else {
      if (e.contains("meta") || e.contains("blank") || e.value("values", "") == "labels") continue;
      element = e["element"];
      attribute = e.value("attribute", element);
      add = e.value("add", int64_t(0));
      if (e.contains("part")) {
        if (!of[element].empty()) date_parts[attribute][e["part"].get<std::string>()] = std::stoi(of[element]);
        continue;
      }
    }
    const std::string& text = of[element];
    int slot = f.slot(attribute);
    if (text.empty() || slot < 0 || !v[size_t(slot)].null()) continue;
    const form::Attribute& a = f.attributes[size_t(slot)];
    expr::Value value;
    if (a.kind == form::AttrKind::CheckboxOption) value = expr::Value(text == "1");
    else if (a.type == expr::Type::Bool) value = expr::Value(text == "true");
    else if (a.type == expr::Type::Date) value = expr::Value(*util::parse_iso_date(text.substr(0, 10)));
    else if (a.type == expr::Type::Number) value = expr::number(std::stod(text) - double(add));
    else value = expr::Value(text);
    v[size_t(slot)] = value;
  }
  for (auto& [attribute, parts] : date_parts) v[size_t(f.slot(attribute))] = expr::Value(util::Date{parts["year"], parts["month"], parts["day"]});
  return v;
}

struct ExampleWorld {
  int64_t owner = 0, manager = 0, user = 0;
};

ExampleWorld example_world(db::Connection& c) {
  ExampleWorld w;
  accounts::Organisation o;
  o.name = "Example Borough Council";
  o.provider_type = 1;
  o.housing_registration_no = "1234";
  w.owner = accounts::store::create_organisation(c, o);
  o.name = "Example Managing Agent";
  w.manager = accounts::store::create_organisation(c, o);
  accounts::store::NewUser u;
  u.organisation_id = w.owner;
  u.name = "Test One";
  u.email = "test1@example.com";
  u.role = accounts::Role::Coordinator;
  u.confirmed = true;
  w.user = accounts::store::create_user(c, u);
  return w;
}

// Stores a log with these answers as they are (the export's mapping is under test here, not the
// form's rules), made and last changed at `at` (UTC).
int64_t store_log(db::Connection& c, const std::string& type, const form::Form& f, const form::Values& values, const ExampleWorld& w,
                  const std::string& status, const std::string& at, std::optional<int64_t> bulk_upload_id = std::nullopt) {
  logs::store::Log l;
  l.type = type;
  l.form_year = 2026;
  l.collection_year = 2026;
  l.status = status;
  l.owning_organisation_id = w.owner;
  l.managing_organisation_id = w.manager;
  l.assigned_to_id = w.user;
  l.created_by_id = w.user;
  l.answers = form::answers_text(f, values);
  int date_slot = f.slot(type == "sales" ? "saledate" : "startdate");
  if (values[size_t(date_slot)].is_date()) l.log_date = values[size_t(date_slot)].as_date().iso();
  if (bulk_upload_id) {
    l.creation_method = "bulk upload";
    l.bulk_upload_id = bulk_upload_id;
  }
  int64_t id = logs::store::create(c, l, {});
  c.exec("UPDATE logs SET created_at = ?, updated_at = ? WHERE id = ?", {at, at, id});
  return id;
}

// Compares a written record with an example: the same names in the same order, and the same values
// except where this service has no such answer (`blank_here`: the description's `blank` elements).
void expect_matches(const Record& got, const Record& want, const std::set<std::string>& blank_here) {
  std::vector<std::string> got_names, want_names;
  for (auto& [k, v] : got) got_names.push_back(k);
  for (auto& [k, v] : want) want_names.push_back(k);
  EXPECT_EQ(got_names.size(), want_names.size());
  for (size_t i = 0; i < std::min(got_names.size(), want_names.size()); ++i)
    if (got_names[i] != want_names[i]) {
      ADD_FAILURE() << "element " << i << " is " << got_names[i] << ", the example's " << want_names[i];
      break;
    }
  std::map<std::string, std::string> g(got.begin(), got.end());
  for (auto& [name, value] : want) {
    if (blank_here.count(name)) {
      EXPECT_EQ(g[name], "") << name << " is not collected here, so it is written empty";
      continue;
    }
    EXPECT_EQ(g[name], value) << "element " << name;
  }
}

std::set<std::string> blank_elements(const json& spec) {
  std::set<std::string> out;
  for (auto& e : spec["elements"])
    if (e.is_object() && e.contains("blank")) out.insert(e["element"].get<std::string>());
  return out;
}

int64_t bulk_upload(db::Connection& c, const ExampleWorld& w) {
  bulk::store::Upload u;
  u.type = "lettings";
  u.year = 2026;
  u.filename = "upload.csv";
  u.state = "created";
  u.organisation_id = w.owner;
  u.user_id = w.user;
  return bulk::store::create(c, u, "a,b\n");
}

}  // namespace

// A 2026 general-needs log as the real service's example has it: 188 elements in its order, with
// its values (dates with England's offset, decimals as stored, organisation ids offset by
// 300000000000), bar the answers this service does not collect.
TEST(CdsExport, AGeneralNeedsLogHasTheExamplesElementsInOrderWithTheSameValues) {
  test::TestDatabase tdb;
  auto c = tdb.db().acquire();
  ExampleWorld w = example_world(*c);
  auto f = form::get("lettings", 2026);
  const json& spec = exports::companion_spec("lettings", 2026, "cds");
  Record raw = example("cds-lettings-2026-general-needs.txt", {});
  form::Values values = answers_from_example(*f, spec, raw);
  int64_t upload = bulk_upload(*c, w);
  int64_t id = store_log(*c, "lettings", *f, values, w, "completed", "2026-04-02T23:00:00Z", upload);
  auto x = std::optional<logs::store::LogWithPeople>();
  logs::store::each_export_log(*c, {"lettings", "2026-04-01", "2027-04-01", std::nullopt, "2100-01-01T00:00:00Z"},
                               [&](const logs::store::LogWithPeople& l) { x = l; });
  ASSERT_TRUE(x);
  auto got = records_of("<forms>\n" + exports::cds::log_record(*c, "lettings", 2026, *x) + "</forms>\n");
  ASSERT_EQ(got.size(), 1u);
  Record want = example("cds-lettings-2026-general-needs.txt",
                        {{"{id}", std::to_string(id + exports::cds::kLettingsIdOffset)},
                         {"{log_id}", std::to_string(id)},
                         {"{owning_org_id}", std::to_string(w.owner + exports::cds::kLettingsIdOffset)},
                         {"{owning_org_name}", "Example Borough Council"},
                         {"{managing_org_id}", std::to_string(w.manager + exports::cds::kLettingsIdOffset)},
                         {"{managing_org_name}", "Example Managing Agent"},
                        });
  for (auto& [k, v] : want)
    if (k == "bulk_upload_id") v = std::to_string(upload);  // the example's upload is its own
  EXPECT_EQ(want.size(), 188u);
  // The date of the major repairs is a date here; the real service's example gives it a time of day.
  for (auto& [k, v] : want)
    if (k == "mrcdate") v = "2022-05-05T00:00:00+01:00";
  expect_matches(got[0], want, blank_elements(spec));
  // What the data store is told of a log refused or not known, and of a supported-housing log.
  form::Values refused = values;
  refused[size_t(f->slot("age1_known"))] = expr::Value(int64_t(1));
  refused[size_t(f->slot("details_known_2"))] = expr::Value(int64_t(1));
  x->log.answers = form::answers_text(*f, refused);
  auto refused_records = records_of("<forms>" + exports::cds::log_record(*c, "lettings", 2026, *x) + "</forms>");
  std::map<std::string, std::string> r(refused_records[0].begin(), refused_records[0].end());
  EXPECT_EQ(r["age1"], "-9");
  EXPECT_EQ(r["age2"], "-9");
  EXPECT_EQ(r["sexrab2"], "R");
  EXPECT_EQ(r["relat2"], "R");
  EXPECT_EQ(r["ecstat2"], "10");
  form::Values supported = values;
  supported[size_t(f->slot("needstype"))] = expr::Value(int64_t(2));
  x->log.answers = form::answers_text(*f, supported);
  Record sh = records_of("<forms>" + exports::cds::log_record(*c, "lettings", 2026, *x) + "</forms>")[0];
  std::vector<std::string> names;
  for (auto& [k, v] : sh) names.push_back(k);
  EXPECT_EQ(std::count(names.begin(), names.end(), "unittype_gn"), 0) << "general needs only";
  auto at = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) - names.begin(); };
  EXPECT_LT(at("renttype_detail"), at("schtype"));
  EXPECT_LT(at("mobstand"), at("providertype"));
  EXPECT_EQ(names.back(), "providertype");
}

// A 2026 sales log as the example has it: 164 upper-case elements in order, dates in parts, the
// service's own organisation ids, the charges by the type of sale, the local authorities' names.
TEST(CdsExport, ASalesLogHasTheExamplesElementsInOrderWithTheSameValues) {
  test::TestDatabase tdb;
  auto c = tdb.db().acquire();
  ExampleWorld w = example_world(*c);
  auto f = form::get("sales", 2026);
  const json& spec = exports::companion_spec("sales", 2026, "cds");
  Record raw = example("cds-sales-2026.txt", {});
  form::Values values = answers_from_example(*f, spec, raw);
  int64_t id = store_log(*c, "sales", *f, values, w, "in_progress", "2026-03-31T23:00:00Z");
  std::optional<logs::store::LogWithPeople> x;
  logs::store::each_export_log(*c, {"sales", "2026-04-01", "2027-04-01", std::nullopt, "2100-01-01T00:00:00Z"},
                               [&](const logs::store::LogWithPeople& l) { x = l; });
  ASSERT_TRUE(x);
  auto got = records_of("<forms>\n" + exports::cds::log_record(*c, "sales", 2026, *x) + "</forms>\n");
  ASSERT_EQ(got.size(), 1u);
  Record want = example("cds-sales-2026.txt", {{"{id}", std::to_string(id)},
                                                {"{owning_org_id}", std::to_string(w.owner)},
                                                {"{owning_org_name}", "Example Borough Council"},
                                                {"{managing_org_id}", std::to_string(w.manager)},
                                                {"{managing_org_name}", "Example Managing Agent"},
                                                {"{created_by_email}", "test1@example.com"},
                                                {"{created_by_id}", std::to_string(w.user)},
                                                {"{assigned_to_email}", "test1@example.com"},
                                                {"{assigned_to_id}", std::to_string(w.user)}});
  EXPECT_EQ(want.size(), 164u);
  expect_matches(got[0], want, blank_elements(spec));
  // Shared ownership: the monthly charges are its service charges instead.
  form::Values shared = values;
  shared[size_t(f->slot("ownershipsch"))] = expr::Value(int64_t(1));
  x->log.answers = form::answers_text(*f, shared);
  auto shared_records = records_of("<forms>" + exports::cds::log_record(*c, "sales", 2026, *x) + "</forms>");
  std::map<std::string, std::string> r(shared_records[0].begin(), shared_records[0].end());
  EXPECT_EQ(r["HASSERVICECHARGES"], "1");
  EXPECT_EQ(r["SERVICECHARGES"], "100.0");
  EXPECT_EQ(r.at("MSCHARGE"), "") << "discounted ownership's, so empty";
  EXPECT_EQ(r.at("HASMSCHARGE"), "");
}

TEST(CdsExport, DescriptionsAreLintedAgainstTheirForm) {
  for (const char* type : {"lettings", "sales"}) {
    auto f = form::get(type, 2026);
    EXPECT_EQ(exports::cds::lint_cds_spec(*f, exports::companion_spec(type, 2026, "cds")), std::vector<std::string>{}) << type;
  }
  auto f = form::get("lettings", 2026);
  json bad = {{"elements", json::array({"tenancycode", "no_such_answer", json{{"element", "x"}, {"meta", "nothing"}},
                                        json{{"element", "y"}, {"blank", ""}}, "tenancycode"})},
              {"colour", "red"}};
  auto problems = exports::cds::lint_cds_spec(*f, bad);
  auto has = [&](const std::string& part) {
    return std::any_of(problems.begin(), problems.end(), [&](const std::string& p) { return contains(p, part); });
  };
  EXPECT_TRUE(has("unknown key `colour`"));
  EXPECT_TRUE(has("`no_such_answer` names no attribute"));
  EXPECT_TRUE(has("`nothing` is not something an export knows"));
  EXPECT_TRUE(has("`blank` should say why"));
  EXPECT_TRUE(has("`tenancycode` appears twice"));
}

TEST(CdsExport, ArchiveNamesFollowTheDataStoresScheme) {
  EXPECT_EQ(exports::cds::archive_name("lettings", 2026, 1, 1), "core_2026_2027_apr_mar_f0001_inc0001");
  EXPECT_EQ(exports::cds::archive_name("sales", 2026, 2, 13), "core_sales_2026_2027_apr_mar_f0002_inc0013");
  EXPECT_EQ(exports::cds::archive_name("users", 0, 1, 1), "users_2024_2025_apr_mar_f0001_inc0001");
  EXPECT_EQ(exports::cds::archive_name("organisations", 0, 1, 2), "organisations_2024_2025_apr_mar_f0001_inc0002");
}

TEST(CdsExport, TimesAreWrittenWithEnglandsOffset) {
  EXPECT_EQ(util::london_midnight_iso(2026, 4, 3), "2026-04-03T00:00:00+01:00");
  EXPECT_EQ(util::london_midnight_iso(2021, 11, 3), "2021-11-03T00:00:00+00:00");
  // The clocks change at 1am UTC on the last Sundays of March (29th in 2026) and October (25th).
  EXPECT_EQ(util::london_midnight_iso(2026, 3, 29), "2026-03-29T00:00:00+00:00");
  EXPECT_EQ(util::london_midnight_iso(2026, 3, 30), "2026-03-30T00:00:00+01:00");
  EXPECT_EQ(util::london_midnight_iso(2026, 10, 25), "2026-10-25T00:00:00+01:00");
  EXPECT_EQ(util::london_midnight_iso(2026, 10, 26), "2026-10-26T00:00:00+00:00");
  EXPECT_EQ(util::london_iso(util::seconds_from_iso("2022-05-05T09:36:49Z")), "2022-05-05T10:36:49+01:00");
  EXPECT_EQ(util::london_iso(util::seconds_from_iso("2026-03-29T00:59:59Z")), "2026-03-29T00:59:59+00:00");
  EXPECT_EQ(util::london_iso(util::seconds_from_iso("2026-03-29T01:00:00Z")), "2026-03-29T02:00:00+01:00");
  EXPECT_EQ(util::london_iso(util::seconds_from_iso("2026-12-03T10:15:00Z")), "2026-12-03T10:15:00+00:00");
}

// Archives of parts of at most N records with manifest.xml, the master manifest, and the numbering
// of incremental and full runs: only what changed since the last run, nothing when nothing did.
TEST(CdsExport, IncrementalAndFullRunsNumberTheirArchivesAndHoldWhatChanged) {
  test::PinToday pin("2026-06-01");
  test::TestApp t;
  logs::GenerateOptions g;
  g.count = 5;
  g.organisations = {t.org_id("Northshire County Council")};
  g.assigned_to_id = t.user_id("coordinator@northshire.example");
  ASSERT_EQ(logs::generate(t.db(), g), 5);
  g.type = "sales";
  g.count = 2;
  ASSERT_EQ(logs::generate(t.db(), g), 2);
  // Times are kept to the second: a record changed in the second a run starts is in the next run
  // too (never in neither), so the runs here start a second after the changes they are about.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto c = t.conn();
  auto reader = t.conn();
  Folder out;
  exports::cds::Options o;
  o.out = out.path;
  o.records_per_part = 2;
  o.holder = "test";
  auto r1 = exports::cds::run(*c, o, &*reader);
  ASSERT_EQ(r1.archives.size(), 4u);  // users, organisations, lettings 2026, sales 2026
  std::string today = util::london_iso(util::now_seconds()).substr(0, 10);
  std::replace(today.begin(), today.end(), '-', '_');
  EXPECT_EQ(r1.manifest, "Manifest_" + today + "_0001.csv");
  auto lettings = out.path / "core_2026_2027_apr_mar_f0001_inc0001.zip";
  ASSERT_TRUE(std::filesystem::exists(lettings)) << testing::PrintToString(out.files());
  auto entries = unzip(lettings);
  std::vector<std::string> names;
  for (auto& [k, v] : entries) names.push_back(k);
  EXPECT_EQ(names, (std::vector<std::string>{"core_2026_2027_apr_mar_f0001_inc0001_pt001.xml", "core_2026_2027_apr_mar_f0001_inc0001_pt002.xml",
                                             "core_2026_2027_apr_mar_f0001_inc0001_pt003.xml", "manifest.xml"}));
  size_t total = 0;
  std::set<std::string> ids;
  for (auto& [k, v] : entries) {
    if (k == "manifest.xml") continue;
    auto rs = records_of(v);
    EXPECT_LE(rs.size(), 2u);
    total += rs.size();
    for (auto& r : rs) ids.insert(r[std::find_if(r.begin(), r.end(), [](auto& p) { return p.first == "log_id"; }) - r.begin()].second);
  }
  EXPECT_EQ(total, 5u);
  EXPECT_EQ(ids.size(), 5u);
  EXPECT_TRUE(contains(entries["manifest.xml"], "<count-of-records>5</count-of-records>")) << entries["manifest.xml"];
  EXPECT_TRUE(contains(unzip(out.path / "core_sales_2026_2027_apr_mar_f0001_inc0001.zip")["manifest.xml"], "<count-of-records>2</count-of-records>"));
  std::string manifest = read_file(out.path / r1.manifest);
  EXPECT_TRUE(manifest.starts_with("zip-name,date-time zipped folder generated,zip-file-uri\n")) << manifest;
  EXPECT_TRUE(contains(manifest, "\ncore_2026_2027_apr_mar_f0001_inc0001,")) << manifest;
  EXPECT_TRUE(contains(manifest, ",core_2026_2027_apr_mar_f0001_inc0001.zip\n")) << manifest;
  EXPECT_EQ(std::count(manifest.begin(), manifest.end(), '\n'), 5);
  for (auto& f : out.files()) EXPECT_FALSE(f.ends_with(".part")) << f;

  // Nothing changed: every collection is recorded as an empty run, and no archive is written.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  Folder out2;
  o.out = out2.path;
  auto r2 = exports::cds::run(*c, o, &*reader);
  EXPECT_EQ(r2.archives.size(), 0u);
  EXPECT_EQ(r2.empty.size(), 4u);
  EXPECT_EQ(r2.manifest, "Manifest_" + today + "_0002.csv");
  EXPECT_EQ(out2.files(), std::vector<std::string>{r2.manifest});
  EXPECT_EQ(read_file(out2.path / r2.manifest), "zip-name,date-time zipped folder generated,zip-file-uri\n");

  // One log changes (through the log service, as any channel would): the next run holds it alone.
  auto coordinator = accounts::store::find_user(*c, t.user_id("coordinator@northshire.example"));
  int64_t changed = 0;
  logs::store::each_export_log(*c, {"lettings", "2026-04-01", "2027-04-01", std::nullopt, "2100-01-01T00:00:00Z"},
                               [&](const logs::store::LogWithPeople& x) { changed = changed ? changed : x.log.id; });
  auto log = logs::store::find(*c, changed);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // times are kept to the second
  auto saved = logs::service::save(*c, *coordinator, *log, {{"tenancycode", json("CHANGED-<&>")}}, log->version, {util::Date{2026, 6, 1}});
  ASSERT_EQ(saved.status, logs::service::Status::Saved) << saved.message;
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  Folder out3;
  o.out = out3.path;
  auto r3 = exports::cds::run(*c, o, &*reader);
  ASSERT_EQ(r3.archives.size(), 1u);
  EXPECT_EQ(r3.archives[0].name, "core_2026_2027_apr_mar_f0001_inc0002");
  auto part = unzip(out3.path / "core_2026_2027_apr_mar_f0001_inc0002.zip");
  auto rs = records_of(part["core_2026_2027_apr_mar_f0001_inc0002_pt001.xml"]);
  ASSERT_EQ(rs.size(), 1u);
  std::map<std::string, std::string> rec(rs[0].begin(), rs[0].end());
  EXPECT_EQ(rec["log_id"], std::to_string(changed));
  EXPECT_EQ(rec["tenancycode"], "CHANGED-<&>") << "escaped in the XML, read back whole";
  EXPECT_TRUE(contains(part["core_2026_2027_apr_mar_f0001_inc0002_pt001.xml"], "<tenancycode>CHANGED-&lt;&amp;&gt;</tenancycode>"));

  // Deleted: the data store hears of it, with status 4 and when.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  logs::store::soft_delete(*c, {changed}, coordinator->id);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  Folder out4;
  o.out = out4.path;
  auto r4 = exports::cds::run(*c, o, &*reader);
  ASSERT_EQ(r4.archives.size(), 1u);
  EXPECT_EQ(r4.archives[0].name, "core_2026_2027_apr_mar_f0001_inc0003");
  rs = records_of(unzip(out4.path / (r4.archives[0].name + ".zip"))[r4.archives[0].name + "_pt001.xml"]);
  ASSERT_EQ(rs.size(), 1u);
  rec = std::map<std::string, std::string>(rs[0].begin(), rs[0].end());
  EXPECT_EQ(rec["status"], "4");
  EXPECT_NE(rec["discarded_at"], "");

  // A full run: the next base number, every log (the deleted one too), parts of the size asked.
  Folder out5;
  o.out = out5.path;
  o.full = true;
  o.collection = "lettings";
  o.records_per_part = 10000;
  auto r5 = exports::cds::run(*c, o, &*reader);
  ASSERT_EQ(r5.archives.size(), 1u);
  EXPECT_EQ(r5.archives[0].name, "core_2026_2027_apr_mar_f0002_inc0001");
  EXPECT_EQ(r5.archives[0].records, 5);
  auto full = unzip(out5.path / "core_2026_2027_apr_mar_f0002_inc0001.zip");
  EXPECT_EQ(full.size(), 2u) << "one part and the manifest";
  EXPECT_EQ(r5.manifest, "Manifest_" + today + "_0005.csv");
  // Every run of every collection is recorded, the empty ones too.
  auto runs = exports::store::cds_exports(*c);
  EXPECT_EQ(runs.size(), 4u + 4u + 4u + 4u + 1u);
  EXPECT_EQ(std::count_if(runs.begin(), runs.end(), [](auto& e) { return e.empty; }), 4 + 3 + 3);
}

// Logs outside the year, without a date, or from a bulk upload not yet confirmed are not exported.
TEST(CdsExport, OnlyTheYearsLogsThatAreNotPending) {
  test::TestDatabase tdb;
  auto c = tdb.db().acquire();
  ExampleWorld w = example_world(*c);
  auto f = form::get("lettings", 2026);
  form::Values v(f->size());
  v[size_t(f->slot("tenancycode"))] = expr::Value("IN-YEAR");
  v[size_t(f->slot("startdate"))] = expr::Value(util::Date{2026, 4, 1});
  int64_t in_year = store_log(*c, "lettings", *f, v, w, "in_progress", "2026-04-01T10:00:00Z");
  v[size_t(f->slot("startdate"))] = expr::Value(util::Date{2027, 4, 1});
  store_log(*c, "lettings", *f, v, w, "in_progress", "2026-04-01T10:00:00Z");
  v[size_t(f->slot("startdate"))] = expr::Value(util::Date{2026, 5, 1});
  store_log(*c, "lettings", *f, v, w, "pending", "2026-04-01T10:00:00Z");
  v[size_t(f->slot("startdate"))] = expr::Value();
  store_log(*c, "lettings", *f, v, w, "not_started", "2026-04-01T10:00:00Z");
  Folder out;
  exports::cds::Options o;
  o.out = out.path;
  o.collection = "lettings";
  o.year = 2026;
  auto r = exports::cds::run(*c, o);
  ASSERT_EQ(r.archives.size(), 1u);
  EXPECT_EQ(r.archives[0].records, 1);
  auto rs = records_of(unzip(out.path / (r.archives[0].name + ".zip"))[r.archives[0].name + "_pt001.xml"]);
  ASSERT_EQ(rs.size(), 1u);
  std::map<std::string, std::string> rec(rs[0].begin(), rs[0].end());
  EXPECT_EQ(rec["log_id"], std::to_string(in_year));
  EXPECT_EQ(rec["status"], "1");
  // No such collection or year: refused, nothing recorded.
  o.collection = "rentals";
  EXPECT_THROW(exports::cds::run(*c, o), std::invalid_argument);
  o.collection = "lettings";
  o.year = 1999;
  EXPECT_THROW(exports::cds::run(*c, o), std::invalid_argument);
  EXPECT_EQ(exports::store::cds_exports(*c).size(), 1u);
}

TEST(CdsExport, UsersAndOrganisationsHaveTheirOwnElements) {
  test::TestDatabase tdb;
  auto c = tdb.db().acquire();
  ExampleWorld w = example_world(*c);
  Folder out;
  exports::cds::Options o;
  o.out = out.path;
  o.collection = "users";
  auto r = exports::cds::run(*c, o);
  ASSERT_EQ(r.archives.size(), 1u);
  auto rs = records_of(unzip(out.path / "users_2024_2025_apr_mar_f0001_inc0001.zip")["users_2024_2025_apr_mar_f0001_inc0001_pt001.xml"]);
  ASSERT_EQ(rs.size(), 1u);
  std::vector<std::string> names;
  for (auto& [k, v] : rs[0]) names.push_back(k);
  EXPECT_EQ(names, (std::vector<std::string>{"id", "email", "name", "phone", "extension_number", "organisation_id", "organisation_name", "role",
                                             "is_dpo", "is_key_contact", "active", "sign_in_count", "last_sign_in_at"}));
  std::map<std::string, std::string> u(rs[0].begin(), rs[0].end());
  EXPECT_EQ(u["email"], "test1@example.com");
  EXPECT_EQ(u["role"], "data_coordinator");
  EXPECT_EQ(u["active"], "true");
  EXPECT_EQ(u["organisation_name"], "Example Borough Council");
  o.collection = "organisations";
  r = exports::cds::run(*c, o);
  ASSERT_EQ(r.archives.size(), 1u);
  EXPECT_EQ(r.archives[0].records, 2);
  rs = records_of(unzip(out.path / "organisations_2024_2025_apr_mar_f0001_inc0001.zip")["organisations_2024_2025_apr_mar_f0001_inc0001_pt001.xml"]);
  ASSERT_EQ(rs.size(), 2u);
  std::map<std::string, std::string> org(rs[0].begin(), rs[0].end());
  EXPECT_EQ(org["name"], "Example Borough Council");
  EXPECT_EQ(org["provider_type"], "1");
  EXPECT_EQ(org["housing_registration_no"], "1234");
  EXPECT_EQ(org["profit_status"], "3");
  EXPECT_EQ(org["status"], "active");
  // A user's organisation renamed: the user is exported again (their organisation's name changed).
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  c->exec("UPDATE organisations SET name = 'Renamed Council', updated_at = ? WHERE id = ?", {util::now_iso(), w.owner});
  o.collection = "users";
  r = exports::cds::run(*c, o);
  ASSERT_EQ(r.archives.size(), 1u);
  EXPECT_EQ(r.archives[0].name, "users_2024_2025_apr_mar_f0001_inc0002");
  rs = records_of(unzip(out.path / "users_2024_2025_apr_mar_f0001_inc0002.zip")["users_2024_2025_apr_mar_f0001_inc0002_pt001.xml"]);
  ASSERT_EQ(rs.size(), 1u);
  std::map<std::string, std::string> renamed(rs[0].begin(), rs[0].end());
  EXPECT_EQ(renamed["organisation_name"], "Renamed Council");
}

// While one export runs, another (a second server, a run by hand) is refused and writes nothing;
// a lease whose holder died runs out and can be taken.
TEST(CdsExport, OneRunAtATime) {
  test::TestDatabase tdb;
  auto c = tdb.db().acquire();
  example_world(*c);
  ASSERT_TRUE(exports::store::take_lease(*c, "cds_export", "server-a", 600));
  EXPECT_TRUE(exports::store::take_lease(*c, "cds_export", "server-a", 600)) << "renewed by its holder";
  EXPECT_FALSE(exports::store::take_lease(*c, "cds_export", "server-b", 600));
  Folder out;
  exports::cds::Options o;
  o.out = out.path;
  o.holder = "server-b";
  EXPECT_THROW(exports::cds::run(*c, o), exports::cds::Busy);
  EXPECT_TRUE(out.files().empty());
  EXPECT_TRUE(exports::store::cds_exports(*c).empty());
  EXPECT_EQ(cli::export_cds(out.path.string(), false, "", "", tdb.url()), 1) << "the command line says another export is running";
  // server-a dies; its lease runs out.
  c->exec("UPDATE leases SET until_at = ? WHERE name = 'cds_export'", {util::iso_from_seconds(util::now_seconds() - 1)});
  auto r = exports::cds::run(*c, o);
  EXPECT_EQ(r.archives.size(), 2u);  // users and organisations (no logs)
  EXPECT_TRUE(exports::store::take_lease(*c, "cds_export", "server-a", 600)) << "released when the run ended";
}

TEST(CdsExport, TheCommandLine) {
  test::TestDatabase tdb;
  {
    auto c = tdb.db().acquire();
    example_world(*c);
  }
  Folder out;
  EXPECT_EQ(cli::export_cds("", false, "", "", tdb.url()), 2) << "--out is required";
  EXPECT_EQ(cli::export_cds(out.path.string(), false, "rentals", "", tdb.url()), 2);
  EXPECT_EQ(cli::export_cds(out.path.string(), false, "lettings", "20x6", tdb.url()), 2);
  EXPECT_EQ(cli::export_cds(out.path.string(), false, "lettings", "1999", tdb.url()), 2);
  EXPECT_TRUE(out.files().empty());
  EXPECT_EQ(cli::export_cds(out.path.string(), true, "organisations", "", tdb.url()), 0);
  EXPECT_TRUE(std::filesystem::exists(out.path / "organisations_2024_2025_apr_mar_f0001_inc0001.zip")) << testing::PrintToString(out.files());
  // A file where the folder should be: a clear error, nothing recorded.
  std::ofstream(out.path / "not-a-folder") << "x";
  exports::cds::Options bad;
  bad.out = out.path / "not-a-folder";
  EXPECT_THROW(exports::cds::run(*tdb.db().acquire(), bad), std::runtime_error);
  auto c = tdb.db().acquire();
  EXPECT_EQ(exports::store::cds_exports(*c).size(), 1u);
}

// Two servers reaching the due time together: exactly one queues the run, and it runs once.
TEST(CdsSchedule, OfTwoServersExactlyOneQueuesEachRun) {
  test::TestDatabase tdb;
  {
    auto c = tdb.db().acquire();
    example_world(*c);
  }
  Folder out;
  exports::ScheduleConfig cfg;
  cfg.hour = 0;
  cfg.minute = 0;
  cfg.dir = out.path.string();
  // A second pool on the same database: another server.
  db::Database other(tdb.url(), 4);
  exports::Schedule a(tdb.db(), cfg, nullptr), b(other, cfg, nullptr);
  int64_t now = util::now_seconds();
  for (int round = 0; round < 3; ++round) {
    std::optional<int64_t> ja, jb;
    std::thread ta([&] { ja = a.check(now); }), tb([&] { jb = b.check(now); });
    ta.join();
    tb.join();
    if (round == 0) EXPECT_TRUE(ja.has_value() != jb.has_value()) << "one of the two, not both";
    else EXPECT_FALSE(ja || jb) << "already queued for today";
  }
  // Before today's due time, nothing is due.
  exports::ScheduleConfig late = cfg;
  late.hour = 23;
  late.minute = 59;
  exports::Schedule early(tdb.db(), late, nullptr);
  EXPECT_FALSE(early.check(util::seconds_from_iso(util::london_iso(now).substr(0, 10) + "T00:30:00Z")));
  // The queued job runs on a worker of either server, once.
  jobs::Worker wa(tdb.db(), "a"), wb(other, "b");
  exports::register_cds_job(wa, tdb.db(), "a");
  exports::register_cds_job(wb, other, "b");
  EXPECT_EQ(wa.run_due() + wb.run_due(), 1);
  auto c = tdb.db().acquire();
  EXPECT_EQ(exports::store::cds_exports(*c).size(), 4u);
  int manifests = 0;
  for (auto& f : out.files()) manifests += f.starts_with("Manifest_");
  EXPECT_EQ(manifests, 1);
}

TEST(CdsSchedule, IsOffUnlessConfiguredAndRefusesBadSettings) {
  unsetenv("CORE_CDS_EXPORT_AT");
  EXPECT_FALSE(exports::ScheduleConfig::from_env());
  setenv("CORE_CDS_EXPORT_AT", "25:00", 1);
  EXPECT_THROW(exports::ScheduleConfig::from_env(), std::invalid_argument);
  setenv("CORE_CDS_EXPORT_AT", "01:30", 1);
  unsetenv("CORE_CDS_EXPORT_DIR");
  EXPECT_THROW(exports::ScheduleConfig::from_env(), std::invalid_argument) << "the folder is required";
  setenv("CORE_CDS_EXPORT_DIR", "/tmp/x", 1);
  auto cfg = exports::ScheduleConfig::from_env();
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->hour, 1);
  EXPECT_EQ(cfg->minute, 30);
  test::TestDatabase tdb;
  exports::Schedule s(tdb.db(), *cfg, nullptr);
  // 1:30am in England in summer is 00:30 UTC.
  EXPECT_EQ(s.due_at(util::seconds_from_iso("2026-07-01T12:00:00Z")), "2026-07-01T00:30:00Z");
  EXPECT_EQ(s.due_at(util::seconds_from_iso("2026-12-01T12:00:00Z")), "2026-12-01T01:30:00Z");
  unsetenv("CORE_CDS_EXPORT_AT");
  unsetenv("CORE_CDS_EXPORT_DIR");
}
