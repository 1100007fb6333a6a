// Gateway throughput (issues 4 and 12): complete 2026/27 logs of each kind (lettings, sales) applied
// per second on one core, and the time to load and lint each 2026 definition. Run:
// build/gateway_bench (or `make bench`); --benchmark_filter=sales for one kind.
// Each iteration applies every answer of a complete log (about 60 changes) to a log whose setup is
// done, runs the whole pipeline and checks the log ends completed: the work bulk upload and the API
// do per log, and more than a web page save does.
#include <benchmark/benchmark.h>

#include <fstream>
#include <map>

#include "form/cases.h"
#include "form/gateway.h"
#include "form/lint.h"

using namespace core;
using nlohmann::json;

namespace {

const std::string kRoot = CORE_SOURCE_DIR;
const std::vector<std::string> kTypes = {"lettings", "sales"};  // forms/2026/<type>.json

struct Log {
  form::Values setup;  // the log after its setup section
  form::Changes answers;
  form::Context ctx;
};

std::string form_path(const std::string& type) { return kRoot + "/forms/2026/" + type + ".json"; }

std::shared_ptr<const form::Form> form_of(const std::string& type) {
  static std::map<std::string, std::shared_ptr<const form::Form>> loaded;
  auto& f = loaded[type];
  if (!f) f = form::Form::load_checked(form_path(type), kRoot + "/data");
  return f;
}

// The complete logs of the kind's rule cases (tests/cases/<type>-2026/complete-logs.json: general
// needs and supported housing; shared ownership initial purchase, staircasing and discounted
// ownership): the setup section applied first, as every channel does, then every other answer in
// one change.
std::vector<Log> complete_logs(const std::string& type) {
  std::ifstream in(kRoot + "/tests/cases/" + type + "-2026/complete-logs.json");
  json file = json::parse(in);
  std::vector<Log> out;
  auto f = form_of(type);
  for (auto& c : file["cases"]) {
    Log l;
    auto today = util::parse_iso_date(c.value("today", "2026-06-01"));
    l.ctx = form::context_from_json(*f, c.value("context", json::object()), today.value_or(util::Date{2026, 6, 1}));
    l.setup = form::apply(*f, form::Values(f->size()), form::changes_from_json(c.value("before", json::object())), l.ctx).values;
    l.answers = form::changes_from_json(c["answers"]);
    out.push_back(std::move(l));
  }
  return out;
}

void BM_ApplyCompleteLog(benchmark::State& state, const std::string& type) {
  auto f = form_of(type);
  auto logs = complete_logs(type);
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

// One answer changed on a complete log: what a web page save runs (the landlord's reference, the
// answer bench/logs.sh saves over HTTP).
void BM_ApplyOneAnswer(benchmark::State& state, const std::string& type) {
  auto f = form_of(type);
  auto logs = complete_logs(type);
  auto full = form::apply(*f, logs[0].setup, logs[0].answers, logs[0].ctx).values;
  form::Changes one = {{f->attributes[size_t(f->log.reference_slot)].id, "BENCH-1"}};
  for (auto _ : state) benchmark::DoNotOptimize(form::apply(*f, full, one, logs[0].ctx));
  state.counters["saves_per_second"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_LoadDefinition(benchmark::State& state, const std::string& type) {
  for (auto _ : state) benchmark::DoNotOptimize(form::Form::load(form_path(type), kRoot + "/data"));
}

void BM_LintDefinition(benchmark::State& state, const std::string& type) {
  auto f = form::Form::load(form_path(type), kRoot + "/data");
  for (auto _ : state) benchmark::DoNotOptimize(form::lint(*f));
}

}  // namespace

int main(int argc, char** argv) {
  for (const std::string& type : kTypes) {
    benchmark::RegisterBenchmark(("BM_ApplyCompleteLog/" + type).c_str(), BM_ApplyCompleteLog, type)->MinTime(3.0);
    benchmark::RegisterBenchmark(("BM_ApplyOneAnswer/" + type).c_str(), BM_ApplyOneAnswer, type)->MinTime(2.0);
    benchmark::RegisterBenchmark(("BM_LoadDefinition/" + type).c_str(), BM_LoadDefinition, type)->Unit(benchmark::kMillisecond)->MinTime(2.0);
    benchmark::RegisterBenchmark(("BM_LintDefinition/" + type).c_str(), BM_LintDefinition, type)->Unit(benchmark::kMillisecond)->MinTime(2.0);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
