// Strict body reading: fixed length and RFC 9112 chunked, against truncation and smuggling.
#include "web/body_reader.h"

#include <gtest/gtest.h>

using namespace core::web;

namespace {
class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string s) : s_(std::move(s)) {}
  int get() override { return i_ < s_.size() ? static_cast<unsigned char>(s_[i_++]) : -1; }
  size_t read(char* buf, size_t n) override {
    n = std::min(n, s_.size() - i_);
    s_.copy(buf, n, i_);
    i_ += n;
    return n;
  }
  std::string rest() const { return s_.substr(i_); }

 private:
  std::string s_;
  size_t i_ = 0;
};

const BodyFraming kChunked{BodyFraming::Chunked, 0};

BodyStatus chunked(const std::string& wire, std::string& out, size_t limit = 100) {
  StringSource in(wire);
  return read_body(in, kChunked, limit, limit * 8, out);
}
}  // namespace

TEST(BodyReader, FixedLengthReadsExactlyThatManyBytes) {
  StringSource in("abcGET /next");
  std::string out;
  EXPECT_EQ(read_body(in, {BodyFraming::Length, 3}, 100, 800, out), BodyStatus::Complete);
  EXPECT_EQ(out, "abc");
  EXPECT_EQ(in.rest(), "GET /next") << "what follows the body is left for the next request";
  StringSource short_in("ab");
  EXPECT_EQ(read_body(short_in, {BodyFraming::Length, 3}, 100, 800, out), BodyStatus::Incomplete);
  EXPECT_TRUE(out.empty()) << "a truncated body is never handed on";
}

TEST(BodyReader, FixedLengthOverTheLimit) {
  std::string out;
  StringSource drained(std::string(150, 'x') + "NEXT");
  EXPECT_EQ(read_body(drained, {BodyFraming::Length, 150}, 100, 800, out), BodyStatus::TooLarge);
  EXPECT_EQ(drained.rest(), "NEXT") << "a body within the drain limit is read to its end";
  StringSource huge("x");
  EXPECT_EQ(read_body(huge, {BodyFraming::Length, 5000}, 100, 800, out), BodyStatus::TooLarge);
  EXPECT_EQ(huge.rest(), "x") << "a body beyond the drain limit is not read at all";
}

TEST(BodyReader, ChunkedWithExtensionsAndTrailers) {
  std::string out;
  StringSource in("3\r\nabc\r\nA;name=value\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\nGET /next");
  EXPECT_EQ(read_body(in, kChunked, 100, 800, out), BodyStatus::Complete);
  EXPECT_EQ(out, "abc0123456789");
  EXPECT_EQ(in.rest(), "GET /next");
  EXPECT_EQ(chunked("0\r\n\r\n", out), BodyStatus::Complete);
  EXPECT_EQ(out, "");
}

TEST(BodyReader, ChunkedRefusesWhatPocoWouldHaveLetThrough) {
  std::string out;
  for (const char* wire : {
           "zz\r\nabc\r\n0\r\n\r\n",           // chunk size not hex
           "\r\n",                             // empty chunk size
           "3\r\nabcXX\r\n0\r\n\r\n",          // no CRLF after the chunk data
           "3\nabc\r\n0\r\n\r\n",              // bare LF
           "3\rabc\r\n0\r\n\r\n",              // bare CR
           "3 x\r\nabc\r\n0\r\n\r\n",          // junk after the size
           "-3\r\nabc\r\n0\r\n\r\n",           // sign
           "0x3\r\nabc\r\n0\r\n\r\n",          // 0x prefix
           "3\r\nabc\r\n0\r\nno colon\r\n\r\n",  // malformed trailer
       }) {
    SCOPED_TRACE(wire);
    EXPECT_EQ(chunked(wire, out), BodyStatus::Malformed);
    EXPECT_TRUE(out.empty());
  }
  EXPECT_EQ(chunked("3\r\nab", out), BodyStatus::Incomplete);
  EXPECT_EQ(chunked("3\r\nabc\r\n", out), BodyStatus::Incomplete) << "no last chunk";
  EXPECT_EQ(chunked("3\r\nabc\r\n0\r\n", out), BodyStatus::Incomplete) << "no end of trailers";
}

TEST(BodyReader, ChunkedOverTheLimit) {
  std::string out;
  EXPECT_EQ(chunked("FFFFFFFFFFFFFF\r\n", out), BodyStatus::TooLarge) << "a huge chunk is not waited for";
  EXPECT_EQ(chunked("FFFFFFFFFFFFFFFFFFFF\r\n", out), BodyStatus::Malformed) << "a size beyond any limit";
  std::string over = "60\r\n" + std::string(96, 'x') + "\r\n10\r\n" + std::string(16, 'y') + "\r\n0\r\n\r\n";
  EXPECT_EQ(chunked(over, out), BodyStatus::TooLarge);
  EXPECT_TRUE(out.empty());
}
