// The submission API v1: tokens (made, shown once, listed, revoked; only a hash kept), what a token
// may do (its organisation's logs, as a coordinator), every endpoint, bad input of every kind (each
// a JSON error that changes nothing), limits, the record of every use, and the OpenAPI document:
// every route the server registers under /api/v1 is in it, and every response these tests receive
// matches its documented schema.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "api/body.h"
#include "api/store.h"
#include "form/registry.h"
#include "test_app.h"
#include "util/paths.h"
#include "util/text.h"


using namespace core;
using nlohmann::json;
using test::contains;

namespace {

const json& openapi() {
  static const json doc = [] {
    std::ifstream in(resource_root() / "docs" / "api" / "openapi.json");
    return json::parse(in);
  }();
  return doc;
}

// A small JSON Schema (OpenAPI 3.0 subset) check: $ref, type, nullable, required, properties,
// additionalProperties, items, enum, oneOf, minimum. Returns what does not match ("" when it does).
std::string mismatch(const json& v, const json& schema, const std::string& at = "$") {
  if (schema.contains("$ref")) {
    std::string ref = schema["$ref"];  // #/components/schemas/X
    return mismatch(v, openapi()["components"]["schemas"][ref.substr(ref.rfind('/') + 1)], at);
  }
  if (v.is_null()) return schema.value("nullable", false) || schema.empty() ? "" : at + " is null";
  if (schema.contains("oneOf")) {
    int n = 0;
    for (auto& s : schema["oneOf"]) n += mismatch(v, s, at).empty();
    return n == 1 ? "" : at + " matches " + std::to_string(n) + " of oneOf";
  }
  if (schema.contains("enum") && std::find(schema["enum"].begin(), schema["enum"].end(), v) == schema["enum"].end())
    return at + " = " + v.dump() + " is not in the enum";
  std::string type = schema.value("type", "");
  if (type == "object") {
    if (!v.is_object()) return at + " is not an object";
    for (auto& r : schema.value("required", json::array()))
      if (!v.contains(r.get<std::string>())) return at + " has no " + r.get<std::string>();
    const json props = schema.value("properties", json::object());
    for (auto& [k, x] : v.items()) {
      if (props.contains(k)) {
        if (auto m = mismatch(x, props[k], at + "." + k); !m.empty()) return m;
      } else if (schema.contains("additionalProperties")) {
        const json& ap = schema["additionalProperties"];
        if (ap.is_boolean() && !ap.get<bool>()) return at + " has " + k + ", which the schema does not";
        if (ap.is_object())
          if (auto m = mismatch(x, ap, at + "." + k); !m.empty()) return m;
      }
    }
  } else if (type == "array") {
    if (!v.is_array()) return at + " is not an array";
    for (size_t i = 0; i < v.size(); ++i)
      if (auto m = mismatch(v[i], schema.value("items", json::object()), at + "[" + std::to_string(i) + "]"); !m.empty()) return m;
  } else if (type == "string") {
    if (!v.is_string()) return at + " is not a string";
  } else if (type == "integer") {
    if (!v.is_number_integer()) return at + " is not an integer";
    if (schema.contains("minimum") && v.get<double>() < schema["minimum"].get<double>()) return at + " is below its minimum";
  } else if (type == "number") {
    if (!v.is_number()) return at + " is not a number";
  } else if (type == "boolean") {
    if (!v.is_boolean()) return at + " is not a boolean";
  }
  return "";
}

// The documented path of a request's path: /api/v1/lettings-logs/12/confirm → /api/v1/lettings-logs/{id}/confirm.
std::string documented_path(const std::string& path) {
  for (auto& [p, item] : openapi()["paths"].items()) {
    std::vector<std::string> a, b;
    std::stringstream sa(p), sb(path);
    for (std::string s; std::getline(sa, s, '/');) a.push_back(s);
    for (std::string s; std::getline(sb, s, '/');) b.push_back(s);
    if (a.size() != b.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < a.size() && ok; ++i) ok = a[i] == b[i] || (a[i].size() > 2 && a[i][0] == '{');
    // A literal segment ("validate") beats a parameter.
    if (ok && (p.find("{id}") == std::string::npos || (b.back() != "validate"))) return p;
  }
  return "";
}

int responses_checked = 0;

// Sends an API request and checks its answer against the document: the status is documented for
// the path and method, and the body matches the status's schema.
web::Response call(test::TestApp& t, const std::string& method, const std::string& path_and_query, const std::string& token,
                  const std::string& body = "", const std::string& content_type = "application/json") {
  web::Request req;
  req.method = method;
  auto q = path_and_query.find('?');
  req.path = path_and_query.substr(0, q);
  if (q != std::string::npos) {
    req.query_string = path_and_query.substr(q + 1);
    web::parse_urlencoded(req.query_string, req.query);
  }
  if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
  if (!body.empty()) {
    req.body = body;
    req.headers["content-type"] = content_type;
  }
  web::Response r = t.app().handle(req);
  EXPECT_EQ(r.content_type.rfind("application/json", 0), 0u) << method << " " << req.path << ": " << r.content_type;
  std::string doc_path = documented_path(req.path);
  EXPECT_FALSE(doc_path.empty()) << req.path << " is not in the OpenAPI document";
  if (doc_path.empty()) return r;
  std::string m = util::ascii_lower(method);
  const json& op = openapi()["paths"][doc_path].value(m, json());
  EXPECT_TRUE(op.is_object()) << method << " " << doc_path << " is not documented";
  if (!op.is_object()) return r;
  std::string status = std::to_string(r.status);
  EXPECT_TRUE(op["responses"].contains(status)) << method << " " << doc_path << " answered " << status << ", which is not documented: " << r.body;
  if (!op["responses"].contains(status)) return r;
  const json& resp = op["responses"][status];
  if (resp.contains("content")) {
    json j = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    std::string mm = mismatch(j, resp["content"]["application/json"]["schema"]);
    EXPECT_EQ(mm, "") << method << " " << req.path << " " << status << ": " << r.body.substr(0, 600);
    ++responses_checked;
  }
  return r;
}

json body_of(const web::Response& r) { return json::parse(r.body, nullptr, false); }

std::string token_for(test::TestApp& t, const std::string& org_name, const std::string& name = "Housing system") {
  auto c = t.conn();
  return api::store::create(*c, t.org_id(org_name), name, std::nullopt).second;
}

// A complete general-needs log's answers (the rule cases' first complete log), without the records
// the token's organisation decides.
json complete_answers() {
  std::ifstream in(resource_root() / "tests" / "cases" / "lettings-2026" / "complete-logs.json");
  json c = json::parse(in)["cases"][0];
  json a = c["before"];
  a.erase("owning_organisation_id");
  a.erase("managing_organisation_id");
  a.erase("assigned_to_id");
  for (auto& [k, v] : c["answers"].items()) a[k] = v;
  return a;
}

const char* kRiverside = "Riverside Homes Housing Association";

}  // namespace

TEST(ApiBody, RefusesWhatItCannotReadAndReportsEveryUnknownKey) {
  auto f = form::get("lettings", 2026);
  auto codes = [&](const std::string& text, api::BodyShape shape = {}) {
    std::vector<std::string> out;
    for (auto& e : api::read_body(*f, text, shape).errors) out.push_back(e.code + (e.field.empty() ? "" : ":" + e.field));
    return out;
  };
  EXPECT_EQ(codes("{"), std::vector<std::string>{"invalid_json"});
  EXPECT_EQ(codes("[1]"), std::vector<std::string>{"wrong_type"});
  EXPECT_EQ(codes(std::string(40, '[') + std::string(40, ']')), std::vector<std::string>{"too_deep"});
  EXPECT_EQ(codes("{\"answers\": {\"tenancycode\": \"T1\", \"nonsense\": 1, \"age1\": [1], \"lettype\": 1}, \"extra\": true}"),
            (std::vector<std::string>{"wrong_type:age1", "not_an_input:lettype", "unknown_field:nonsense", "unknown_field:extra"}));
  EXPECT_EQ(codes("{\"answers\": 3}"), std::vector<std::string>{"wrong_type:answers"});
  api::BodyShape patch;
  patch.version = patch.version_required = true;
  EXPECT_EQ(codes("{\"answers\": {}}", patch), std::vector<std::string>{"missing:version"});
  EXPECT_EQ(codes("{\"version\": \"2\"}", patch), std::vector<std::string>{"wrong_type:version"});
  EXPECT_EQ(codes("{\"version\": 0}", patch), std::vector<std::string>{"wrong_type:version"});
  EXPECT_EQ(codes("{\"checks\": []}"), std::vector<std::string>{"unknown_field:checks"}) << "only confirm takes checks";
  EXPECT_EQ(codes(std::string(api::kMaxBodyBytes + 1, ' ')), std::vector<std::string>{"too_large"});
  auto ok = api::read_body(*f, "{\"answers\": {\"tenancycode\": \"T1\", \"age1\": 30, \"voiddate\": null}}", {});
  EXPECT_TRUE(ok.errors.empty());
  EXPECT_EQ(ok.answers.size(), 3u);
}

// Tokens on the organisation's page: support and its coordinators make them; the token is shown
// once and only its hash is kept; revoked, it is refused.
TEST(ApiTokens, CoordinatorsMakeListAndRevokeTheirOrganisationsTokens) {
  test::TestApp t;
  int64_t org = t.org_id(kRiverside);
  std::string base = "/organisations/" + std::to_string(org) + "/api-tokens";
  test::Client coordinator(t), provider(t), other(t), support(t);
  coordinator.sign_in("coordinator@riverside.example");
  provider.sign_in("provider@riverside.example");
  other.sign_in("coordinator@northshire.example");
  support.sign_in("support@example.gov.uk");
  EXPECT_EQ(provider.get(base).status, 403);
  EXPECT_EQ(provider.post(base, {{"name", "Mine"}}).status, 403);
  EXPECT_EQ(other.get(base).status, 404) << "another organisation's page is not theirs to see";
  EXPECT_EQ(other.post(base, {{"name", "Theirs"}}).status, 404);
  auto page = coordinator.get(base);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "has no API tokens"));
  auto empty = coordinator.post(base, {{"name", "  "}});
  EXPECT_EQ(empty.status, 422);
  EXPECT_TRUE(contains(empty.body, "Enter a name for the token"));
  EXPECT_EQ(coordinator.post(base, {{"name", "No CSRF"}}, false).status, 403);
  auto made = coordinator.post(base, {{"name", "Orchard Housing System"}});
  ASSERT_EQ(made.status, 200);
  EXPECT_EQ(made.header("Cache-Control"), "no-store");
  size_t at = made.body.find("core_");
  ASSERT_NE(at, std::string::npos);
  std::string secret = made.body.substr(at, 5 + 64);
  auto c = t.conn();
  EXPECT_EQ(c->query_one("SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?", {secret})->i64(0), 0) << "never stored as it is";
  auto listed = coordinator.get(base);
  EXPECT_FALSE(contains(listed.body, secret)) << "shown once only";
  EXPECT_TRUE(contains(listed.body, "Orchard Housing System"));
  EXPECT_TRUE(contains(listed.body, secret.substr(0, 12)));
  EXPECT_TRUE(contains(listed.body, "Never"));
  EXPECT_EQ(call(t, "GET", "/api/v1/lettings-logs", secret).status, 200);
  EXPECT_FALSE(contains(coordinator.get(base).body, "Never")) << "when it was last used";
  auto token = api::store::find_by_secret(*c, secret);
  ASSERT_TRUE(token);
  std::string revoke = base + "/" + std::to_string(token->id) + "/revoke";
  EXPECT_EQ(other.post("/organisations/" + std::to_string(t.org_id("Northshire County Council")) + "/api-tokens/" + std::to_string(token->id) + "/revoke", {}).status, 404)
      << "another organisation's token is not found through one's own";
  EXPECT_EQ(provider.post(revoke, {}).status, 403);
  EXPECT_EQ(coordinator.get(revoke).status, 200);
  EXPECT_EQ(coordinator.post(revoke, {}).status, 303);
  EXPECT_EQ(call(t, "GET", "/api/v1/lettings-logs", secret).status, 401) << "a revoked token";
  EXPECT_TRUE(contains(coordinator.get(base).body, "Revoked"));
  EXPECT_EQ(coordinator.get(revoke).status, 404) << "revoked already";
  EXPECT_EQ(support.post(base, {{"name", "Made by support"}}).status, 200);
}

TEST(ApiAuth, OnlyATokenNeverASessionNoCsrf) {
  test::TestApp t;
  auto none = call(t, "GET", "/api/v1/lettings-logs", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_TRUE(contains(none.header("WWW-Authenticate"), "Bearer"));
  EXPECT_EQ(call(t, "GET", "/api/v1/lettings-logs", "core_not-a-real-token").status, 401);
  EXPECT_EQ(call(t, "GET", "/api/v1/lettings-logs", std::string(5000, 'x')).status, 401);
  // A signed-in person's session cookie is not accepted on /api/.
  test::Client browser(t);
  browser.sign_in("coordinator@riverside.example");
  web::Request req;
  req.path = "/api/v1/lettings-logs";
  auto r = browser.request(req);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("Set-Cookie"), "") << "no session is started on the API";
  // POSTs need no CSRF token (a token is not sent by a browser on its own).
  std::string token = token_for(t, kRiverside);
  EXPECT_EQ(call(t, "POST", "/api/v1/lettings-logs", token, R"({"answers": {"tenancycode": "NO-CSRF"}})").status, 201);
  // Addresses under /api/ that are not the API's, and methods it does not take: JSON, not pages.
  EXPECT_EQ(t.app().handle(req = web::Request{.method = "GET", .path = "/api/v2/things"}).status, 404);
  auto wrong = t.app().handle(req = web::Request{.method = "DELETE", .path = "/api/v1/lettings-logs"});
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.content_type, "application/json");
}

// Create, read, change, confirm, validate, list: a partial log in progress with what is missing,
// then completed; each answer the form refuses reported and left out; nothing saved when nothing is valid.
TEST(ApiLogs, ALogFromPartToCompleteThroughTheGateway) {
  test::PinToday pin("2026-06-01");
  test::TestApp t;
  std::string token = token_for(t, kRiverside);
  int64_t before = t.count("logs");
  auto partial = call(t, "POST", "/api/v1/lettings-logs", token,
                     R"({"answers": {"tenancycode": "API-1", "startdate": "2026-05-01", "needstype": 1, "age1": 2000}})");
  ASSERT_EQ(partial.status, 201) << partial.body;
  json p = body_of(partial);
  int64_t id = p["log"]["id"];
  EXPECT_EQ(partial.header("Location"), "/api/v1/lettings-logs/" + std::to_string(id));
  EXPECT_EQ(p["log"]["status"], "in_progress");
  EXPECT_EQ(p["log"]["answers"]["tenancycode"], "API-1");
  EXPECT_EQ(p["log"]["owning_organisation_id"], t.org_id(kRiverside));
  EXPECT_FALSE(p["log"]["answers"].contains("age1")) << "refused, so not saved";
  bool age_error = false;
  for (auto& e : p["errors"]) age_error |= e["field"] == "age1";
  EXPECT_TRUE(age_error) << p["errors"].dump();
  EXPECT_FALSE(p["missing"].empty());
  EXPECT_EQ(t.count("logs"), before + 1);
  {
    // The request that made it is the record of the answers it was made with; the history says so.
    auto c = t.conn();
    auto sent = api::store::creating_request_body(*c, id);
    ASSERT_TRUE(sent);
    EXPECT_TRUE(contains(*sent, "\"age1\": 2000")) << *sent;
    test::Client person(t);
    person.sign_in("coordinator@riverside.example");
    auto history = person.get("/lettings-logs/" + std::to_string(id) + "/history");
    EXPECT_EQ(history.status, 200);
    EXPECT_TRUE(contains(history.body, "Created through the submission API")) << history.body.substr(0, 2000);
  }

  // Nothing valid: 422 and no log.
  auto invalid = call(t, "POST", "/api/v1/lettings-logs", token, R"({"answers": {"age1": 2000}})");
  EXPECT_EQ(invalid.status, 422);
  EXPECT_EQ(body_of(invalid)["errors"][0]["field"], "age1");
  EXPECT_EQ(t.count("logs"), before + 1);
  // Bad bodies: nothing saved, a JSON error each.
  EXPECT_EQ(call(t, "POST", "/api/v1/lettings-logs", token, "{\"answers\": ").status, 400);
  EXPECT_EQ(call(t, "POST", "/api/v1/lettings-logs", token, R"({"answers": {"tenancycode": "X", "colour": "red"}})").status, 422);
  EXPECT_EQ(call(t, "POST", "/api/v1/lettings-logs", token, R"({"answers": {"tenancycode": ["X"]}})").status, 422);
  EXPECT_EQ(call(t, "POST", "/api/v1/lettings-logs", token, R"("just text")").status, 422);
  EXPECT_EQ(call(t, "POST", "/api/v1/lettings-logs", token, "tenancycode=X", "application/x-www-form-urlencoded").status, 415);
  EXPECT_EQ(call(t, "POST", "/api/v1/lettings-logs", token, "{\"answers\": {\"tenancycode\": \"" + std::string(1 << 20, 'a') + "\"}}").status, 413);
  EXPECT_EQ(t.count("logs"), before + 1);

  // Read it back; change it at its version; a stale change to the same answer is a conflict.
  auto shown = call(t, "GET", "/api/v1/lettings-logs/" + std::to_string(id), token);
  ASSERT_EQ(shown.status, 200);
  int64_t version = body_of(shown)["log"]["version"];
  json all = complete_answers();
  all.erase("tenancycode");
  // The log's setup asks whom it is assigned to (a token is no person): answers after the setup are
  // not asked until it is given, and are reported as not kept.
  auto early = call(t, "PATCH", "/api/v1/lettings-logs/" + std::to_string(id), token, json{{"version", version}, {"answers", {{"age1", 30}}}}.dump());
  ASSERT_EQ(early.status, 200) << early.body;
  EXPECT_EQ(body_of(early)["errors"][0]["code"], "not_asked") << early.body;
  EXPECT_FALSE(body_of(early)["log"]["answers"].contains("age1"));
  all["assigned_to_id"] = t.user_id("coordinator@riverside.example");
  auto done = call(t, "PATCH", "/api/v1/lettings-logs/" + std::to_string(id), token, json{{"version", version}, {"answers", all}}.dump());
  ASSERT_EQ(done.status, 200) << done.body;
  json d = body_of(done);
  EXPECT_GT(d["log"]["version"].get<int64_t>(), version);
  EXPECT_TRUE(d["errors"].empty()) << d["errors"].dump();
  if (!d["soft_checks"].empty()) {
    auto confirmed = call(t, "POST", "/api/v1/lettings-logs/" + std::to_string(id) + "/confirm", token, json{{"version", d["log"]["version"]}}.dump());
    ASSERT_EQ(confirmed.status, 200) << confirmed.body;
    d = body_of(confirmed);
  }
  EXPECT_EQ(d["log"]["status"], "completed") << d["missing"].dump();
  EXPECT_TRUE(d["missing"].empty());
  EXPECT_TRUE(d["derived"].contains("wrent") || d["derived"].contains("hhtype")) << d["derived"].dump();
  auto stale = call(t, "PATCH", "/api/v1/lettings-logs/" + std::to_string(id), token, json{{"version", version}, {"answers", {{"age1", 36}}}}.dump());
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(call(t, "PATCH", "/api/v1/lettings-logs/" + std::to_string(id), token, R"({"answers": {"age1": 36}})").status, 422) << "no version";
  EXPECT_EQ(call(t, "PATCH", "/api/v1/lettings-logs/" + std::to_string(id), token, R"({"version": 999, "answers": {"age1": 36}})").status, 409)
      << "a version the log has not reached";
  auto nothing = call(t, "POST", "/api/v1/lettings-logs/" + std::to_string(id) + "/confirm", token, json{{"version", d["log"]["version"]}, {"checks", {"rent_value_check"}}}.dump());
  EXPECT_EQ(nothing.status, 422);
  EXPECT_EQ(body_of(nothing)["errors"][0]["code"], "not_pending");

  // Validate: the same answer as a create, nothing saved.
  int64_t logs_now = t.count("logs");
  auto checked = call(t, "POST", "/api/v1/lettings-logs/validate", token, json{{"answers", complete_answers()}}.dump());
  ASSERT_EQ(checked.status, 200) << checked.body;
  EXPECT_EQ(body_of(checked)["saved"], false);
  EXPECT_TRUE(body_of(checked)["log"]["id"].is_null());
  EXPECT_EQ(body_of(checked)["log"]["owning_organisation_id"], t.org_id(kRiverside)) << "the records it would name";
  EXPECT_EQ(body_of(checked)["log"]["status"], "in_progress");
  EXPECT_EQ(body_of(checked)["missing"], json::array({"assigned_to_id"})) << "all but whom it is assigned to";
  EXPECT_EQ(t.count("logs"), logs_now);

  // The list, filtered (with another of the organisation's tokens: this one has had its 20 a second).
  token = token_for(t, kRiverside, "Second system");
  auto listed = call(t, "GET", "/api/v1/lettings-logs?status=completed&year=2026", token);
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(body_of(listed)["logs"].size(), 1u);
  EXPECT_EQ(body_of(listed)["logs"][0]["id"], id);
  EXPECT_EQ(body_of(call(t, "GET", "/api/v1/lettings-logs?status=in_progress", token))["total"], 0);
  EXPECT_EQ(body_of(call(t, "GET", "/api/v1/lettings-logs?updated_since=2100-01-01T00:00:00Z", token))["total"], 0);
  EXPECT_EQ(call(t, "GET", "/api/v1/lettings-logs?status=lost", token).status, 422);
  EXPECT_EQ(call(t, "GET", "/api/v1/lettings-logs?colour=red", token).status, 422);
  EXPECT_EQ(call(t, "GET", "/api/v1/lettings-logs?page=0", token).status, 422);
  EXPECT_EQ(call(t, "GET", "/api/v1/lettings-logs?updated_since=yesterday", token).status, 422);
  EXPECT_EQ(body_of(call(t, "GET", "/api/v1/sales-logs", token))["total"], 0) << "a lettings log is not a sales log";
  EXPECT_EQ(call(t, "GET", "/api/v1/sales-logs/" + std::to_string(id), token).status, 404);
}

// Another organisation's token reaches nothing of this one's: 404, and nothing changes.
TEST(ApiLogs, AnotherOrganisationsLogsAreNotThere) {
  test::PinToday pin("2026-06-01");
  test::TestApp t;
  std::string mine = token_for(t, kRiverside), theirs = token_for(t, "Northshire County Council");
  auto made = call(t, "POST", "/api/v1/lettings-logs", mine, R"({"answers": {"tenancycode": "MINE-1"}})");
  ASSERT_EQ(made.status, 201);
  std::string path = "/api/v1/lettings-logs/" + std::to_string(body_of(made)["log"]["id"].get<int64_t>());
  EXPECT_EQ(call(t, "GET", path, theirs).status, 404);
  EXPECT_EQ(call(t, "PATCH", path, theirs, R"({"version": 1, "answers": {"tenancycode": "STOLEN"}})").status, 404);
  EXPECT_EQ(call(t, "POST", path + "/confirm", theirs, R"({"version": 1})").status, 404);
  EXPECT_EQ(body_of(call(t, "GET", "/api/v1/lettings-logs", theirs))["total"], 0);
  EXPECT_EQ(body_of(call(t, "GET", path, mine))["log"]["answers"]["tenancycode"], "MINE-1");
  EXPECT_EQ(call(t, "GET", "/api/v1/lettings-logs/99999999", mine).status, 404);
  EXPECT_EQ(call(t, "GET", "/api/v1/lettings-logs/abc", mine).status, 404);
  EXPECT_EQ(call(t, "GET", "/api/v1/lettings-logs/-1", mine).status, 404);
  // A choice the page would not have offered: another organisation as the owner.
  auto forged = call(t, "POST", "/api/v1/lettings-logs", mine,
                    json{{"answers", {{"tenancycode", "FORGED"}, {"owning_organisation_id", t.org_id("Eastbrook Housing Trust")}}}}.dump());
  ASSERT_EQ(forged.status, 201) << forged.body;
  EXPECT_EQ(body_of(forged)["log"]["owning_organisation_id"], t.org_id(kRiverside));
  EXPECT_EQ(body_of(forged)["errors"][0]["field"], "owning_organisation_id");
  // An organisation that has not accepted the data sharing agreement cannot create logs.
  std::string unsigned_token = token_for(t, "Eastbrook Housing Trust");
  EXPECT_EQ(call(t, "POST", "/api/v1/lettings-logs", unsigned_token, R"({"answers": {"tenancycode": "E-1"}})").status, 403);
}

TEST(ApiLimits, TwentyRequestsASecondPerTokenThen429) {
  test::TestApp t;
  std::string a = token_for(t, kRiverside, "A"), b = token_for(t, kRiverside, "B");
  int ok = 0, limited = 0;
  std::string retry;
  for (int i = 0; i < 30; ++i) {
    auto r = call(t, "GET", "/api/v1/forms/2026/lettings", a);
    if (r.status == 200) ++ok;
    if (r.status == 429) {
      ++limited;
      retry = r.header("Retry-After");
    }
  }
  EXPECT_GE(ok, 20);
  EXPECT_GE(limited, 1) << "the bucket refills while the requests run, so not exactly 10";
  EXPECT_EQ(ok + limited, 30);
  EXPECT_EQ(retry, "1");
  EXPECT_EQ(call(t, "GET", "/api/v1/forms/2026/lettings", b).status, 200) << "each token has its own limit";
  // Every use is recorded, the refused ones too.
  auto c = t.conn();
  auto token = api::store::find_by_secret(*c, a);
  EXPECT_EQ(api::store::uses(*c, token->id), 30);
}

TEST(ApiForms, TheFormDefinitionForSuppliers) {
  test::TestApp t;
  std::string token = token_for(t, kRiverside);
  auto r = call(t, "GET", "/api/v1/forms/2026/lettings", token);
  ASSERT_EQ(r.status, 200);
  json f = body_of(r);
  EXPECT_EQ(f["pages"].size(), form::get("lettings", 2026)->pages.size());
  bool found = false;
  for (auto& a : f["attributes"]) found |= a["id"] == "tenancycode" && a["input"] == true;
  EXPECT_TRUE(found);
  EXPECT_EQ(call(t, "GET", "/api/v1/forms/2026/sales", token).status, 200);
  EXPECT_EQ(call(t, "GET", "/api/v1/forms/1999/lettings", token).status, 404);
  EXPECT_EQ(call(t, "GET", "/api/v1/forms/2026/rentals", token).status, 404);
  EXPECT_EQ(call(t, "GET", "/api/v1/forms/2026/..%2F..%2Fetc", token).status, 404);
}

// Every route the server registers under /api/v1 is described, with its method; the description is
// served, and the documentation page renders it.
TEST(ApiDocument, EveryRouteIsDescribedAndEveryResponseMatchesItsSchema) {
  test::TestApp t;
  std::set<std::string> registered;
  for (auto& r : t.app().routes()) {
    if (r.pattern.rfind("/api/", 0) != 0) continue;
    EXPECT_EQ(r.access, web::Access::Token) << r.pattern;
    std::string p;
    std::stringstream ss(r.pattern);
    for (std::string s; std::getline(ss, s, '/');)
      if (!s.empty()) p += "/" + (s[0] == ':' ? "{" + s.substr(1) + "}" : s);
    registered.insert(util::ascii_lower(r.method) + " " + p);
    EXPECT_TRUE(openapi()["paths"].contains(p)) << p << " is not in docs/api/openapi.json";
    if (openapi()["paths"].contains(p)) EXPECT_TRUE(openapi()["paths"][p].contains(util::ascii_lower(r.method))) << r.method << " " << p;
  }
  EXPECT_GE(registered.size(), 14u);
  for (auto& [p, item] : openapi()["paths"].items())
    for (auto& [m, op] : item.items()) EXPECT_TRUE(registered.count(m + " " + p)) << m << " " << p << " is described but not served";
  auto served = call(t, "GET", "/api/v1/openapi.json", "");
  ASSERT_EQ(served.status, 200);
  EXPECT_EQ(body_of(served)["openapi"], "3.0.3");
  test::Client c(t);
  auto page = c.get("/api-docs");
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "PATCH /api/v1/lettings-logs/{id}"));
  EXPECT_GT(responses_checked, 0) << "(the other API tests check their responses as they go)";
}

// The fuzzer's corpus (tests/fuzz/corpus/api_json/, kept by scripts/fuzz.sh), replayed on every
// test run: each body is read as each request reads it, and its answers go through the gateway.
TEST(ApiBody, TheFuzzCorpusReadsCleanly) {
  auto f = form::get("lettings", 2026);
  namespace fs = std::filesystem;
  fs::path dir = fs::path(CORE_SOURCE_DIR) / "tests/fuzz/corpus/api_json";
  int files = 0;
  api::BodyShape create, change, confirm;
  change.version = change.version_required = true;
  confirm.answers = false;
  confirm.version = confirm.version_required = confirm.checks = true;
  for (auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ++files;
    for (const auto& shape : {create, change, confirm}) {
      api::Body b;
      ASSERT_NO_THROW(b = api::read_body(*f, body, shape)) << entry.path();
      for (auto& e : b.errors) EXPECT_FALSE(e.message.empty() || e.code.empty()) << entry.path();
      if (!b.errors.empty()) continue;
      for (auto& [attr, v] : b.answers) EXPECT_GE(f->slot(attr), 0) << entry.path();
      form::Context ctx;
      ctx.today = util::Date{2026, 6, 1};
      EXPECT_NO_THROW(form::apply(*f, form::Values(f->size()), b.answers, ctx)) << entry.path();
    }
  }
  EXPECT_GE(files, 6);
}

// Every API route the server registers: without a token, 401 (the description aside); with another
// organisation's token, that organisation's log is not there (404); and nothing changes either way.
TEST(ApiRoutes, EveryRouteRefusesWithoutATokenAndHidesOtherOrganisationsLogs) {
  test::PinToday pin("2026-06-01");
  test::TestApp t;
  std::string mine = token_for(t, kRiverside), theirs = token_for(t, "Northshire County Council", "Outsider");
  auto made = call(t, "POST", "/api/v1/lettings-logs", mine, R"({"answers": {"tenancycode": "WALK-1"}})");
  ASSERT_EQ(made.status, 201);
  int64_t id = body_of(made)["log"]["id"];
  auto fingerprint = [&] {
    auto c = t.conn();
    std::string f;
    for (auto& r : c->query("SELECT id, version, answers, deleted_at FROM logs ORDER BY id"))
      f += r.str("id") + "/" + r.str("version") + "/" + r.str("answers") + "/" + r.str("deleted_at") + ";";
    return f;
  };
  std::string before = fingerprint();
  int walked = 0;
  for (auto& r : t.app().routes()) {
    if (r.access != web::Access::Token || r.pattern == "/api/v1/openapi.json") continue;
    std::string path = r.pattern;
    for (auto [from, to] : {std::pair<std::string, std::string>{":id", std::to_string(id)}, {":year", "2026"}, {":type", "lettings"}})
      if (auto at = path.find(from); at != std::string::npos) path.replace(at, from.size(), to);
    std::string body = r.method == "GET" ? "" : R"({"version": 1, "answers": {"tenancycode": "CHANGED"}})";
    if (r.pattern.ends_with("/confirm")) body = R"({"version": 1})";
    if (r.pattern.ends_with("-logs") && r.method == "POST") body = R"({"answers": {"tenancycode": "CHANGED"}})";
    if (r.pattern.ends_with("/validate")) body = R"({"answers": {"tenancycode": "CHANGED"}})";
    auto anon = call(t, r.method, path, "", body);
    EXPECT_EQ(anon.status, 401) << r.method << " " << path;
    if (r.pattern.find(":id") != std::string::npos) {
      auto other = call(t, r.method, path, theirs, body);
      EXPECT_EQ(other.status, 404) << r.method << " " << path << ": " << other.body;
    }
    ++walked;
  }
  EXPECT_GE(walked, 13);
  EXPECT_EQ(fingerprint(), before);
}

// Inputs nobody had tried: a token name that is too long or not one line, a token id that is not
// a number, a token of an organisation since deactivated, and a log assigned to someone of another
// organisation (a choice the page would never offer).
TEST(ApiHostile, NamesIdsDeactivatedOrganisationsAndOtherOrganisationsUsers) {
  test::PinToday pin("2026-06-01");
  test::TestApp t;
  int64_t org = t.org_id(kRiverside);
  std::string base = "/organisations/" + std::to_string(org) + "/api-tokens";
  test::Client coordinator(t);
  coordinator.sign_in("coordinator@riverside.example");
  int64_t before = t.count("api_tokens");
  auto too_long = coordinator.post(base, {{"name", std::string(101, 'a')}});
  EXPECT_EQ(too_long.status, 422);
  EXPECT_TRUE(contains(too_long.body, "100 characters or fewer"));
  EXPECT_EQ(coordinator.post(base, {{"name", "Two\nlines"}}).status, 422);
  EXPECT_EQ(coordinator.post(base, {{"name", std::string("Nul\0here", 8)}}).status, 422);
  EXPECT_EQ(t.count("api_tokens"), before) << "no token made";
  EXPECT_EQ(coordinator.get(base + "/abc/revoke").status, 404);
  EXPECT_EQ(coordinator.post(base + "/-1/revoke", {}).status, 404);
  EXPECT_EQ(coordinator.post(base + "/99999999999999999999/revoke", {}).status, 404);

  std::string token = token_for(t, kRiverside);
  // Assigned to a user of another organisation: refused and reported, the log kept unassigned.
  auto made = call(t, "POST", "/api/v1/lettings-logs", token,
                   json{{"answers", {{"tenancycode", "H-1"}, {"assigned_to_id", t.user_id("coordinator@eastbrook.example")}}}}.dump());
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_TRUE(body_of(made)["log"]["assigned_to_id"].is_null());
  EXPECT_EQ(body_of(made)["errors"][0]["field"], "assigned_to_id");
  // The organisation is deactivated: its tokens are refused, and the refusal is recorded.
  t.conn()->exec("UPDATE organisations SET active = 0 WHERE id = ?", {org});
  auto refused = call(t, "GET", "/api/v1/lettings-logs", token);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body_of(refused)["errors"][0]["code"], "forbidden");
  auto c = t.conn();
  EXPECT_EQ(api::store::uses(*c, api::store::find_by_secret(*c, token)->id), 2);
}
