#include "logs/flow.h"

#include <algorithm>

namespace core::logs {

using expr::Value;

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

Flow::Flow(const form::Form& form, const form::Values& v, const form::Context& fc)
    : f(form), values(v), now(form::with_context(form, v, fc)), routed(form::routed(form, v, fc)) {
  env = {now.data(), now.data(), &f.lookups, &f};
}

Flow::Flow(const form::Form& form, const form::Outcome& o, const form::Context& fc)
    : f(form), values(o.values), now(form::with_context(form, o.values, fc)), routed(o.routed) {
  env = {now.data(), now.data(), &f.lookups, &f};
}

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

std::vector<const form::Question*> unanswered_questions(const Flow& fl) {
  std::vector<const form::Question*> out;
  for (size_t p = 0; p < fl.f.pages.size(); ++p) {
    if (!page_asked(fl, int(p))) continue;
    for (auto& q : fl.f.pages[p].questions) {
      bool missing = q.type == form::QType::Interruption ? fl.values[size_t(q.slot)].null() : required_now(fl, q) && !answered(q, fl.values);
      if (missing) out.push_back(&q);
    }
  }
  return out;
}

int next_page(const Flow& fl, int page, bool from_cya) {
  const auto& sub = fl.f.subsections[size_t(fl.f.pages[size_t(page)].subsection)];
  auto it = std::find(sub.pages.begin(), sub.pages.end(), page);
  for (++it; it != sub.pages.end(); ++it) {
    if (!page_asked(fl, *it)) continue;
    if (from_cya && !page_unanswered(fl, *it)) continue;
    return *it;
  }
  return -1;
}

int previous_page(const Flow& fl, int page) {
  const auto& sub = fl.f.subsections[size_t(fl.f.pages[size_t(page)].subsection)];
  auto it = std::find(sub.pages.begin(), sub.pages.end(), page);
  while (it != sub.pages.begin()) {
    --it;
    if (page_asked(fl, *it)) return *it;
  }
  return -1;
}

int first_unanswered(const Flow& fl, int subsection) {
  for (int p : fl.f.subsections[size_t(subsection)].pages)
    if (page_asked(fl, p) && page_unanswered(fl, p)) return p;
  return -1;
}

}  // namespace core::logs
