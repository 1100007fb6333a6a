#include "logs/question_view.h"
#include "form/interruption.h"

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


// One question as the page shows it: the data of a component partial (web/forms.h), which
// renders it as it renders every other form of the service.
json field_json(web::Context& ctx, const form::Form& f, const form::Question& q, const form::Values& values, const form::Context& fc,
                const std::map<std::string, std::string>& errors, const Typed* typed, bool heading) {
  const std::string& id = q.id;
  std::string hint = q.raw ? q.raw->value("hint", "") : "";
  std::string header = q.raw ? q.raw->value("header", q.id) : q.id;
  std::string label = numbered(q, header);
  web::FieldErrors e;
  if (errors.count(q.id)) e.emplace_back(id, errors.at(q.id));
  // The definition's hints are its own HTML (links, lists), never a user's.
  json extra = {{"hint_html", hint}};
  auto as_label = [&] {
    extra["label_is_page_heading"] = heading;
    extra["label_classes"] = heading ? "" : "govuk-label--m";
  };
  auto as_legend = [&] {
    extra["legend_is_page_heading"] = heading;
    extra["legend_size"] = heading ? "l" : "m";
  };
  auto typed_or = [&](const std::string& key, const std::string& stored) {
    if (typed) {
      auto it = typed->fields.find(key);
      if (it != typed->fields.end()) return it->second;
    }
    return stored;
  };
  // The options the page offers this user for this log (logs/options.h): the same list the save checks.
  std::vector<const form::Option*> defs;  // the definition's option for each of the last defs.size() options
  auto offered_options = [&](bool blank_first) {
    std::vector<web::Option> opts;
    if (blank_first) opts.push_back({"", "Select an option", ""});
    if (!q.options_from.empty()) {
      auto dyn = dynamic_options(ctx.conn(), ctx.current_user(), f, q, values);
      opts.insert(opts.end(), dyn.begin(), dyn.end());
    }
    form::Values now = form::with_context(f, values, fc);
    expr::Env env{now.data(), now.data(), &f.lookups, &f};
    for (auto& o : q.options) {
      if (!offered(q, o, env)) continue;
      opts.push_back({o.value.text(), o.label, o.hint, o.divider_before, o.exclusive});
      defs.push_back(&o);
    }
    return opts;
  };
  const Value* v = q.slot >= 0 ? &values[size_t(q.slot)] : nullptr;
  json j;
  switch (q.type) {
    case form::QType::Numeric:
      if (q.readonly) {
        // A total the service works out (tcharge): shown as text, not as a field nobody can type in.
        // Its value is the derivation's, through the gateway, over the amounts as typed.
        const form::Derivation* d = nullptr;
        for (auto& x : f.derivations)
          if (x.slot == q.slot && x.value && !d) d = &x;
        Value total = v ? *v : Value();
        std::vector<std::string> summed;
        if (d) {
          form::Changes amounts;
          for (auto& name : d->value->fields)
            if (typed && typed->fields.count(name) && f.slot(name) != q.slot) {
              const std::string& t = typed->fields.at(name);
              amounts.emplace_back(name, t.empty() ? json(nullptr) : json(t));
            }
          if (!amounts.empty()) total = form::apply(f, values, amounts, fc).values[size_t(q.slot)];
          sum_of_names(*d->value, summed);
        }
        std::string of;  // the page's script adds these up as they are typed (static/totals.js)
        for (auto& name : summed) of += (of.empty() ? "" : " ") + name;
        j = {{"id", id}, {"name", id}, {"label", label}, {"hint_html", hint}, {"is_worked_out", true}, {"total_of", of},
             {"suffix", suffix_text(f, q, values, fc)}, {"value", money_text(total.is_number() ? total.as_number() : 0)}};
        web::complete_field(j);
        break;
      } else {
        as_label();
        std::string prefix = q.raw ? q.raw->value("prefix", "") : "";
        std::string suffix = suffix_text(f, q, values, fc);
        int width = q.raw ? q.raw->value("width", 0) : 0;
        extra["inputmode"] = "decimal";
        extra["no_spellcheck"] = true;
        extra["readonly"] = q.readonly;
        extra["prefix"] = prefix;
        extra["suffix"] = suffix;
        // Every prefix in the forms is "£".
        extra["units"] = prefix.empty() ? suffix : "Amount in pounds" + suffix;
        extra["classes"] = "govuk-input--width-" + std::to_string(width <= 0 ? 5 : width <= 2 ? 2 : width <= 3 ? 3 : width <= 4 ? 4 : 5);
        j = web::input(id, label, typed_or(id, v && !v->null() ? money_or_number(*v, q.money) : ""), e, extra);
      }
      break;
    case form::QType::Date:
      as_legend();
      extra["hint_html"] = (hint.empty() ? "" : "<div class=\"govuk-!-margin-bottom-2\">" + hint + "</div>") + "For example, 27 3 2027";
      j = web::date_input(id, label, typed_or(id + "-day", v && v->is_date() ? std::to_string(v->as_date().d) : ""),
                          typed_or(id + "-month", v && v->is_date() ? std::to_string(v->as_date().m) : ""),
                          typed_or(id + "-year", v && v->is_date() ? std::to_string(v->as_date().y) : ""), e, extra);
      break;
    case form::QType::Select: {
      as_label();
      auto opts = offered_options(true);
      extra["autocomplete_enhance"] = opts.size() > 21;
      j = web::select(id, label, opts, typed_or(id, v ? v->text() : ""), e, extra);
      break;
    }
    case form::QType::Radio: {
      as_legend();
      auto opts = offered_options(false);
      std::string selected = typed_or(id, v ? v->text() : "");
      j = web::radios(id, label, opts, selected, e, extra);
      break;
    }
    case form::QType::Checkbox: {
      as_legend();
      extra["small"] = false;
      extra["hidden_empty"] = false;  // each option is its own answer, posted as "1" when ticked
      auto opts = offered_options(false);
      j = web::checkboxes(id, label, opts, {}, e, extra);
      size_t first_def = opts.size() - defs.size();
      for (size_t i = 0; i < opts.size(); ++i) {
        json& item = j["items"][i];
        item["name"] = opts[i].value;
        item["value"] = "1";
        item["checked"] = typed ? typed->fields.count(opts[i].value) > 0 : i >= first_def && values[size_t(defs[i - first_def]->slot)].truthy();
      }
      break;
    }
    default:
      as_label();
      j = web::input(id, label, typed_or(id, v ? v->text() : ""), e, extra);
      break;
  }
  j["plain_header"] = header;
  j["question_guidance"] = q.raw && q.raw->contains("guidance") ? guidance_html(f, (*q.raw)["guidance"]) : "";
  if (j["question_guidance"] == "") j["question_guidance"] = false;
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
  std::string page_header = pg.raw ? f.fill_in(pg.raw->value("header", ""), values) : "";
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
    if (qj.contains("items"))
    for (auto& item : qj["items"]) {
      for (auto& c : pg.questions) {
        if (c.conditional_parent != q.slot) continue;
        bool reveals = false;
        for (auto& cv : c.conditional_values) reveals = reveals || cv.text() == item["value"].get<std::string>();
        if (reveals) {
          item["conditional"] = children[c.id];
          item["conditional_id"] = "conditional-" + item["id"].get<std::string>();
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
  j["confirm_value"] = form::kInterruptionConfirmed;
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
