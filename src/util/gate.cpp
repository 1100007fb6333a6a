#include "util/gate.h"

#include <string>

namespace core::util {
namespace {
thread_local Gate* t_current = nullptr;  // the gate this thread holds a place in
}

void Gate::enter() {
  if (limit_ <= 0) return;
  std::unique_lock<std::mutex> lock(mu_);
  if (active_ < limit_ && queue_.empty()) {
    ++active_;
    return;
  }
  Waiter w;
  queue_.push_back(&w);
  if (max_wait_.count() <= 0) {
    w.cv.wait(lock, [&] { return w.ready; });  // the place was handed over: active_ already counts it
    return;
  }
  if (w.cv.wait_for(lock, max_wait_, [&] { return w.ready; })) return;
  // Not handed a place in time (and, under the lock, not now either): leave the queue.
  for (auto it = queue_.begin(); it != queue_.end(); ++it)
    if (*it == &w) {
      queue_.erase(it);
      break;
    }
  throw Full("no place to work on the request became free within " + std::to_string(max_wait_.count()) + " ms");
}

void Gate::leave() {
  if (limit_ <= 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.empty()) {
    --active_;
    return;
  }
  Waiter* next = queue_.front();  // hand the place straight to the longest waiting request
  queue_.pop_front();
  next->ready = true;
  next->cv.notify_one();
}

Gate::Pass::Pass(Gate& g) : gate_(g), outer_(t_current) {
  gate_.enter();
  t_current = &gate_;
}

Gate::Pass::~Pass() {
  if (t_current == &gate_) gate_.leave();  // not if an Outside gave the place up already
  t_current = outer_;
}

Gate::Outside::Outside() : gate_(t_current) {
  if (gate_) gate_->leave();
  t_current = nullptr;
}

// The request finishes without a place: queueing again could wait behind requests that wait
// for a database lock this request holds.
Gate::Outside::~Outside() = default;

}  // namespace core::util
