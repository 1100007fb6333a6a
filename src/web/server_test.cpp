// The real HTTP server on a loopback port: body limits, malformed requests, HEAD.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include <sstream>

#include "test_app.h"
#include "web/server.h"

using namespace core;

namespace {
struct Reply {
  int status;
  std::string body;
  Poco::Net::HTTPResponse head;
};
Reply send(int port, const std::string& method, const std::string& uri, const std::string& body = "",
           const std::string& type = "application/x-www-form-urlencoded", std::streamsize declared = -1) {
  Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest req(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
  if (method == "POST") {
    req.setContentType(type);
    req.setContentLength(declared >= 0 ? declared : static_cast<std::streamsize>(body.size()));
  }
  auto& out = s.sendRequest(req);
  out << body;
  Reply r;
  std::istream& in = s.receiveResponse(r.head);
  std::ostringstream ss;
  ss << in.rdbuf();
  r.status = r.head.getStatus();
  r.body = ss.str();
  return r;
}

class Server : public ::testing::Test {
 protected:
  void SetUp() override { port = server.start(0); }
  void TearDown() override { server.stop(); }
  test::TestApp t;
  web::HttpServer server{t.app()};
  int port = 0;
};
}  // namespace

TEST_F(Server, AnswersHealthAndPages) {
  auto h = send(port, "GET", "/health");
  EXPECT_EQ(h.status, 200);
  EXPECT_NE(h.body.find("\"database\""), std::string::npos);
  auto p = send(port, "GET", "/account/sign-in");
  EXPECT_EQ(p.status, 200);
  EXPECT_NE(p.body.find("govuk-header"), std::string::npos);
  EXPECT_NE(p.head.get("Content-Security-Policy", "").find("frame-ancestors 'none'"), std::string::npos);
}

TEST_F(Server, OversizedBodiesGet413AndChangeNothing) {
  int64_t before = t.count("organisations");
  std::string big(2 * 1024 * 1024, 'a');
  auto r = send(port, "POST", "/organisations/new", "name=" + big);
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("too large"), std::string::npos);
  auto declared = send(port, "POST", "/account/sign-in", "", "application/x-www-form-urlencoded", 50 * 1024 * 1024);
  EXPECT_EQ(declared.status, 413);
  EXPECT_EQ(t.count("organisations"), before);
}

TEST_F(Server, MalformedFormsAndQueriesGet400) {
  auto bad_form = send(port, "POST", "/account/sign-in", "email=%zz&password=%");
  EXPECT_EQ(bad_form.status, 400);
  EXPECT_NE(bad_form.body.find("govuk-template"), std::string::npos);
  auto bad_utf8 = send(port, "POST", "/account/sign-in", "email=%ff%fe");
  EXPECT_EQ(bad_utf8.status, 400);
  auto bad_query = send(port, "GET", "/organisations?search=%G1");
  EXPECT_EQ(bad_query.status, 400);
  std::string many;
  for (int i = 0; i < 1500; ++i) many += "f" + std::to_string(i) + "=1&";
  EXPECT_EQ(send(port, "POST", "/account/sign-in", many).status, 413);
  EXPECT_EQ(send(port, "POST", "/account/sign-in", "{\"email\": 1}", "application/json").status, 403)
      << "a body of the wrong shape has no CSRF token";
}

TEST_F(Server, UnknownRoutesAndMethods) {
  EXPECT_EQ(send(port, "GET", "/no/such/page").status, 404);
  EXPECT_EQ(send(port, "DELETE", "/account/sign-in").status, 403) << "state-changing methods need a token first";
  auto head = send(port, "HEAD", "/account/sign-in");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(send(port, "GET", "/assets/../../etc/passwd").status, 404);
  EXPECT_EQ(send(port, "GET", "/static/..%2f..%2fCMakeLists.txt").status, 404);
}

TEST_F(Server, ServesGovukAssets) {
  auto css = send(port, "GET", "/assets/govuk-frontend.min.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.head.getContentType(), "text/css; charset=utf-8");
  EXPECT_GT(css.body.size(), 50000u);
  EXPECT_EQ(send(port, "GET", "/assets/fonts/bold-b542beb274-v2.woff2").status == 200 ||
                send(port, "GET", "/assets/images/govuk-crest.svg").status == 200,
            true);
  EXPECT_EQ(send(port, "GET", "/static/app.js").status, 200);
}

TEST(ErrorPages, AnUnexpectedFailureGetsTheGovuk500PageNotTheDetails) {
  test::TestApp t;
  t.app().get("/test-only/boom", [](web::Context&) -> web::Response { throw std::runtime_error("secret detail"); },
              web::Access::Public);
  test::Client c(t);
  auto r = c.get("/test-only/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("Sorry, there is a problem with the service"), std::string::npos);
  EXPECT_NE(r.body.find("govuk-template"), std::string::npos);
  EXPECT_EQ(r.body.find("secret detail"), std::string::npos);
}

// A streamed body (a CSV download) goes out chunked over HTTP/1.1, whole and in order, the
// connection stays usable afterwards, and HEAD gets the headers alone.
TEST_F(Server, StreamedBodiesAreSentChunkedAndWhole) {
  std::string expected;
  for (int i = 0; i < 30000; ++i) expected += "row " + std::to_string(i) + ",some,cells\r\n";
  t.app().get("/test-stream", [](web::Context&) {
    web::Response r;
    r.content_type = "text/csv; charset=utf-8";
    r.stream = [](const web::BodyWriter& write) {
      for (int i = 0; i < 30000; ++i) write("row " + std::to_string(i) + ",some,cells\r\n");
    };
    return r;
  }, web::Access::Public);
  Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
  for (int round = 0; round < 2; ++round) {
    Poco::Net::HTTPRequest req("GET", "/test-stream", Poco::Net::HTTPMessage::HTTP_1_1);
    s.sendRequest(req);
    Poco::Net::HTTPResponse head;
    std::istream& in = s.receiveResponse(head);
    std::ostringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(head.getStatus(), 200);
    EXPECT_TRUE(head.getChunkedTransferEncoding());
    EXPECT_EQ(ss.str().size(), expected.size());
    EXPECT_TRUE(ss.str() == expected) << "the body arrives whole and in order (round " << round << ")";
    EXPECT_FALSE(head.get("Content-Security-Policy", "").empty()) << "security headers on streamed responses too";
  }
  auto h = send(port, "HEAD", "/test-stream");
  EXPECT_EQ(h.status, 200);
  EXPECT_TRUE(h.body.empty());
}
