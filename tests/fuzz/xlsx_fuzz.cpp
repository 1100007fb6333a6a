// libFuzzer target: any bytes through the XLSX reader (the zip layer first: Poco Zip, inflate,
// then the XML parts). Build with -DCORE_FUZZ=ON and clang (docs/fuzzing.md).
#include <cstdint>
#include <string_view>

#include "bulk/sheet.h"
#include "fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  core::bulk::Limits limits;
  limits.max_unzipped_bytes = 8 * 1024 * 1024;
  limits.max_cells = 200000;
  core::fuzz::check(core::bulk::read_xlsx(bytes, limits), limits);
  return 0;
}
