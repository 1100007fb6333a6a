// The bulk-upload column mapper (src/bulk/mapper.h), measured on the alpha's sample file: precision,
// recall and the result for every column; then its proposals for two header lists with no expected
// mapping (a provider's extract and the old eCORE template), to check by eye that the vocabulary is
// not fitted to the sample; then how long proposing takes.
//
//   ./build/mapper_bench            (reads CORE_ROOT, else the source tree it was built from)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bulk/mapper.h"
#include "bulk/mapper_measure.h"

using namespace core;

namespace {

std::string root() {
  const char* r = std::getenv("CORE_ROOT");
  return r && *r ? r : CORE_SOURCE_DIR;
}

void print_list(const bulk::ColumnMapper& m, const std::string& title, const std::vector<std::string>& headers) {
  std::printf("\n== %s (%zu headers, no expected mapping)\n", title.c_str(), headers.size());
  auto ps = m.propose(headers);
  int mapped = 0;
  for (auto& p : ps) {
    mapped += !p.attribute.empty();
    std::printf("  %-60.60s -> %-26s %.2f  %s\n", headers[p.column].c_str(), p.attribute.empty() ? "(unmapped)" : p.attribute.c_str(),
                p.score, p.reason.c_str());
  }
  std::printf("  %d of %zu mapped\n", mapped, headers.size());
}

}  // namespace

int main() {
  std::string r = root();
  auto form = form::Form::load_checked(r + "/forms/2026/lettings.json", r + "/data");
  std::string err;
  auto mapper = bulk::ColumnMapper::build(*form, r + "/data", &err);
  if (!mapper) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
  }
  std::string dir = r + "/tests/fixtures/alpha";
  std::vector<bulk::ExpectedColumn> expected;
  if (!bulk::load_alpha_sample(dir, expected, &err)) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
  }
  auto m = bulk::measure_mapper(*mapper, expected);
  std::printf("== the alpha sample's headers against expected-columns.csv (threshold %.2f)\n", bulk::MapperOptions{}.threshold);
  std::printf("  result  %-44s %-36s %-24s score  reason\n", "header", "expected", "proposed");
  for (auto& c : m.columns) {
    std::string e;
    for (auto& a : c.expected.attributes) e += (e.empty() ? "" : " ") + a;
    if (e.empty()) e = "(unmapped)";
    const char* verdict = c.correct ? "right"
                          : c.proposal.attribute.empty() ? (c.expected.attributes.empty() ? "right" : "missed")
                                                         : "WRONG";
    std::printf("  %-7s %-44.44s %-36.36s %-24s %.2f  %s\n", verdict, c.expected.header.c_str(), e.c_str(),
                c.proposal.attribute.empty() ? "(unmapped)" : c.proposal.attribute.c_str(), c.proposal.score, c.proposal.reason.c_str());
  }
  std::printf("\nprecision %.1f%% (%d right of %d proposed)\nrecall    %.1f%% (%d right of %d columns that should be mapped)\n",
              100 * m.precision, m.correct, m.proposed, 100 * m.recall, m.correct, m.should_map);

  // Honesty checks. A synonym that is simply one of the sample's headers (folded for case and
  // punctuation only) would fit the measure to the file; and the measure without any of the
  // vocabulary's names for answers shows how much the figure owes to them.
  int same = 0;
  for (auto& [attr, text] : mapper->synonyms())
    for (auto& e : expected)
      if (!e.header.empty() && bulk::fold_header(e.header) == bulk::fold_header(text)) {
        std::printf("synonym \"%s\" of %s is the sample header \"%s\"\n", text.c_str(), attr.c_str(), e.header.c_str());
        ++same;
      }
  std::printf("synonyms that are a sample header: %d\n", same);
  auto bare = bulk::ColumnMapper::build(*form, r + "/data", &err, false);
  if (bare) {
    auto b = bulk::measure_mapper(*bare, expected);
    std::printf("without the field synonyms: precision %.1f%% (%d of %d), recall %.1f%% (%d of %d)\n", 100 * b.precision, b.correct,
                b.proposed, 100 * b.recall, b.correct, b.should_map);
  }

  print_list(*mapper, "a landlord's extract (control-headers.csv)", bulk::control_headers(dir, "landlord extract"));
  print_list(*mapper, "the old CORE template (control-headers.csv)", bulk::control_headers(dir, "old CORE template"));

  std::vector<std::string> headers;
  for (auto& e : expected) headers.push_back(e.header);
  auto time = [&](const std::vector<std::string>& hs, int reps) {
    auto t0 = std::chrono::steady_clock::now();
    size_t n = 0;
    for (int i = 0; i < reps; ++i) n += mapper->propose(hs).size();
    auto t1 = std::chrono::steady_clock::now();
    return std::chrono::duration<double, std::milli>(t1 - t0).count() / reps + double(n) * 0;
  };
  std::printf("\npropose, the sample's %zu headers: %.2f ms\n", headers.size(), time(headers, 20));
  std::vector<std::string> many;
  for (int i = 0; i < 10000; ++i) many.push_back("Household member " + std::to_string(i) + " notes " + std::to_string(i * 7919 % 10007));
  std::printf("propose, 10,000 headers (the first %zu read): %.1f ms\n", bulk::kMapperMaxColumns, time(many, 1));
  std::string huge(1 << 20, 'a');
  for (size_t i = 0; i < huge.size(); i += 7) huge[i] = ' ';
  std::printf("propose, one 1 MB header: %.2f ms\n", time({huge}, 5));
  return 0;
}
