// The connection loop over raw sockets: request smuggling is refused, a trickling client is cut
// off at the request deadline while others are served, and every answer, including those to
// requests Poco cannot parse, carries the security headers.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <strings.h>

#include <atomic>
#include <thread>

#include "raw_http.h"
#include "test_app.h"
#include "web/server.h"

using namespace core;
using namespace std::chrono_literals;

namespace {

const std::string kSmuggled = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";

bool says_close(const test::RawResponse& r) { return strcasecmp(r.header("connection").c_str(), "close") == 0; }

void expect_security_headers(const test::RawResponse& r) {
  EXPECT_NE(r.header("content-security-policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(r.header("content-security-policy").find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(r.header("x-frame-options"), "DENY");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.header("cache-control"), "no-store");
  EXPECT_EQ(r.header("referrer-policy"), "same-origin");
}

class HttpConnection : public ::testing::Test {
 protected:
  void SetUp() override { port = server.start(0); }
  void TearDown() override { server.stop(); }
  // Two threads and a one-second request deadline, so slow clients show quickly.
  test::TestApp t{true, [](web::Config& c) {
                    c.threads = 2;
                    c.request_timeout_seconds = 1;
                    c.max_body_bytes = 1000;
                  }};
  web::HttpServer server{t.app()};
  int port = 0;
};

}  // namespace

TEST_F(HttpConnection, AmbiguousFramingIs400AndTheSmuggledRequestIsNeverAnswered) {
  const std::string post = "POST /account/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n";
  const std::vector<std::pair<std::string, std::string>> cases = {  // headers, body (then kSmuggled)
      {"Content-Length: 3\r\nContent-Length: 3\r\n", "abc"},
      {"Content-Length: 3\r\nContent-Length: 40\r\n", "abc"},
      {"Content-Length: 3, 3\r\n", "abc"},
      {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"},
      {"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"},
      {"Transfer-Encoding: xchunked\r\n", "0\r\n\r\n"},
      {"Transfer-Encoding: chunked, gzip\r\n", "0\r\n\r\n"},
      {"Transfer-Encoding: identity\r\n", ""},
      {"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"},
      {"Content-Length: +3\r\n", "abc"},
      {"Content-Length: -1\r\n", "abc"},
      {"Content-Length:\r\n 3\r\n", "abc"},  // " 3": a folded value
      {"Content-Length: 0x3\r\n", "abc"},
      {"Content-Length: 99999999999999999999999999\r\n", "abc"},
      {"Content-Length : 3\r\n", "abc"},
      {"Transfer-Encoding: chunked\r\n", "zz\r\nabc\r\n0\r\n\r\n"},  // bad chunk size
      {"Transfer-Encoding: chunked\r\n", "3\r\nabcXX\r\n0\r\n\r\n"},  // no CRLF after the data
  };
  for (const auto& [headers, body] : cases) {
    SCOPED_TRACE(headers + body);
    test::RawConnection c(port);
    c.send(post + headers + "\r\n" + body + kSmuggled);
    auto replies = test::parse_responses(c.read_until_close(10s));
    EXPECT_TRUE(c.closed()) << "the connection is closed after the 400";
    ASSERT_EQ(replies.size(), 1u) << "only the first request is answered";
    EXPECT_EQ(replies[0].status, 400);
    EXPECT_TRUE(says_close(replies[0]));
    EXPECT_EQ(replies[0].body.find("\"database\""), std::string::npos);
    expect_security_headers(replies[0]);
  }
}

TEST_F(HttpConnection, WellFramedRequestsKeepTheConnectionForTheNext) {
  test::RawConnection c(port);
  // A chunked body (with an extension and a trailer), then a pipelined request.
  c.send("POST /account/sign-in HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
         "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
         "6;x=y\r\nemail=\r\n0\r\nX-T: 1\r\n\r\n" + kSmuggled);
  auto first = test::parse_responses(c.read_response());
  auto second = test::parse_responses(c.read_response());
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].status, 403) << "read, then refused for its missing CSRF token";
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].status, 200);
  EXPECT_NE(second[0].body.find("\"database\""), std::string::npos);
  EXPECT_FALSE(c.closed());
}

TEST_F(HttpConnection, TricklingClientsAreCutOffAndOthersAreServed) {
  // As many trickling connections as the server has threads: one sends its headers a byte at a
  // time, the other its body. Each would take 40 s at this pace.
  std::vector<std::string> slow = {"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 'a') + "\r\n\r\n",
                                   "POST /account/sign-in HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n" +
                                       std::string(200, 'a')};
  std::atomic<int> cut_off{0}, answered{0};
  std::vector<std::thread> clients;
  for (const auto& request : slow)
    clients.emplace_back([&, request] {
      test::RawConnection c(port);
      for (char ch : request) {
        if (!c.send(std::string(1, ch))) break;
        std::string got = c.read_until_close(200ms);
        if (!got.empty()) answered++;
        if (c.closed()) break;
      }
      if (c.closed()) cut_off++;
    });
  std::this_thread::sleep_for(300ms);
  // Every thread is held by a trickler now; this request is served once the deadline frees one.
  test::RawConnection other(port);
  other.send(test::raw_get("/health"));
  auto replies = test::parse_responses(other.read_response(15s));
  for (auto& c : clients) c.join();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].status, 200);
  EXPECT_EQ(cut_off.load(), 2) << "both trickling connections were closed by the server";
  EXPECT_EQ(answered.load(), 0) << "an incomplete request gets no answer";
}

TEST_F(HttpConnection, AnswersToUnparsableRequestsCarryTheSecurityHeaders) {
  const std::vector<std::string> bad = {
      "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n",                   // URI over 16 KB
      std::string(40, 'G') + " / HTTP/1.1\r\nHost: x\r\n\r\n",                               // method too long
      "GET / HTTP/1.1\r\nX-" + std::string(300, 'n') + ": v\r\n\r\n",                       // field name too long
      "GET / HTTP/1.1\r\nX-Long: " + std::string(9000, 'v') + "\r\n\r\n",                   // field value too long
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",                          // Poco cannot read it
  };
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 150; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  auto cases = bad;
  cases.push_back(many + "\r\n");  // too many header fields
  for (const auto& request : cases) {
    SCOPED_TRACE(request.substr(0, 60));
    test::RawConnection c(port);
    c.send(request);
    auto replies = test::parse_responses(c.read_until_close(10s));
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].status, 400);
    EXPECT_NE(replies[0].body.find("govuk-template"), std::string::npos) << "the GOV.UK error page";
    expect_security_headers(replies[0]);
    EXPECT_TRUE(c.closed());
  }
}

TEST_F(HttpConnection, RefusalsBeforeTheAppCarryTheSecurityHeaders) {
  const std::string post = "POST /account/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n";
  struct Case {
    std::string request;
    int status;
  };
  std::vector<Case> cases = {
      {post + "Content-Length: 2000\r\n\r\n" + std::string(2000, 'a'), 413},  // read and dropped
      {post + "Content-Length: 50000000\r\n\r\n", 413},                       // refused unread
      {post + "Content-Length: 8\r\n\r\nemail=%z", 400},                      // bad form encoding
      {"GET /organisations?search=%G1 HTTP/1.1\r\nHost: x\r\n\r\n", 400},     // bad query encoding
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.request.substr(0, 120));
    auto r = test::raw_request(port, c.request);
    EXPECT_EQ(r.status, c.status);
    expect_security_headers(r);
    EXPECT_TRUE(says_close(r));
  }
}

TEST_F(HttpConnection, ExpectContinueGetsTheGoAheadBeforeTheBody) {
  test::RawConnection c(port);
  c.send("POST /account/sign-in HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nExpect: 100-continue\r\n"
         "Content-Type: application/x-www-form-urlencoded\r\n\r\n");
  std::string go = c.read_response(5s);
  EXPECT_EQ(go.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << go;
  c.send("email=");
  auto r = test::parse_responses(c.read_response(5s));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, 403);
}
