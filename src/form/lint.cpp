#include "form/lint.h"

#include <functional>
#include <set>

#include "form/gateway.h"

namespace core::form {

using expr::Value;

namespace {

void literals(const expr::Node& n, std::vector<Value>& out) {
  if (n.op == expr::Op::Literal && !n.literal.null() && !n.literal.is_list()) out.push_back(n.literal);
  if (n.op == expr::Op::ListLiteral && n.state)
    for (auto& v : static_cast<const Value*>(n.state.get())->as_list()) out.push_back(v);
  for (auto& k : n.kids) literals(*k, out);
}

void add_unique(std::vector<Value>& vs, const Value& v) {
  for (auto& x : vs)
    if (x.equals(v) && x.v.index() == v.v.index()) return;
  vs.push_back(v);
}

}  // namespace

bool satisfiable(const Form& f, const expr::NodePtr& condition, bool* decided) {
  const expr::Node& cond = *condition;
  std::vector<Value> lits;
  literals(cond, lits);
  std::vector<int> slots;
  std::vector<std::vector<Value>> domains;
  size_t combos = 1;
  for (auto& name : cond.fields) {
    int s = f.slot(name);
    if (s < 0) continue;
    const Attribute& a = f.attributes[size_t(s)];
    std::vector<Value> d = {Value()};
    for (auto& c : a.codes) add_unique(d, c);
    switch (a.type) {
      case expr::Type::Bool: add_unique(d, Value(true)); add_unique(d, Value(false)); break;
      case expr::Type::Number:
        for (auto& l : lits)
          if (l.is_number()) {
            add_unique(d, l);
            add_unique(d, expr::number(l.as_number() - 1));
            add_unique(d, expr::number(l.as_number() + 1));
          }
        if (a.codes.empty())
          for (int x : {0, 1, 1000}) add_unique(d, Value(x));
        break;
      case expr::Type::String:
        for (auto& l : lits)
          if (l.is_string()) add_unique(d, l);
        add_unique(d, Value("x"));
        break;
      case expr::Type::Date:
        for (auto& dt : {util::Date{2000, 1, 1}, util::Date{2020, 1, 1}, util::Date{2024, 1, 1}, util::Date{2026, 4, 1},
                         util::Date{2026, 6, 1}, util::Date{2026, 6, 30}, util::Date{2027, 3, 31}})
          add_unique(d, Value(dt));
        break;
      default: add_unique(d, Value(1)); break;
    }
    combos *= d.size();
    if (combos > 200000) {
      if (decided) *decided = false;
      return true;
    }
    slots.push_back(s);
    domains.push_back(std::move(d));
  }
  if (decided) *decided = true;
  Values vals(f.size());
  expr::Env env;
  env.now = vals.data();
  env.before = vals.data();
  env.lookups = &f.lookups;
  env.labels = &f;
  std::vector<size_t> idx(slots.size(), 0);
  for (;;) {
    for (size_t i = 0; i < slots.size(); ++i) vals[size_t(slots[i])] = domains[i][idx[i]];
    if (expr::holds(condition, env)) return true;
    size_t i = 0;
    while (i < idx.size() && ++idx[i] == domains[i].size()) idx[i++] = 0;
    if (i == idx.size()) return false;
  }
}

std::vector<std::string> lint(const Form& f) {
  std::vector<std::string> out = f.problems;
  for (auto& sub : f.subsections)
    if (sub.depends_on && !satisfiable(f, sub.depends_on)) out.push_back("subsection " + sub.id + ": its condition can never hold, so none of its pages can be shown");
  for (auto& p : f.pages)
    if (p.depends_on && !satisfiable(f, p.depends_on)) out.push_back("page " + p.id + ": unreachable, its condition can never hold");
  // Every soft validation should have a screen, and every derivation's value should fit its field.
  std::set<std::string> screens;
  for (auto& p : f.pages)
    for (auto& q : p.questions)
      if (!q.soft.empty()) screens.insert(q.soft);
  for (auto& s : f.soft_rules)
    if (!screens.count(s.id)) out.push_back("soft validation " + s.id + ": no interruption screen shows it");
  if (f.log.duplicates.when && !satisfiable(f, f.log.duplicates.when))
    out.push_back("form.log.duplicates: its 'when' can never hold, so no log would ever be checked for duplicates");
  return out;
}

}  // namespace core::form
