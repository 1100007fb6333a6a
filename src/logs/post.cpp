#include "logs/post.h"

#include <set>

#include "util/dates.h"
#include "util/text.h"
#include "web/forms.h"

namespace core::logs {

using namespace core::web;
using nlohmann::json;

form::Changes read_post(const form::Form& f, const form::Page& pg, const Request& req, Typed& typed) {
  std::set<std::string> allowed = {"csrf_token", "version", "referrer", "return_to"};
  form::Changes changes;
  std::map<std::string, std::string> parent_values;
  for (auto& q : pg.questions) {
    if (q.type == form::QType::Checkbox) {
      for (auto& o : q.options) {
        std::string name = o.value.text();
        allowed.insert(name);
        // A ticked box sends "1"; anything else did not come from the page.
        if (req.has_form(name) && req.f(name) != "1") throw BadRequest("The form sent an answer (" + name + ") that is not one of the options.");
        bool ticked = req.f(name) == "1";
        if (ticked) typed.fields[name] = "1";
        changes.emplace_back(name, ticked ? json(1) : json(0));
      }
      continue;
    }
    if (q.type == form::QType::Date) {
      for (const char* part : {"-day", "-month", "-year"}) allowed.insert(q.id + part);
      std::string d = trim(req.f(q.id + "-day")), m = trim(req.f(q.id + "-month")), y = trim(req.f(q.id + "-year"));
      bool overlong = false;  // a date part the page could not have sent: not a date, and not a blank one
      for (const char* part : {"-day", "-month", "-year"}) overlong = overlong || req.f(q.id + part).size() > 20;
      typed.fields[q.id + "-day"] = d;
      typed.fields[q.id + "-month"] = m;
      typed.fields[q.id + "-year"] = y;
      if (overlong) {
        changes.emplace_back(q.id, "not a date");  // the gateway says so
      } else if (d.empty() && m.empty() && y.empty()) {
        changes.emplace_back(q.id, nullptr);
      } else if (auto dt = util::date_from_parts(d, m, y)) {
        changes.emplace_back(q.id, dt->iso());
      } else {
        changes.emplace_back(q.id, d + "/" + m + "/" + y);  // not a date: the gateway says so
      }
      continue;
    }
    allowed.insert(q.id);
    if (q.type == form::QType::Interruption) {
      if (req.has_form(q.id)) changes.emplace_back(q.id, req.f(q.id));
      continue;
    }
    if (q.readonly) continue;
    std::string v = req.f(q.id);
    typed.fields[q.id] = v;
    parent_values[q.id] = v;
    // Sent as typed: the gateway reads blanks as no answer, and refuses what no page could send.
    changes.emplace_back(q.id, v.empty() ? json(nullptr) : json(v));
  }
  for (auto& [k, v] : req.form)
    if (!allowed.count(k)) throw BadRequest("The form sent an answer (" + k + ") that does not belong to this page.");
  // An answer revealed by an option that is no longer chosen is dropped with it.
  for (auto& q : pg.questions) {
    if (q.conditional_parent < 0) continue;
    const std::string& parent = f.attributes[size_t(q.conditional_parent)].id;
    if (!parent_values.count(parent)) continue;
    bool reveals = false;
    for (auto& cv : q.conditional_values) reveals = reveals || cv.text() == parent_values[parent];
    if (!reveals)
      for (auto& c : changes)
        if (c.first == q.id) c.second = nullptr;
  }
  return changes;
}

}  // namespace core::logs
