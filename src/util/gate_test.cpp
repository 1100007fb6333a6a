#include "util/gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using core::util::Gate;
using namespace std::chrono_literals;

TEST(Gate, LetsAtMostTheLimitInAndTheRestInArrivalOrder) {
  Gate gate(2);
  std::atomic<int> inside{0}, most{0};
  std::mutex mu;
  std::vector<int> order;
  auto first = std::make_unique<Gate::Pass>(gate);  // holds one place until released below
  auto second = std::make_unique<Gate::Pass>(gate);
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      Gate::Pass pass(gate);
      int now = ++inside;
      for (int m = most; now > m && !most.compare_exchange_weak(m, now);) {
      }
      {
        std::lock_guard<std::mutex> l(mu);
        order.push_back(i);
      }
      std::this_thread::sleep_for(2ms);
      --inside;
    });
    std::this_thread::sleep_for(20ms);  // so thread i is queued before thread i+1
  }
  {
    std::lock_guard<std::mutex> l(mu);
    EXPECT_TRUE(order.empty()) << "both places are taken";
  }
  second.reset();  // passes end in reverse order, as scopes do
  first.reset();
  for (auto& t : threads) t.join();
  EXPECT_LE(most.load(), 2);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(most.load(), 2) << "both places were handed on";
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
    std::this_thread::sleep_for(30ms);
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
