#include "web/request_deadlines.h"

#include <sys/socket.h>

namespace core::web {

using Clock = std::chrono::steady_clock;

RequestDeadlines::RequestDeadlines(std::chrono::milliseconds timeout) : timeout_(timeout) {
  thread_ = std::thread([this] { watch(); });
}

RequestDeadlines::~RequestDeadlines() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void RequestDeadlines::watch() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!quit_) {
    auto now = Clock::now();
    auto next = Clock::time_point::max();
    for (auto& s : slots_) {
      if (!s.armed) continue;
      if (s.deadline <= now) {
        s.armed = false;
        s.expired = true;
        ::shutdown(s.fd, SHUT_RDWR);
      } else {
        next = std::min(next, s.deadline);
      }
    }
    if (next == Clock::time_point::max()) cv_.wait(lock);
    else cv_.wait_until(lock, next);
  }
}

void RequestDeadlines::shutdown_all() {
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = true;
  for (auto& s : slots_) {
    s.armed = false;
    s.expired = true;
    ::shutdown(s.fd, SHUT_RDWR);
  }
}

RequestDeadlines::Entry::Entry(RequestDeadlines& d, int fd) : d_(d) {
  std::lock_guard<std::mutex> lock(d_.mu_);
  slot_ = d_.slots_.insert(d_.slots_.end(), Slot{fd, false, false, {}});
  if (d_.stopping_) {
    slot_->expired = true;
    ::shutdown(fd, SHUT_RDWR);
  }
}

RequestDeadlines::Entry::~Entry() {
  std::lock_guard<std::mutex> lock(d_.mu_);
  d_.slots_.erase(slot_);
}

void RequestDeadlines::Entry::arm() {
  bool wake;
  {
    std::lock_guard<std::mutex> lock(d_.mu_);
    if (slot_->expired) return;
    slot_->armed = true;
    slot_->deadline = Clock::now() + d_.timeout_;
    // Every deadline is now + the same timeout, so a new one is never earlier than one already
    // armed: the watchdog needs waking only when it is asleep without a deadline.
    wake = true;
    for (const auto& s : d_.slots_)
      if (s.armed && &s != &*slot_) {
        wake = false;
        break;
      }
  }
  if (wake) d_.cv_.notify_one();
}

void RequestDeadlines::Entry::disarm() {
  std::lock_guard<std::mutex> lock(d_.mu_);
  slot_->armed = false;
}

bool RequestDeadlines::Entry::expired() const {
  std::lock_guard<std::mutex> lock(d_.mu_);
  return slot_->expired;
}

}  // namespace core::web
