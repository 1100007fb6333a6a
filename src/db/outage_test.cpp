// Issue 11, finding 4: a PostgreSQL restart cost every pooled connection one failed request (500),
// and while the database was down users got a 500 page. Broken connections are now replaced when
// handed out, a statement that found its connection broken is retried once where that is safe, and
// an unreachable database is DatabaseUnavailable (503). The whole restart is tested under load by
// tests/pg_restart_test.sh; these tests kill single backends with pg_terminate_backend.
// Also: every wait a save can make is bounded (the SQLite write lock here; util/gate_test.cpp).
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "db/database.h"
#include "test_app.h"
#include "test_db.h"

using namespace core;
using namespace std::chrono_literals;

namespace {
int64_t backend_pid(db::Connection& c) { return c.query_one("SELECT pg_backend_pid()")->i64(0); }

// Ends a backend from another connection and waits (bounded) until the client's socket shows it.
void terminate(db::Database& admin, int64_t pid, db::Connection& victim) {
  auto a = admin.acquire();
  a->query("SELECT pg_terminate_backend(?)", {pid});
  for (int i = 0; i < 1000 && victim.usable(); ++i) std::this_thread::sleep_for(5ms);
}
}  // namespace

TEST(Outage, AnUnreachableDatabaseIsUnavailableNotAnError) {
  // Port 1 on this machine: nothing listens, so the connection is refused at once.
  EXPECT_THROW(db::Database("postgresql://postgres@127.0.0.1:1/core", 2), db::DatabaseUnavailable);
}

TEST(Outage, BrokenIdleConnectionsAreReplacedWhenHandedOut) {
  test::TestDatabase t;
  if (!t.postgres()) GTEST_SKIP() << "PostgreSQL only (scripts/test.sh runs it with CORE_TEST_PG)";
  db::Database pool(t.url(), 4);
  std::set<int64_t> before;
  {
    std::vector<db::Lease> held;
    for (int i = 0; i < 3; ++i) {
      held.push_back(pool.acquire());
      before.insert(backend_pid(*held.back()));
    }
    for (auto& l : held)
      terminate(t.db(), backend_pid(*l) , *l);
    for (auto& l : held) EXPECT_FALSE(l->usable()) << "the server closed it";
  }  // all three go back to the pool, broken
  std::vector<db::Lease> again;
  for (int i = 0; i < 3; ++i) {
    again.push_back(pool.acquire());
    int64_t pid = 0;
    ASSERT_NO_THROW(pid = backend_pid(*again.back())) << "request " << i << " got a broken connection";
    EXPECT_EQ(before.count(pid), 0u) << "a new backend, not the terminated one";
  }
}

TEST(Outage, AStatementThatFindsItsConnectionBrokenRunsOnAFreshOne) {
  test::TestDatabase t;
  if (!t.postgres()) GTEST_SKIP() << "PostgreSQL only (scripts/test.sh runs it with CORE_TEST_PG)";
  db::Database pool(t.url(), 2);
  auto c = pool.acquire();
  int64_t pid = backend_pid(*c);
  terminate(t.db(), pid, *c);
  // Nothing had been sent on the broken connection, so even a write is safe to send on a new one.
  EXPECT_EQ(c->exec("INSERT INTO app_settings (key, value) VALUES ('outage', '1')"), 1);
  EXPECT_NE(backend_pid(*c), pid);
  auto check = t.db().acquire();
  EXPECT_TRUE(check->query_one("SELECT value FROM app_settings WHERE key = 'outage'"));
}

TEST(Outage, AConnectionLostInATransactionIsUnavailableAndNothingIsWritten) {
  test::TestDatabase t;
  if (!t.postgres()) GTEST_SKIP() << "PostgreSQL only (scripts/test.sh runs it with CORE_TEST_PG)";
  db::Database pool(t.url(), 2);
  auto c = pool.acquire();
  EXPECT_THROW(c->transaction([&] {
    c->exec("INSERT INTO app_settings (key, value) VALUES ('half', '1')");
    terminate(t.db(), backend_pid(*c), *c);
    c->exec("INSERT INTO app_settings (key, value) VALUES ('half2', '1')");  // not retried: the first is lost
  }),
               db::DatabaseUnavailable);
  auto check = t.db().acquire();
  EXPECT_FALSE(check->query_one("SELECT value FROM app_settings WHERE key IN ('half', 'half2')"));
  EXPECT_EQ(c->query_one("SELECT 1")->i64(0), 1) << "the next statement gets a fresh connection";
}

TEST(Outage, TheWebAnswers503ServiceUnavailable) {
  test::TestApp t(false);
  t.app().get("/test-only/db-down", [](web::Context&) -> web::Response {
    throw db::DatabaseUnavailable("cannot connect to PostgreSQL: connection refused");
  }, web::Access::Public);
  web::Request req;
  req.method = "GET";
  req.path = "/test-only/db-down";
  auto r = t.app().handle(req);
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(test::contains(r.body, "Sorry, the service is unavailable"));
  EXPECT_TRUE(test::contains(r.body, "govuk-heading-l"));
  EXPECT_FALSE(test::contains(r.body, "connection refused")) << "no internals on the page";
  EXPECT_EQ(r.header("Retry-After"), "30");
}

TEST(WaitsAreBounded, TheSqliteWriteLockGivesUpWithDatabaseBusy) {
  test::TestDatabase t;
  if (t.postgres()) GTEST_SKIP() << "SQLite only: PostgreSQL has no in-process write lock";
  auto a = t.db().acquire();
  auto b = t.db().acquire();
  auto held = a->lock_for_writing();  // a save stuck with the lock
  EXPECT_THROW(b->transaction([&] { b->exec("INSERT INTO app_settings (key, value) VALUES ('w', '1')"); }),
               db::DatabaseBusy);
  held.unlock();
  EXPECT_NO_THROW(b->transaction([&] { b->exec("INSERT INTO app_settings (key, value) VALUES ('w', '1')"); }));
}

TEST(WaitsAreBounded, APostgresqlRowLockWaitGivesUpWithDatabaseBusy) {
  test::TestDatabase t;
  if (!t.postgres()) GTEST_SKIP() << "PostgreSQL only (SQLite: the write lock test above)";
  auto a = t.db().acquire();
  auto b = t.db().acquire();
  a->exec("INSERT INTO app_settings (key, value) VALUES ('row', '1')");
  a->transaction([&] {
    a->exec("UPDATE app_settings SET value = '2' WHERE key = 'row'");  // holds the row's lock
    EXPECT_THROW(b->exec("UPDATE app_settings SET value = '3' WHERE key = 'row'"), db::DatabaseBusy);
  });
  EXPECT_EQ(b->query_one("SELECT value FROM app_settings WHERE key = 'row'")->str(0), "2");
}
