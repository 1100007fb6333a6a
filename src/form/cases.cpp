#include "form/cases.h"

#include <algorithm>

namespace core::form {

using expr::Value;
using nlohmann::json;

Context context_from_json(const Form& f, const json& j, util::Date today, std::vector<std::string>* problems) {
  Context c;
  c.today = today;
  if (!j.is_object()) return c;
  for (auto& [k, v] : j.items()) {
    int s = f.slot(k);
    if (s < 0 || f.attributes[size_t(s)].kind != AttrKind::Context) {
      if (problems) problems->push_back("unknown context value '" + k + "'");
      continue;
    }
    Value x = expr::from_json(v);
    if (f.attributes[size_t(s)].type == expr::Type::Date && x.is_string())
      if (auto d = util::parse_iso_date(x.as_string())) x = Value(*d);
    c.values[k] = x;
  }
  return c;
}

namespace {

std::string show(const json& j) { return j.dump(); }

bool same(const Form& f, const std::string& attr, const Value& got, const json& want) {
  int s = f.slot(attr);
  Value w = expr::from_json(want);
  if (s >= 0 && f.attributes[size_t(s)].type == expr::Type::Date && w.is_string())
    if (auto d = util::parse_iso_date(w.as_string())) w = Value(*d);
  if (got.is_bool() && w.is_int()) return got.as_bool() == (w.as_int() != 0);
  return got.equals(w);
}

}  // namespace

std::vector<CaseResult> run_cases(const Form& f, const json& file, const ContextHook& hook, const ApplyHook& apply_hook) {
  std::vector<CaseResult> results;
  for (auto& c : file.value("cases", json::array())) {
    CaseResult r;
    r.name = c.is_object() && c.contains("name") && c["name"].is_string() ? c["name"].get<std::string>() : "(unnamed case)";
    auto fail = [&](const std::string& m) { r.failures.push_back(m); };
    try {
    auto today = util::parse_iso_date(c.value("today", "2026-06-01"));
    if (!today) {
      fail("'today' is not a date");
      results.push_back(r);
      continue;
    }
    if (c.contains("today") && c["today"].is_null()) today = util::Date{2026, 6, 1};
    std::vector<std::string> problems;
    Context ctx = context_from_json(f, c.value("context", json::object()), *today, &problems);
    if (hook) hook(c, ctx);
    for (auto& p : problems) fail(p);
    Values start(f.size());
    if (c.contains("before")) {
      Outcome b = apply(f, start, changes_from_json(c["before"]), ctx);
      for (auto& e : b.errors)
        if (e.rule.rfind("H-", 0) == 0 && (e.rule == "H-UNKNOWN-FIELD" || e.rule == "H-NOT-INPUT" || e.rule == "H-TYPE"))
          fail("before: " + e.message);
      start = b.values;
    }
    Changes changes = changes_from_json(c.value("answers", json::object()));
    Outcome o = apply_hook ? apply_hook(c, start, changes, ctx) : apply(f, start, changes, ctx);
    // The gateway works routing out again only for pages a change can affect: it must agree with
    // routing worked out afresh for the log as it is now.
    if (!apply_hook && o.routed != routed(f, o.values, ctx)) {
      std::string pages;
      auto fresh = routed(f, o.values, ctx);
      for (size_t p = 0; p < fresh.size(); ++p)
        if (fresh[p] != o.routed[p]) pages += " " + f.pages[p].id;
      fail("the gateway's routing differs from routing worked out afresh for:" + pages);
    }
    const json ex = c.value("expect", json::object());
    if (ex.empty()) fail("the case expects nothing");
    auto fired = [&](const std::string& id) {
      return std::any_of(o.errors.begin(), o.errors.end(), [&](const Error& e) { return e.rule == id; });
    };
    auto errors_text = [&] {
      std::string s;
      for (auto& e : o.errors) s += "\n      " + e.rule + " [" + [&] { std::string x; for (auto& fl : e.fields) x += (x.empty() ? "" : ",") + fl; return x; }() + "] " + e.message;
      return s.empty() ? std::string(" none") : s;
    };
    for (auto& id : ex.value("rules", json::array()))
      if (!fired(id.get<std::string>())) fail("rule " + id.get<std::string>() + " did not fire; errors:" + errors_text());
    for (auto& id : ex.value("absent_rules", json::array()))
      if (fired(id.get<std::string>())) fail("rule " + id.get<std::string>() + " fired but should not have");
    for (const char* key : {"errors", "input_errors"}) {
      const json expected = ex.value(key, json::object());
      for (auto& [key_field, msgs] : expected.items()) {
        const std::string& field = key_field;  // (a structured binding cannot be captured by clang 14)
        json list = msgs.is_array() ? msgs : json::array({msgs});
        for (auto& m : list) {
          bool found = std::any_of(o.errors.begin(), o.errors.end(), [&](const Error& e) {
            return e.message == m.get<std::string>() && std::find(e.fields.begin(), e.fields.end(), field) != e.fields.end();
          });
          if (!found) fail("no error on " + field + " saying \"" + m.get<std::string>() + "\"; errors:" + errors_text());
        }
      }
    }
    if (ex.value("no_errors", false) && !o.errors.empty()) fail("expected no errors; errors:" + errors_text());
    auto pending = [&](const std::string& id) {
      return std::any_of(o.soft_checks.begin(), o.soft_checks.end(), [&](const SoftCheck& s) { return s.rule == id; });
    };
    for (auto& id : ex.value("soft_checks", json::array()))
      if (!pending(id.get<std::string>())) fail("soft check " + id.get<std::string>() + " is not pending");
    for (auto& id : ex.value("absent_soft_checks", json::array()))
      if (pending(id.get<std::string>())) fail("soft check " + id.get<std::string>() + " is pending but should not be");
    for (const char* key : {"derived", "values"}) {
      const json expected = ex.value(key, json::object());
      for (auto& [attr, want] : expected.items()) {
        int s = f.slot(attr);
        if (s < 0) {
          fail(std::string(key) + ": unknown field " + attr);
          continue;
        }
        const Value& got = o.values[size_t(s)];
        if (!same(f, attr, got, want)) fail(attr + " is " + got.debug() + ", expected " + show(want));
        if (std::string(key) == "derived" && !want.is_null() &&
            std::find(o.derived.begin(), o.derived.end(), s) == o.derived.end())
          fail(attr + " was not set by a derivation");
      }
    }
    for (auto& id : ex.value("cleared", json::array()))
      if (std::find(o.cleared.begin(), o.cleared.end(), id.get<std::string>()) == o.cleared.end())
        fail(id.get<std::string>() + " was not reported as cleared");
    if (ex.contains("status") && ex["status"] != status_name(o.status)) {
      std::string detail;
      for (size_t i = 0; i < o.subsections.size(); ++i)
        if (o.subsections[i] != Status::Completed) detail += " " + f.subsections[i].id + "=" + status_name(o.subsections[i]);
      if (o.status != Status::Completed && ex["status"] == "completed") {
        // Say which questions are still unanswered, to make a failing complete log quick to fix.
        Values now = with_context(f, o.values, ctx);
        for (size_t p = 0; p < f.pages.size(); ++p) {
          if (!page_routed(f, int(p), o.values, ctx)) continue;
          for (auto& q : f.pages[p].questions) {
            if (q.readonly || q.optional || q.type == QType::Checkbox) continue;
            if (q.slot >= 0 && now[size_t(q.slot)].null()) detail += "\n      unanswered on page " + f.pages[p].id + ": " + q.id;
          }
        }
      }
      fail("status is " + std::string(status_name(o.status)) + ", expected " + ex["status"].get<std::string>() + ";" + detail +
           (o.errors.empty() ? "" : "; errors:" + errors_text()));
    }
    const json subsections = ex.value("subsections", json::object());
    for (auto& [id, want] : subsections.items()) {
      int found = -1;
      for (size_t i = 0; i < f.subsections.size(); ++i)
        if (f.subsections[i].id == id) found = int(i);
      if (found < 0) fail("there is no subsection " + id);
      else if (want != status_name(o.subsections[size_t(found)]))
        fail("subsection " + id + " is " + status_name(o.subsections[size_t(found)]) + ", expected " + want.get<std::string>());
    }
    } catch (const json::exception& e) {
      fail(std::string("the case is malformed: ") + e.what());
    }
    results.push_back(r);
  }
  return results;
}

}  // namespace core::form
