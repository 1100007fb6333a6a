// One client connection of the HTTP server: reads each request (strictly framed, within the
// request deadline), hands it to App::handle(), writes the answer, and keeps the connection
// alive between requests. This is the loop of Poco's HTTPServerConnection, owned here so that
// every byte read is under a deadline (web/request_deadlines.h), bodies are framed strictly
// (web/framing.h, web/body_reader.h), and every answer, including those to requests Poco cannot
// parse, leaves through one writer with the security headers (web/response_writer.h).
#pragma once
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <chrono>

#include "util/gate.h"
#include "web/request_deadlines.h"

namespace core::web {

class App;

// What all connections share; it outlives them (HttpServer owns it).
struct ServerShared {
  ServerShared(App& a, Poco::Net::HTTPServerParams::Ptr p, std::chrono::milliseconds request_timeout, int active_requests,
               std::chrono::milliseconds queue_wait = std::chrono::milliseconds(0))
      : app(a), params(std::move(p)), deadlines(request_timeout), gate(active_requests, queue_wait) {}
  App& app;
  Poco::Net::HTTPServerParams::Ptr params;
  RequestDeadlines deadlines;
  util::Gate gate;  // requests worked on at once (util/gate.h)
};

class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  explicit ConnectionFactory(ServerShared& shared) : shared_(shared) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

 private:
  ServerShared& shared_;
};

}  // namespace core::web
