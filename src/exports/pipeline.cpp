#include "exports/pipeline.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace core::exports {

void pipelined(const std::function<void(const LogFn&)>& read, const LogFn& handle) {
  constexpr size_t kBatch = 256, kQueued = 8;
  std::mutex m;
  std::condition_variable cv;
  std::deque<std::vector<logs::store::LogWithPeople>> queue;
  bool finished = false, stopping = false;
  std::exception_ptr failure;
  struct Stopped {};
  std::thread producer([&] {
    std::vector<logs::store::LogWithPeople> batch;
    auto hand_over = [&] {
      std::unique_lock lock(m);
      cv.wait(lock, [&] { return queue.size() < kQueued || stopping; });
      if (stopping) throw Stopped{};
      queue.push_back(std::move(batch));
      batch.clear();
      cv.notify_all();
    };
    try {
      read([&](const logs::store::LogWithPeople& x) {
        batch.push_back(x);
        if (batch.size() >= kBatch) hand_over();
      });
      if (!batch.empty()) hand_over();
    } catch (const Stopped&) {
    } catch (...) {
      std::lock_guard lock(m);
      failure = std::current_exception();
    }
    std::lock_guard lock(m);
    finished = true;
    cv.notify_all();
  });
  try {
    for (;;) {
      std::vector<logs::store::LogWithPeople> batch;
      {
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return !queue.empty() || finished; });
        if (queue.empty()) break;
        batch = std::move(queue.front());
        queue.pop_front();
        cv.notify_all();
      }
      for (auto& x : batch) handle(x);
    }
  } catch (...) {
    {
      std::lock_guard lock(m);
      stopping = true;
      cv.notify_all();
    }
    producer.join();
    throw;
  }
  producer.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace core::exports
