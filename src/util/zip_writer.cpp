#include "util/zip_writer.h"

#include <ctime>
#include <stdexcept>

namespace core::util {

namespace {
void le16(std::string& s, uint32_t v) {
  s += char(v & 0xff);
  s += char((v >> 8) & 0xff);
}
void le32(std::string& s, uint64_t v) {
  for (int i = 0; i < 4; ++i) s += char((v >> (8 * i)) & 0xff);
}
constexpr uint64_t kMax = 0xffffffffu;
constexpr uint16_t kUtf8Names = 0x0800;
}  // namespace

ZipWriter::ZipWriter(const std::filesystem::path& path, int level) : path_(path), level_(level) {
  partial_ = path_;
  partial_ += ".part";
  f_ = std::fopen(partial_.c_str(), "wb");
  if (!f_) throw std::runtime_error("cannot write " + partial_.string());
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  dos_time_ = uint16_t((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
  dos_date_ = uint16_t(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
  out_.resize(1 << 16);
}

ZipWriter::~ZipWriter() {
  if (in_entry_) deflateEnd(&zs_);
  if (f_) std::fclose(f_);
  if (!closed_) {
    std::error_code ec;
    std::filesystem::remove(partial_, ec);
  }
}

void ZipWriter::put(const void* p, size_t n) {
  if (n && std::fwrite(p, 1, n, f_) != n) throw std::runtime_error("cannot write " + partial_.string() + " (is the disk full?)");
  written_ += n;
  if (written_ > kMax) throw std::runtime_error(path_.string() + ": an archive over 4 GiB (split it into more parts)");
}

void ZipWriter::header(const Entry& e, bool central) {
  std::string h;
  le32(h, central ? 0x02014b50 : 0x04034b50);
  if (central) le16(h, 20);  // made by
  le16(h, 20);               // needed to extract: deflate
  le16(h, kUtf8Names);
  le16(h, 8);  // deflated
  le16(h, dos_time_);
  le16(h, dos_date_);
  le32(h, e.crc);
  le32(h, e.compressed);
  le32(h, e.size);
  le16(h, uint32_t(e.name.size()));
  le16(h, 0);  // extra
  if (central) {
    le16(h, 0);  // comment
    le16(h, 0);  // disk
    le16(h, 0);  // internal attributes
    le32(h, 0);  // external attributes
    le32(h, e.offset);
  }
  h += e.name;
  put(h.data(), h.size());
}

void ZipWriter::begin_entry(const std::string& name) {
  if (in_entry_ || closed_) throw std::logic_error("ZipWriter: begin_entry out of turn");
  Entry e;
  e.name = name;
  e.offset = written_;
  e.crc = uint32_t(crc32(0, nullptr, 0));
  entries_.push_back(e);
  header(e, false);  // its sizes are filled in by end_entry()
  zs_ = z_stream{};
  if (deflateInit2(&zs_, level_, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("zlib: deflateInit2 failed");
  in_entry_ = true;
}

void ZipWriter::deflate_out(int flush) {
  do {
    zs_.next_out = out_.data();
    zs_.avail_out = uInt(out_.size());
    int rc = deflate(&zs_, flush);
    if (rc == Z_STREAM_ERROR) throw std::runtime_error("zlib: deflate failed");
    size_t n = out_.size() - zs_.avail_out;
    put(out_.data(), n);
    entries_.back().compressed += n;
  } while (zs_.avail_out == 0);
}

void ZipWriter::write(std::string_view data) {
  if (!in_entry_) throw std::logic_error("ZipWriter: write outside an entry");
  Entry& e = entries_.back();
  while (!data.empty()) {
    size_t n = std::min<size_t>(data.size(), 1u << 30);
    e.crc = uint32_t(crc32(e.crc, reinterpret_cast<const Bytef*>(data.data()), uInt(n)));
    e.size += n;
    if (e.size > kMax) throw std::runtime_error(path_.string() + ": an entry over 4 GiB (split it into more parts)");
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs_.avail_in = uInt(n);
    deflate_out(Z_NO_FLUSH);
    data.remove_prefix(n);
  }
}

void ZipWriter::end_entry() {
  if (!in_entry_) throw std::logic_error("ZipWriter: end_entry outside an entry");
  zs_.next_in = nullptr;
  zs_.avail_in = 0;
  deflate_out(Z_FINISH);
  deflateEnd(&zs_);
  in_entry_ = false;
  // Back to the local header to put the CRC and sizes in (offset 14: crc, compressed, size).
  const Entry& e = entries_.back();
  std::string sizes;
  le32(sizes, e.crc);
  le32(sizes, e.compressed);
  le32(sizes, e.size);
  long here = std::ftell(f_);
  if (here < 0 || std::fseek(f_, long(e.offset + 14), SEEK_SET) != 0 || std::fwrite(sizes.data(), 1, sizes.size(), f_) != sizes.size() ||
      std::fseek(f_, here, SEEK_SET) != 0)
    throw std::runtime_error("cannot write " + partial_.string());
}

void ZipWriter::close() {
  if (in_entry_) end_entry();
  if (closed_) return;
  uint64_t start = written_;
  for (auto& e : entries_) header(e, true);
  std::string end;
  le32(end, 0x06054b50);
  le16(end, 0);
  le16(end, 0);
  le16(end, uint32_t(entries_.size()));
  le16(end, uint32_t(entries_.size()));
  le32(end, written_ - start);
  le32(end, start);
  le16(end, 0);
  put(end.data(), end.size());
  if (std::fflush(f_) != 0 || std::fclose(f_) != 0) {
    f_ = nullptr;
    throw std::runtime_error("cannot write " + partial_.string() + " (is the disk full?)");
  }
  f_ = nullptr;
  std::filesystem::rename(partial_, path_);
  closed_ = true;
}

}  // namespace core::util
