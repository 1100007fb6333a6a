// Body framing from headers: the one reading of Content-Length / Transfer-Encoding.
#include "web/framing.h"

#include <Poco/Net/MessageHeader.h>
#include <gtest/gtest.h>

#include <sstream>

using namespace core::web;

namespace {
// Parses header lines the way the server does (Poco's reader), then decides the framing.
FramingResult framing_of(const std::string& lines) {
  Poco::Net::MessageHeader h;
  std::istringstream in(lines + "\r\n");
  h.read(in);
  return body_framing(h);
}
}  // namespace

TEST(Framing, NoBodyOrOneValidLengthOrChunked) {
  auto none = framing_of("Host: x\r\n");
  EXPECT_EQ(none.problem, nullptr);
  EXPECT_EQ(none.framing.kind, BodyFraming::None);
  auto len = framing_of("Content-Length: 42\r\n");
  ASSERT_EQ(len.problem, nullptr);
  EXPECT_EQ(len.framing.kind, BodyFraming::Length);
  EXPECT_EQ(len.framing.length, 42);
  EXPECT_EQ(framing_of("content-length: 0\r\n").framing.length, 0);
  auto chunked = framing_of("Transfer-Encoding: Chunked\r\n");
  ASSERT_EQ(chunked.problem, nullptr);
  EXPECT_EQ(chunked.framing.kind, BodyFraming::Chunked);
}

TEST(Framing, RefusesEveryAmbiguousOrMalformedFraming) {
  for (const char* lines : {
           "Content-Length: 3\r\nContent-Length: 3\r\n",   // duplicate, same value
           "Content-Length: 3\r\nContent-Length: 40\r\n",  // duplicate, different values
           "Content-Length: 3, 3\r\n",                     // a list
           "Content-Length: +3\r\n", "Content-Length: -1\r\n", "Content-Length: 0x3\r\n",
           "Content-Length: 3a\r\n", "Content-Length: \r\n", "Content-Length: 1 2\r\n",
           "Content-Length: 99999999999999999999999\r\n",  // beyond 18 digits
           "Content-Length:\r\n 3\r\n",                    // folded onto a continuation line
           "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
           "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
           "Transfer-Encoding: xchunked\r\n", "Transfer-Encoding: chunked, gzip\r\n",
           "Transfer-Encoding: gzip, chunked\r\n", "Transfer-Encoding: identity\r\n",
           "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
           "Content-Length : 3\r\n",          // whitespace before the colon (RFC 9112 §5.1)
           "Transfer Encoding: chunked\r\n",  // not a token
       }) {
    SCOPED_TRACE(lines);
    EXPECT_NE(framing_of(lines).problem, nullptr);
  }
  Poco::Net::NameValueCollection nul;
  nul.add("X-A", std::string("a\0b", 3));
  EXPECT_NE(body_framing(nul).problem, nullptr) << "a NUL in a header value";
}
