// The durable job table (ADR 0015) on a fresh database: SQLite, or PostgreSQL when CORE_TEST_PG is set.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "jobs/jobs.h"
#include "test_db.h"

using namespace core;

namespace {
// A job's lease ran out, as if its server had been killed while it worked.
void expire_lease(db::Connection& c, int64_t id) { c.exec("UPDATE jobs SET claimed_until = '2000-01-01T00:00:00Z' WHERE id = ?", {id}); }
}  // namespace

TEST(Jobs, QueuedClaimedOnceAndFinished) {
  test::TestDatabase t;
  auto c = t.db().acquire();
  int64_t a = jobs::enqueue(*c, "echo", "one"), b = jobs::enqueue(*c, "echo", "two");
  auto first = jobs::claim(*c, "w1", 60);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, a) << "oldest first";
  EXPECT_EQ(first->state, "running");
  EXPECT_EQ(first->attempts, 1);
  auto second = jobs::claim(*c, "w2", 60);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, b) << "a running job with a lease is not claimed again";
  EXPECT_FALSE(jobs::claim(*c, "w3", 60));
  EXPECT_TRUE(jobs::report(*c, a, "w1", 5, 10, 60));
  EXPECT_FALSE(jobs::report(*c, a, "w2", 6, 10, 60)) << "only its own worker reports on a job";
  EXPECT_FALSE(jobs::finish(*c, a, "w2", "not mine"));
  EXPECT_TRUE(jobs::finish(*c, a, "w1", "done one"));
  auto done = jobs::find(*c, a);
  EXPECT_EQ(done->state, "done");
  EXPECT_EQ(done->result.value_or(""), "done one");
  EXPECT_EQ(done->progress, 5);
  EXPECT_EQ(done->progress_total, 10);
  EXPECT_FALSE(jobs::finish(*c, a, "w1", "twice")) << "a finished job stays finished";
}

TEST(Jobs, AJobWhoseWorkerStoppedIsClaimedAgainThenFails) {
  test::TestDatabase t;
  auto c = t.db().acquire();
  int64_t id = jobs::enqueue(*c, "echo", "x", 2);
  ASSERT_TRUE(jobs::claim(*c, "killed", 60));
  expire_lease(*c, id);
  auto again = jobs::claim(*c, "w2", 60);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, id);
  EXPECT_EQ(again->attempts, 2);
  EXPECT_FALSE(jobs::report(*c, id, "killed", 1, 1, 60)) << "the first worker has lost it";
  expire_lease(*c, id);
  EXPECT_FALSE(jobs::claim(*c, "w3", 60)) << "out of attempts";
  auto failed = jobs::find(*c, id);
  EXPECT_EQ(failed->state, "failed");
  EXPECT_TRUE(failed->error && !failed->error->empty());
}

TEST(Jobs, AFailedAttemptIsRetriedWhileAttemptsAreLeft) {
  test::TestDatabase t;
  auto c = t.db().acquire();
  int64_t id = jobs::enqueue(*c, "echo", "x", 2);
  ASSERT_TRUE(jobs::claim(*c, "w", 60));
  EXPECT_TRUE(jobs::fail(*c, id, "w", "first try broke", true));
  EXPECT_EQ(jobs::find(*c, id)->state, "queued");
  EXPECT_FALSE(jobs::claim(*c, "w", 60)) << "not due until after its pause";
  c->exec("UPDATE jobs SET run_after = '2000-01-01T00:00:00Z' WHERE id = ?", {id});
  ASSERT_TRUE(jobs::claim(*c, "w", 60));
  EXPECT_TRUE(jobs::fail(*c, id, "w", "second try broke", true));
  auto j = jobs::find(*c, id);
  EXPECT_EQ(j->state, "failed") << "no attempts left";
  EXPECT_EQ(j->error.value_or(""), "second try broke");
}

TEST(Jobs, WorkerRunsHandlersAndRecordsFailures) {
  test::TestDatabase t;
  jobs::Worker w(t.db(), "test-worker");
  w.handle("upper", [](db::Connection&, jobs::Run& r) {
    EXPECT_TRUE(r.progress(1, 1));
    std::string s = r.job.payload;
    for (auto& ch : s) ch = char(std::toupper(static_cast<unsigned char>(ch)));
    return s;
  });
  w.handle("broken", [](db::Connection&, jobs::Run&) -> std::string { throw std::runtime_error("the file could not be read"); });
  int64_t ok, bad, unknown;
  {
    auto c = t.db().acquire();
    ok = jobs::enqueue(*c, "upper", "abc");
    bad = jobs::enqueue(*c, "broken", "", 1);
    unknown = jobs::enqueue(*c, "nobody-handles-this", "");
  }
  EXPECT_EQ(w.run_due(), 3);
  auto c = t.db().acquire();
  EXPECT_EQ(jobs::find(*c, ok)->result.value_or(""), "ABC");
  EXPECT_EQ(jobs::find(*c, bad)->state, "failed");
  EXPECT_EQ(jobs::find(*c, bad)->error.value_or(""), "the file could not be read");
  EXPECT_EQ(jobs::find(*c, unknown)->state, "failed");
}

// Two workers on two connections claiming at once never take the same job.
TEST(Jobs, TwoWorkersNeverRunOneJobTwice) {
  test::TestDatabase t;
  {
    auto c = t.db().acquire();
    for (int i = 0; i < 40; ++i) jobs::enqueue(*c, "count", std::to_string(i));
  }
  std::atomic<int> runs{0};
  std::mutex m;
  std::multiset<std::string> seen;
  auto handler = [&](db::Connection&, jobs::Run& r) {
    runs.fetch_add(1);
    std::lock_guard<std::mutex> g(m);
    seen.insert(r.job.payload);
    return std::string("ok");
  };
  jobs::Worker a(t.db(), "a"), b(t.db(), "b");
  a.handle("count", handler);
  b.handle("count", handler);
  int ran_a = 0, ran_b = 0;
  std::thread x([&] { ran_a = a.run_due(); }), y([&] { ran_b = b.run_due(); });
  x.join();
  y.join();
  EXPECT_EQ(ran_a + ran_b, 40);
  EXPECT_EQ(runs.load(), 40);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(seen.count(std::to_string(i)), 1u) << "job " << i;
  auto c = t.db().acquire();
  EXPECT_EQ(c->query_one("SELECT COUNT(*) FROM jobs WHERE state = 'done'")->i64(0), 40);
}

// The worker thread picks a job up once woken (no poll wait).
TEST(Jobs, TheBackgroundWorkerRunsAJobWhenWoken) {
  test::TestDatabase t;
  jobs::Worker w(t.db(), "bg", 60, 60000);
  std::atomic<bool> ran{false};
  w.handle("flag", [&](db::Connection&, jobs::Run&) {
    ran = true;
    return std::string("ok");
  });
  w.start();
  int64_t id;
  {
    auto c = t.db().acquire();
    id = jobs::enqueue(*c, "flag", "");
  }
  w.wake();
  for (int i = 0; i < 500 && !ran; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  w.stop();
  EXPECT_TRUE(ran.load());
  auto c = t.db().acquire();
  EXPECT_EQ(jobs::find(*c, id)->state, "done");
}
