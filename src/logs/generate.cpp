#include "logs/generate.h"

#include <fstream>

#include "form/cases.h"
#include "form/registry.h"
#include "logs/columns.h"
#include "logs/store.h"
#include "util/paths.h"
#include "util/time.h"

namespace core::logs {

using nlohmann::json;

int64_t generate(db::Database& db, const GenerateOptions& o) {
  if (o.organisations.empty() || o.count <= 0) return 0;
  auto f = form::get("lettings", 2026);
  // The complete general needs log of the rule cases, run through the gateway once.
  std::ifstream in((resource_root() / "tests/cases/lettings-2026/complete-logs.json").string());
  json file = json::parse(in);
  const json& c = file["cases"][0];
  auto ctx = form::context_from_json(*f, c.value("context", json::object()), util::Date{2026, 6, 1});
  auto setup = form::apply(*f, form::Values(f->size()), form::changes_from_json(c["before"]), ctx).values;
  auto done = form::apply(*f, setup, form::changes_from_json(c["answers"]), ctx);
  // Each generated log: that log with its own organisation, assigned user, tenant code and property.
  auto set = [&](form::Values& v, const char* attr, expr::Value x) { v[size_t(f->slot(attr))] = std::move(x); };
  const int kBatch = 200;
  int64_t inserted = 0;
  auto conn = db.acquire();
  while (inserted < o.count) {
    int n = int(std::min<int64_t>(kBatch, o.count - inserted));
    std::vector<store::Log> batch(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      int64_t k = inserted + i;
      int64_t org = o.organisations[size_t(k % int64_t(o.organisations.size()))];
      form::Values v = done.values;
      set(v, "owning_organisation_id", expr::Value(org));
      set(v, "managing_organisation_id", expr::Value(org));
      set(v, "assigned_to_id", o.assigned_to_id ? expr::Value(o.assigned_to_id) : expr::Value());
      // The organisations take turns, so log k is its organisation's (k / orgs)th: every Nth of
      // those repeats the one before it.
      int64_t orgs = int64_t(o.organisations.size());
      bool repeat = o.duplicates_every > 0 && (k / orgs) % o.duplicates_every == 1;
      set(v, "tenancycode", expr::Value("GEN" + std::to_string(repeat ? k - orgs : k)));
      set(v, "propcode", expr::Value("PROP" + std::to_string(k % 5000)));
      store::Log& l = batch[size_t(i)];
      l.form_year = f->year;
      sync_columns(l, *f, v, done.status);
      l.created_by_id = o.assigned_to_id ? std::optional<int64_t>(o.assigned_to_id) : std::nullopt;
      l.creation_method = "generated";
    }
    conn->transaction([&] { store::insert_many(*conn, batch); });
    inserted += n;
  }
  conn->transaction([&] { store::regroup_all(*conn); });  // the duplicate sets among them
  return inserted;
}

}  // namespace core::logs
