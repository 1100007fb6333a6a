// libFuzzer target: the input is a worksheet's XML (and, after the first NUL byte, the shared
// strings XML), zipped into an otherwise well-formed XLSX, so that mutations reach the XML
// handlers instead of stopping at the zip checksum. Build with -DCORE_FUZZ=ON and clang.
#include <cstdint>
#include <string>
#include <string_view>

#include "bulk/sheet.h"
#include "fuzz_checks.h"
#include "xlsx_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nul = in.find('\0');
  std::string sheet(in.substr(0, nul));
  std::string shared = nul == std::string_view::npos ? "" : std::string(in.substr(nul + 1));
  std::string zip = core::test::zip_parts(core::test::xlsx_parts(sheet, shared), true);
  core::bulk::Limits limits;
  limits.max_unzipped_bytes = 8 * 1024 * 1024;
  limits.max_cells = 200000;
  core::fuzz::check(core::bulk::read_xlsx(zip, limits), limits);
  return 0;
}
