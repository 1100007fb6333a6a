#include "form/duplicates.h"

namespace core::form {

std::optional<std::string> duplicate_text(const Form& f, const Values& values) {
  const auto& d = f.log.duplicates;
  if (d.match_slots.empty() || values.size() < f.size()) return std::nullopt;
  if (d.when) {
    expr::Env env;
    env.now = values.data();
    env.before = values.data();
    env.lookups = &f.lookups;
    env.labels = &f;
    if (!expr::holds(d.when, env)) return std::nullopt;
  }
  nlohmann::json key = nlohmann::json::object();  // keys sorted: the same text for the same answers
  for (size_t i = 0; i < d.match_slots.size(); ++i) {
    const expr::Value& v = values[size_t(d.match_slots[i])];
    key[d.match[i]] = v.is_number() ? expr::to_json(expr::number(v.as_number())) : expr::to_json(v);
  }
  return key.dump();
}

}  // namespace core::form
