// A first-come-first-served limit on how many requests do their work at once.
//
// Poco's HTTP server gives every open connection its own thread, so with 64 busy keep-alive
// connections there are 64 runnable threads on a 2-core machine. The kernel then shares the
// cores between all of them: every request is sliced up and its latency depends on luck
// (users page, 64 connections: p50 9 ms but p99 130–150 ms). With the gate, at most `limit`
// requests run; the others sleep in a queue and are let in in arrival order, each running to
// completion with the CPU to itself. Throughput stays the same or improves (fewer context switches,
// warmer caches) and the p99 comes close to the p50 (docs/performance.md).
//
// A request that waits on another service (SMTP, the postcode API) gives its place up with a
// Gate::Outside scope, so a slow service cannot hold the queue up; it then finishes without a
// place (queueing again could wait behind requests that wait for a database lock it holds).
//
// The wait for a place is bounded (max_wait): a request that has not been let in by then gets
// Gate::Full, which the server answers 503, instead of waiting for ever behind requests that are
// stuck (issue 11: a save once waited about 30 s while the machine was busy).
#pragma once
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>

namespace core::util {

class Gate {
 public:
  // No place became free within max_wait.
  class Full : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
  };
  // limit <= 0: no limit (enter and leave do nothing). max_wait <= 0: wait as long as it takes.
  explicit Gate(int limit, std::chrono::milliseconds max_wait = std::chrono::milliseconds(0))
      : limit_(limit), max_wait_(max_wait) {}
  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;
  // Requests queued for a place now.
  size_t waiting() {
    std::lock_guard<std::mutex> lock(mu_);
    return queue_.size();
  }

  // Holds a place for the current thread's request while it exists.
  class Pass {
   public:
    explicit Pass(Gate& g);  // throws Full when no place is free within the gate's max_wait
    ~Pass();
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;

   private:
    Gate& gate_;
    Gate* outer_;
  };

  // Gives the current thread's place up (no-op outside a Pass); the request finishes without one.
  class Outside {
   public:
    Outside();
    ~Outside();
    Outside(const Outside&) = delete;
    Outside& operator=(const Outside&) = delete;

   private:
    Gate* gate_;
  };

 private:
  void enter();
  void leave();
  struct Waiter {
    std::condition_variable cv;
    bool ready = false;
  };
  const int limit_;
  const std::chrono::milliseconds max_wait_;
  std::mutex mu_;
  int active_ = 0;
  std::deque<Waiter*> queue_;
};

}  // namespace core::util
