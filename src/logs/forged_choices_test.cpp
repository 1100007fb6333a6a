// The general forged-choice check, for every kind of log: for every setup question whose options come
// from the database (organisations, users, schemes, locations), as every role, a posted value that the page does not
// offer is refused and nothing is stored. Runs through the whole app (session, CSRF, handlers).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "accounts/passwords.h"
#include "accounts/store.h"
#include "form/registry.h"
#include "logs/options.h"
#include "logs/service.h"
#include "logs/store.h"
#include "schemes/store.h"
#include "every_kind.h"
#include "logs/kinds.h"
#include "logs/urls.h"
#include "test_app.h"

using namespace core;
using namespace core::test;
using core::test::kind_types;
using core::logs::dasherize;

namespace {

// The values a page offers for a field: the options of its select, or its radio buttons.
std::set<std::string> offered(const std::string& html, const std::string& field) {
  std::set<std::string> out;
  std::string select = "<select class=\"govuk-select";
  for (size_t p = html.find(select); p != std::string::npos; p = html.find(select, p + 1)) {
    size_t name = html.find("name=\"" + field + "\"", p), end = html.find("</select>", p);
    if (name == std::string::npos || end == std::string::npos || name > html.find('>', p)) continue;
    for (size_t o = html.find("<option value=\"", p); o != std::string::npos && o < end; o = html.find("<option value=\"", o + 1)) {
      size_t b = o + 15, e = html.find('"', b);
      if (e > b) out.insert(html.substr(b, e - b));
    }
  }
  std::string radio = "name=\"" + field + "\" type=\"radio\" value=\"";
  for (size_t p = html.find(radio); p != std::string::npos; p = html.find(radio, p + 1)) {
    size_t b = p + radio.size(), e = html.find('"', b);
    out.insert(html.substr(b, e - b));
  }
  return out;
}

// Records that no role may pick from another organisation's side of the service.
struct Westfield {
  int64_t org = 0, user = 0, scheme = 0, location = 0;
};

Westfield add_unrelated_organisation(TestApp& t) {
  auto c = t.conn();
  Westfield w;
  accounts::Organisation o;
  o.name = "Westfield Homes";
  o.provider_type = 2;
  o.holds_own_stock = true;
  o.rent_periods = {1, 2};
  w.org = accounts::store::create_organisation(*c, o);
  accounts::store::NewUser nu{w.org, "Wendy Westfield", "coordinator@westfield.example", "", accounts::Role::Coordinator,
                              true, true, accounts::passwords::hash("Housing-Demo-2026"), true};
  w.user = accounts::store::create_user(*c, nu);
  accounts::store::accept_data_sharing_agreement(*c, *accounts::store::find_organisation(*c, w.org), *accounts::store::find_user(*c, w.user));
  schemes::Scheme s;
  s.owning_organisation_id = w.org;
  s.service_name = "Westfield Foyer";
  s.scheme_type = "5";
  s.registered_under_care_act = "1";
  s.arrangement_type = "D";
  s.primary_client_group = "N";
  s.has_other_client_group = false;
  s.support_type = "3";
  s.intended_stay = "S";
  s.startdate = util::Date{2022, 4, 1};
  s.confirmed = true;
  w.scheme = schemes::store::create_scheme(*c, s);
  for (const char* pc : {"WF1 1AA", "WF1 2BB"}) {
    schemes::Location l;
    l.scheme_id = w.scheme;
    l.postcode = pc;
    l.location_code = "E08000021";
    l.units = 4;
    l.type_of_unit = "1";
    l.mobility_type = "N";
    l.startdate = util::Date{2022, 4, 1};
    l.confirmed = true;
    w.location = schemes::store::create_location(*c, l);
  }
  // Support users create logs as their own organisation does: the department's agreement is in place.
  int64_t ministry = t.org_id("Ministry of Housing, Communities and Local Government");
  accounts::store::accept_data_sharing_agreement(*c, *accounts::store::find_organisation(*c, ministry),
                                                 *accounts::store::find_user(*c, t.user_id("support@example.gov.uk")));
  accounts::store::organisations_changed();
  return w;
}

struct Attempts {
  std::map<std::string, int> refused;  // by field
  int accepted = 0;                    // legitimate choices, to show the posts themselves work
};


// Runs once per kind of log (lettings, sales), over the live-record questions its form has.
class ForgedChoices : public ::testing::TestWithParam<std::string> {
 protected:
  PinToday today{"2026-06-01"};
  TestApp t;
  Westfield w = add_unrelated_organisation(t);
  const logs::Kind& kind = *logs::kind_of(GetParam());
  std::shared_ptr<const form::Form> f = kind.newest;

  bool asks(const std::string& field) const { return f->slot(field) >= 0 && !f->attributes[size_t(f->slot(field))].questions.empty(); }
  // The page that asks a field ("stock-owner"; "owning-organisation").
  std::string page_of(const std::string& field) const {
    return dasherize(f->pages[size_t(f->attributes[size_t(f->slot(field))].questions.front()->page)].id);
  }
  const std::string& category() const { return f->attributes[size_t(f->log.category_slot)].id; }
  // The category answer (needs type; sale type) of the kind's first complete-log case that names a
  // scheme, else of its first: the answer that routes the scheme and location pages where there are any.
  std::string routing_category() const {
    std::ifstream in(std::string(CORE_SOURCE_DIR) + "/tests/cases/" + kind.type + "-" + std::to_string(f->year) + "/complete-logs.json");
    auto cases = nlohmann::json::parse(in)["cases"];
    for (auto& c : cases)
      if (c["before"].contains("scheme_id")) return c["before"][category()].dump();
    return cases[0]["before"][category()].dump();
  }
  std::string url(int64_t id, const std::string& page) { return kind.base + "/" + std::to_string(id) + "/" + page; }
  std::pair<std::string, int64_t> stored(int64_t id) {
    auto c = t.conn();
    auto l = logs::store::find(*c, id);
    return {l->answers, l->version};
  }
  int64_t scheme_id(const std::string& name) {
    auto c = t.conn();
    return c->query_one("SELECT id FROM schemes WHERE service_name = ?", {name})->i64(0);
  }
  int64_t location_of(int64_t scheme) {
    auto c = t.conn();
    return c->query_one("SELECT id FROM locations WHERE scheme_id = ? ORDER BY id", {scheme})->i64(0);
  }

  // Posts a legitimate answer; it must be accepted (303) when the page is shown.
  void choose(Client& c, int64_t id, const std::string& field, const std::string& value, Attempts& a) {
    std::string page = page_of(field);
    auto shown = c.get(url(id, page));
    if (shown.status != 200) return;
    ASSERT_TRUE(offered(shown.body, field).count(value)) << page << " does not offer " << value;
    auto r = c.post(url(id, page), {{field, value}, {"version", input_value(shown.body, "version")}});
    ASSERT_EQ(r.status, 303) << page << " " << field << "=" << value << ": " << r.body.substr(r.body.find("govuk-error-summary"), 600);
    ++a.accepted;
  }

  // Posts a value the page does not offer (skipped when it does): refused, and the log unchanged.
  void forge(Client& c, int64_t id, const std::string& field, const std::string& value, Attempts& a, const std::string& who) {
    std::string page = page_of(field);
    auto shown = c.get(url(id, page));
    std::string version = std::to_string(stored(id).second);
    if (shown.status == 200) {
      std::string bare = value;
      bare.erase(0, bare.find_first_not_of(' '));
      if (offered(shown.body, field).count(bare)) return;  // a real choice for this user
      version = input_value(shown.body, "version");
    }
    auto before = stored(id);
    if (contains(before.first, "\"" + field + "\":" + value + ",")) return;  // already the answer: nothing to forge
    auto r = c.post(url(id, page), {{field, value}, {"version", version}});
    EXPECT_TRUE(r.status == 403 || r.status == 404 || r.status == 422)
        << who << ": " << page << " " << field << "=" << value << " got " << r.status;
    EXPECT_EQ(stored(id), before) << who << ": " << field << "=" << value << " changed the log";
    ++a.refused[field];
  }
};
INSTANTIATE_TEST_SUITE_P(Kinds, ForgedChoices, ::testing::ValuesIn(kind_types()), KindName());

}  // namespace

TEST_P(ForgedChoices, EverySetupChoiceFromTheDatabaseIsRefusedUnlessThePageOffersIt) {
  // The questions this test must cover: every one whose options are live records. Every kind asks
  // the organisations and the assigned user; lettings also the scheme and location.
  std::set<std::string> live;
  for (auto& pg : f->pages)
    for (auto& q : pg.questions)
      if (logs::live_record_choice(q)) live.insert(q.id);
  for (const char* field : {"owning_organisation_id", "managing_organisation_id", "assigned_to_id"}) EXPECT_TRUE(live.count(field)) << field;
  std::set<std::string> covered = {"owning_organisation_id", "managing_organisation_id", "assigned_to_id", "scheme_id", "location_id"};
  for (auto& field : live) EXPECT_TRUE(covered.count(field)) << field << ": a live-record question this test does not forge";

  int64_t northshire = t.org_id("Northshire County Council"), riverside = t.org_id("Riverside Homes Housing Association");
  int64_t eastbrook = t.org_id("Eastbrook Housing Trust"), ministry = t.org_id("Ministry of Housing, Communities and Local Government");
  int64_t support = t.user_id("support@example.gov.uk"), riverside_provider = t.user_id("provider@riverside.example");
  int64_t eastbrook_user = t.user_id("coordinator@eastbrook.example");
  auto s = [](int64_t v) { return std::to_string(v); };

  Attempts a;
  for (std::string who : {"support@example.gov.uk", "coordinator@northshire.example", "provider@northshire.example",
                          "coordinator@riverside.example", "provider@riverside.example"}) {
    Client c(t);
    c.sign_in(who);
    int64_t id = created_log_id(c.post(kind.base, {}));
    ASSERT_GT(id, 0) << who;
    if (who == "support@example.gov.uk") {
      choose(c, id, "owning_organisation_id", s(northshire), a);
      choose(c, id, "assigned_to_id", s(t.user_id("coordinator@northshire.example")), a);
    }

    for (const std::string& v : std::vector<std::string>{s(w.org), s(eastbrook), s(ministry), "999999", "0", "-1", "1e3", " " + s(w.org), s(w.org) + "x"})
      forge(c, id, "owning_organisation_id", v, a, who);
    forge(c, id, "owning_organisation_id", s(riverside), a, who);  // Northshire's agent, not its owner
    for (const std::string& v : std::vector<std::string>{s(w.org), s(eastbrook), s(ministry), "999999"})
      forge(c, id, "managing_organisation_id", v, a, who);
    for (const std::string& v : std::vector<std::string>{s(w.user), s(eastbrook_user), s(support), "999999"})
      forge(c, id, "assigned_to_id", v, a, who);
    if (who.find("northshire") != std::string::npos) forge(c, id, "assigned_to_id", s(riverside_provider), a, who);

    // Schemes of other organisations, and locations of other schemes (supported housing lettings).
    if (!live.count("scheme_id")) continue;
    int64_t hostel = scheme_id("Northtown Direct Access Hostel"), older = scheme_id("Riverside Court Older People's Housing");
    choose(c, id, category(), routing_category(), a);
    for (const std::string& v : std::vector<std::string>{s(w.scheme), "999999", "0"}) forge(c, id, "scheme_id", v, a, who);
    choose(c, id, "scheme_id", s(hostel), a);
    for (const std::string& v : std::vector<std::string>{s(w.location), s(location_of(older)), "999999"}) forge(c, id, "location_id", v, a, who);
    choose(c, id, "location_id", s(location_of(hostel)), a);
  }
  for (auto& field : live) EXPECT_GE(a.refused[field], 5) << field;
  EXPECT_GE(a.accepted, live.count("scheme_id") ? 10 : 2);
}

// The reported attack: a managing agent takes over the stock owner's log.
TEST_P(ForgedChoices, AManagingAgentCannotMoveTheStockOwnersLogAway) {
  int64_t northshire = t.org_id("Northshire County Council"), riverside = t.org_id("Riverside Homes Housing Association");
  Client sup(t);
  sup.sign_in("support@example.gov.uk");
  int64_t id = created_log_id(sup.post(kind.base, {}));
  Attempts a;
  choose(sup, id, "owning_organisation_id", std::to_string(northshire), a);
  choose(sup, id, "assigned_to_id", std::to_string(t.user_id("coordinator@northshire.example")), a);
  choose(sup, id, "managing_organisation_id", std::to_string(riverside), a);
  ASSERT_EQ(a.accepted, 3);

  Client agent(t);
  agent.sign_in("coordinator@riverside.example");
  choose(agent, id, "assigned_to_id", std::to_string(t.user_id("coordinator@riverside.example")), a);
  forge(agent, id, "owning_organisation_id", std::to_string(w.org), a, "riverside");
  EXPECT_EQ(a.refused["owning_organisation_id"], 1);

  Client owner(t);
  owner.sign_in("coordinator@northshire.example");
  EXPECT_EQ(owner.get(kind.base + "/" + std::to_string(id)).status, 200);
  Client outsider(t);
  outsider.sign_in("coordinator@westfield.example");
  EXPECT_EQ(outsider.get(kind.base + "/" + std::to_string(id)).status, 404);
  auto c = t.conn();
  EXPECT_EQ(logs::store::find(*c, id)->owning_organisation_id, northshire);
}

// The message names the question, and the page shows it as a GOV.UK error.
TEST_P(ForgedChoices, ARefusedChoiceIsExplainedOnThePage) {
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t id = created_log_id(c.post(kind.base, {}));
  auto page = c.get(url(id, page_of("assigned_to_id")));
  ASSERT_EQ(page.status, 200);
  auto r = c.post(url(id, page_of("assigned_to_id")), {{"assigned_to_id", std::to_string(w.user)}, {"version", input_value(page.body, "version")}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(contains(r.body, "govuk-error-summary"));
  std::string label = f->attributes[size_t(f->slot("assigned_to_id"))].questions.front()->label();
  EXPECT_TRUE(contains(r.body, "Select one of the options for " + in_sentence(label) + ".")) << label;
  EXPECT_FALSE(contains(r.body, "Wendy Westfield"));
}

// A location is accepted only if it is active on the tenancy start date (the form's rules), as well
// as being one of the chosen scheme's (kinds with locations: lettings).
TEST_P(ForgedChoices, ALocationInactiveOnTheStartDateIsRefused) {
  if (!asks("location_id")) GTEST_SKIP() << kind.type << " logs have no locations";
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t id = created_log_id(c.post(kind.base, {}));
  Attempts a;
  choose(c, id, category(), routing_category(), a);
  auto page = c.get(url(id, "tenancy-start-date"));
  ASSERT_EQ(c.post(url(id, "tenancy-start-date"), {{"startdate-day", "1"}, {"startdate-month", "5"}, {"startdate-year", "2026"},
                                                   {"version", input_value(page.body, "version")}}).status, 303);
  int64_t older = scheme_id("Riverside Court Older People's Housing");
  choose(c, id, "scheme_id", std::to_string(older), a);
  auto closed = t.conn()->query_one("SELECT id FROM locations WHERE name = 'Fenham Flats'")->i64(0);  // deactivated 1 April 2026
  auto shown = c.get(url(id, "location"));
  ASSERT_EQ(shown.status, 200);
  auto before = stored(id);
  auto r = c.post(url(id, "location"), {{"location_id", std::to_string(closed)}, {"version", input_value(shown.body, "version")}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(contains(r.body, "This location is not active on the tenancy start date."));
  EXPECT_EQ(stored(id), before);
}

// The same forged choices through the log service directly (what bulk upload and the API will
// call) and through `core log check --as`: refused, nothing stored.
TEST_P(ForgedChoices, TheLogServiceAndTheCommandLineRefuseThemToo) {
  int64_t eastbrook = t.org_id("Eastbrook Housing Trust");
  std::vector<std::pair<std::string, std::string>> forged;
  for (auto& [field, value] : std::vector<std::pair<std::string, std::string>>{
           {"owning_organisation_id", std::to_string(w.org)}, {"owning_organisation_id", "999999"},
           {"managing_organisation_id", std::to_string(w.org)}, {"managing_organisation_id", std::to_string(eastbrook)},
           {"assigned_to_id", std::to_string(w.user)}, {"assigned_to_id", "999999"},
           {"scheme_id", std::to_string(w.scheme)}, {"scheme_id", "999999"},
           {"location_id", std::to_string(w.location)}, {"location_id", "999999"}})
    if (asks(field)) forged.emplace_back(field, value);
  logs::service::SaveOptions opt;
  opt.today = util::Date{2026, 6, 1};
  auto dir = std::filesystem::temp_directory_path() / ("core-forged-" + kind.type + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  // The category that routes the scheme and location questions where the kind has them.
  auto routing = nlohmann::json::parse(routing_category());
  const std::vector<std::string> users = {"coordinator@northshire.example", "provider@northshire.example", "coordinator@riverside.example"};
  int refused = 0, cli_refused = 0;
  for (const std::string& email : users) {
    auto c = t.conn();
    auto user = *accounts::store::find_user_by_email(*c, email);
    auto log = logs::service::create(*c, user, kind.type, opt.today);
    // Supported housing with a real scheme, so the location is asked of that scheme.
    form::Changes setup = {{category(), routing}};
    if (asks("scheme_id")) setup.emplace_back("scheme_id", scheme_id("Northtown Direct Access Hostel"));
    auto saved = logs::service::save(*c, user, log, setup, log.version, opt);
    ASSERT_TRUE(saved.ok()) << email << ": " << (saved.errors.empty() ? saved.message : saved.errors[0].message);
    for (auto& [field, value] : forged) {
      auto now = logs::store::find(*c, log.id);
      auto r = logs::service::save(*c, user, *now, {{field, value}}, now->version, opt);
      EXPECT_FALSE(r.ok()) << email << ": " << field << "=" << value << " was accepted";
      refused += !r.ok();
      EXPECT_EQ(logs::store::find(*c, log.id)->answers, now->answers) << email << ": " << field << "=" << value;
      // The command line, as the same user.
      auto file = dir / "log.json";
      std::ofstream(file) << nlohmann::json{{category(), routing}, {field, std::stoll(value)}}.dump();
      std::string cmd = std::string(CORE_BINARY) + " log check --type " + kind.type + " --year " + std::to_string(f->year) +
                        " --today 2026-06-01 --database '" + t.db().url().display + "' --as " + email + " " + file.string() + " > " +
                        (dir / "out.json").string() + " 2>&1";
      ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
      std::ifstream in(dir / "out.json");
      auto out = nlohmann::json::parse(in, nullptr, false);
      bool on_field = false;
      for (auto& e : out.value("errors", nlohmann::json::array()))
        for (auto& fl : e.value("fields", nlohmann::json::array())) on_field = on_field || fl == field;
      EXPECT_TRUE(on_field) << email << " via the command line: " << field << "=" << value;
      cli_refused += on_field;
    }
  }
  std::filesystem::remove_all(dir);
  EXPECT_GE(forged.size(), 6u);
  EXPECT_EQ(refused, int(users.size() * forged.size()));
  EXPECT_EQ(cli_refused, int(users.size() * forged.size()));
}
