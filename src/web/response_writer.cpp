#include "web/response_writer.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timestamp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "web/security_headers.h"

namespace core::web {
namespace {

void send_all(Poco::Net::StreamSocket& socket, const std::string& head, const std::string& body) {
  iovec parts[2] = {{const_cast<char*>(head.data()), head.size()}, {const_cast<char*>(body.data()), body.size()}};
  msghdr msg{};
  msg.msg_iov = parts;
  msg.msg_iovlen = body.empty() ? 1 : 2;
  size_t total = head.size() + body.size(), sent = 0;
  ssize_t n;
  do n = ::sendmsg(socket.impl()->sockfd(), &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n > 0) sent = static_cast<size_t>(n);
  // Whatever the kernel did not take at once (a slow client, a send timeout, an error) goes
  // through Poco, which waits, retries and throws.
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

}  // namespace

void write_response(Poco::Net::StreamSocket& socket, Response res, const WriteOptions& options) {
  add_security_headers(res, options.hsts);
  Poco::Net::HTTPResponse head(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(res.status));
  head.setVersion(options.http10 ? Poco::Net::HTTPMessage::HTTP_1_0 : Poco::Net::HTTPMessage::HTTP_1_1);
  head.setDate(Poco::Timestamp());
  head.setContentType(res.content_type);
  for (const auto& [k, v] : res.headers) {
    if (k == "Connection") continue;  // decided by keep_alive
    if (k == "Set-Cookie") head.add(k, v);
    else head.set(k, v);
  }
  if (res.stream) {
    // Chunked (HTTP/1.1), or to the end of the connection (HTTP/1.0, which has no chunks).
    bool chunked = !options.http10;
    head.setKeepAlive(options.keep_alive && chunked);
    if (chunked) head.setChunkedTransferEncoding(true);
    std::ostringstream out;
    head.write(out);
    static const std::string none;
    send_all(socket, out.str(), none);
    if (options.head_only) return;
    // Sent in parts of about 64 KB: big enough for few system calls, small enough to stay flat.
    std::string buffer;
    auto flush = [&] {
      if (buffer.empty()) return;
      if (chunked) {
        char size[24];
        int n = std::snprintf(size, sizeof size, "%zx\r\n", buffer.size());
        buffer += "\r\n";
        send_all(socket, std::string(size, size_t(n)), buffer);
      } else {
        send_all(socket, buffer, none);
      }
      buffer.clear();
    };
    try {
      res.stream([&](std::string_view part) {
        buffer.append(part);
        if (buffer.size() >= (64 << 10)) flush();
      });
    } catch (const std::exception& e) {
      // Too late for an error page: the connection is closed without the last chunk, and the
      // server log says why (the client went away, or the body could not be written).
      std::cerr << "streamed response stopped: " << e.what() << std::endl;
      throw;
    }
    flush();
    if (chunked) send_all(socket, "0\r\n\r\n", none);
    return;
  }
  head.setKeepAlive(options.keep_alive);
  head.setContentLength64(static_cast<Poco::Int64>(res.body.size()));
  // Poco writes the status line and headers into a stream; the head is then sent with the body
  // (Poco's own sendBuffer() goes through a 4 KB buffer: 34 send() calls for the stylesheet).
  std::ostringstream out;
  head.write(out);
  static const std::string none;
  send_all(socket, out.str(), options.head_only ? none : res.body);
}

}  // namespace core::web
