#include "logs/generate.h"

#include <fstream>
#include <stdexcept>

#include "form/cases.h"
#include "logs/columns.h"
#include "logs/kinds.h"
#include "logs/options.h"
#include "logs/store.h"
#include "util/dates.h"
#include "util/paths.h"

namespace core::logs {

using nlohmann::json;

namespace {

// A complete log of the rule cases, worked out by the gateway.
struct Template {
  form::Values values;
  form::Status status = form::Status::NotStarted;
};

// Does the case name a live record other than the ones every generated log is given (its
// organisations and assigned user)? Such a record (a scheme, a location) does not exist in the
// database the logs go to, so the case is left out.
bool needs_other_records(const form::Form& f, const json& c) {
  for (const char* part : {"before", "answers"}) {
    const json answers = c.value(part, json::object());
    for (auto& [attr, v] : answers.items()) {
      if (attr == "owning_organisation_id" || attr == "managing_organisation_id" || attr == "assigned_to_id") continue;
      int s = f.slot(attr);
      if (s < 0) continue;
      for (auto* q : f.attributes[size_t(s)].questions)
        if (live_record_choice(*q)) return true;
    }
  }
  return false;
}

// The complete logs of the kind's rule cases, each run through the gateway once: the setup answers
// (`before`) first, as every channel applies them, then the rest.
std::vector<Template> complete_logs(const form::Form& f, const std::string& type) {
  auto path = resource_root() / "tests/cases" / (type + "-" + std::to_string(f.year)) / "complete-logs.json";
  std::ifstream in(path.string());
  if (!in) throw std::runtime_error("no complete logs to generate from: " + path.string());
  json file = json::parse(in);
  std::vector<Template> out;
  for (const json& c : file.value("cases", json::array())) {
    if (needs_other_records(f, c)) continue;
    auto today = util::parse_iso_date(c.value("today", "2026-06-01"));
    auto ctx = form::context_from_json(f, c.value("context", json::object()), today.value_or(util::Date{2026, 6, 1}));
    auto setup = form::apply(f, form::Values(f.size()), form::changes_from_json(c.value("before", json::object())), ctx).values;
    auto done = form::apply(f, setup, form::changes_from_json(c.value("answers", json::object())), ctx);
    if (done.status != form::Status::Completed)
      throw std::runtime_error("the complete log \"" + c.value("name", "") + "\" of " + path.string() + " does not complete");
    out.push_back({std::move(done.values), done.status});
  }
  if (out.empty()) throw std::runtime_error("no complete log in " + path.string() + " can be generated");
  return out;
}

}  // namespace

int64_t generate(db::Database& db, const GenerateOptions& o) {
  if (o.organisations.empty() || o.count <= 0) return 0;
  const Kind* kind = kind_of(o.type);
  if (!kind) throw std::runtime_error("no kind of log is called \"" + o.type + "\"");
  const form::Form& f = *kind->newest;
  const std::vector<Template> templates = complete_logs(f, o.type);
  // Each generated log: one of those logs in turn, with its own organisation, assigned user and
  // references (the landlord's codes the list searches).
  auto set = [&](form::Values& v, int slot, expr::Value x) {
    if (slot >= 0) v[size_t(slot)] = std::move(x);
  };
  const int owning = f.slot("owning_organisation_id"), managing = f.slot("managing_organisation_id"),
            assigned = f.slot("assigned_to_id");
  const int kBatch = 200;
  int64_t inserted = 0;
  auto conn = db.acquire();
  while (inserted < o.count) {
    int n = int(std::min<int64_t>(kBatch, o.count - inserted));
    std::vector<store::Log> batch(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      int64_t k = inserted + i;
      int64_t org = o.organisations[size_t(k % int64_t(o.organisations.size()))];
      const Template& t = templates[size_t(k % int64_t(templates.size()))];
      form::Values v = t.values;
      set(v, owning, expr::Value(org));
      set(v, managing, expr::Value(org));
      set(v, assigned, o.assigned_to_id ? expr::Value(o.assigned_to_id) : expr::Value());
      // The organisations take turns, so log k is its organisation's (k / orgs)th: every Nth of
      // those repeats the one before it.
      int64_t orgs = int64_t(o.organisations.size());
      bool repeat = o.duplicates_every > 0 && (k / orgs) % o.duplicates_every == 1;
      set(v, f.log.reference_slot, expr::Value("GEN" + std::to_string(repeat ? k - orgs : k)));
      set(v, f.log.property_reference_slot, expr::Value("PROP" + std::to_string(k % 5000)));
      store::Log& l = batch[size_t(i)];
      l.type = o.type;
      l.form_year = f.year;
      sync_columns(l, f, v, t.status);
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
