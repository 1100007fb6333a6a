#include "util/gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using core::util::Gate;
using namespace std::chrono_literals;

TEST(Gate, LetsWaitingRequestsInInArrivalOrder) {
  Gate gate(1);
  std::mutex mu;
  std::vector<int> order;
  auto held = std::make_unique<Gate::Pass>(gate);
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      Gate::Pass pass(gate);
      std::lock_guard<std::mutex> l(mu);
      order.push_back(i);
    });
    while (gate.waiting() < static_cast<size_t>(i + 1)) std::this_thread::sleep_for(1ms);  // i queues before i+1
  }
  {
    std::lock_guard<std::mutex> l(mu);
    EXPECT_TRUE(order.empty()) << "the only place is taken";
  }
  held.reset();
  for (auto& t : threads) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
}

TEST(Gate, NeverLetsMoreThanTheLimitIn) {
  Gate gate(2);
  std::atomic<int> inside{0}, most{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < 50; ++k) {
        Gate::Pass pass(gate);
        int now = ++inside;
        for (int m = most; now > m && !most.compare_exchange_weak(m, now);) {
        }
        std::this_thread::sleep_for(100us);
        --inside;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_LE(most.load(), 2);
  EXPECT_GE(most.load(), 1);
}

TEST(Gate, OutsideGivesThePlaceUpForGood) {
  Gate gate(1);
  std::atomic<bool> other_ran{false};
  {
    Gate::Pass pass(gate);
    std::thread other([&] {
      Gate::Pass p(gate);
      other_ran = true;
    });
    while (gate.waiting() < 1) std::this_thread::sleep_for(1ms);
    EXPECT_FALSE(other_ran) << "the only place is taken";
    {
      Gate::Outside waiting;  // e.g. on a mail server
      other.join();           // the other request gets the place meanwhile
      EXPECT_TRUE(other_ran);
    }
  }  // leaving the Pass does not give a place back twice
  Gate::Pass again(gate);  // would block for ever if the count were wrong
  SUCCEED();
}

TEST(Gate, NoLimitMeansNoWaiting) {
  Gate gate(0);
  Gate::Pass a(gate), b(gate), c(gate);
  Gate::Outside o;
  SUCCEED();
}

// Issue 11: a request does not wait for ever for its turn; it gets Gate::Full (the server answers
// 503), leaves the queue, and the requests behind it are still let in in order.
TEST(Gate, GivesUpAfterMaxWaitAndLeavesTheQueueClean) {
  Gate gate(1, 1000ms);  // long enough that `next` below is never late on a loaded machine
  auto held = std::make_unique<Gate::Pass>(gate);
  EXPECT_THROW(Gate::Pass late(gate), Gate::Full);
  EXPECT_EQ(gate.waiting(), 0u) << "the request that gave up is not left in the queue";
  std::atomic<bool> in{false};
  std::thread next([&] {
    Gate::Pass pass(gate);
    in = true;
  });
  while (gate.waiting() < 1) std::this_thread::sleep_for(1ms);
  held.reset();  // the place goes to the waiting request, not to the one that gave up
  next.join();
  EXPECT_TRUE(in);
  EXPECT_NO_THROW(Gate::Pass again(gate)) << "the place came back when it left";
}
