#include "logs/generate.h"

#include <fstream>

#include "form/cases.h"
#include "form/registry.h"
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
  json answers = done.answers_json(*f);
  std::string status = form::status_name(done.status);
  std::string now = util::now_iso();
  const int kBatch = 200;
  int64_t inserted = 0;
  auto conn = db.acquire();
  while (inserted < o.count) {
    int n = int(std::min<int64_t>(kBatch, o.count - inserted));
    std::string sql =
        "INSERT INTO logs (log_type, form_year, collection_year, status, owning_organisation_id, managing_organisation_id, "
        "assigned_to_id, needstype, startdate, tenancycode, propcode, postcode_full, answers, created_by_id, creation_method, "
        "version, created_at, updated_at) VALUES ";
    db::Params p;
    for (int i = 0; i < n; ++i) {
      int64_t k = inserted + i;
      int64_t org = o.organisations[size_t(k % int64_t(o.organisations.size()))];
      json a = answers;
      a["owning_organisation_id"] = org;
      a["managing_organisation_id"] = org;
      if (o.assigned_to_id) a["assigned_to_id"] = o.assigned_to_id;
      else a.erase("assigned_to_id");
      a["tenancycode"] = "GEN" + std::to_string(k);
      a["propcode"] = "PROP" + std::to_string(k % 5000);
      sql += std::string(i ? ", " : "") + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)";
      p.insert(p.end(), {std::string("lettings"), int64_t(2026), int64_t(2026), status, org, org,
                         o.assigned_to_id ? db::Value(o.assigned_to_id) : db::Value(), int64_t(1), a["startdate"].get<std::string>(),
                         a["tenancycode"].get<std::string>(), a["propcode"].get<std::string>(), a["postcode_full"].get<std::string>(),
                         a.dump(), o.assigned_to_id ? db::Value(o.assigned_to_id) : db::Value(), std::string("generated"), now, now});
    }
    conn->transaction([&] { conn->exec(sql, p); });
    inserted += n;
  }
  return inserted;
}

}  // namespace core::logs
