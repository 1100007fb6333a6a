#include "logs/columns.h"

#include "util/dates.h"

namespace core::logs {

using expr::Value;
using nlohmann::json;

// Keeps the stored answers and the indexed columns in step with the log's values.
void sync_columns(store::Log& l, const form::Form& f, const form::Values& v, form::Status status) {
  l.answers = form::answers_text(f, v);
  l.status = form::status_name(status);
  auto at = [&](const char* k) -> const Value* {
    int s = f.slot(k);
    return s < 0 || size_t(s) >= v.size() || v[size_t(s)].null() ? nullptr : &v[size_t(s)];
  };
  auto id = [&](const char* k) -> std::optional<int64_t> {
    const Value* x = at(k);
    return x && x->is_int() ? std::optional<int64_t>(x->as_int()) : std::nullopt;
  };
  auto text = [&](const char* k) -> std::optional<std::string> {
    const Value* x = at(k);
    if (!x) return std::nullopt;
    json j = expr::to_json(*x);
    return j.is_string() ? j.get<std::string>() : j.dump();
  };
  l.owning_organisation_id = id("owning_organisation_id");
  l.managing_organisation_id = id("managing_organisation_id");
  l.assigned_to_id = id("assigned_to_id");
  l.needstype = id("needstype");
  l.startdate = text("startdate");
  l.tenancycode = text("tenancycode");
  l.propcode = text("propcode");
  l.postcode_full = text("postcode_full");
  l.collection_year.reset();
  if (const Value* d = at("startdate"); d && d->is_date()) l.collection_year = util::collection_year_start(d->as_date()).y;
}

}  // namespace core::logs
