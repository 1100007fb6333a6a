// Gateway throughput (issue 4): complete 2026/27 lettings logs applied per second on one core,
// and the time to load and lint the 2026 definition. Run: build/gateway_bench (or `make bench`).
// Each iteration applies every answer of a complete log (about 60 changes) to a log whose setup is
// done, runs the whole pipeline and checks the log ends completed: the work bulk upload and the API
// do per log, and more than a web page save does.
#include <benchmark/benchmark.h>

#include <fstream>

#include "form/cases.h"
#include "form/gateway.h"
#include "form/lint.h"

using namespace core;
using nlohmann::json;

namespace {

const std::string kRoot = CORE_SOURCE_DIR;

struct Log {
  form::Values setup;  // the log after its setup section
  form::Changes answers;
  form::Context ctx;
};

std::shared_ptr<const form::Form> lettings() {
  static auto f = form::Form::load_checked(kRoot + "/forms/2026/lettings.json", kRoot + "/data");
  return f;
}

// The two complete logs of tests/cases (general needs and supported housing): the setup section
// applied first, as every channel does, then every other answer in one change.
std::vector<Log> complete_logs() {
  std::ifstream in(kRoot + "/tests/cases/lettings-2026/complete-logs.json");
  json file = json::parse(in);
  std::vector<Log> out;
  auto f = lettings();
  for (auto& c : file["cases"]) {
    Log l;
    l.ctx = form::context_from_json(*f, c.value("context", json::object()), util::Date{2026, 6, 1});
    l.setup = form::apply(*f, form::Values(f->size()), form::changes_from_json(c.value("before", json::object())), l.ctx).values;
    l.answers = form::changes_from_json(c["answers"]);
    out.push_back(std::move(l));
  }
  return out;
}

void BM_ApplyCompleteLog(benchmark::State& state) {
  auto f = lettings();
  auto logs = complete_logs();
  size_t i = 0, completed = 0;
  for (auto _ : state) {
    const Log& l = logs[i++ % logs.size()];
    auto o = form::apply(*f, l.setup, l.answers, l.ctx);
    completed += o.status == form::Status::Completed;
    benchmark::DoNotOptimize(o);
  }
  if (completed != size_t(state.iterations())) state.SkipWithError("a log did not end completed");
  state.counters["logs_per_second"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ApplyCompleteLog)->MinTime(3.0);

// One answer changed on a complete log: what a web page save runs.
void BM_ApplyOneAnswer(benchmark::State& state) {
  auto f = lettings();
  auto logs = complete_logs();
  auto full = form::apply(*f, logs[0].setup, logs[0].answers, logs[0].ctx).values;
  form::Changes one = {{"hhmemb", 2}};
  for (auto _ : state) benchmark::DoNotOptimize(form::apply(*f, full, one, logs[0].ctx));
  state.counters["saves_per_second"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ApplyOneAnswer)->MinTime(2.0);

void BM_LoadDefinition(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(form::Form::load(kRoot + "/forms/2026/lettings.json", kRoot + "/data"));
}
BENCHMARK(BM_LoadDefinition)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_LintDefinition(benchmark::State& state) {
  auto f = form::Form::load(kRoot + "/forms/2026/lettings.json", kRoot + "/data");
  for (auto _ : state) benchmark::DoNotOptimize(form::lint(*f));
}
BENCHMARK(BM_LintDefinition)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
