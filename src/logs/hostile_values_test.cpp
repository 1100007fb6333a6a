// The general hostile-value check, for every kind of log: every field of every question page of its form, posted
// through the real HTTP server with values no page would send (1 MB of text, 100,000 digits,
// 100,000 spaces, NUL bytes, invalid UTF-8, 1e308...). No answer of 500 or above, the server still
// answers /health after each, and nothing is stored. The gateway gets the same values directly for
// every question, routed or not.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <iostream>
#include <sstream>

#include "form/gateway.h"
#include "form/registry.h"
#include "accounts/store.h"
#include "logs/generate.h"
#include "logs/service.h"
#include "logs/store.h"
#include "every_kind.h"
#include "logs/kinds.h"
#include "logs/urls.h"
#include "test_app.h"
#include "web/http.h"
#include "web/server.h"

using namespace core;
using namespace core::test;
using core::test::kind_types;
using core::logs::dasherize;

namespace {

struct Hostile {
  std::string name, value;
};
std::vector<Hostile> hostile_values() {
  return {{"1 MB of text", std::string(1000000, 'a')},
          {"100,000 digits", std::string(100000, '9')},
          {"400 digits", std::string(400, '9')},
          {"100,000 spaces", std::string(100000, ' ')},
          {"100,000 spaces before 1", std::string(100000, ' ') + "1"},
          {"a NUL byte", std::string("1\0", 2)},
          {"invalid UTF-8", "\xFF\xFE"},
          {"1e308", "1e308"},
          {"-1e308", "-1e308"}};
}

// A browser over a real socket: keeps the session cookie, reads the CSRF token from pages.
class Browser {
 public:
  explicit Browser(int port) : port_(port) {}
  struct Reply {
    int status = 0;
    std::string body;
  };
  Reply request(const std::string& method, const std::string& path, const std::string& body = "") {
    Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port_));
    s.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!cookie_.empty()) {
      Poco::Net::NameValueCollection c;
      c.add("core_session", cookie_);
      req.setCookies(c);
    }
    if (method == "POST") {
      req.setContentType("application/x-www-form-urlencoded");
      req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    s.sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    std::istream& in = s.receiveResponse(res);
    std::ostringstream out;
    out << in.rdbuf();
    std::vector<Poco::Net::HTTPCookie> cookies;
    res.getCookies(cookies);
    for (auto& c : cookies)
      if (c.getName() == "core_session") cookie_ = c.getValue();
    return Reply{static_cast<int>(res.getStatus()), out.str()};
  }
  Reply post(const std::string& path, const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string body = "csrf_token=" + web::url_encode(csrf_);
    for (auto& [k, v] : fields) body += "&" + web::url_encode(k) + "=" + web::url_encode(v);
    return request("POST", path, body);
  }
  void sign_in(const std::string& email) {
    csrf_ = input_value(request("GET", "/account/sign-in").body, "csrf_token");
    auto r = post("/account/sign-in", {{"email", email}, {"password", "Housing-Demo-2026"}});
    ASSERT_EQ(r.status, 303) << "sign-in failed";
    csrf_ = input_value(request("GET", "/lettings-logs").body, "csrf_token");  // the new session's token
    ASSERT_FALSE(csrf_.empty());
  }

 private:
  int port_;
  std::string cookie_, csrf_;
};

// The names a page's form posts.
std::vector<std::string> field_names(const form::Page& pg) {
  std::vector<std::string> out;
  for (auto& q : pg.questions) {
    if (q.type == form::QType::Checkbox) {
      for (auto& o : q.options) out.push_back(o.value.text());
    } else if (q.type == form::QType::Date) {
      for (const char* part : {"-day", "-month", "-year"}) out.push_back(q.id + part);
    } else {
      out.push_back(q.id);
    }
  }
  return out;
}

// What the page posts when saved unchanged: its fields with the stored answers, as the browser sends them.
std::vector<std::pair<std::string, std::string>> unchanged_post(const form::Page& pg, const nlohmann::json& answers) {
  std::vector<std::pair<std::string, std::string>> out;
  auto text = [&](const std::string& attr) -> std::string {
    if (!answers.contains(attr) || answers[attr].is_null()) return "";
    const auto& v = answers[attr];
    return v.is_string() ? v.get<std::string>() : v.is_boolean() ? (v.get<bool>() ? "true" : "false") : v.dump();
  };
  for (auto& q : pg.questions) {
    if (q.type == form::QType::Checkbox) {
      for (auto& o : q.options)
        if (text(o.value.text()) == "1") out.emplace_back(o.value.text(), "1");
    } else if (q.type == form::QType::Date) {
      std::string iso = text(q.id);
      if (iso.size() == 10) {
        out.emplace_back(q.id + "-day", iso.substr(8, 2));
        out.emplace_back(q.id + "-month", iso.substr(5, 2));
        out.emplace_back(q.id + "-year", iso.substr(0, 4));
      }
    } else if (q.type != form::QType::Interruption && !q.readonly) {
      out.emplace_back(q.id, text(q.id));
    }
  }
  return out;
}



// Each test runs once per kind of log, on its newest form.
class HostileValues : public ::testing::TestWithParam<std::string> {
 protected:
  const logs::Kind& kind = *logs::kind_of(GetParam());
  std::shared_ptr<const form::Form> f = kind.newest;
  const std::string& attr(int slot) const { return f->attributes[size_t(slot)].id; }
  // One complete log of the kind (its first complete-log case) for Northshire, assigned to its coordinator.
  int64_t generate_one(TestApp& t) {
    logs::GenerateOptions o;
    o.type = kind.type;
    o.count = 1;
    o.organisations = {t.org_id("Northshire County Council")};
    o.assigned_to_id = t.user_id("coordinator@northshire.example");
    EXPECT_EQ(logs::generate(t.db(), o), 1);
    return t.conn()->query_one("SELECT MIN(id) FROM logs")->i64(0);
  }
};
INSTANTIATE_TEST_SUITE_P(Kinds, HostileValues, ::testing::ValuesIn(kind_types()), KindName());

}  // namespace

TEST_P(HostileValues, EveryQuestionPageRefusesThemThroughTheRealServer) {
  PinToday today("2026-06-01");
  TestApp t;
  web::HttpServer server(t.app());
  int port = server.start(0);
  // A complete log routes every page such a log asks (a general-needs letting; a shared ownership
  // initial purchase).
  int64_t id = generate_one(t);
  auto stored = [&] {
    auto c = t.conn();
    auto l = logs::store::find(*c, id);
    return std::pair{l->answers, l->version};
  };

  Browser b(port);
  b.sign_in("coordinator@northshire.example");
  // Generated logs are worked out with the rule cases' context: saved once here with this one's, on
  // the page that asks the kind's category (needs type; sale type).
  const form::Page& first = f->pages[size_t(f->attributes[size_t(f->log.category_slot)].questions.front()->page)];
  const std::string base = kind.base + "/" + std::to_string(id) + "/";
  auto warm = unchanged_post(first, nlohmann::json::parse(stored().first));
  warm.emplace_back("version", std::to_string(stored().second));
  ASSERT_EQ(b.post(base + dasherize(first.id), warm).status, 303);
  const auto before = stored();
  int posts = 0, shown = 0, refused_on_page = 0, ignored = 0;
  for (auto& pg : f->pages) {
    std::string path = base + dasherize(pg.id);
    bool routed = b.request("GET", path).status == 200;
    shown += routed;
    std::vector<std::string> fields = field_names(pg);
    if (&pg == &first) for (const char* extra : {"version", "referrer", "return_to"}) fields.push_back(extra);
    for (auto& field : fields)
      for (auto& h : hostile_values()) {
        // A text box may hold "1e308" or 400 digits as typed: not hostile there.
        bool text_box = false;
        for (auto& q : pg.questions) text_box = text_box || (q.id == field && q.type == form::QType::Text);
        if (text_box && (h.name == "1e308" || h.name == "-1e308" || h.name == "400 digits")) continue;
        // The page as the browser would post it unchanged, with this one field hostile.
        auto now = stored();
        std::vector<std::pair<std::string, std::string>> post;
        for (auto& kv : unchanged_post(pg, nlohmann::json::parse(now.first)))
          if (kv.first != field) post.push_back(kv);
        post.emplace_back(field, h.value);
        if (field != "version") post.emplace_back("version", std::to_string(now.second));
        auto r = b.post(path, post);
        ++posts;
        ASSERT_LT(r.status, 500) << pg.id << " " << field << " = " << h.name;
        // Refused (4xx), or ignored because the page does not take that answer now (a derived
        // question): either way the log is unchanged, checked below.
        ignored += r.status < 400;
        refused_on_page += routed && r.status == 422;
        ASSERT_EQ(b.request("GET", "/health").status, 200) << "after " << pg.id << " " << field << " = " << h.name;
        ASSERT_EQ(stored(), before) << pg.id << " " << field << " = " << h.name << " changed the log";
      }
  }
  // The complete general-needs log shows 55 pages (the others: supported housing, persons 3 to 8,
  // interruption screens not triggered); the gateway test below covers every question.
  EXPECT_GT(shown, 50) << "the complete log should route the pages of a general-needs letting";
  EXPECT_GT(refused_on_page, 400) << "most refusals should be field errors on the page";
  std::cout << "hostile values: " << posts << " posts to " << f->pages.size() << " pages (" << shown << " shown), "
            << refused_on_page << " refused with a field error, " << ignored << " ignored, none stored" << std::endl;
  EXPECT_GT(posts, 1500);
  EXPECT_LT(ignored, posts / 20) << "only answers a page does not take now may be ignored";
  server.stop();
}

// The gateway itself, for every question of the form whether or not a page shows it now.
TEST_P(HostileValues, TheGatewayRefusesThemForEveryQuestion) {
  form::Values empty(f->size());
  form::Context ctx;
  ctx.today = util::Date{2026, 6, 1};
  const form::Values baseline = form::apply(*f, empty, {}, ctx).values;  // what the service works out alone
  int refused = 0;
  for (auto& a : f->attributes) {
    if (!a.input) continue;
    for (auto& h : hostile_values()) {
      form::Outcome out;
      ASSERT_NO_THROW(out = form::apply(*f, empty, {{a.id, h.value}}, ctx)) << a.id << " = " << h.name;
      int s = f->slot(a.id);
      const auto& v = out.values[size_t(s)];
      bool error_on_field = false;
      for (auto& e : out.errors)
        for (auto& fld : e.fields) error_on_field = error_on_field || fld == a.id;
      // Text questions may hold "1e308" as typed (a rule may still refuse it); nothing else of these is
      // ever accepted: an error on the question, so no channel stores it.
      bool text = a.type == expr::Type::String;
      if (text && (h.name == "1e308" || h.name == "-1e308" || h.name == "400 digits")) {
        EXPECT_TRUE(error_on_field || v.equals(baseline[size_t(s)]) || v.text() == h.value) << a.id << " = " << h.name << " became " << v.text();
        continue;
      }
      EXPECT_TRUE(error_on_field) << a.id << " = " << h.name << " was taken without an error, as " << v.text().substr(0, 40);
      refused += error_on_field;
    }
  }
  EXPECT_GT(refused, 1000);
}

// The log service directly (what bulk upload and the API will call): the same values, every input
// attribute of the form, as a coordinator saving a complete log. None is stored.
TEST_P(HostileValues, TheLogServiceRefusesThemForEveryAnswer) {
  PinToday today("2026-06-01");
  TestApp t;
  int64_t id = generate_one(t);
  auto c = t.conn();
  auto user = *accounts::store::find_user(*c, t.user_id("coordinator@northshire.example"));
  logs::service::SaveOptions opt;
  opt.today = util::Date{2026, 6, 1};
  // Saved once as it is, so the stored log is what the gateway works out for it here.
  auto log = logs::service::find(*c, user, id);
  auto first = logs::service::save(*c, user, log, {{attr(f->log.reference_slot), "HOSTILE"}}, log.version, opt);
  ASSERT_EQ(first.status, logs::service::Status::Saved);
  const auto before = logs::store::find(*c, id)->answers;
  int refused = 0;
  for (auto& a : f->attributes) {
    if (!a.input) continue;
    for (auto& h : hostile_values()) {
      if (a.type == expr::Type::String && (h.name == "1e308" || h.name == "-1e308" || h.name == "400 digits")) continue;
      log = logs::service::find(*c, user, id);
      logs::service::SaveResult r;
      ASSERT_NO_THROW(r = logs::service::save(*c, user, log, {{a.id, h.value}}, log.version, opt)) << a.id << " = " << h.name;
      EXPECT_FALSE(r.status == logs::service::Status::Saved) << a.id << " = " << h.name << " was saved";
      refused += r.status == logs::service::Status::Refused;
      ASSERT_EQ(logs::store::find(*c, id)->answers, before) << a.id << " = " << h.name;
    }
  }
  EXPECT_GT(refused, 1000);
}

// `core log check` is a channel too: a hostile answer is reported, and the command does not crash.
TEST_P(HostileValues, TheCommandLineReportsThem) {
  auto dir = std::filesystem::temp_directory_path() / ("core-hostile-" + kind.type + std::to_string(::getpid()));
  const std::string& category = attr(f->log.category_slot);
  std::filesystem::create_directories(dir);
  int i = 0;
  for (auto& h : hostile_values()) {
    if (h.name == "a NUL byte" || h.name == "invalid UTF-8") continue;  // not JSON text
    auto file = dir / ("log" + std::to_string(++i) + ".json");
    std::ofstream(file) << nlohmann::json{{category, h.value}, {attr(f->log.reference_slot), h.value}}.dump();
    std::string cmd = std::string(CORE_BINARY) + " log check --type " + kind.type + " --year " + std::to_string(f->year) + " " +
                      file.string() + " > " +
                      (dir / "out.txt").string() + " 2>&1";
    int rc = std::system(cmd.c_str());
    std::ifstream in(dir / "out.txt");
    std::string out((std::istreambuf_iterator<char>(in)), {});
    EXPECT_TRUE(WIFEXITED(rc)) << h.name << " crashed the command";
    EXPECT_NE(out.find(category), std::string::npos) << h.name << ": " << out.substr(0, 300);
    EXPECT_NE(out.find("Select one of the options for " + in_sentence(kind.category_label) + "."), std::string::npos) << h.name << ": " << out.substr(0, 300);
  }
  std::filesystem::remove_all(dir);
}
