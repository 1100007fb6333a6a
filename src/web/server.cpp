// The Poco HTTP server in front of App::handle(): reads the request (with a body size limit),
// hands it over, and writes the response. One thread per open connection (STACK-NOTES §5.4).
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <sstream>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <istream>

#include "util/gate.h"
#include "web/app.h"

namespace core::web {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

void parse_cookies(const std::string& header, std::map<std::string, std::string>& out) {
  size_t i = 0;
  while (i < header.size()) {
    size_t semi = header.find(';', i);
    if (semi == std::string::npos) semi = header.size();
    std::string part = header.substr(i, semi - i);
    size_t eq = part.find('=');
    if (eq != std::string::npos) {
      auto trim = [](std::string s) {
        s.erase(0, s.find_first_not_of(' '));
        s.erase(s.find_last_not_of(' ') + 1);
        return s;
      };
      std::string k = trim(part.substr(0, eq)), v = trim(part.substr(eq + 1));
      if (!out.count(k)) out[k] = v;
    }
    i = semi + 1;
  }
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  Handler(App& app, util::Gate& gate) : app_(app), gate_(gate) {}

  void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override {
    Request req;
    Response res;
    try {
      res = run(in, req);
    } catch (const std::exception& e) {
      std::cerr << "error reading request: " << e.what() << std::endl;
      res = Response::text("Bad request", 400);
    }
    write(in, out, res);
  }

 private:
  Response run(Poco::Net::HTTPServerRequest& in, Request& req) {
    req.method = in.getMethod();
    std::string uri = in.getURI();
    size_t q = uri.find('?');
    req.path = uri.substr(0, q);
    if (q != std::string::npos) req.query_string = uri.substr(q + 1);
    req.remote_addr = in.clientAddress().host().toString();
    for (const auto& [k, v] : in) req.headers[lower(k)] = v;
    parse_cookies(req.header("cookie"), req.cookies);
    if (!parse_urlencoded(req.query_string, req.query)) return simple(req, 400, "The address is not valid");

    const size_t limit = app_.config().max_body_bytes;
    // A body somewhat over the limit is read and dropped, so the client gets the 413 page
    // rather than a reset connection; a much larger one is refused before it is read.
    const Poco::Int64 drain_limit = static_cast<Poco::Int64>(limit) * 8;
    if (in.hasContentLength() && in.getContentLength64() > drain_limit) return simple(req, 413);
    if (in.hasContentLength() || in.getChunkedTransferEncoding()) {
      std::istream& body = in.stream();
      std::string buf;
      char chunk[8192];
      size_t total = 0;
      while (body.read(chunk, sizeof chunk) || body.gcount() > 0) {
        total += static_cast<size_t>(body.gcount());
        if (total > static_cast<size_t>(drain_limit)) return simple(req, 413);
        if (total <= limit) buf.append(chunk, static_cast<size_t>(body.gcount()));
      }
      if (total > limit) return simple(req, 413);
      req.body = std::move(buf);
    }
    std::string type = lower(req.header("content-type"));
    if (type.rfind("application/x-www-form-urlencoded", 0) == 0 && !parse_urlencoded(req.body, req.form))
      return simple(req, 400, "The form could not be read. Go back and try again.");
    if (req.form.size() > 1000) return simple(req, 413);
    // Reading the request and sending the response happen outside the gate: only the work does.
    util::Gate::Pass pass(gate_);
    return app_.handle(req);
  }

  // Errors found before the app has the request: rendered by the app so they look the same.
  Response simple(Request& req, int status, const std::string& message = "") {
    Context ctx(req, app_);
    req.form.clear();
    Response r = app_.error_page(ctx, status, message);
    r.set_header("Connection", "close");
    return r;
  }

  void write(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out, const Response& res) {
    out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(res.status));
    out.setContentType(res.content_type);
    for (const auto& [k, v] : res.headers) {
      if (k == "Set-Cookie") out.add(k, v);
      else out.set(k, v);
    }
    if (res.header("Connection") == "close") out.setKeepAlive(false);
    out.setContentLength(static_cast<std::streamsize>(res.body.size()));
    if (in.getMethod() == "HEAD") {
      out.send();
      return;
    }
    // Status line, headers and body in one system call. Poco's sendBuffer() goes through a 4 KB
    // stream buffer: 7 send() calls for a 25 KB page, 34 for the 136 KB stylesheet.
    std::ostringstream head;
    out.write(head);
    send_all(static_cast<Poco::Net::HTTPServerRequestImpl&>(in).socket(), head.str(), res.body);
  }

  static void send_all(Poco::Net::StreamSocket& socket, const std::string& head, const std::string& body) {
    iovec parts[2] = {{const_cast<char*>(head.data()), head.size()}, {const_cast<char*>(body.data()), body.size()}};
    msghdr msg{};
    msg.msg_iov = parts;
    msg.msg_iovlen = 2;
    size_t total = head.size() + body.size(), sent = 0;
    ssize_t n;
    do n = ::sendmsg(socket.impl()->sockfd(), &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n > 0) sent = static_cast<size_t>(n);
    // Whatever the kernel did not take at once (a slow client, a send timeout, an error) goes
    // through Poco, which waits, retries and throws as sendBuffer() did.
    auto rest = [&](const std::string& part, size_t offset) {
      while (offset < part.size()) {
        int k = socket.sendBytes(part.data() + offset, static_cast<int>(std::min<size_t>(part.size() - offset, 1 << 20)));
        if (k <= 0) throw Poco::IOException("connection closed while sending the response");
        offset += static_cast<size_t>(k);
      }
    };
    if (sent < total) {
      if (sent < head.size()) {
        rest(head, sent);
        rest(body, 0);
      } else {
        rest(body, sent - head.size());
      }
    }
  }

  App& app_;
  util::Gate& gate_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(App& app) : app_(app), gate_(app.config().active_requests) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(app_, gate_);
  }

 private:
  App& app_;
  util::Gate gate_;
};

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

}  // namespace

HttpServer::HttpServer(App& app) : app_(app) {}

HttpServer::~HttpServer() { stop(); }

int HttpServer::start(int port) {
  const auto& c = app_.config();
  pool_ = std::make_unique<Poco::ThreadPool>(2, c.threads);
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(c.threads);
  params->setMaxQueued(512);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(5, 0));
  params->setMaxKeepAliveRequests(0);
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("0.0.0.0", static_cast<Poco::UInt16>(port)), 256);
  int bound = socket.address().port();
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(app_), *pool_, socket, params);
  server_->start();
  return bound;
}

void HttpServer::stop() {
  if (server_) {
    server_->stopAll(true);
    server_.reset();
  }
  if (pool_) {
    pool_->joinAll();
    pool_.reset();
  }
}

int serve(App& app) {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  HttpServer server(app);
  int port = server.start(app.config().port);
  std::cout << "CORE is serving on http://localhost:" << port << " (database " << app.db().url().display << ")"
            << std::endl;
  while (!g_stop) Poco::Thread::sleep(200);
  std::cout << "stopping" << std::endl;
  server.stop();
  return 0;
}

}  // namespace core::web
