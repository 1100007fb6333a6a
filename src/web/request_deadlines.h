// A watchdog that closes connections whose request has not fully arrived in time.
//
// Poco's receive timeout bounds each recv(), so a client sending one byte every few seconds
// can keep a connection, and the thread serving it, for as long as it likes; a handful of such
// clients stop the service. Here every connection registers its socket; when a request's first
// byte arrives the connection arms its deadline, and disarms it once headers and body are read.
// One thread shuts down (::shutdown, which wakes the blocked recv) any socket whose deadline has
// passed. The wait between keep-alive requests is not covered: the keep-alive timeout bounds it.
//
// A socket is unregistered (under the same mutex the watchdog holds while shutting sockets
// down) before it is closed, so the watchdog never touches a file descriptor number that the
// kernel has since given to another connection.
#pragma once
#include <chrono>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>

namespace core::web {

class RequestDeadlines {
  struct Slot {
    int fd;
    bool armed = false, expired = false;
    std::chrono::steady_clock::time_point deadline;
  };

 public:
  explicit RequestDeadlines(std::chrono::milliseconds timeout);
  ~RequestDeadlines();
  RequestDeadlines(const RequestDeadlines&) = delete;
  RequestDeadlines& operator=(const RequestDeadlines&) = delete;

  // A connection's registration; it must be destroyed before the socket is closed.
  class Entry {
   public:
    Entry(RequestDeadlines& d, int fd);
    ~Entry();
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    void arm();            // a request has begun to arrive: the clock starts now
    void disarm();         // the request has been received
    bool expired() const;  // the deadline passed (or the server stopped) and the socket was shut

   private:
    RequestDeadlines& d_;
    std::list<Slot>::iterator slot_;
  };

  // The server is stopping: shuts down every registered socket, and any registered from now on.
  void shutdown_all();

 private:
  void watch();

  const std::chrono::milliseconds timeout_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::list<Slot> slots_;
  bool stopping_ = false, quit_ = false;
  std::thread thread_;
};

}  // namespace core::web
