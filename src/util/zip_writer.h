// Writes a ZIP archive entry by entry, each deflated as it is written (zlib), so that an archive of
// any size is made with flat memory: the export to the data store (exports/cds.h) streams its XML
// parts straight into one. The file is written to `path` + ".part" and renamed into place by
// close(), so a reader never sees half an archive. Entries and the archive must stay under 4 GiB
// (no ZIP64): write() throws std::runtime_error beyond that.
#pragma once
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <zlib.h>

namespace core::util {

class ZipWriter {
 public:
  // Level: zlib's 1 (fastest) to 9 (smallest). Throws std::runtime_error when the file cannot be made.
  explicit ZipWriter(const std::filesystem::path& path, int level = Z_BEST_SPEED);
  ~ZipWriter();  // without close(): the partial file is removed
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  void begin_entry(const std::string& name);
  void write(std::string_view data);
  void end_entry();
  // The central directory, then the rename into place.
  void close();

 private:
  struct Entry {
    std::string name;
    uint32_t crc = 0;
    uint64_t compressed = 0, size = 0, offset = 0;
  };
  void deflate_out(int flush);
  void put(const void* p, size_t n);
  void header(const Entry& e, bool central);

  std::filesystem::path path_, partial_;
  FILE* f_ = nullptr;
  z_stream zs_{};
  bool in_entry_ = false, closed_ = false;
  int level_;
  uint16_t dos_time_ = 0, dos_date_ = 0;
  std::vector<Entry> entries_;
  uint64_t written_ = 0;
  std::vector<unsigned char> out_;
};

}  // namespace core::util
