#include "web/connection.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/TCPServerConnection.h>

#include <algorithm>
#include <iostream>
#include <optional>

#include "web/app.h"
#include "web/body_reader.h"
#include "web/framing.h"
#include "web/response_writer.h"

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

// Poco's session, with the byte-level reads (protected there) open to the body reader.
class Session : public Poco::Net::HTTPServerSession {
 public:
  using HTTPServerSession::HTTPServerSession;
  using HTTPSession::get;
  using HTTPSession::read;
};

class SessionSource : public ByteSource {
 public:
  explicit SessionSource(Session& s) : s_(s) {}
  // Poco's get() returns a plain char widened to int, so a byte of 0xFF looks like the end: it
  // only matters in chunk-size lines and trailers, where such bytes are invalid anyway.
  int get() override {
    int c = s_.get();
    return c == std::char_traits<char>::eof() ? -1 : static_cast<unsigned char>(c);
  }
  size_t read(char* buf, size_t n) override {
    int k = s_.read(buf, static_cast<std::streamsize>(n));
    return k > 0 ? static_cast<size_t>(k) : 0;
  }

 private:
  Session& s_;
};

// The request line and headers, as the app sees them.
void copy_head(Poco::Net::HTTPServerRequestImpl& in, Request& req) {
  req.method = in.getMethod();
  const std::string& uri = in.getURI();
  size_t q = uri.find('?');
  req.path = uri.substr(0, q);
  if (q != std::string::npos) req.query_string = uri.substr(q + 1);
  req.remote_addr = in.clientAddress().host().toString();
  for (const auto& [k, v] : in) req.headers[lower(k)] = v;
  parse_cookies(req.header("cookie"), req.cookies);
}

// A request as received: ready for the app, or already answered with an error.
struct Received {
  Request req;
  std::optional<Response> refusal;  // sent instead of handling; the connection then closes
  bool keep_alive = false, http10 = false;
};

class Connection : public Poco::Net::TCPServerConnection {
 public:
  Connection(const Poco::Net::StreamSocket& socket, ServerShared& shared)
      : TCPServerConnection(socket), shared_(shared), app_(shared.app) {}

  void run() override {
    // Registered for the whole connection; unregistered (end of run) before the socket closes.
    RequestDeadlines::Entry deadline(shared_.deadlines, socket().impl()->sockfd());
    Session session(socket(), shared_.params);
    // A client that stops reading our answer: a send that makes no progress for this long fails.
    socket().setSendTimeout(shared_.params->getTimeout());
    try {
      while (!deadline.expired() && session.hasMoreRequests()) {
        deadline.arm();
        std::optional<Received> r = receive(session, deadline);
        deadline.disarm();
        if (!r) break;
        Response res = r->refusal ? *r->refusal : handle(r->req);
        bool keep = r->keep_alive && !r->refusal && res.header("Connection") != "close" && !(res.stream && r->http10);
        write_response(socket(), std::move(res),
                       {r->req.method == "HEAD", keep, r->http10, app_.config().secure_cookies});
        if (!keep) break;
      }
    } catch (const std::exception&) {
      // The connection failed while waiting or writing: nothing more can be said on it.
    }
  }

 private:
  // Reads one request: headers, framing, body. nullopt when there is nothing to answer
  // (the client closed, or the deadline or a receive timeout cut the request off).
  std::optional<Received> receive(Session& session, RequestDeadlines::Entry& deadline) {
    Received r;
    try {
      // The request reads its headers from the session as it is constructed; Poco wants a
      // response object beside it, but answers are written by write_response().
      Poco::Net::HTTPServerResponseImpl unused(session);
      Poco::Net::HTTPServerRequestImpl in(unused, session, shared_.params);
      Request& req = r.req;
      copy_head(in, req);
      r.http10 = in.getVersion() == Poco::Net::HTTPMessage::HTTP_1_0;
      r.keep_alive = in.getKeepAlive();

      FramingResult framing = body_framing(in);
      if (framing.problem) {
        r.refusal = refuse(req, 400, "");
        return r;
      }
      if (!parse_urlencoded(req.query_string, req.query)) {
        r.refusal = refuse(req, 400, "The address is not valid");
        return r;
      }
      // A body somewhat over the limit is read and dropped, so the client gets the 413 page
      // rather than a reset connection; a much larger one is refused before it is read.
      // A file upload (multipart/form-data) may be larger than a form, but is not drained far past it.
      const bool upload = lower(req.header("content-type")).rfind("multipart/form-data", 0) == 0;
      const size_t limit = upload ? app_.config().max_upload_bytes : app_.config().max_body_bytes;
      const size_t drain_limit = upload ? limit + (1 << 20) : limit * 8;
      const bool refused_unread = framing.framing.kind == BodyFraming::Length &&
                                  static_cast<uint64_t>(framing.framing.length) > drain_limit;
      if (framing.framing.kind != BodyFraming::None && !refused_unread && in.getExpectContinue()) {
        unused.setVersion(in.getVersion());
        unused.sendContinue();
      }
      SessionSource source(session);
      BodyStatus body = read_body(source, framing.framing, limit, drain_limit, req.body);
      if (deadline.expired() || body == BodyStatus::Incomplete) return std::nullopt;
      if (body == BodyStatus::TooLarge) r.refusal = refuse(req, 413);
      else if (body == BodyStatus::Malformed) r.refusal = refuse(req, 400);
      return r;
    } catch (const Poco::Net::NoMessageException&) {
      return std::nullopt;  // the client closed the connection between requests
    } catch (const Poco::TimeoutException&) {
      return std::nullopt;
    } catch (const std::exception&) {
      if (deadline.expired()) return std::nullopt;
      // Poco could not parse the request (a bad request line, a URI over 16 KB, too many or too
      // long header fields, a Content-Length it cannot read): answer 400 like any other refusal.
      Received bad;
      bad.refusal = refuse(bad.req, 400);
      return bad;
    }
  }

  // The app's work on a received request: the form, then App::handle inside the gate.
  Response handle(Request& req) {
    std::string type = lower(req.header("content-type"));
    if (type.rfind("application/x-www-form-urlencoded", 0) == 0 && !parse_urlencoded(req.body, req.form))
      return refuse(req, 400, "The form could not be read. Go back and try again.");
    if (type.rfind("multipart/form-data", 0) == 0) {
      auto boundary = multipart_boundary(req.header("content-type"));
      auto parts = boundary ? parse_multipart(req.body, *boundary) : std::nullopt;
      if (!parts) return refuse(req, 400, "The form could not be read. Go back and try again.");
      req.form = std::move(parts->fields);
      req.files = std::move(parts->files);
      req.body.clear();
    }
    if (req.form.size() > 1000) return refuse(req, 413);
    // Reading the request and sending the response happen outside the gate: only the work does.
    std::optional<util::Gate::Pass> pass;
    try {
      pass.emplace(shared_.gate);
    } catch (const util::Gate::Full& e) {
      std::cerr << "busy: " << req.method << " " << req.path << ": " << e.what() << std::endl;
      Response r = refuse(req, 503);
      r.set_header("Retry-After", "5");
      return r;
    }
    return app_.handle(req);
  }

  // Errors found before the app has the request: rendered by the app so they look the same.
  Response refuse(Request& req, int status, const std::string& message = "") {
    req.form.clear();
    Context ctx(req, app_);
    Response r = app_.error_page(ctx, status, message);
    r.set_header("Connection", "close");
    return r;
  }

  ServerShared& shared_;
  App& app_;
};

}  // namespace

Poco::Net::TCPServerConnection* ConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket) {
  return new Connection(socket, shared_);
}

}  // namespace core::web
