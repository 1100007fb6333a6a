#include "web/server.h"

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Thread.h>
#include <Poco/ThreadPool.h>

#include <csignal>
#include <iostream>
#include <stdexcept>
#include <string>

#include "web/app.h"
#include "web/connection.h"

namespace core::web {
namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

Poco::Net::HTTPServerParams::Ptr params_for(const Config& c) {
  Poco::Net::HTTPServerParams::Ptr p = new Poco::Net::HTTPServerParams;
  p->setMaxThreads(c.threads);
  p->setMaxQueued(512);
  // Bounds the wait for a new connection's first byte and each receive; the whole request is
  // bounded by the request deadline (web/request_deadlines.h).
  p->setTimeout(Poco::Timespan(c.request_timeout_seconds, 0));
  p->setKeepAlive(true);
  p->setKeepAliveTimeout(Poco::Timespan(5, 0));
  p->setMaxKeepAliveRequests(0);  // no limit
  return p;
}

}  // namespace

struct HttpServer::Running {
  Running(App& app, int threads)
      : params(params_for(app.config())),
        shared(app, params, std::chrono::seconds(app.config().request_timeout_seconds), app.config().active_requests,
               std::chrono::seconds(app.config().queue_wait_seconds)),
        pool(2, threads) {}
  Poco::Net::HTTPServerParams::Ptr params;
  ServerShared shared;
  Poco::ThreadPool pool;
  std::unique_ptr<Poco::Net::TCPServer> tcp;
};

HttpServer::HttpServer(App& app) : app_(app) {}

HttpServer::~HttpServer() { stop(); }

int HttpServer::start(int port) {
  Poco::Net::ServerSocket socket;
  try {
    // SO_REUSEADDR (a restart need not wait out TIME_WAIT) but not SO_REUSEPORT, which Poco sets
    // with the two-argument bind: two servers would then share the port and split its requests.
    socket.bind(Poco::Net::SocketAddress("0.0.0.0", static_cast<Poco::UInt16>(port)), true, false);
    socket.listen(256);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("cannot listen on port " + std::to_string(port) + " (" + e.displayText() +
                             "): is another server using it? Set CORE_PORT to a free port, or 0 for any");
  }
  int bound = socket.address().port();
  auto running = std::make_unique<Running>(app_, app_.config().threads);
  running->tcp = std::make_unique<Poco::Net::TCPServer>(new ConnectionFactory(running->shared), running->pool, socket,
                                                        running->params);
  running->tcp->start();
  running_ = std::move(running);
  return bound;
}

void HttpServer::stop() {
  if (!running_) return;
  running_->tcp->stop();                   // no new connections
  running_->shared.deadlines.shutdown_all();  // wake and close the open ones
  running_->pool.joinAll();
  running_.reset();
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
