#include "form/gateway.h"

#include <cmath>
#include <set>

#include "util/text.h"

namespace core::form {

using expr::Value;
using nlohmann::json;

const char* status_name(Status s) {
  switch (s) {
    case Status::CannotStartYet: return "cannot_start_yet";
    case Status::NotStarted: return "not_started";
    case Status::InProgress: return "in_progress";
    case Status::Completed: return "completed";
    case Status::NotApplicable: return "not_applicable";
  }
  return "?";
}

namespace {

// What is wrong with a date that is not one, in the GOV.UK pattern: day, month and year given as
// numbers that make no date ("31/2/2026", "2026-02-31") must be a real date; a part left out must be
// included; anything else is not in the right format.
std::string date_problem(const std::string& text, const std::string& label) {
  std::vector<std::string> parts;
  char sep = text.find('/') != std::string::npos ? '/' : '-';
  size_t from = 0;
  for (size_t p; (p = text.find(sep, from)) != std::string::npos; from = p + 1) parts.push_back(text.substr(from, p - from));
  parts.push_back(text.substr(from));
  if (parts.size() == 3 && sep == '-') std::swap(parts[0], parts[2]);  // ISO: year first
  auto digits = [](const std::string& s) { return !s.empty() && s.size() <= 4 && s.find_first_not_of("0123456789") == std::string::npos; };
  if (parts.size() == 3) {
    std::string missing;
    const char* names[] = {"day", "month", "year"};
    int n_missing = 0;
    for (int i = 0; i < 3; ++i)
      if (parts[size_t(i)].empty()) missing += std::string(n_missing++ ? " and " : "") + names[i];
    bool others_digits = true;
    for (auto& part : parts) others_digits = others_digits && (part.empty() || digits(part));
    if (others_digits && n_missing > 0 && n_missing < 3) return label + " must include a " + missing + ".";
    if (n_missing == 0 && digits(parts[0]) && digits(parts[1]) && digits(parts[2]) && parts[2].size() == 4)
      return label + " must be a real date.";
  }
  return "Enter a date in the correct format, for example 31/1/2024.";
}

constexpr size_t kMaxAnswerLength = 1000;

// Without the spaces, tabs and line ends around it.
std::string_view trim_spaces(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n\f\v");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n\f\v") - b + 1);
}


std::string with_commas(const std::string& digits) {
  std::string s = digits;
  auto dot = s.find('.');
  int end = int(dot == std::string::npos ? s.size() : dot);
  for (int i = end - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}

std::string plain(double d) {
  Value v = expr::number(d);
  return with_commas(v.text());
}

struct Evaluator {
  const Form& f;
  Values& now;
  const Values& before;
  expr::Env env;
  expr::DefCache cache;
  // `with_cache`: keep each def's value for the state of the log (for a whole run of the rules; a
  // single condition or two is quicker without).
  Evaluator(const Form& form, Values& n, const Values& b, bool with_cache = true) : f(form), now(n), before(b) {
    env.now = now.data();
    env.before = before.data();
    env.lookups = &f.lookups;
    env.labels = &f;
    if (with_cache) {
      cache.generation.assign(f.def_instances(), 0);
      cache.value.resize(f.def_instances());
      env.cache = &cache;
    }
  }
  // Every change to the answers goes through here, so cached defs and routing are worked out again.
  void set(size_t slot, Value v) {
    now[slot] = std::move(v);
    if (env.cache && slot < f.def_readers.size())
      for (int d : f.def_readers[slot]) cache.generation[size_t(d)] = 0;
    if (!routing_.empty() && !changed_[slot]) {
      changed_[slot] = 1;
      changed_slots_.push_back(int(slot));
    }
  }
  bool holds(const expr::NodePtr& n) { return expr::holds(n, env); }
  // Is the page shown: its subsection applies and can be started, and its own condition holds?
  bool shown(const Page& pg) {
    const Subsection& sub = f.subsections[size_t(pg.subsection)];
    return holds(sub.shown_when) && holds(sub.depends_on) && holds(pg.depends_on);
  }
  Value eval(const expr::NodePtr& n) { return expr::eval(n, env); }

  // Every page's "is it shown?" (by page index) for the answers now. The first call works out every
  // page; later ones only the pages whose routing reads an answer changed since (Form::page_readers).
  const std::vector<char>& routing() {
    if (routing_.empty() && !f.pages.empty()) {
      routing_.resize(f.pages.size());
      for (size_t p = 0; p < f.pages.size(); ++p) routing_[p] = page_shown(p);
      changed_.assign(f.size(), 0);
      return routing_;
    }
    if (changed_slots_.empty()) return routing_;
    std::vector<char> again(f.pages.size());
    for (int s : changed_slots_) {
      changed_[size_t(s)] = 0;
      for (int p : f.page_readers[size_t(s)]) again[size_t(p)] = 1;
    }
    changed_slots_.clear();
    for (size_t p = 0; p < f.pages.size(); ++p)
      if (again[p]) routing_[p] = page_shown(p);
    return routing_;
  }

 private:
  bool page_shown(size_t p) { return shown(f.pages[p]); }
  std::vector<char> routing_, changed_;
  std::vector<int> changed_slots_;
};

// Where the answer is asked: the first of its questions whose page is shown (an answer asked on
// several pages, such as the rent on one page per rent period, has a suffix per page), else the first.
// Only needed to word a message; the checks themselves are the same on every page.
const Question* asking_question(const Form& f, int slot, Evaluator& ev, bool for_message) {
  const auto& qs = f.attributes[size_t(slot)].questions;
  if (!for_message || qs.size() < 2) return qs.empty() ? nullptr : qs.front();
  for (const Question* q : qs) {
    const Page& p = f.pages[size_t(q->page)];
    if (ev.shown(p)) return q;
  }
  return qs.empty() ? nullptr : qs.front();
}

bool in_codes(const Attribute& a, const Value& v) {
  for (auto& c : a.codes)
    if (c.equals(v)) return true;
  return false;
}

// Checks one answer against its attribute. Returns the value to store, or an error.
std::optional<Value> check_answer(const Form& f, int slot, const json& raw, Evaluator& ev, Error& err, bool for_message = false) {
  const Attribute& a = f.attributes[size_t(slot)];
  const Question* q = asking_question(f, slot, ev, for_message);
  // Only needed for a message, so worked out only then.
  auto label_of = [&] { return a.kind == AttrKind::CheckboxOption || !q ? a.label : q->label(); };
  if (raw.is_null()) return Value();
  if (raw.is_string() && raw.get_ref<const std::string&>().size() <= kMaxAnswerLength &&
      raw.get_ref<const std::string&>().find_first_not_of(" \t\r\n") == std::string::npos)
    return Value();
  auto fail = [&](const char* rule, const std::string& msg) -> std::optional<Value> {
    err.fields = {a.id};
    err.rule = rule;
    err.message = msg;
    return std::nullopt;
  };
  if (raw.is_object() || raw.is_array()) return fail("H-TYPE", label_of() + " must be a single answer, not a list or object.");
  // Nothing the forms ask takes more than 1,000 characters, spaces included: a longer answer is
  // refused as sent, before it is trimmed or read as a number or code.
  const bool too_long = raw.is_string() && raw.get_ref<const std::string&>().size() > kMaxAnswerLength;

  // Coded answers (radio, select, checkbox options, interruption confirmations).
  bool coded = a.kind == AttrKind::CheckboxOption || (q && (q->type == QType::Radio || q->type == QType::Select || q->type == QType::Interruption));
  if (coded) {
    if (too_long) return fail("H-OPTION", "Select one of the options for " + util::lower_first_word(label_of()) + ".");
    Value v;
    if (raw.is_number_integer() || raw.is_number_unsigned()) v = expr::from_json(raw);
    else if (raw.is_number_float()) v = expr::from_json(raw);
    else if (raw.is_boolean()) v = Value(int64_t(raw.get<bool>() ? 1 : 0));
    else {
      const std::string& s = raw.get<std::string>();
      // A code as a form posts it: digits, perhaps with spaces around them.
      auto code = a.type == expr::Type::Number ? util::parse_int64(trim_spaces(s)) : std::nullopt;
      if (code && std::llabs(*code) < 1000000000000000) v = Value(*code);
      else v = Value(s);
    }
    const std::string src = q ? q->options_from : "";
    bool ok;
    if (src == "local_authorities_england") ok = v.is_string() && f.lookups.england_codes.count(v.as_string());
    else if (src == "local_authorities_all") ok = v.is_string() && f.lookups.all_codes.count(v.as_string());
    else if (src == "countries") ok = v.is_int() && f.lookups.country_codes.count(std::to_string(v.as_int()));
    else if (src == "addresses") ok = v.is_int();  // a UPRN: a number (H-PROP-UPRN says how long)
    else if (!src.empty()) ok = v.is_int() && v.as_int() > 0;  // live records: an id, resolved by the channel
    else ok = in_codes(a, v);
    if (!ok) return fail("H-OPTION", "Select one of the options for " + util::lower_first_word(label_of()) + ".");
    return v;
  }
  switch (a.type) {
    case expr::Type::Bool:
      if (raw.is_boolean()) return Value(raw.get<bool>());
      if (raw.is_number_integer() && (raw.get<int64_t>() == 0 || raw.get<int64_t>() == 1)) return Value(raw.get<int64_t>() == 1);
      if (raw.is_string() && (raw == "true" || raw == "false")) return Value(raw == "true");
      return fail("H-TYPE", label_of() + " must be true or false.");
    case expr::Type::Date: {
      std::optional<util::Date> d;
      if (raw.is_string()) d = util::parse_iso_date(raw.get<std::string>());
      if (!d) return fail("H-DATE-FORMAT", date_problem(raw.is_string() ? raw.get<std::string>() : "", label_of()));
      return Value(*d);
    }
    case expr::Type::String: {
      if (raw.is_number()) return Value(expr::from_json(raw).text());
      if (!raw.is_string()) return fail("H-TYPE", label_of() + " must be text.");
      if (too_long) return fail("H-TYPE", label_of() + " must be 1,000 characters or fewer.");
      std::string s(trim_spaces(raw.get<std::string>()));
      if (s.size() > 1000) return fail("H-TYPE", label_of() + " must be 1,000 characters or fewer.");
      if (const char* problem = util::single_line_problem(s)) return fail("H-TEXT", label_of() + " " + problem + ".");
      return Value(s);
    }
    case expr::Type::Number: {
      double d;
      if (raw.is_number()) {
        d = raw.get<double>();
        // Nothing the forms ask is this large; beyond it doubles stop holding whole numbers exactly.
        if (!std::isfinite(d) || std::fabs(d) >= 1e15) return fail("H-NUM-FORMAT", label_of() + " must be a smaller number.");
      } else if (raw.is_string()) {
        std::string text(trim_spaces(raw.get<std::string>()));
        text.erase(std::remove(text.begin(), text.end(), ','), text.end());
        auto parsed = too_long ? std::nullopt : util::parse_decimal(text);
        if (!parsed && !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos && text.size() > 15)
          return fail("H-NUM-FORMAT", label_of() + " must be a number of 15 digits or fewer.");
        if (!parsed) return fail("H-NUM-FORMAT", label_of() + " must be a number.");
        d = *parsed;
      } else {
        return fail("H-NUM-FORMAT", label_of() + " must be a number.");
      }
      if (q) {
        // "£0 every week": the bound as the page shows it (only worked out for a message).
        auto shown = [&](double bound) {
          std::string prefix = q->raw ? q->raw->value("prefix", "") : "";
          return prefix + plain(bound) + q->suffix_for(ev.env);
        };
        if (q->min && q->max && (d < *q->min || d > *q->max))
          return fail("H-NUM-RANGE", label_of() + " must be between " + shown(*q->min) + " and " + shown(*q->max) + ".");
        if (q->min && !q->max && d < *q->min) return fail("H-NUM-MIN", label_of() + " must be at least " + shown(*q->min) + ".");
        if (q->max && !q->min && d > *q->max) return fail("H-NUM-MAX", label_of() + " must be at most " + shown(*q->max) + ".");
        if (q->step && std::fabs(d / *q->step - std::round(d / *q->step)) > 1e-6) {
          // The real service's words for the steps its forms use; any other step is a multiple.
          double s = *q->step;
          auto is = [&](double x) { return std::fabs(s - x) < 1e-12; };
          if (is(1)) return fail("H-NUM-STEP-1", label_of() + " must be a whole number.");
          if (is(0.01)) return fail("H-NUM-STEP-001", label_of() + " must be given to the nearest hundredth.");
          if (is(0.1)) return fail("H-NUM-STEP-01", label_of() + " must be given to the nearest tenth.");
          if (is(10)) return fail("H-NUM-STEP-10", label_of() + " must be given to the nearest ten.");
          return fail("H-NUM-STEP", label_of() + " must be a multiple of " + plain(s) + ".");
        }
      }
      return expr::number(d);
    }
    default: return expr::from_json(raw);
  }
}

// Is the question asked on this (routed) page, given the answers now?
bool question_shown(const Question& q, Evaluator& ev) {
  if (q.conditional_parent < 0) return true;
  const Value& p = ev.now[size_t(q.conditional_parent)];
  for (auto& v : q.conditional_values)
    if (p.equals(v)) return true;
  return false;
}

// Clears answers no routed page asks any more (derived.md §4). Returns whether anything changed.
bool clear_hidden(const Form& f, Evaluator& ev, std::vector<std::string>& cleared, std::set<int>& cleared_set) {
  const auto& routed = ev.routing();
  bool changed = false;
  for (size_t s = 0; s < f.attributes.size(); ++s) {
    const Attribute& a = f.attributes[s];
    if (a.kind != AttrKind::Question && a.kind != AttrKind::CheckboxOption) continue;
    if (ev.now[s].null() || a.questions.empty()) continue;
    bool keep = false, asked = false;
    for (const Question* q : a.questions) {
      if (q->keep || q->readonly) keep = true;
      if (q->derived_when && ev.holds(q->derived_when)) keep = true;
      // A follow-up question hidden by its parent's answer keeps its answer while its page is shown,
      // as in the real service (rules such as H-TEN-OTHER-NOT-REQUIRED then flag it).
      if (!routed[size_t(q->page)]) continue;
      if (a.kind == AttrKind::CheckboxOption) {
        for (auto& o : q->options)
          if (o.slot == int(s) && ev.holds(o.depends_on)) asked = true;
      } else if (q->type == QType::Radio && !q->options.empty()) {
        for (auto& o : q->options)
          if (o.value.equals(ev.now[s]) && ev.holds(o.depends_on)) asked = true;
      } else {
        asked = true;
      }
    }
    if (keep || asked) continue;
    ev.set(s, Value());
    changed = true;
    if (cleared_set.insert(int(s)).second) cleared.push_back(a.id);
  }
  return changed;
}

std::string interpolate(const std::string& text, const std::vector<std::pair<std::string, expr::NodePtr>>& values, Evaluator& ev) {
  if (text.find("%{") == std::string::npos) return text;
  std::string out = text;
  for (auto& [k, node] : values) {
    std::string key = "%{" + k + "}";
    size_t p = out.find(key);
    if (p == std::string::npos) continue;
    std::string v = ev.eval(node).text();
    for (; p != std::string::npos; p = out.find(key, p + v.size())) out.replace(p, key.size(), v);
  }
  return out;
}

}  // namespace

Values with_context(const Form& f, Values v, const Context& ctx) {
  v.resize(f.size());
  const auto& names = context_names();
  for (size_t i = 0; i < names.size() && i < f.context_slots.size(); ++i) {
    int s = f.context_slots[i];
    if (s < 0) continue;
    auto it = ctx.values.find(names[i].id);
    v[size_t(s)] = it != ctx.values.end() ? it->second : Value();
  }
  int t = f.context_slots.empty() ? -1 : f.context_slots[0];  // "today" comes first
  if (t >= 0 && ctx.today.y) v[size_t(t)] = Value(ctx.today);
  return v;
}

Values with_changes(const Form& f, Values values, const Changes& changes) {
  values.resize(f.size());
  // No rule runs here: the answers are only checked and read in (before and now are the same log).
  Evaluator ev(f, values, values, false);
  for (auto& [name, raw] : changes) {
    int s = f.slot(name);
    if (s < 0 || !f.attributes[size_t(s)].input) continue;
    Error err;
    if (auto v = check_answer(f, s, raw, ev, err)) ev.set(size_t(s), *v);
  }
  return values;
}

std::vector<char> routed(const Form& f, const Values& values, const Context& ctx) {
  Values now = with_context(f, values, ctx);
  Evaluator ev(f, now, now);
  return ev.routing();
}

bool page_routed(const Form& f, int page, const Values& values, const Context& ctx) {
  Values now = with_context(f, values, ctx);
  Evaluator ev(f, now, now, false);
  return ev.shown(f.pages[size_t(page)]);
}

Changes changes_from_json(const json& object) {
  Changes c;
  if (!object.is_object()) return c;
  for (auto& [k, v] : object.items()) c.emplace_back(k, v);
  return c;
}

Outcome apply(const Form& f, const Values& before_in, const Changes& changes, const Context& ctx, const Options& opt) {
  Outcome out;
  Values before = with_context(f, before_in, ctx);
  Values now = before;
  Evaluator ev(f, now, before);

  // 1. Answers in.
  std::unique_ptr<Values> preview;
  std::unique_ptr<Evaluator> preview_ev;
  for (auto& [name, raw] : changes) {
    int s = f.slot(name);
    if (s < 0 || f.attributes[size_t(s)].kind == AttrKind::Context) {
      out.errors.push_back({"H-UNKNOWN-FIELD", {name}, "‘" + name + "’ is not a question on this form."});
      out.input_errors = true;
      continue;
    }
    if (!f.attributes[size_t(s)].input) {
      out.errors.push_back({"H-NOT-INPUT", {name}, "‘" + name + "’ is worked out from other answers and cannot be given."});
      out.input_errors = true;
      continue;
    }
    Error err;
    // An answer asked on pages with different bounds is checked as the page that asks it, which
    // can depend on other answers of this change.
    auto page_view = [&]() -> Evaluator& {
      if (!preview) {
        preview = std::make_unique<Values>(with_changes(f, before, changes));
        preview_ev = std::make_unique<Evaluator>(f, *preview, before);
      }
      return *preview_ev;
    };
    bool vary = f.attributes[size_t(s)].bounds_vary;
    auto v = vary ? check_answer(f, s, raw, page_view(), err, true) : check_answer(f, s, raw, ev, err);
    if (!v) {
      // The message names the answer as its page shows it, and that page (and its suffix) can depend
      // on answers later in this change ("every calendar month" once the rent period is read in):
      // word it against every answer of the change.
      if (!vary) check_answer(f, s, raw, page_view(), err, true);
      out.errors.push_back(err);
      out.input_errors = true;
      continue;
    }
    ev.set(size_t(s), *v);
  }
  if (opt.page) {
    auto it = f.page_index.find(*opt.page);
    if (it != f.page_index.end()) {
      for (auto& q : f.pages[size_t(it->second)].questions) {
        if (q.readonly || q.type == QType::Interruption || q.optional || !question_shown(q, ev)) continue;
        if (q.derived_when && ev.holds(q.derived_when)) continue;
        if (q.optional_when && ev.holds(q.optional_when)) continue;
        bool answered = false;
        if (q.type == QType::Checkbox) {
          for (auto& o : q.options) answered = answered || now[size_t(o.slot)].truthy();
        } else {
          answered = !now[size_t(q.slot)].null();
        }
        bool refused = false;
        for (auto& e : out.errors) refused = refused || (!e.fields.empty() && e.fields[0] == q.id);
        if (!answered && !refused) {
          out.errors.push_back({"H-REQ", {q.type == QType::Checkbox ? q.options.front().value.text() : q.id}, q.unanswered_error()});
          out.input_errors = true;
        }
      }
    }
  }

  // 2. Clear what no routed page asks (twice, so consequences of the first pass are caught too).
  std::set<int> cleared_set;
  if (clear_hidden(f, ev, out.cleared, cleared_set)) clear_hidden(f, ev, out.cleared, cleared_set);

  // 3. Derived variables, in order.
  std::vector<char> derived(f.size());
  for (auto& d : f.derivations) {
    if (d.slot < 0 || !ev.holds(d.when)) continue;
    Value v = ev.eval(d.value);
    size_t s = size_t(d.slot);
    if (v.null() && !now[s].null() && !before[s].null() && cleared_set.insert(d.slot).second) out.cleared.push_back(f.attributes[s].id);
    if (f.attributes[s].type == expr::Type::Date && v.is_string()) {
      if (auto dt = util::parse_iso_date(v.as_string())) v = Value(*dt);
    }
    if (!now[s].equals(v) || now[s].v.index() != v.v.index()) ev.set(s, std::move(v));
    derived[s] = 1;
  }
  for (size_t s = 0; s < derived.size(); ++s)
    if (derived[s] && !now[s].null()) out.derived.push_back(int(s));
  // A value the engine re-derived is not "cleared" if it holds a value again.
  if (!out.cleared.empty()) {
    std::vector<std::string> still;
    for (auto& id : out.cleared)
      if (now[size_t(f.slot(id))].null()) still.push_back(id);
    out.cleared = std::move(still);
  }

  // 4. Hard validations, then soft ones.
  for (auto& r : f.rules) {
    if (!ev.holds(r.when)) continue;
    for (auto& m : r.messages) {
      if (m.when && !ev.holds(m.when)) continue;
      std::string text = interpolate(m.text, r.values, ev);
      bool merged = false;
      for (auto& e : out.errors)
        if (e.rule == r.id && e.message == text) {
          e.fields.push_back(m.field);
          merged = true;
        }
      if (!merged) out.errors.push_back({r.id, {m.field}, text});
    }
  }
  for (auto& s : f.soft_rules) {
    if (s.confirm_slot >= 0 && now[size_t(s.confirm_slot)].equals(Value(0))) continue;
    if (!ev.holds(s.when)) continue;
    bool dup = false;
    for (auto& p : out.soft_checks) dup = dup || (p.rule == s.id && p.confirm_field == s.confirm);
    if (!dup) out.soft_checks.push_back({s.id, s.confirm, interpolate(s.title, s.values, ev), interpolate(s.text, s.values, ev)});
  }

  // 5. Statuses.
  out.routed = ev.routing();
  const auto& routed = out.routed;
  bool any_answered = false, all_complete = true;
  out.subsections.resize(f.subsections.size());
  for (size_t i = 0; i < f.subsections.size(); ++i) {
    const Subsection& sub = f.subsections[i];
    if (!ev.holds(sub.shown_when)) {
      out.subsections[i] = Status::NotApplicable;  // not part of this log: does not hold it back
      continue;
    }
    if (!ev.holds(sub.depends_on)) {
      out.subsections[i] = Status::CannotStartYet;
      all_complete = false;
      continue;
    }
    int answered = 0, missing = 0;
    for (int p : sub.pages) {
      if (!routed[size_t(p)]) continue;
      for (auto& q : f.pages[size_t(p)].questions) {
        if (q.readonly || !question_shown(q, ev)) continue;
        if (q.derived_when && ev.holds(q.derived_when)) continue;
        bool has;
        if (q.type == QType::Checkbox) {
          has = false;
          for (auto& o : q.options) has = has || now[size_t(o.slot)].truthy();
        } else {
          has = !now[size_t(q.slot)].null();
        }
        if (has) {
          if (q.type != QType::Interruption) ++answered;
        } else if (!q.optional && !(q.optional_when && ev.holds(q.optional_when))) {
          ++missing;
        }
      }
    }
    any_answered = any_answered || answered > 0;
    Status st = missing == 0 ? Status::Completed : answered == 0 ? Status::NotStarted : Status::InProgress;
    out.subsections[i] = st;
    if (st != Status::Completed) all_complete = false;
  }
  out.status = all_complete && out.errors.empty() ? Status::Completed : any_answered ? Status::InProgress : Status::NotStarted;

  // Context values are not part of the log.
  for (int s : f.context_slots)
    if (s >= 0) now[size_t(s)] = Value();
  out.values = std::move(now);
  return out;
}

json Outcome::answers_json(const Form& f) const {
  json j = json::object();
  for (size_t s = 0; s < values.size() && s < f.size(); ++s)
    if (!values[s].null() && f.attributes[s].kind != AttrKind::Context) j[f.attributes[s].id] = expr::to_json(values[s]);
  return j;
}

json Outcome::to_json(const Form& f) const {
  json j;
  j["status"] = status_name(status);
  j["errors"] = json::array();
  for (auto& e : errors) j["errors"].push_back({{"fields", e.fields}, {"message", e.message}, {"rule", e.rule}});
  j["soft_checks"] = json::array();
  for (auto& s : soft_checks) j["soft_checks"].push_back({{"confirm_field", s.confirm_field}, {"title", s.title}, {"text", s.text}, {"rule", s.rule}});
  j["derived"] = json::object();
  for (int s : derived) j["derived"][f.attributes[size_t(s)].id] = expr::to_json(values[size_t(s)]);
  j["cleared"] = cleared;
  j["subsections"] = json::object();
  for (size_t i = 0; i < subsections.size(); ++i) j["subsections"][f.subsections[i].id] = status_name(subsections[i]);
  j["answers"] = answers_json(f);
  return j;
}

}  // namespace core::form
