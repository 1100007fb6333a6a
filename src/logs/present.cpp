#include "logs/present.h"

#include <cmath>
#include <cstdio>

#include "accounts/store.h"
#include "schemes/store.h"
#include "util/dates.h"

namespace core::logs {

using expr::Value;

std::string RecordNames::name(const std::string& src, const Value& v) {
  if (!v.is_int()) return "";
  int64_t id = v.as_int();
  auto key = std::make_pair(src, id);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::string out;
  if (src == "organisations_owning" || src == "organisations_managing") {
    if (auto o = accounts::store::find_organisation(c_, id)) out = o->name;
  } else if (src == "users") {
    if (auto u = accounts::store::cached_user(c_, id)) out = u->name.empty() ? u->email : u->name;
  } else if (src == "schemes") {
    if (auto s = schemes::store::find_scheme(c_, id)) out = s->service_name;
  } else if (src == "locations" && scheme_id_) {
    if (auto l = schemes::store::find_location(c_, *scheme_id_, id)) out = l->name.empty() ? l->postcode : l->name + ", " + l->postcode;
  }
  return cache_[key] = out;
}

std::string money_text(double amount) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", std::fabs(amount));
  std::string s = buf;
  size_t dot = s.find('.');
  for (int i = int(dot) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return (amount < 0 ? "-£" : "£") + s;
}

namespace {

const form::Question* first_question(const form::Form& f, int slot) {
  const auto& qs = f.attributes[size_t(slot)].questions;
  return qs.empty() ? nullptr : qs.front();
}

bool is_money(const form::Question* q) { return q && q->money; }

}  // namespace

std::string value_text(const form::Form& f, int slot, const Value& v, RecordNames& names) {
  if (v.null()) return "";
  const form::Attribute& a = f.attributes[size_t(slot)];
  if (a.kind == form::AttrKind::CheckboxOption || a.type == expr::Type::Bool) return v.truthy() ? "Yes" : "No";
  if (a.type == expr::Type::Date) {
    if (v.is_date()) return v.as_date().display();
    if (v.is_string())
      if (auto d = util::parse_iso_date(v.as_string())) return d->display();
    return v.text();
  }
  const form::Question* q = first_question(f, slot);
  if (!q && a.kind == form::AttrKind::Variable) {
    // A variable the service works out: its options and whether it is money, from the definition.
    for (auto& jv : f.source.value("variables", nlohmann::json::array())) {
      if (jv.value("id", "") != a.id) continue;
      for (auto& o : jv.value("options", nlohmann::json::array()))
        if (expr::from_json(o.value("value", nlohmann::json())).equals(v)) return o.value("label", v.text());
      if (jv.value("money", false) && v.is_number()) return money_text(v.as_number());
    }
  }
  if (q) {
    for (auto& o : q->options)
      if (o.value.equals(v)) return o.check_answer_label.empty() ? o.label : o.check_answer_label;
    if (!q->options_from.empty())
      if (std::string n = names.name(q->options_from, v); !n.empty()) return n;
    if (is_money(q) && v.is_number()) return money_text(v.as_number());
  }
  return f.label(slot, v);
}

std::string answer_text(const form::Form& f, const form::Question& q, const form::Values& values, const form::Context& fc,
                        RecordNames& names) {
  form::Values now = form::with_context(f, values, fc);
  expr::Env env{now.data(), now.data(), &f.lookups, &f};
  if (std::string inferred = q.inferred_for(env); !inferred.empty()) return inferred;
  if (q.type == form::QType::Checkbox) {
    std::string out;
    for (auto& o : q.options)
      if (values[size_t(o.slot)].truthy()) out += (out.empty() ? "" : ", ") + (o.check_answer_label.empty() ? o.label : o.check_answer_label);
    return out;
  }
  const Value& v = values[size_t(q.slot)];
  if (v.null()) return "";
  if (q.type == form::QType::Numeric) {
    // Money is written as money ("£98.50"); other numbers keep the definition's prefix and suffix.
    std::string prefix = q.raw ? q.raw->value("prefix", "") : "";
    std::string suffix = q.suffixes.empty() ? q.suffix : q.suffix_for(env);
    if (is_money(&q) && v.is_number()) return money_text(v.as_number()) + suffix;
    return prefix + v.text() + suffix;
  }
  return value_text(f, q.slot, v, names);
}

}  // namespace core::logs
