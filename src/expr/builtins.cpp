// The named functions of the expression language. Each is a plain C++ function of its evaluated
// arguments; builtins_test.cpp tests every one. See docs/form-definition.md for the list.
#include <cmath>
#include <memory>
#include <optional>
#include <vector>

#include "expr/ast.h"
#include "expr/eval.h"
#include "util/postcode.h"

namespace core::expr {

namespace {

Value f_present(Args a, int, const Env&, const Node&) { return Value(!a[0].null()); }
Value f_blank(Args a, int, const Env&, const Node&) { return Value(a[0].null()); }
Value f_if(Args, int, const Env&, const Node&) { return {}; }        // evaluated lazily in eval.cpp
Value f_coalesce(Args, int, const Env&, const Node&) { return {}; }  // evaluated lazily in eval.cpp

Value f_count(Args a, int n, const Env&, const Node&) {
  int64_t c = 0;
  for (int i = 0; i < n; ++i) c += a[i].truthy() ? 1 : 0;
  return Value(c);
}
Value f_sum(Args a, int n, const Env&, const Node&) {
  double s = 0;
  bool all_int = true;
  int64_t si = 0;
  for (int i = 0; i < n; ++i) {
    if (!a[i].is_number()) continue;
    if (a[i].is_int()) si += a[i].as_int();
    else all_int = false;
    s += a[i].as_number();
  }
  return all_int ? Value(si) : number(s);
}
Value f_min(Args a, int n, const Env&, const Node&) {
  Value best;
  for (int i = 0; i < n; ++i)
    if (a[i].is_number() && (best.null() || a[i].as_number() < best.as_number())) best = a[i];
  return best;
}
Value f_max(Args a, int n, const Env&, const Node&) {
  Value best;
  for (int i = 0; i < n; ++i)
    if (a[i].is_number() && (best.null() || a[i].as_number() > best.as_number())) best = a[i];
  return best;
}

// Half away from zero, with a small allowance so 2.675 (stored as 2.67499…) rounds up as decimals do.
double round_dp(double x, int dp) {
  double f = std::pow(10.0, dp);
  double y = std::fabs(x) * f;
  double r = std::floor(y + 0.5 + 1e-7);
  return std::copysign(r / f, x);
}
Value f_round(Args a, int n, const Env&, const Node&) {
  if (!a[0].is_number()) return {};
  int dp = n > 1 && a[1].is_number() ? int(a[1].as_number()) : 0;
  return number(round_dp(a[0].as_number(), dp));
}
Value f_choose(Args a, int, const Env&, const Node&) {
  if (a[0].null() || !a[1].is_list() || !a[2].is_list()) return {};
  auto& keys = a[1].as_list();
  auto& vals = a[2].as_list();
  for (size_t i = 0; i < keys.size() && i < vals.size(); ++i)
    if (a[0].equals(keys[i])) return vals[i];
  return {};
}
Value f_changed(Args, int, const Env& env, const Node& call) {
  int s = call.kids[0]->slot;
  if (!env.before) return Value(false);
  return Value(!env.now[s].equals(env.before[s]));
}
Value f_previous(Args, int, const Env& env, const Node& call) {
  if (!env.before) return {};
  return env.before[call.kids[0]->slot];
}
Value f_label(Args, int, const Env& env, const Node& call) {
  int s = call.kids[0]->slot;
  if (env.now[s].null() || !env.labels) return {};
  return Value(env.labels->label(s, env.now[s]));
}

Value f_days_between(Args a, int, const Env&, const Node&) {
  if (!a[0].is_date() || !a[1].is_date()) return {};
  return Value(day_number(a[1].as_date()) - day_number(a[0].as_date()));
}
Value f_add_days(Args a, int, const Env&, const Node&) {
  if (!a[0].is_date() || !a[1].is_number()) return {};
  return Value(from_day_number(day_number(a[0].as_date()) + int64_t(a[1].as_number())));
}
Value f_date(Args a, int, const Env&, const Node&) {
  for (int i = 0; i < 3; ++i)
    if (!a[i].is_number()) return {};
  int y = int(a[0].as_number()), m = int(a[1].as_number()), d = int(a[2].as_number());
  if (!util::valid_date(y, m, d)) return {};
  return Value(util::Date{y, m, d});
}
Value f_year(Args a, int, const Env&, const Node&) {
  if (!a[0].is_date()) return {};
  return Value(int64_t(a[0].as_date().y));
}
Value f_collection_start_year(Args a, int, const Env&, const Node&) {
  if (!a[0].is_date()) return {};
  return Value(int64_t(util::collection_year_start(a[0].as_date()).y));
}

// Rent periods (CORE codes) → payments per year.
int payments_per_year(const Value& period) {
  if (!period.is_number()) return 0;
  static const int per[] = {0, 52, 26, 13, 12, 50, 49, 48, 47, 46, 53, 51};
  int p = int(period.as_number());
  return p >= 1 && p <= 11 ? per[p] : 0;
}
Value f_weekly(Args a, int, const Env&, const Node&) {
  int n = payments_per_year(a[1]);
  if (!a[0].is_number() || n == 0) return {};
  return number(round_dp(a[0].as_number() / 52.0 * n, 2));
}
Value f_per_period(Args a, int, const Env&, const Node&) {
  int n = payments_per_year(a[1]);
  if (!a[0].is_number() || n == 0) return {};
  return number(round_dp(a[0].as_number() * 52.0 / n, 2));
}
std::string with_commas(int64_t whole) {
  std::string s = std::to_string(whole);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}
Value f_currency(Args a, int, const Env&, const Node&) {
  if (!a[0].is_number()) return {};
  double x = round_dp(a[0].as_number(), 2);
  int64_t pence = std::llround(std::fabs(x) * 100);
  std::string p = std::to_string(pence % 100);
  if (p.size() < 2) p = "0" + p;
  return Value((x < 0 ? "-£" : "£") + with_commas(pence / 100) + "." + p);
}
Value f_format_number(Args a, int, const Env&, const Node&) {
  if (!a[0].is_number()) return {};
  double x = a[0].as_number();
  if (std::fabs(x - std::round(x)) < 1e-9) return Value((x < 0 ? "-" : "") + with_commas(std::llabs(std::llround(x))));
  double r = round_dp(std::fabs(x), 2);
  int64_t pence = std::llround(r * 100);
  std::string p = std::to_string(pence % 100);
  if (p.size() < 2) p = "0" + p;
  return Value((x < 0 ? "-" : "") + with_commas(pence / 100) + "." + p);
}

Value f_lower(Args a, int, const Env&, const Node&) {
  if (!a[0].is_string()) return a[0].null() ? Value() : Value(a[0].text());
  std::string s = a[0].as_string();
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return Value(s);
}
Value f_upper(Args a, int, const Env&, const Node&) {
  if (!a[0].is_string()) return a[0].null() ? Value() : Value(a[0].text());
  std::string s = a[0].as_string();
  for (auto& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return Value(s);
}
Value f_length(Args a, int, const Env&, const Node&) {
  if (!a[0].is_string()) return {};
  return Value(int64_t(a[0].as_string().size()));
}
// contains_phrase() and whole_phrase(): the phrases, lower-cased, prepared at load (prepare_call).
struct Phrases {
  std::vector<std::string> lower;
  bool whole = false;
};
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }
bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_word(char c) { return is_letter(c) || (c >= '0' && c <= '9') || c == '_'; }
// Does the phrase (lower-cased) start at s[i], ignoring case? Then where it ends.
std::optional<size_t> phrase_at(const std::string& s, size_t i, const std::string& phrase) {
  if (i + phrase.size() > s.size()) return std::nullopt;
  for (size_t k = 0; k < phrase.size(); ++k)
    if (ascii_lower(s[i + k]) != phrase[k]) return std::nullopt;
  return i + phrase.size();
}

// The real service tests these with regular expressions (validations.md); here they are worked out in
// one pass over the text, with the same answers, whatever its length:
//   contains_phrase: /\b[^alph:]*(?:p1|p2|…)[^a-zA-Z]*\b/i   (a word boundary, then any run of characters
//     other than a, l, p, h and ':' — a typo in the real service's character class, kept for the same
//     answers — a phrase, then any run of non-letters ending at a word boundary)
//   whole_phrase:    /^[^a-zA-Z]*(?:p1|p2|…)[^a-zA-Z]*$/i
bool phrase_search(const std::string& s, const Phrases& ph) {
  const size_t n = s.size();
  auto boundary = [&](size_t i) { return (i > 0 && is_word(s[i - 1])) != (i < n && is_word(s[i])); };
  auto excluded = [&](char c) {
    char l = ascii_lower(c);
    return l == 'a' || l == 'l' || l == 'p' || l == 'h' || l == ':';
  };
  // next_letter[i]: the first letter at or after i (n if none); next_boundary[i]: the first boundary at or after i.
  std::vector<size_t> next_letter(n + 1, n), next_boundary(n + 2, n + 1);
  for (size_t i = n + 1; i-- > 0;) {
    if (i < n) next_letter[i] = is_letter(s[i]) ? i : next_letter[i + 1];
    next_boundary[i] = boundary(i) ? i : next_boundary[i + 1];
  }
  if (ph.whole) {
    // Leading non-letters, a phrase, then only non-letters to the end.
    for (size_t p = 0; p <= next_letter[0] && p <= n; ++p)
      for (auto& w : ph.lower)
        if (auto e = phrase_at(s, p, w); e && next_letter[*e] == n) return true;
    return false;
  }
  // A phrase at p that ends where a run of non-letters reaches a boundary, and a boundary at or
  // before p with no excluded character between it and p.
  size_t run_start = 0;  // the first index after the last excluded character before p
  for (size_t p = 0; p <= n; ++p) {
    if (p > 0 && excluded(s[p - 1])) run_start = p;
    if (next_boundary[run_start] > p) continue;
    for (auto& w : ph.lower)
      if (auto e = phrase_at(s, p, w); e && next_boundary[*e] <= next_letter[*e]) return true;
  }
  return false;
}

Value f_phrase(Args a, int, const Env&, const Node& call) {
  if (!a[0].is_string()) return Value(false);
  return Value(phrase_search(a[0].as_string(), *static_cast<const Phrases*>(call.state.get())));
}
Value f_valid_postcode(Args a, int, const Env&, const Node&) {
  if (!a[0].is_string()) return Value(false);
  return Value(util::valid_postcode(util::normalise_postcode(a[0].as_string())));
}
Value f_normalise_postcode(Args a, int, const Env&, const Node&) {
  if (!a[0].is_string()) return {};
  return Value(util::normalise_postcode(a[0].as_string()));
}
// postcode_part(postcode, 1 | 2): the outward ("SW1A") or inward ("1AA") half of a postcode, read as
// the service normalises it; null for a postcode of the wrong shape or another part.
Value f_postcode_part(Args a, int, const Env&, const Node&) {
  if (!a[0].is_string() || !a[1].is_int()) return {};
  std::string p = util::normalise_postcode(a[0].as_string());
  if (!util::valid_postcode(p)) return {};
  size_t space = p.find(' ');
  if (a[1].as_int() == 1) return Value(p.substr(0, space));
  if (a[1].as_int() == 2) return Value(p.substr(space + 1));
  return {};
}
// English: an "E" code CORE knows (current or former).
Value f_la_in_england(Args a, int, const Env& env, const Node&) {
  if (!a[0].is_string() || !env.lookups) return Value(false);
  const std::string& c = a[0].as_string();
  return Value(!c.empty() && c[0] == 'E' && (env.lookups->la_history.count(c) || env.lookups->england_codes.count(c)));
}
// Valid in the collection year of the date (authorities change in April, with the collection year).
Value f_la_active(Args a, int, const Env& env, const Node&) {
  if (!a[0].is_string() || !a[1].is_date() || !env.lookups) return Value(false);
  auto it = env.lookups->la_history.find(a[0].as_string());
  if (it == env.lookups->la_history.end()) return Value(env.lookups->all_codes.count(a[0].as_string()) > 0);
  int y = util::collection_year_start(a[1].as_date()).y;
  return Value(it->second.first_year <= y && (it->second.last_year == 0 || y <= it->second.last_year));
}
Value f_la_name(Args a, int, const Env& env, const Node&) {
  if (!a[0].is_string() || !env.lookups) return {};
  auto it = env.lookups->la_history.find(a[0].as_string());
  if (it != env.lookups->la_history.end()) return Value(it->second.name);
  for (auto& [code, name] : env.lookups->local_authorities_all)
    if (code == a[0].as_string()) return Value(name);
  return {};
}
// lookup("table", key..., "column"): a cell of a table the form declares; null without a row.
Value f_lookup(Args a, int n, const Env& env, const Node&) {
  if (!env.lookups || n < 3 || !a[0].is_string() || !a[n - 1].is_string()) return {};
  auto t = env.lookups->tables.find(a[0].as_string());
  if (t == env.lookups->tables.end()) return {};
  // The rules look ranges up many times a save (an income band per person and limit): the key is
  // built in one buffer per thread, without allocating.
  thread_local std::string key;
  key.clear();
  for (int i = 1; i < n - 1; ++i)
    if (!Table::append_key(key, a[i])) return {};
  auto row = t->second.rows.find(key);
  int c = t->second.column(a[n - 1].as_string());
  if (row == t->second.rows.end() || c < 0) return {};
  return row->second[size_t(c)];
}

}  // namespace

const std::vector<Builtin>& builtins() {
  static const std::vector<Builtin> all = {
      {"present", 1, 1, Type::Bool, f_present},
      {"blank", 1, 1, Type::Bool, f_blank},
      {"if", 2, 3, Type::Any, f_if},
      {"coalesce", 1, -1, Type::Any, f_coalesce},
      {"count", 1, -1, Type::Number, f_count},
      {"sum", 1, -1, Type::Number, f_sum},
      {"min", 1, -1, Type::Number, f_min},
      {"max", 1, -1, Type::Number, f_max},
      {"round", 1, 2, Type::Number, f_round},
      {"choose", 3, 3, Type::Any, f_choose},
      {"changed", 1, 1, Type::Bool, f_changed, true},
      {"previous", 1, 1, Type::Any, f_previous, true},
      {"label", 1, 1, Type::String, f_label, true},
      {"days_between", 2, 2, Type::Number, f_days_between},
      {"add_days", 2, 2, Type::Date, f_add_days},
      {"date", 3, 3, Type::Date, f_date},
      {"year", 1, 1, Type::Number, f_year},
      {"collection_start_year", 1, 1, Type::Number, f_collection_start_year},
      {"weekly", 2, 2, Type::Number, f_weekly},
      {"per_period", 2, 2, Type::Number, f_per_period},
      {"currency", 1, 1, Type::String, f_currency},
      {"format_number", 1, 1, Type::String, f_format_number},
      {"lower", 1, 1, Type::String, f_lower},
      {"upper", 1, 1, Type::String, f_upper},
      {"length", 1, 1, Type::Number, f_length},
      {"contains_phrase", 2, 2, Type::Bool, f_phrase, false, true},
      {"whole_phrase", 2, 2, Type::Bool, f_phrase, false, true},
      {"valid_postcode", 1, 1, Type::Bool, f_valid_postcode},
      {"normalise_postcode", 1, 1, Type::String, f_normalise_postcode},
      {"postcode_part", 2, 2, Type::String, f_postcode_part},
      {"la_in_england", 1, 1, Type::Bool, f_la_in_england},
      {"la_active", 2, 2, Type::Bool, f_la_active},
      {"la_name", 1, 1, Type::String, f_la_name},
      {"lookup", 3, -1, Type::Any, f_lookup},
  };
  return all;
}

const Builtin* find_builtin(const std::string& name) {
  for (auto& b : builtins())
    if (name == b.name) return &b;
  return nullptr;
}

// Prepares the phrases of contains_phrase() and whole_phrase() once, at load.
void prepare_call(Node& n) {
  std::string name = n.fn->name;
  if (name != "contains_phrase" && name != "whole_phrase") return;
  const Value& last = n.kids.back()->literal;
  if (!last.is_list() || last.as_list().empty()) throw ParseError("'" + name + "' needs a list of phrases");
  auto ph = std::make_shared<Phrases>();
  ph->whole = name == "whole_phrase";
  for (auto& p : last.as_list()) {
    if (!p.is_string() || p.as_string().empty()) throw ParseError("'" + name + "' needs a list of text phrases");
    std::string l = p.as_string();
    for (auto& c : l) c = ascii_lower(c);
    ph->lower.push_back(l);
  }
  n.state = ph;
}

}  // namespace core::expr
