#include <algorithm>
#include <cctype>
#include <set>

#include "accounts/handler_helpers.h"
#include "accounts/permissions.h"
#include "accounts/store.h"
#include "form/registry.h"
#include "logs/columns.h"
#include "logs/options.h"
#include "logs/present.h"
#include "logs/routes.h"
#include "logs/service.h"
#include "logs/store.h"
#include "schemes/routes.h"
#include "util/crypto.h"
#include "util/text.h"
#include "util/time.h"

namespace core::logs {

using namespace core::web;
using expr::Value;
using nlohmann::json;
namespace perm = accounts::permissions;

namespace {

const char* kBase = "/lettings-logs";

// --- small helpers

std::string dasherize(std::string s) {
  std::replace(s.begin(), s.end(), '_', '-');
  return s;
}
std::string underscore(std::string s) {
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}
std::string log_url(int64_t id) { return std::string(kBase) + "/" + std::to_string(id); }
std::string page_url(int64_t id, const std::string& page) { return log_url(id) + "/" + dasherize(page); }
std::string cya_url(int64_t id, const std::string& sub) { return log_url(id) + "/" + dasherize(sub) + "/check-answers"; }

std::shared_ptr<const form::Form> form_of(const store::Log& l) { return service::form_of(l); }

const char* status_label(const std::string& s) {
  if (s == "completed") return "Completed";
  if (s == "in_progress") return "In progress";
  if (s == "cannot_start_yet") return "Cannot start yet";
  return "Not started";
}
const char* status_colour(const std::string& s) {
  if (s == "completed") return "";
  if (s == "in_progress") return "govuk-tag--light-blue";
  return "govuk-tag--blue";
}

// The log, if this user may see it; 404 otherwise (never 403, so ids reveal nothing).
store::Log load_log(Context& ctx) { return service::find(ctx.conn(), ctx.current_user(), ctx.req.id_param("id")); }

bool editable(const form::Form& f) { return service::editable(f, schemes::today()); }

bool can_delete(const accounts::User& u, const store::Log& l, const form::Form& f) { return service::can_delete(u, l, f, schemes::today()); }

// --- showing answers

std::string suffix_text(const form::Form& f, const form::Question& q, const form::Values& values, const form::Context& fc) {
  if (q.suffixes.empty()) return q.suffix;
  form::Values now = form::with_context(f, values, fc);
  return q.suffix_for(expr::Env{now.data(), now.data(), &f.lookups, &f});
}

std::string money_or_number(const Value& v, bool money) {
  if (!v.is_number()) return v.text();
  if (money) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", v.as_number());
    return buf;
  }
  return v.text();
}

// The names of the records a log's answers name (its organisations, users, scheme, location).
RecordNames record_names(Context& ctx, const form::Form& f, const form::Values& values) {
  int s = f.slot("scheme_id");
  std::optional<int64_t> scheme;
  if (s >= 0 && values[size_t(s)].is_int()) scheme = values[size_t(s)].as_int();
  return RecordNames(ctx.conn(), scheme);
}

// The answer as check answers shows it; "" when unanswered.
std::string display(Context& ctx, const form::Form& f, const form::Question& q, const form::Values& values, const form::Context& fc) {
  RecordNames names = record_names(ctx, f, values);
  return answer_text(f, q, values, fc, names);
}

// "Q3 - What is the needs type?": the question's number from the definition, when it has one.
std::string numbered(const form::Question& q, const std::string& text) {
  if (!q.raw || q.conditional_parent >= 0 || !(*q.raw).contains("number") || !(*q.raw)["number"].is_number_integer()) return text;
  return "Q" + std::to_string((*q.raw)["number"].get<int>()) + " - " + text;
}

// Is the option offered on the page now? Its own condition, and the question's `options_in` list.
bool offered(const form::Question& q, const form::Option& o, const expr::Env& env) {
  if (o.depends_on && !expr::holds(o.depends_on, env)) return false;
  if (!q.options_in) return true;
  Value list = expr::eval(q.options_in, env);
  if (!list.is_list()) return true;  // no list (no record to ask): every option
  for (auto& x : list.as_list())
    if (x.equals(o.value)) return true;
  return false;
}

bool answered(const form::Question& q, const form::Values& v) {
  if (q.type == form::QType::Checkbox) {
    for (auto& o : q.options)
      if (v[size_t(o.slot)].truthy()) return true;
    return false;
  }
  return !v[size_t(q.slot)].null();
}

// A log's answers with their context, and which pages are shown: worked out once, then asked.
struct Flow {
  const form::Form& f;
  const form::Values& values;
  form::Values now;
  std::vector<char> routed;
  expr::Env env;
  Flow(const form::Form& form, const form::Values& v, const form::Context& fc)
      : f(form), values(v), now(form::with_context(form, v, fc)), routed(form::routed(form, v, fc)) {
    env = {now.data(), now.data(), &f.lookups, &f};
  }
  // After the gateway ran: its outcome already says which pages are shown.
  Flow(const form::Form& form, const form::Outcome& o, const form::Context& fc)
      : f(form), values(o.values), now(form::with_context(form, o.values, fc)), routed(o.routed) {
    env = {now.data(), now.data(), &f.lookups, &f};
  }
  Flow(const Flow&) = delete;
  bool holds(const expr::NodePtr& n) const { return expr::holds(n, env); }
};

// Is the question one the user must answer on this page now? (Shown, not derived, not optional.)
bool required_now(const Flow& fl, const form::Question& q) {
  if (q.readonly) return false;
  if (q.conditional_parent >= 0) {
    bool shown = false;
    for (auto& cv : q.conditional_values) shown = shown || fl.now[size_t(q.conditional_parent)].equals(cv);
    if (!shown) return false;
  }
  if (q.derived_when && fl.holds(q.derived_when)) return false;
  if (q.optional || (q.optional_when && fl.holds(q.optional_when))) return false;
  return true;
}

// A page the flow stops at: routed, with at least one question not derived.
bool page_asked(const Flow& fl, int p) {
  if (!fl.routed[size_t(p)]) return false;
  for (auto& q : fl.f.pages[size_t(p)].questions)
    if (!(q.derived_when && fl.holds(q.derived_when))) return true;
  return false;
}

bool page_unanswered(const Flow& fl, int p) {
  for (auto& q : fl.f.pages[size_t(p)].questions) {
    if (q.type == form::QType::Interruption) {
      if (fl.values[size_t(q.slot)].null()) return true;
      continue;
    }
    if (required_now(fl, q) && !answered(q, fl.values)) return true;
  }
  return false;
}

// Where "Save and continue" goes: the next page asked in the subsection (from check answers: the next
// one still unanswered), else the subsection's check answers.
std::string next_url(const Flow& fl, int64_t log_id, int page, bool from_cya) {
  const form::Form& f = fl.f;
  const auto& sub = f.subsections[size_t(f.pages[size_t(page)].subsection)];
  auto it = std::find(sub.pages.begin(), sub.pages.end(), page);
  for (++it; it != sub.pages.end(); ++it) {
    if (!page_asked(fl, *it)) continue;
    if (from_cya && !page_unanswered(fl, *it)) continue;
    return page_url(log_id, f.pages[size_t(*it)].id) + (from_cya ? "?referrer=check_answers" : "");
  }
  return cya_url(log_id, sub.id);
}

std::string previous_url(const Flow& fl, int64_t log_id, int page) {
  const form::Form& f = fl.f;
  const auto& sub = f.subsections[size_t(f.pages[size_t(page)].subsection)];
  auto it = std::find(sub.pages.begin(), sub.pages.end(), page);
  while (it != sub.pages.begin()) {
    --it;
    if (page_asked(fl, *it)) return page_url(log_id, f.pages[size_t(*it)].id);
  }
  return log_url(log_id);
}

std::string guidance_html(const form::Form& f, const json& names) {
  if (!names.is_object()) return "";
  std::string out;
  const json& all = f.source.contains("guidance") ? f.source["guidance"] : json::object();
  for (auto& [pos, name] : names.items()) {
    if (!name.is_string() || !all.contains(name.get<std::string>())) continue;
    const json& g = all[name.get<std::string>()];
    std::string content = g.value("content", "");
    // A link of the definition's guidance: a link when the definition gives its address in this
    // service (`<name>_link_href`, opened in a new tab so the answers on the page are not lost),
    // else its text (the real service's links lead outside it).
    for (auto& [k, v] : g.items()) {
      if (k.size() > 10 && k.substr(k.size() - 10) == "_link_text" && v.is_string()) {
        std::string name = k.substr(0, k.size() - 5);
        std::string key = "%{" + name + "}";
        std::string text = v.get<std::string>();
        std::string href = g.value(name + "_href", "");
        if (!href.empty())
          text = "<a class=\"govuk-link\" href=\"" + href + "\" rel=\"noreferrer noopener\" target=\"_blank\">" + text + " (opens in new tab)</a>";
        for (size_t p = content.find(key); p != std::string::npos; p = content.find(key)) content.replace(p, key.size(), text);
      }
    }
    if (g.contains("title")) out += "<details class=\"govuk-details\"><summary class=\"govuk-details__summary\"><span class=\"govuk-details__summary-text\">" +
                                    g.value("title", "") + "</span></summary><div class=\"govuk-details__text\">" + content + "</div></details>";
    else out += "<p class=\"govuk-body\">" + content + "</p>";
  }
  return out;
}


std::string lower_first_word(std::string s) {
  // "Housing benefit" -> "housing benefit", but "UPRN" stays.
  if (s.size() > 1 && std::isupper(static_cast<unsigned char>(s[0])) && !std::isupper(static_cast<unsigned char>(s[1])))
    s[0] = char(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

// --- question pages

struct Typed {  // what the user typed, to show again with the errors
  std::map<std::string, std::string> fields;
};

json field_json(Context& ctx, const form::Form& f, const form::Question& q, const form::Values& values, const form::Context& fc,
                const std::map<std::string, std::string>& errors, const Typed* typed, bool heading) {
  std::string id = q.id;
  std::string hint = q.raw ? q.raw->value("hint", "") : "";
  std::string error = errors.count(q.id) ? errors.at(q.id) : "";
  std::string header = q.raw ? q.raw->value("header", q.id) : q.id;
  json j = {{"id", id}, {"name", id}, {"header", numbered(q, header)}, {"plain_header", header}, {"hint", hint}, {"error", error},
            {"heading", heading}, {"is_text", false}, {"is_numeric", false}, {"is_date", false}, {"is_select", false},
            {"is_choice", false}, {"is_radio", false}, {"is_checkbox", false}, {"prefix", ""}, {"suffix", ""},
            {"value", ""}, {"day", ""}, {"month", ""}, {"year", ""}, {"readonly", q.readonly}, {"width_class", ""},
            {"autocomplete_enhance", false}, {"is_total", false}, {"total_of", ""}, {"options", json::array()}, {"items", json::array()}, {"question_guidance", ""}};
  std::string described;
  if (!hint.empty() || q.type == form::QType::Date) described = id + "-hint";
  if (!error.empty()) described += (described.empty() ? "" : " ") + id + "-error";
  j["described_by"] = described;
  if (q.raw && q.raw->contains("guidance")) j["question_guidance"] = guidance_html(f, (*q.raw)["guidance"]);
  auto typed_or = [&](const std::string& key, const std::string& stored) {
    if (typed) {
      auto it = typed->fields.find(key);
      if (it != typed->fields.end()) return it->second;
    }
    return stored;
  };
  const Value* v = q.slot >= 0 ? &values[size_t(q.slot)] : nullptr;
  switch (q.type) {
    case form::QType::Text:
      j["is_text"] = true;
      j["value"] = typed_or(id, v ? v->text() : "");
      break;
    case form::QType::Numeric: {
      j["is_numeric"] = true;
      j["prefix"] = q.raw ? q.raw->value("prefix", "") : "";
      j["suffix"] = suffix_text(f, q, values, fc);
      bool money = q.step && *q.step < 1;
      j["value"] = typed_or(id, v && !v->null() ? money_or_number(*v, money) : "");
      if (q.readonly) {
        // A total the service works out (tcharge): shown as text, not as a field nobody can type in.
        // It sums the amounts its derivation reads, as typed when the page is shown again.
        j["is_numeric"] = false;
        j["is_total"] = true;
        std::string of;
        double total = 0;
        for (auto& d : f.derivations) {
          if (d.slot != q.slot || !d.value) continue;
          for (auto& name : d.value->fields) {
            int s = f.slot(name);
            if (s < 0 || s == q.slot || of.find(name) != std::string::npos) continue;
            of += (of.empty() ? "" : " ") + name;
            std::string text = typed_or(name, values[size_t(s)].is_number() ? money_or_number(values[size_t(s)], true) : "");
            if (auto x = util::parse_decimal(trim(text))) total += *x;
          }
        }
        j["total_of"] = of;
        j["value"] = money_text(total);
        break;
      }
      int width = q.raw ? q.raw->value("width", 0) : 0;
      j["width_class"] = width ? "govuk-input--width-" + std::to_string(std::clamp(width, 2, 10) <= 2 ? 2 : width <= 3 ? 3 : width <= 4 ? 4 : 5) : "govuk-input--width-5";
      break;
    }
    case form::QType::Date:
      j["is_date"] = true;
      j["day"] = typed_or(id + "-day", v && v->is_date() ? std::to_string(v->as_date().d) : "");
      j["month"] = typed_or(id + "-month", v && v->is_date() ? std::to_string(v->as_date().m) : "");
      j["year"] = typed_or(id + "-year", v && v->is_date() ? std::to_string(v->as_date().y) : "");
      break;
    case form::QType::Select: {
      j["is_select"] = true;
      std::string selected = typed_or(id, v ? v->text() : "");
      auto opts = dynamic_options(ctx.conn(), ctx.current_user(), f, q, values);
      if (q.options_from.empty()) {
        form::Values now = form::with_context(f, values, fc);
        expr::Env env{now.data(), now.data(), &f.lookups, &f};
        for (auto& o : q.options)
          if (offered(q, o, env)) opts.push_back({o.value.text(), o.label, o.hint});
      }
      for (auto& o : opts) j["options"].push_back({{"value", o.value}, {"label", o.label}, {"selected", o.value == selected}});
      j["autocomplete_enhance"] = opts.size() > 20;
      break;
    }
    case form::QType::Radio: case form::QType::Checkbox: {
      j["is_choice"] = true;
      j[q.type == form::QType::Radio ? "is_radio" : "is_checkbox"] = true;
      std::vector<web::Option> opts;
      std::vector<const form::Option*> defs;
      if (!q.options_from.empty()) opts = dynamic_options(ctx.conn(), ctx.current_user(), f, q, values);
      form::Values now = form::with_context(f, values, fc);
      expr::Env env{now.data(), now.data(), &f.lookups, &f};
      for (auto& o : q.options) {
        if (!offered(q, o, env)) continue;
        opts.push_back({o.value.text(), o.label, o.hint});
        defs.push_back(&o);
      }
      std::string selected = typed_or(id, v ? v->text() : "");
      for (size_t i = 0; i < opts.size(); ++i) {
        const form::Option* od = i >= opts.size() - defs.size() ? defs[i - (opts.size() - defs.size())] : nullptr;
        std::string item_id = i == 0 ? id : id + "-" + std::to_string(i + 1);
        json item = {{"item_id", item_id}, {"item_name", id}, {"value", opts[i].value}, {"label", opts[i].label},
                     {"item_hint", opts[i].hint}, {"divider", od && od->divider_before}, {"exclusive", od && od->exclusive},
                     {"checked", false}, {"conditional", false}};
        if (q.type == form::QType::Checkbox) {
          item["item_name"] = opts[i].value;
          item["value"] = "1";
          item["checked"] = typed ? typed->fields.count(opts[i].value) > 0 : values[size_t(od->slot)].truthy();
        } else {
          item["checked"] = !selected.empty() && selected == opts[i].value;
        }
        j["items"].push_back(item);
      }
      break;
    }
    default: break;
  }
  return j;
}

// `refused`: the errors the log service gave, with the rules they come from (so an error about two
// questions can link to the other one).
json question_page_json(Context& ctx, const form::Form& f, const store::Log& log, int page, const form::Values& values,
                        const form::Context& fc, const std::map<std::string, std::string>& errors, const Typed* typed,
                        bool from_cya, const std::string& conflict_version = "", const std::vector<form::Error>* refused = nullptr) {
  const form::Page& pg = f.pages[size_t(page)];
  const form::Subsection& sub = f.subsections[size_t(pg.subsection)];
  json j;
  j["caption"] = sub.label;
  std::string page_header = pg.raw ? pg.raw->value("header", "") : "";
  // One question and no page heading: the question is the page's heading.
  int top_level = 0;
  for (auto& q : pg.questions) top_level += q.conditional_parent < 0 ? 1 : 0;
  bool question_is_heading = page_header.empty() && top_level == 1;
  j["page_header"] = page_header;
  j["action"] = page_url(log.id, pg.id);
  j["version"] = conflict_version.empty() ? std::to_string(log.version) : conflict_version;
  j["referrer"] = from_cya ? "check_answers" : "";
  j["return_to"] = "";
  if (!from_cya && ctx.req.q("referrer") == "interruption") {
    // Changed from an interruption screen: come back to it after saving.
    auto it = f.page_index.find(underscore(ctx.req.q("return_to")));
    if (it != f.page_index.end()) {
      j["referrer"] = "interruption";
      j["return_to"] = dasherize(f.pages[size_t(it->second)].id);
    }
  }
  j["readonly"] = !editable(f);
  j["button"] = from_cya ? "Save changes" : "Save and continue";
  Flow flow(f, values, fc);
  j["skip_href"] = from_cya ? cya_url(log.id, sub.id) : next_url(flow, log.id, page, false);
  j["skip_text"] = from_cya ? "Cancel" : "Skip for now";
  j["back"] = from_cya ? cya_url(log.id, sub.id) : previous_url(flow, log.id, page);
  j["questions"] = json::array();
  j["manual_address_button"] = false;
  std::string title;
  // Children revealed inline go under their parent's option.
  std::map<std::string, json> children;
  for (auto& q : pg.questions)
    if (q.conditional_parent >= 0) children[q.id] = field_json(ctx, f, q, values, fc, errors, typed, false);
  for (auto& q : pg.questions) {
    if (q.conditional_parent >= 0) continue;
    if (q.options_from == "addresses") {
      // No address lookup service here: the UPRN can be typed, or the address entered by hand.
      json t = field_json(ctx, f, q, values, fc, errors, typed, question_is_heading);
      t["is_select"] = false;
      t["is_text"] = true;
      t["header"] = "What is the property’s UPRN?";
      t["hint"] = "The Unique Property Reference Number, up to 12 digits.";
      t["described_by"] = q.id + "-hint";
      t["value"] = values[size_t(q.slot)].text();
      j["questions"].push_back(t);
      j["manual_address_button"] = true;
      continue;
    }
    json qj = field_json(ctx, f, q, values, fc, errors, typed, question_is_heading);
    if (title.empty()) title = qj["plain_header"].get<std::string>();
    for (auto& item : qj["items"]) {
      for (auto& c : pg.questions) {
        if (c.conditional_parent != q.slot) continue;
        bool reveals = false;
        for (auto& cv : c.conditional_values) reveals = reveals || cv.text() == item["value"].get<std::string>();
        if (reveals) {
          item["conditional"] = children[c.id];
          item["conditional_target"] = "conditional-" + item["item_id"].get<std::string>();
        }
      }
    }
    j["questions"].push_back(qj);
  }
  // The layout adds "Error: " when the page has errors.
  j["title"] = (page_header.empty() ? title : page_header) + " – " + sub.label;
  json summary = json::array();
  for (auto& q : pg.questions)
    if (errors.count(q.id)) summary.push_back({{"href", "#" + (q.type == form::QType::Date ? q.id + "-day" : q.id)}, {"text", errors.at(q.id)}});
  for (auto& [k, m] : errors)
    if (k == "_form") summary.push_back({{"href", "#main-content"}, {"text", m}});
  // An error about this answer and one asked on another page: the summary links there too, and
  // saving that page comes back here.
  std::set<std::string> linked;
  for (auto& q : pg.questions) {
    if (!errors.count(q.id) || !refused) continue;
    for (auto& r : f.rules) {
      bool about_this = false;
      for (auto& e : *refused)
        about_this = about_this || (e.rule == r.id && std::find(e.fields.begin(), e.fields.end(), q.id) != e.fields.end());
      if (!about_this) continue;
      for (auto& m : r.messages) {
        if (m.slot < 0 || linked.count(m.field) || f.attributes[size_t(m.slot)].questions.empty()) continue;
        const form::Question* other = f.attributes[size_t(m.slot)].questions.front();
        if (other->page == page || !flow.routed[size_t(other->page)]) continue;
        linked.insert(m.field);
        summary.push_back({{"href", page_url(log.id, f.pages[size_t(other->page)].id) + "?referrer=interruption&return_to=" + dasherize(pg.id) +
                                        "#" + (other->type == form::QType::Date ? other->id + "-day" : other->id)},
                           {"text", "Change your answer to “" + lower_first_word(other->label()) + "”"}});
      }
    }
  }
  j["errors"] = summary;
  return j;
}

json interruption_json(Context& ctx, const form::Form& f, const store::Log& log, int page, const form::Values& values,
                       const form::Context& fc, bool from_cya) {
  const form::Page& pg = f.pages[size_t(page)];
  const form::Question& q = pg.questions.front();
  json j;
  j["caption"] = f.subsections[size_t(pg.subsection)].label;
  j["action"] = page_url(log.id, pg.id);
  j["version"] = std::to_string(log.version);
  j["referrer"] = from_cya ? "check_answers" : "";
  j["readonly"] = !editable(f);
  j["confirm_field"] = q.id;
  Flow flow(f, values, fc);
  j["skip_href"] = from_cya ? cya_url(log.id, f.subsections[size_t(pg.subsection)].id) : next_url(flow, log.id, page, false);
  j["back"] = previous_url(flow, log.id, page);
  j["panel_html"] = q.raw ? q.raw->value("hint", "") : "";
  // The soft validation's texts, as the gateway works them out for this log.
  auto o = form::apply(f, values, {}, fc);
  std::string title, text;
  for (auto& s : f.soft_rules)
    if (s.id == q.soft) {
      for (auto& p : o.soft_checks)
        if (p.rule == s.id) {
          title = p.title;
          text = p.text;
        }
      if (title.empty()) title = s.title;
      j["review"] = json::array();
      for (auto& attr : s.review) {
        int slot = f.slot(attr);
        if (slot < 0) continue;
        for (const form::Question* rq : f.attributes[size_t(slot)].questions) {
          if (!flow.routed[size_t(rq->page)]) continue;
          j["review"].push_back({{"key", numbered(*rq, rq->label())}, {"change_label", rq->label()}, {"value", display(ctx, f, *rq, values, fc)},
                                 {"href", page_url(log.id, f.pages[size_t(rq->page)].id) + "?referrer=interruption&return_to=" + dasherize(pg.id)}});
          break;
        }
      }
    }
  j["soft_title"] = title;
  j["soft_text"] = text;
  j["has_review"] = j.contains("review") && !j["review"].empty();
  j["title"] = title.empty() ? "Are you sure this is correct?" : title;
  return j;
}

// --- reading a page's answers from a form post

// The page's answers as gateway changes; throws BadRequest for fields that do not belong to the page.
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
  bool address_page = false;
  for (auto& q : pg.questions) address_page = address_page || q.options_from == "addresses";
  if (address_page) {
    allowed.insert("manual_address_entry_selected");
    if (req.f("manual_address_entry_selected") == "true") changes.emplace_back("manual_address_entry_selected", true);
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

// --- the list

std::string session_hash(Context& ctx) { return util::sha256_hex(ctx.session_token); }

store::Filter filter_from(Context& ctx, json& state) {
  const auto& u = ctx.current_user();
  store::Filter f;
  f.all_organisations = perm::is_support(u);
  f.organisation_id = u.organisation_id;
  for (auto& y : state.value("years", json::array()))
    if (y == "2025" || y == "2026") f.years.push_back(y == "2025" ? 2025 : 2026);
  for (auto& s : state.value("status", json::array()))
    if (s == "not_started" || s == "in_progress" || s == "completed") f.statuses.push_back(s.get<std::string>());
  for (auto& n : state.value("needstypes", json::array()))
    if (n == "1" || n == "2") f.needstypes.push_back(n == "1" ? 1 : 2);
  std::string assigned = state.value("assigned_to", "all");
  if (assigned == "you") f.assigned_to_id = u.id;
  else if (assigned == "specific") {
    if (auto uid = util::parse_id(state.value("user", ""))) f.assigned_to_id = *uid;
  }
  auto org = [&](const char* key) { return util::parse_id(state.value(key, "")); };
  f.owned_by = org("owning_organisation");
  f.managed_by = org("managing_organisation");
  f.search = trim(state.value("search", ""));
  if (f.search.size() > 200) f.search = f.search.substr(0, 200);
  return f;
}

json list_state_from_query(const Request& req) {
  json s = json::object();
  for (const char* k : {"years", "status", "needstypes"}) {
    s[k] = json::array();
    for (auto& v : req.query) if (v.first == k) s[k].push_back(v.second);
  }
  for (const char* k : {"assigned_to", "user", "owning_organisation", "managing_organisation", "search"}) s[k] = req.q(k);
  return s;
}

// The log list: every log the user may see, or (for /organisations/:id/lettings-logs) the logs
// that organisation owns or manages, under the organisation's sub-navigation.
Response list_page_of(Context& ctx, const accounts::Organisation* of) {
  const auto& u = ctx.current_user();
  const std::string list_path = of ? "/organisations/" + std::to_string(of->id) + kBase : std::string(kBase);
  json state;
  if (!ctx.req.q("filtered").empty() || !ctx.req.q("search").empty()) {
    state = list_state_from_query(ctx.req);
    store::set_session_filters(ctx.conn(), session_hash(ctx), state.dump());
  } else {
    state = json::parse(store::session_filters(ctx.conn(), session_hash(ctx)), nullptr, false);
    if (!state.is_object()) state = json::object();
  }
  store::Filter f = filter_from(ctx, state);
  if (of) {
    f.all_organisations = false;
    f.organisation_id = of->id;
  }
  f.page = page_number(ctx.req.q("page"));
  auto page = store::list(ctx.conn(), f);
  auto own = accounts::store::find_organisation(ctx.conn(), u.organisation_id);
  json j;
  j["title"] = of ? "Lettings logs - " + of->name : std::string("Lettings logs");
  j["list_path"] = list_path;
  if (of) {
    j["caption"] = of->name;
    j["tabs"] = accounts::organisation_tabs(ctx, *of, "lettings-logs");
    j["has_tabs"] = true;
  }
  bool can_create = own && perm::organisation_can_create_logs(*own);
  j["can_create"] = can_create;
  j["create_refused"] = can_create ? "" : "Your organisation cannot create logs until its data protection officer accepts the data sharing agreement.";
  j["search"] = f.search;
  bool filtered = !f.years.empty() || !f.statuses.empty() || !f.needstypes.empty() || f.assigned_to_id || f.owned_by || f.managed_by || !f.search.empty();
  j["filtered"] = filtered;
  // Bulk delete: support always; coordinators on a filtered or searched list; providers only their own logs.
  bool bulk = perm::can_bulk_delete_logs(u, filtered, f.assigned_to_id && *f.assigned_to_id == u.id);
  j["can_bulk_delete"] = bulk;
  std::string count = std::to_string(page.total);
  for (int i = int(count.size()) - 3; i > 0; i -= 3) count.insert(size_t(i), ",");
  j["total_text"] = count + (page.total == 1 ? " log" : " logs") + (filtered ? " found" : "");
  j["logs"] = json::array();
  for (auto& l : page.logs) {
    std::string start;
    if (l.startdate)
      if (auto d = util::parse_iso_date(*l.startdate)) start = d->display();
    int64_t nt = l.needstype.value_or(0);
    j["logs"].push_back({{"id", l.id}, {"tenancycode", l.tenancycode.value_or("")}, {"propcode", l.propcode.value_or("")},
                         {"needstype", nt == 1 ? "General needs" : nt == 2 ? "Supported housing" : ""}, {"startdate", start},
                         {"owning", l.owning_organisation_name}, {"managing", l.managing_organisation_name},
                         {"status", status_label(l.status)}, {"status_colour", status_colour(l.status)}, {"assigned", l.assigned_to_name},
                         {"can_bulk_delete", bulk}});
  }
  j["has_logs"] = !page.logs.empty();
  auto items = [&](const char* name, std::vector<std::pair<std::string, std::string>> opts, const json& chosen) {
    json arr = json::array();
    int i = 0;
    for (auto& [v, l] : opts) {
      bool checked = false;
      if (chosen.is_array()) for (auto& c : chosen) checked = checked || c == v;
      else checked = chosen == v;
      arr.push_back({{"item_id", std::string(name) + "-" + std::to_string(++i)}, {"name", name}, {"value", v}, {"label", l}, {"checked", checked}});
    }
    return arr;
  };
  json filters = json::array();
  filters.push_back({{"legend", "Collection year"}, {"is_checkboxes", true}, {"is_radios", false}, {"select", false},
                     {"items", items("years", {{"2026", "2026 to 2027"}, {"2025", "2025 to 2026"}}, state.value("years", json::array()))}});
  filters.push_back({{"legend", "Status"}, {"is_checkboxes", true}, {"is_radios", false}, {"select", false},
                     {"items", items("status", {{"not_started", "Not started"}, {"in_progress", "In progress"}, {"completed", "Completed"}}, state.value("status", json::array()))}});
  filters.push_back({{"legend", "Needs type"}, {"is_checkboxes", true}, {"is_radios", false}, {"select", false},
                     {"items", items("needstypes", {{"1", "General needs"}, {"2", "Supported housing"}}, state.value("needstypes", json::array()))}});
  // Assigned to: all, you, or a named user (a select, a type-ahead with JavaScript).
  json users = json::array();
  std::string chosen_user = state.value("user", "");
  {
    accounts::store::UserFilter uf;
    uf.per_page = 1000;
    for (auto& x : accounts::store::list_users(ctx.conn(), u.organisation_id, uf).users)
      users.push_back({{"value", std::to_string(x.id)}, {"label", x.name + " (" + x.email + ")"}, {"selected", std::to_string(x.id) == chosen_user}});
  }
  std::string assigned = state.value("assigned_to", "");
  if (assigned.empty()) assigned = "all";
  filters.push_back({{"legend", "Assigned to"}, {"is_checkboxes", false}, {"is_radios", true},
                     {"items", items("assigned_to", {{"all", "All"}, {"you", "You"}, {"specific", "A specific user"}}, assigned)},
                     {"select", {{"select_id", "user"}, {"select_name", "user"}, {"select_label", "User (choose “A specific user”)"}, {"options", users}}}});
  // Owned by / managed by: for support, or organisations with relationships.
  std::vector<accounts::Organisation> related;
  if (perm::is_support(u)) related = accounts::store::list_organisations(ctx.conn(), "", 1, 100000).organisations;
  else {
    for (auto& o : accounts::store::stock_owners(ctx.conn(), u.organisation_id)) related.push_back(o);
    for (auto& o : accounts::store::managing_agents(ctx.conn(), u.organisation_id)) related.push_back(o);
    if (!related.empty() && own) related.insert(related.begin(), *own);
  }
  if (!related.empty()) {
    for (auto [key, legend] : {std::pair{"owning_organisation", "Owned by"}, std::pair{"managing_organisation", "Managed by"}}) {
      json opts = json::array();
      std::string chosen = state.value(key, "");
      for (auto& o : related) opts.push_back({{"value", std::to_string(o.id)}, {"label", o.name}, {"selected", std::to_string(o.id) == chosen}});
      filters.push_back({{"legend", legend}, {"is_checkboxes", false}, {"is_radios", true}, {"items", json::array()},
                         {"select", {{"select_id", key}, {"select_name", key}, {"select_label", "Organisation"}, {"options", opts}}}});
    }
  }
  j["filters"] = filters;
  j["pagination"] = pagination(page.total, f.per_page, f.page, list_path);
  return ctx.page("logs/index", j);
}

Response list_page(Context& ctx) { return list_page_of(ctx, nullptr); }

// An organisation's logs, for those who may view the organisation (support, or its own users).
Response organisation_list_page(Context& ctx) {
  auto org = accounts::store::find_organisation(ctx.conn(), ctx.req.id_param("id"));
  if (!org || !perm::can_view_organisation(ctx.current_user(), org->id)) throw NotFound();
  return list_page_of(ctx, &*org);
}

// --- handlers

Response create_log(Context& ctx) {
  const auto& u = ctx.current_user();
  util::Date today = schemes::today();
  store::Log l;
  try {
    l = service::create(ctx.conn(), u, today);
  } catch (const service::Refused& e) {
    if (e.kind != service::Refused::Kind::Forbidden) throw;
    return ctx.page("errors/403", {{"title", "You cannot create a log now"}, {"message", e.what()}}, 403);
  }
  // Straight to the first setup page the user is asked.
  auto f = form_of(l);
  auto values = service::answers_of(*f, l);
  auto fc = log_context(ctx.conn(), u, *f, values, values, today);
  Flow flow(*f, values, fc);
  for (int p : f->subsections.front().pages)
    if (page_asked(flow, p)) return Response::redirect(page_url(l.id, f->pages[size_t(p)].id));
  return Response::redirect(log_url(l.id));
}

Response show_log(Context& ctx) {
  auto log = load_log(ctx);
  auto f = form_of(log);
  auto values = service::answers_of(*f, log);
  auto fc = log_context(ctx.conn(), ctx.current_user(), *f, values, values, schemes::today());
  auto o = form::apply(*f, values, {}, fc);
  json j;
  // "Log 2 – tenant code T1, property reference P1": which tenancy this is, at a glance.
  std::string heading = "Log " + std::to_string(log.id);
  std::string codes;
  if (log.tenancycode && !log.tenancycode->empty()) codes = "tenant code " + *log.tenancycode;
  if (log.propcode && !log.propcode->empty()) codes += (codes.empty() ? "" : ", ") + std::string("property reference ") + *log.propcode;
  j["title"] = heading;
  j["heading"] = heading;
  j["heading_codes"] = codes;
  j["log_id"] = log.id;
  j["caption"] = "Lettings log";
  bool completed = log.status == "completed";
  j["completed"] = completed;
  if (completed) {
    auto own = accounts::store::find_organisation(ctx.conn(), ctx.current_user().organisation_id);
    j["can_create"] = own && perm::organisation_can_create_logs(*own) && schemes::today() <= f->new_logs_end_date;
    j["edit_end"] = f->edit_end_date.display();
  }
  j["status_label"] = status_label(log.status);
  j["status_colour"] = status_colour(log.status);
  j["readonly"] = !editable(*f);
  j["can_delete"] = can_delete(ctx.current_user(), log, *f);
  j["back"] = kBase;
  Flow flow(*f, o, fc);
  int done = 0;
  json sections = json::array();
  for (auto& sec : f->sections) {
    json s = {{"label", sec.label}, {"subsections", json::array()}};
    for (int si : sec.subsections) {
      const auto& sub = f->subsections[size_t(si)];
      std::string st = form::status_name(o.subsections[size_t(si)]);
      if (st == "completed") ++done;
      std::string href;
      if (st == "completed") href = cya_url(log.id, sub.id);
      else if (st != "cannot_start_yet") {
        for (int p : sub.pages)
          if (page_asked(flow, p) && page_unanswered(flow, p)) {
            href = page_url(log.id, f->pages[size_t(p)].id);
            break;
          }
        if (href.empty()) href = cya_url(log.id, sub.id);
      }
      s["subsections"].push_back({{"id", sub.id}, {"label", sub.label}, {"href", href}, {"status", status_label(st)},
                                  {"colour", st == "cannot_start_yet" ? "" : st == "completed" ? "govuk-tag--green" : status_colour(st)}});
    }
    sections.push_back(s);
  }
  j["sections"] = sections;
  j["completed_count"] = done;
  j["subsection_count"] = f->subsections.size();
  return ctx.page("logs/show", j);
}

Response check_answers(Context& ctx) {
  auto log = load_log(ctx);
  auto f = form_of(log);
  std::string sub_id = underscore(ctx.req.param("subsection"));
  int si = -1;
  for (size_t i = 0; i < f->subsections.size(); ++i)
    if (f->subsections[i].id == sub_id) si = int(i);
  if (si < 0) throw NotFound();
  auto values = service::answers_of(*f, log);
  auto fc = log_context(ctx.conn(), ctx.current_user(), *f, values, values, schemes::today());
  const auto& sub = f->subsections[size_t(si)];
  // Rows in order; pages that name a card (`check_answers_card`) group their rows in GOV.UK summary
  // cards, one per run of pages with the same card.
  json cards = json::array();
  auto rows_for = [&](const std::string& card) -> json& {
    if (cards.empty() || cards.back()["title"] != card)
      cards.push_back({{"title", card}, {"has_title", !card.empty()}, {"rows", json::array()}});
    return cards.back()["rows"];
  };
  int answered_n = 0, total = 0;
  bool edit = editable(*f);
  Flow flow(*f, values, fc);
  RecordNames names = record_names(ctx, *f, values);
  std::set<std::string> shown;
  for (int p : sub.pages) {
    if (!page_asked(flow, p)) continue;
    const auto& pg = f->pages[size_t(p)];
    std::string card = pg.raw ? pg.raw->value("check_answers_card", "") : "";
    if (card.empty() && !cards.empty()) card = cards.back()["title"].get<std::string>();  // an interruption screen: the card it follows
    for (auto& q : pg.questions) {
      if (q.type == form::QType::Interruption) {
        if (!values[size_t(q.slot)].null()) continue;  // confirmed: nothing to show
      } else {
        if (q.hidden_in_check_answers && flow.holds(q.hidden_in_check_answers)) continue;
        if (q.raw && q.raw->value("hidden_in_check_answers", json()) == json(true)) continue;
        if (q.derived_when && flow.holds(q.derived_when)) continue;  // worked out from another answer, not asked
        if (!required_now(flow, q) && !answered(q, values)) continue;
      }
      if (!shown.insert(q.id).second) continue;
      std::string shown_value = answer_text(*f, q, values, fc, names);
      bool has = answered(q, values);
      ++total;
      answered_n += has;
      // Answers shown with this one (address line 2 with line 1).
      if (q.raw && q.raw->contains("check_answers_joined"))
        for (auto& part : (*q.raw)["check_answers_joined"])
          if (int s = part.is_string() ? f->slot(part.get<std::string>()) : -1; s >= 0 && !values[size_t(s)].null())
            shown_value += ", " + value_text(*f, s, values[size_t(s)], names);
      rows_for(card).push_back({{"key", numbered(q, q.label())}, {"change_label", q.label()}, {"value", shown_value}, {"answered", has}, {"editable", edit},
                                {"prompt", q.raw ? q.raw->value("check_answer_prompt", "Answer") : "Answer"},
                                {"href", page_url(log.id, pg.id) + "?referrer=check_answers"}});
    }
  }
  json j;
  j["title"] = "Check your answers";
  j["head_title"] = "Check your answers: " + sub.label + " - Log " + std::to_string(log.id);
  j["caption"] = sub.label;
  j["log_id"] = log.id;
  j["cards"] = cards;
  j["answered"] = answered_n;
  j["total"] = total;
  j["complete"] = answered_n == total;
  j["back"] = log_url(log.id);
  return ctx.page("logs/check_answers", j);
}

int find_page(const form::Form& f, const std::string& param) {
  auto it = f.page_index.find(underscore(param));
  if (it == f.page_index.end()) throw NotFound();
  return it->second;
}

Response show_page(Context& ctx) {
  auto log = load_log(ctx);
  auto f = form_of(log);
  int page = find_page(*f, ctx.req.param("page"));
  auto values = service::answers_of(*f, log);
  auto fc = log_context(ctx.conn(), ctx.current_user(), *f, values, values, schemes::today());
  if (!form::page_routed(*f, page, values, fc)) return Response::redirect(log_url(log.id));
  bool from_cya = ctx.req.q("referrer") == "check_answers";
  const auto& pg = f->pages[size_t(page)];
  if (pg.questions.size() == 1 && pg.questions[0].type == form::QType::Interruption)
    return ctx.page("logs/interruption", interruption_json(ctx, *f, log, page, values, fc, from_cya));
  return ctx.page("logs/question", question_page_json(ctx, *f, log, page, values, fc, {}, nullptr, from_cya));
}

Response save_page(Context& ctx) {
  auto log = load_log(ctx);
  auto f = form_of(log);
  int page = find_page(*f, ctx.req.param("page"));
  const auto& pg = f->pages[size_t(page)];
  // The answers as stored, read again only to show the page with errors (the service reads them too).
  auto stored_answers = [&] { return service::answers_of(*f, log); };
  bool from_cya = ctx.req.f("referrer") == "check_answers";
  Typed typed;
  form::Changes changes = read_post(*f, pg, ctx.req, typed);
  auto version = util::parse_int64(ctx.req.f("version"));
  if (!version) throw BadRequest("The form is missing its version; go back to the log and try again.");

  service::SaveOptions opt;
  opt.today = schemes::today();
  opt.page = page;
  // "Enter the address yourself" leaves the address search unanswered on purpose: the page's
  // questions are not all required then (the address page is asked instead).
  for (auto& c : changes)
    if (c.first == "manual_address_entry_selected" && c.second == json(true)) opt.require_page_answers = false;
  auto r = service::save(ctx.conn(), ctx.current_user(), log, changes, *version, opt);
  const form::Context& fc = r.context;

  std::map<std::string, std::string> errors;
  // The question on this page that an attribute belongs to (a checkbox option: its question).
  auto target_of = [&](const std::string& attr) {
    for (auto& q : pg.questions)
      for (auto& op : q.options)
        if (op.slot >= 0 && op.value.text() == attr) return q.id;
    return attr;
  };
  switch (r.status) {
    case service::Status::NotAsked: throw NotFound();
    case service::Status::Forbidden: throw HttpError(403, r.message);
    case service::Status::Conflict: {
      // Saved from a stale page, and someone else changed the same answer meanwhile.
      for (auto& cf : r.conflicts) {
        int s = f->slot(cf.field);
        std::string label = s >= 0 && !f->attributes[size_t(s)].questions.empty() ? f->attributes[size_t(s)].questions[0]->label() : cf.field;
        errors[target_of(cf.field)] = (cf.who.empty() ? std::string("Someone else") : cf.who) + " changed " + label + " to “" +
                                      (cf.theirs.null() ? "no answer" : cf.theirs.text()) + "” while you were editing. Your answer was “" +
                                      (cf.mine.null() ? "no answer" : cf.mine.text()) + "”. Check the answer and save again to keep yours.";
      }
      auto j = question_page_json(ctx, *f, log, page, stored_answers(), fc, errors, &typed, from_cya, std::to_string(log.version));
      j["conflicts_present"] = true;
      return ctx.page("logs/question", j, 409);
    }
    case service::Status::Refused: {
      std::set<std::string> on_page;
      for (auto& q : pg.questions) {
        on_page.insert(q.id);
        for (auto& op : q.options)
          if (op.slot >= 0) on_page.insert(op.value.text());
      }
      for (auto& e : r.errors)
        for (auto& field : e.fields)
          if (on_page.count(field) && !errors.count(target_of(field))) errors[target_of(field)] = e.message;
      if (errors.empty())
        for (auto& e : r.errors) errors["_form"] = e.message;  // an error elsewhere in the log
      return ctx.page("logs/question", question_page_json(ctx, *f, log, page, stored_answers(), fc, errors, &typed, from_cya, "", &r.errors), 422);
    }
    case service::Status::Race: {
      // Someone saved between our read and our write: show the page again with the latest answers.
      auto fresh = load_log(ctx);
      errors["_form"] = r.message;
      auto fv = service::answers_of(*f, fresh);
      return ctx.page("logs/question", question_page_json(ctx, *f, fresh, page, fv, fc, errors, &typed, from_cya), 409);
    }
    case service::Status::Saved: case service::Status::Unchanged: break;
  }
  const form::Values& now = r.outcome.values;
  if (ctx.req.f("referrer") == "interruption") {
    // Back to the interruption screen the change was made from, while it still applies.
    auto it = f->page_index.find(underscore(ctx.req.f("return_to")));
    if (it != f->page_index.end() && form::page_routed(*f, it->second, now, fc))
      return Response::redirect(page_url(log.id, f->pages[size_t(it->second)].id));
  }
  Flow flow(*f, r.outcome, fc);
  return Response::redirect(next_url(flow, log.id, page, from_cya));
}

Response history(Context& ctx) {
  auto log = load_log(ctx);
  auto f = form_of(log);
  auto values = form::values_from_text(*f, log.answers);
  RecordNames names = record_names(ctx, *f, values);
  // Answers people gave, and (folded away) the ones the service worked out from them.
  json given = json::array(), worked_out = json::array();
  for (auto& h : store::history(ctx.conn(), log.id)) {
    int s = f->slot(h.field);
    std::string label = s >= 0 && !f->attributes[size_t(s)].questions.empty() ? f->attributes[size_t(s)].questions[0]->label()
                        : s >= 0 && !f->attributes[size_t(s)].label.empty() ? f->attributes[size_t(s)].label : h.field;
    auto show = [&](const json& v) -> std::string {
      if (v.is_null()) return "";
      Value x = expr::from_json(v);
      return s >= 0 ? value_text(*f, s, x, names) : x.text();
    };
    // Answers nobody gives (the channels cannot set them): the service worked them out from others.
    bool derived = s >= 0 && !f->attributes[size_t(s)].input;
    json row = {{"at", util::display_datetime(h.changed_at)}, {"who", h.user_name}, {"field", label}, {"before", show(h.before)}, {"after", show(h.after)}};
    (derived ? worked_out : given).push_back(row);
  }
  json j = {{"title", "History of log " + std::to_string(log.id)}, {"log_id", log.id}, {"rows", given}, {"count", given.size()},
            {"derived_rows", worked_out}, {"derived_count", worked_out.size()}, {"has_derived", !worked_out.empty()}, {"back", log_url(log.id)}};
  return ctx.page("logs/history", j);
}

std::vector<int64_t> posted_ids(const Request& req, bool from_query) {
  std::vector<int64_t> ids;
  auto& src = from_query ? req.query : req.form;
  for (auto& [k, v] : src) {
    if (k != "ids") continue;
    auto id = util::parse_id(v);
    if (!id) throw BadRequest("A log id is not a number.");
    ids.push_back(*id);
  }
  return ids;
}

// The logs among `ids` this user may delete; 404 when any is not theirs to see.
std::vector<store::Log> deletable(Context& ctx, const std::vector<int64_t>& ids) {
  std::vector<store::Log> out;
  for (int64_t id : ids) {
    auto l = service::find(ctx.conn(), ctx.current_user(), id);
    if (!can_delete(ctx.current_user(), l, *form_of(l))) throw Forbidden();
    out.push_back(l);
  }
  return out;
}

// What the log service refuses outright, as the web answers it: a log nobody may see here is 404
// (ids reveal nothing); one that cannot be read is shown as a page that says so, and never saved.
Handler guarded(Handler h) {
  return [h](Context& ctx) -> Response {
    try {
      return h(ctx);
    } catch (const service::Refused& e) {
      switch (e.kind) {
        case service::Refused::Kind::NotFound: throw NotFound();
        case service::Refused::Kind::Forbidden: throw HttpError(403, e.what());
        case service::Refused::Kind::Unreadable: break;
      }
      return ctx.page("errors/generic", {{"title", "This log cannot be opened"}, {"message", e.what()}, {"status", 409},
                                         {"back", kBase}},
                      ctx.req.method == "GET" ? 200 : 409);
    }
  };
}

// What the delete confirmation lists, so the user can see which logs they are deleting.
json delete_rows(const std::vector<store::Log>& logs) {
  json rows = json::array();
  for (auto& l : logs)
    rows.push_back({{"id", l.id}, {"tenancycode", l.tenancycode.value_or("")}, {"propcode", l.propcode.value_or("")}});
  return rows;
}

}  // namespace

void register_routes(App& web) {
  auto get = [&web](const std::string& p, Handler h) { web.get(p, guarded(std::move(h))); };
  auto post = [&web](const std::string& p, Handler h) { web.post(p, guarded(std::move(h))); };
  get(kBase, list_page);
  get("/organisations/:id/lettings-logs", organisation_list_page);
  get("/organisations/:id/lettings-logs/clear-filters", [](Context& ctx) {
    int64_t id = ctx.req.id_param("id");
    if (!perm::can_view_organisation(ctx.current_user(), id)) throw NotFound();
    store::set_session_filters(ctx.conn(), session_hash(ctx), "");
    return Response::redirect("/organisations/" + std::to_string(id) + kBase);
  });
  post(kBase, create_log);
  get(std::string(kBase) + "/clear-filters", [](Context& ctx) {
    store::set_session_filters(ctx.conn(), session_hash(ctx), "");
    return Response::redirect(kBase);
  });
  get(std::string(kBase) + "/delete", [](Context& ctx) {
    auto ids = posted_ids(ctx.req, true);
    if (ids.empty()) {
      ctx.flash_next("Select at least one log to delete.");
      return Response::redirect(kBase);
    }
    auto logs = deletable(ctx, ids);
    json j = {{"title", ids.size() == 1 ? "Are you sure you want to delete this log?" : "Are you sure you want to delete these logs?"},
              {"ids", ids}, {"count", ids.size()}, {"has_many", ids.size() != 1}, {"logs", delete_rows(logs)},
              {"action", std::string(kBase) + "/delete"}, {"button", ids.size() == 1 ? "Delete this log" : "Delete logs"},
              {"cancel", kBase}, {"back", kBase}};
    return ctx.page("logs/delete", j);
  });
  post(std::string(kBase) + "/delete", [](Context& ctx) {
    auto ids = posted_ids(ctx.req, false);
    if (ids.empty()) throw BadRequest("No logs were selected.");
    service::remove(ctx.conn(), ctx.current_user(), ids, schemes::today());
    ctx.flash_next(std::to_string(ids.size()) + (ids.size() == 1 ? " log has been deleted." : " logs have been deleted."));
    return Response::redirect(kBase);
  });
  get(std::string(kBase) + "/:id", show_log);
  get(std::string(kBase) + "/:id/history", history);
  get(std::string(kBase) + "/:id/delete", [](Context& ctx) {
    auto log = load_log(ctx);
    auto logs = deletable(ctx, {log.id});
    json j = {{"title", "Are you sure you want to delete this log?"}, {"ids", json::array({log.id})}, {"has_many", false},
              {"count", 1}, {"logs", delete_rows(logs)},
              {"action", log_url(log.id) + "/delete"}, {"button", "Delete this log"}, {"cancel", log_url(log.id)}, {"back", log_url(log.id)}};
    return ctx.page("logs/delete", j);
  });
  post(std::string(kBase) + "/:id/delete", [](Context& ctx) {
    auto log = load_log(ctx);
    service::remove(ctx.conn(), ctx.current_user(), {log.id}, schemes::today());
    ctx.flash_next("Log " + std::to_string(log.id) + " has been deleted.");
    return Response::redirect(kBase);
  });
  get(std::string(kBase) + "/:id/:subsection/check-answers", check_answers);
  get(std::string(kBase) + "/:id/:page", show_page);
  post(std::string(kBase) + "/:id/:page", save_page);
}

}  // namespace core::logs
