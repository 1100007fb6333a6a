// libFuzzer target: any bytes through the CSV reader. Build with -DCORE_FUZZ=ON and clang
// (docs/fuzzing.md). A crash, a sanitizer report, an exception or a broken promise aborts.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "bulk/sheet.h"
#include "fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  core::bulk::Limits limits;
  limits.max_cells = 200000;  // keeps each run small; the bounds themselves are what is tested
  core::fuzz::check(core::bulk::read_csv(bytes, limits), limits);
  core::fuzz::check(core::bulk::read_sheet(bytes, limits), limits);
  return 0;
}
