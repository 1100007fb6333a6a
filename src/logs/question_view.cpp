#include "logs/question_view.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "logs/options.h"
#include "util/text.h"
#include "web/forms.h"

namespace core::logs {

using namespace core::web;
using expr::Value;
using nlohmann::json;

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

RecordNames record_names(web::Context& ctx, const form::Form& f, const form::Values& values) {
  int s = f.slot("scheme_id");
  std::optional<int64_t> scheme;
  if (s >= 0 && values[size_t(s)].is_int()) scheme = values[size_t(s)].as_int();
  return RecordNames(ctx.conn(), scheme);
}

std::string display(web::Context& ctx, const form::Form& f, const form::Question& q, const form::Values& values, const form::Context& fc) {
  RecordNames names = record_names(ctx, f, values);
  return answer_text(f, q, values, fc, names);
}

std::string numbered(const form::Question& q, const std::string& text, bool after_parent) {
  if (!q.raw || (q.conditional_parent >= 0 && after_parent) || !(*q.raw).contains("number") || !(*q.raw)["number"].is_number_integer()) return text;
  return "Q" + std::to_string((*q.raw)["number"].get<int>()) + " - " + text;
}

namespace {

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

// The answers an expression adds up, when it is nothing but their sum (`a + b + c`, perhaps
// rounded): then the page's script can keep a total up to date as they are typed, adding as the
// expression does. Anything else: none, and the total is the service's alone.
bool sum_of_names(const expr::Node& n, std::vector<std::string>& out) {
  if (n.op == expr::Op::Name) {
    out.push_back(n.name);
    return true;
  }
  if (n.op == expr::Op::Add) return sum_of_names(*n.kids[0], out) && sum_of_names(*n.kids[1], out);
  if (n.op == expr::Op::Call && n.fn && std::string(n.fn->name) == "round" && n.kids.size() == 2 &&
      n.kids[1]->op == expr::Op::Literal && n.kids[1]->literal.is_int() && n.kids[1]->literal.as_int() == 2) {
    std::vector<std::string> inner;
    if (!sum_of_names(*n.kids[0], inner)) return false;
    out.insert(out.end(), inner.begin(), inner.end());
    return true;
  }
  out.clear();
  return false;
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


// One question as the page template shows it.
json field_json(web::Context& ctx, const form::Form& f, const form::Question& q, const form::Values& values, const form::Context& fc,
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
      bool money = q.money;
      j["value"] = typed_or(id, v && !v->null() ? money_or_number(*v, money) : "");
      if (q.readonly) {
        // A total the service works out (tcharge): shown as text, not as a field nobody can type in.
        // Its value is the derivation's, through the gateway, over the amounts as typed.
        j["is_numeric"] = false;
        j["is_total"] = true;
        const form::Derivation* d = nullptr;
        for (auto& x : f.derivations)
          if (x.slot == q.slot && x.value && !d) d = &x;
        Value total;
        std::vector<std::string> summed;
        if (d) {
          form::Changes amounts;
          for (auto& name : d->value->fields)
            if (typed && typed->fields.count(name) && f.slot(name) != q.slot) {
              const std::string& t = typed->fields.at(name);
              amounts.emplace_back(name, t.empty() ? json(nullptr) : json(t));
            }
          total = amounts.empty() ? *v : form::apply(f, values, amounts, fc).values[size_t(q.slot)];
          sum_of_names(*d->value, summed);
        }
        std::string of;
        for (auto& name : summed) of += (of.empty() ? "" : " ") + name;
        j["total_of"] = of;  // the page's script adds these up as they are typed (static/totals.js)
        j["value"] = money_text(total.is_number() ? total.as_number() : 0);
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

}  // namespace

// `refused`: the errors the log service gave, with the rules they come from (so an error about two
// questions can link to the other one).
json question_page_json(web::Context& ctx, const Urls& urls, bool readonly, const form::Form& f, const store::Log& log, int page, const form::Values& values,
                        const form::Context& fc, const std::map<std::string, std::string>& errors, const Typed* typed,
                        bool from_cya, const std::string& conflict_version, const std::vector<form::Error>* refused) {
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
  j["action"] = urls.page(log.id, pg.id);
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
  j["readonly"] = readonly;
  j["button"] = from_cya ? "Save changes" : "Save and continue";
  Flow flow(f, values, fc);
  j["skip_href"] = from_cya ? urls.cya(log.id, sub.id) : urls.next(flow, log.id, page, false);
  j["skip_text"] = from_cya ? "Cancel" : "Skip for now";
  j["back"] = from_cya ? urls.cya(log.id, sub.id) : urls.previous(flow, log.id, page);
  // Changed from a duplicates page (logs/duplicates.h): saving goes back to it.
  bool from_duplicates = ctx.req.q("referrer") == "duplicate_logs" || ctx.req.f("referrer") == "duplicate_logs";
  auto original = util::parse_id(ctx.req.q("referrer") == "duplicate_logs" ? ctx.req.q("original_log_id") : ctx.req.f("return_to"));
  if (!from_cya && from_duplicates && original) {
    j["referrer"] = "duplicate_logs";
    j["return_to"] = std::to_string(*original);
    j["button"] = "Save changes";
    j["skip_text"] = "Cancel";
    j["skip_href"] = j["back"] = urls.log(*original) + "/duplicate-logs";
  }
  j["questions"] = json::array();
  std::string title;
  // Children revealed inline go under their parent's option.
  std::map<std::string, json> children;
  for (auto& q : pg.questions)
    if (q.conditional_parent >= 0) children[q.id] = field_json(ctx, f, q, values, fc, errors, typed, false);
  for (auto& q : pg.questions) {
    if (q.conditional_parent >= 0) continue;
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
        summary.push_back({{"href", urls.page(log.id, f.pages[size_t(other->page)].id) + "?referrer=interruption&return_to=" + dasherize(pg.id) +
                                        "#" + (other->type == form::QType::Date ? other->id + "-day" : other->id)},
                           {"text", "Change your answer to “" + util::lower_first_word(other->label()) + "”"}});
      }
    }
  }
  j["errors"] = summary;
  return j;
}

json interruption_json(web::Context& ctx, const Urls& urls, bool readonly, const form::Form& f, const store::Log& log, int page, const form::Values& values,
                       const form::Context& fc, bool from_cya) {
  const form::Page& pg = f.pages[size_t(page)];
  const form::Question& q = pg.questions.front();
  json j;
  j["caption"] = f.subsections[size_t(pg.subsection)].label;
  j["action"] = urls.page(log.id, pg.id);
  j["version"] = std::to_string(log.version);
  j["referrer"] = from_cya ? "check_answers" : "";
  j["readonly"] = readonly;
  j["confirm_field"] = q.id;
  Flow flow(f, values, fc);
  j["skip_href"] = from_cya ? urls.cya(log.id, f.subsections[size_t(pg.subsection)].id) : urls.next(flow, log.id, page, false);
  j["back"] = urls.previous(flow, log.id, page);
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
                                 {"href", urls.page(log.id, f.pages[size_t(rq->page)].id) + "?referrer=interruption&return_to=" + dasherize(pg.id)}});
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

}  // namespace core::logs
