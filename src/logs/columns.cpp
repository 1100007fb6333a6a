#include "logs/columns.h"

#include "form/duplicates.h"
#include "util/crypto.h"
#include "util/dates.h"

namespace core::logs {

using expr::Value;
using nlohmann::json;

// Keeps the stored answers and the indexed columns in step with the log's values.
void sync_columns(store::Log& l, const form::Form& f, const form::Values& v, form::Status status) {
  l.answers = form::answers_text(f, v);
  l.status = form::status_name(status);
  auto at = [&](int s) -> const Value* {
    return s < 0 || size_t(s) >= v.size() || v[size_t(s)].null() ? nullptr : &v[size_t(s)];
  };
  auto id = [&](int s) -> std::optional<int64_t> {
    const Value* x = at(s);
    return x && x->is_int() ? std::optional<int64_t>(x->as_int()) : std::nullopt;
  };
  auto text = [&](int s) -> std::optional<std::string> {
    const Value* x = at(s);
    if (!x) return std::nullopt;
    json j = expr::to_json(*x);
    return j.is_string() ? j.get<std::string>() : j.dump();
  };
  l.owning_organisation_id = id(f.slot("owning_organisation_id"));
  l.managing_organisation_id = id(f.slot("managing_organisation_id"));
  l.assigned_to_id = id(f.slot("assigned_to_id"));
  const form::LogKind& k = f.log;
  l.category = id(k.category_slot);
  l.log_date = text(k.date_slot);
  l.reference = text(k.reference_slot);
  l.property_reference = text(k.property_reference_slot);
  l.postcode_full = text(k.postcode_slot);
  l.collection_year.reset();
  if (const Value* d = at(k.date_slot); d && d->is_date()) l.collection_year = util::collection_year_start(d->as_date()).y;
  // The answers that find the log's duplicates, as one digest (ADR 0013); none without an owner,
  // since duplicates are looked for among the logs of one owning organisation.
  l.duplicate_key = duplicate_key_of(f, v, l.owning_organisation_id);
}

std::optional<std::string> duplicate_key_of(const form::Form& f, const form::Values& v, std::optional<int64_t> owner) {
  if (!owner) return std::nullopt;
  if (auto text = form::duplicate_text(f, v)) return util::sha256_hex(*text);
  return std::nullopt;
}

}  // namespace core::logs
