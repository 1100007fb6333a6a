// A process-wide copy of records read on almost every request (organisations, users). An entry
// lives at most a second (other processes may change the records too) and goes at once when the
// version its owner gives changes (bumped by every change this process makes to those records, and
// again once that change has committed, so a row read while it was committing is not kept). Never
// for what decides access: see docs/adr/0006-the-save-path.md.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace core::util {

// How long an entry may be used: the most another process's change can go unseen here.
inline constexpr std::chrono::milliseconds kShortCacheLifetime{1000};

template <typename T>
class ShortCache {
 public:
  explicit ShortCache(std::function<uint64_t()> version) : version_(std::move(version)) {}

  template <typename Load>
  T get(int64_t id, Load load) {
    auto now = std::chrono::steady_clock::now();
    uint64_t version = version_();
    {
      std::lock_guard<std::mutex> g(m_);
      auto it = entries_.find(id);
      if (it != entries_.end() && it->second.version == version && now - it->second.at < kShortCacheLifetime)
        return it->second.value;
    }
    T value = load();
    std::lock_guard<std::mutex> g(m_);
    if (entries_.size() > 10000) entries_.clear();
    entries_[id] = Entry{value, version, now};
    return value;
  }

 private:
  struct Entry {
    T value;
    uint64_t version;
    std::chrono::steady_clock::time_point at;
  };
  std::function<uint64_t()> version_;
  std::mutex m_;
  std::unordered_map<int64_t, Entry> entries_;
};

}  // namespace core::util
