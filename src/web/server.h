// The HTTP server in front of an App: Poco's TCPServer accepts connections and gives each a
// thread from the pool (CORE_THREADS, one per open connection, STACK-NOTES §5.4); the
// connection loop itself is ours (web/connection.h).
#pragma once
#include <memory>

namespace core::web {

class App;

class HttpServer {
 public:
  explicit HttpServer(App& app);
  ~HttpServer();
  // Starts serving; returns the bound port (0 picks a free one).
  int start(int port);
  // Stops accepting, closes every open connection and waits for their threads.
  void stop();

 private:
  struct Running;
  App& app_;
  std::unique_ptr<Running> running_;
};

// Runs the HTTP server until SIGINT/SIGTERM.
int serve(App& app);

}  // namespace core::web
