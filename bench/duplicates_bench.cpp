// The duplicate check for one save (issue 12, ADR 0013), on the database named by
// BENCH_DATABASE_URL (bench/duplicates.sh makes 1,000,000 lettings logs in PostgreSQL). Run by
// bench/duplicates.sh; figures in docs/performance.md.
//   BM_SaveChangingTheKey: a save through the log service that changes a key answer (the tenant
//     code) of a log in a set, so the set it leaves and the set it joins are both worked out again;
//     alternately back, so every iteration moves the log between a set and no set.
//   BM_SaveKeepingTheKey: the same save of an answer that is not a key (the property reference):
//     everything but the duplicate check. The difference is the check.
//   BM_DuplicateCheck: the check alone (store::regroup_log after the row is written, inside the
//     save's transaction): the budget, p99 <= 20 ms.
//   BM_FindDuplicates: a log's duplicates (the duplicates page's lookup).
//   BM_CountSets: the sets a coordinator's organisation has, of both kinds (the lists' banner).
// Each reports the median, p99 and slowest iteration in ms as counters.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>

#include "accounts/store.h"
#include "logs/columns.h"
#include "logs/service.h"
#include "logs/store.h"

using namespace core;

namespace {

const util::Date kToday{2026, 6, 1};

struct Fixture {
  std::unique_ptr<db::Database> db;
  accounts::User user;
  int64_t first = 0, second = 0;  // two logs of one set
  std::string shared_code;        // their tenant code
};

Fixture& fixture() {
  static Fixture f = [] {
    Fixture x;
    const char* url = std::getenv("BENCH_DATABASE_URL");
    if (!url) throw std::runtime_error("set BENCH_DATABASE_URL");
    x.db = std::make_unique<db::Database>(url, 1);
    auto c = x.db->acquire();
    x.user = *accounts::store::find_user_by_email(*c, "coordinator@northshire.example");
    auto sets = logs::store::list_sets(*c, {"lettings", {2026}, x.user.organisation_id, std::nullopt}, 1);
    if (sets.empty() || sets[0].logs.size() < 2) throw std::runtime_error("no duplicate set among the coordinator's logs");
    x.first = sets[0].logs[0].id;
    x.second = sets[0].logs[1].id;
    x.shared_code = sets[0].logs[0].reference.value_or("");
    auto log = logs::store::find(*c, x.second);
    std::cout << "duplicate set " << sets[0].id << ": logs " << x.first << " and " << x.second << " (tenant code " << x.shared_code
              << ")\nthe lookup of a set, as the database plans and runs it:\n"
              << logs::store::duplicate_lookup_plan(*c, *log) << std::flush;
    return x;
  }();
  return f;
}

void report(benchmark::State& st, std::vector<double>& ms) {
  if (ms.empty()) return;
  std::sort(ms.begin(), ms.end());
  st.counters["p50_ms"] = ms[ms.size() / 2];
  st.counters["p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  st.counters["max_ms"] = ms.back();
}

// Saves `attr` on the second log of the set through the log service: `b` when it is `a` now (as
// `now` reads it from the log), else `a`.
void toggle(benchmark::State& st, const std::string& attr, const std::string& a, const std::string& b, bool expect_regroup,
            std::optional<std::string> logs::store::Log::*now) {
  auto& f = fixture();
  auto c = f.db->acquire();
  std::vector<double> ms;
  for (auto _ : st) {
    auto t0 = std::chrono::steady_clock::now();
    auto log = logs::service::find(*c, f.user, f.second);
    logs::service::SaveOptions o;
    o.today = kToday;
    auto r = logs::service::save(*c, f.user, log, {{attr, log.*now == a ? b : a}}, log.version, o);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (r.status != logs::service::Status::Saved || r.regrouped != expect_regroup) {
      std::string why = "the save did not do what the benchmark measures: status " + std::to_string(int(r.status)) + " " + r.message +
                        " after " + std::to_string(ms.size()) + " saves; key " + log.duplicate_key.value_or("none") + " to " +
                        r.log.duplicate_key.value_or("none");
      for (auto& e : r.errors) why += " [" + e.rule + "] " + e.message;
      st.SkipWithError(why.c_str());
      break;
    }
  }
  report(st, ms);
}

void BM_SaveChangingTheKey(benchmark::State& st) {
  toggle(st, "tenancycode", fixture().shared_code, "BENCH-UNIQUE", true, &logs::store::Log::reference);
}
void BM_SaveKeepingTheKey(benchmark::State& st) {
  toggle(st, "propcode", "BENCH-P1", "BENCH-P2", false, &logs::store::Log::property_reference);
}

// The duplicate check alone, as a save that changes the tenant code runs it: inside the save's
// transaction, after the row is written, the sets the log leaves and joins are worked out again
// (store::regroup_log). Only the check is timed (manual time), not the row's write or the commit.
void BM_DuplicateCheck(benchmark::State& st) {
  auto& f = fixture();
  auto c = f.db->acquire();
  std::vector<double> ms;
  for (auto _ : st) {
    auto log = *logs::store::find(*c, f.second);
    auto form = logs::service::form_of(log);
    auto values = logs::service::answers_of(*form, log);
    values[size_t(form->slot("tenancycode"))] = expr::Value(log.reference == f.shared_code ? std::string("BENCH-UNIQUE") : f.shared_code);
    logs::store::Log updated = log;
    logs::sync_columns(updated, *form, values, log.status == "completed" ? form::Status::Completed : form::Status::InProgress);
    double took = 0;
    c->transaction([&] {
      if (!logs::store::save(*c, updated, log, log.version, f.user.id, {})) throw std::runtime_error("the log changed meanwhile");
      auto t0 = std::chrono::steady_clock::now();
      logs::store::regroup_log(*c, &log, &updated);
      took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    });
    st.SetIterationTime(took);
    ms.push_back(took * 1000);
  }
  report(st, ms);
}

void BM_FindDuplicates(benchmark::State& st) {
  auto& f = fixture();
  auto c = f.db->acquire();
  auto log = *logs::store::find(*c, f.first);
  std::vector<double> ms;
  for (auto _ : st) {
    auto t0 = std::chrono::steady_clock::now();
    auto d = logs::store::duplicates_of(*c, log);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    benchmark::DoNotOptimize(d);
  }
  report(st, ms);
}

// The log lists' banner: the coordinator's sets counted, for each kind.
void BM_CountSets(benchmark::State& st) {
  auto& f = fixture();
  auto c = f.db->acquire();
  std::vector<double> ms;
  int64_t n = 0;
  for (auto _ : st) {
    auto t0 = std::chrono::steady_clock::now();
    n = 0;
    for (const char* type : {"lettings", "sales"}) n += logs::store::count_sets(*c, {type, {2026, 2025}, f.user.organisation_id, std::nullopt});
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  st.counters["sets"] = double(n);
  report(st, ms);
}

}  // namespace

BENCHMARK(BM_SaveChangingTheKey)->Unit(benchmark::kMillisecond)->MinTime(3);
BENCHMARK(BM_SaveKeepingTheKey)->Unit(benchmark::kMillisecond)->MinTime(3);
BENCHMARK(BM_DuplicateCheck)->Unit(benchmark::kMillisecond)->MinTime(3)->UseManualTime();
BENCHMARK(BM_FindDuplicates)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_CountSets)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK_MAIN();
