#include "db/database.h"

#include <gtest/gtest.h>

#include "db/migrate.h"
#include "test_db.h"
#include "util/paths.h"

using namespace core;

TEST(DatabaseUrl, ParsesSqliteAbsoluteAndRelative) {
  EXPECT_EQ(db::parse_database_url("sqlite:///tmp/x.db").sqlite_path, "/tmp/x.db");
  EXPECT_EQ(db::parse_database_url("sqlite://var/core.sqlite3").sqlite_path, "var/core.sqlite3");
  EXPECT_EQ(db::parse_database_url("sqlite://var/core.sqlite3").dialect, db::Dialect::SQLite);
}

TEST(DatabaseUrl, ParsesPostgresql) {
  auto u = db::parse_database_url("postgresql://core:s%40cret@127.0.0.1:55432/core_dev");
  EXPECT_EQ(u.dialect, db::Dialect::PostgreSQL);
  EXPECT_NE(u.pg_conninfo.find("host='127.0.0.1'"), std::string::npos);
  EXPECT_NE(u.pg_conninfo.find("port='55432'"), std::string::npos);
  EXPECT_NE(u.pg_conninfo.find("dbname='core_dev'"), std::string::npos);
  EXPECT_NE(u.pg_conninfo.find("password='s@cret'"), std::string::npos);
  EXPECT_EQ(u.display.find("s@cret"), std::string::npos) << "the display form must not show the password";
}

TEST(DatabaseUrl, RejectsUnknownSchemes) {
  EXPECT_THROW(db::parse_database_url("mysql://x/y"), std::invalid_argument);
  EXPECT_THROW(db::parse_database_url("postgresql://host:5432"), std::invalid_argument);
  EXPECT_THROW(db::parse_database_url(""), std::invalid_argument);
}

TEST(Placeholders, RewritesQuestionMarksOutsideQuotes) {
  EXPECT_EQ(db::to_pg_placeholders("SELECT ? WHERE a = ? AND b = '?'"), "SELECT $1 WHERE a = $2 AND b = '?'");
}

TEST(Migrations, ApplyOnceAndRecordEachVersion) {
  test::TestDatabase t;
  auto again = db::migrate(t.db(), resource_root() / "migrations");
  EXPECT_TRUE(again.applied.empty());
  EXPECT_GE(again.already, 1u);
  auto c = t.db().acquire();
  EXPECT_EQ(c->query("SELECT version FROM schema_migrations").size(), again.already);
}

TEST(Connection, BindsNullsIntegersAndTextTheSameOnBothEngines) {
  test::TestDatabase t;
  auto c = t.db().acquire();
  c->exec("INSERT INTO app_settings (key, value) VALUES (?, ?)", {std::string("k"), std::string("it's")});
  auto r = c->query_one("SELECT value FROM app_settings WHERE key = ?", {std::string("k")});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->str(0), "it's");
  auto n = c->query_one("SELECT CAST(? AS INTEGER) AS a, ? AS b", {int64_t{42}, db::Null{}});
  EXPECT_EQ(n->i64("a"), 42);
  EXPECT_TRUE(n->is_null("b"));
  int64_t first = c->insert("INSERT INTO organisations (name, provider_type, created_at, updated_at) VALUES (?, 1, ?, ?)",
                            {std::string("A"), std::string("t"), std::string("t")});
  int64_t second = c->insert("INSERT INTO organisations (name, provider_type, created_at, updated_at) VALUES (?, 1, ?, ?)",
                             {std::string("B"), std::string("t"), std::string("t")});
  EXPECT_GT(first, 0);
  EXPECT_EQ(second, first + 1);
}

TEST(Connection, TransactionRollsBackOnError) {
  test::TestDatabase t;
  auto c = t.db().acquire();
  EXPECT_THROW(c->transaction([&] {
    c->exec("INSERT INTO app_settings (key, value) VALUES (?, ?)", {std::string("a"), std::string("1")});
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_FALSE(c->query_one("SELECT value FROM app_settings WHERE key = 'a'"));
}

TEST(Connection, UniqueViolationIsAConstraintError) {
  test::TestDatabase t;
  auto c = t.db().acquire();
  c->exec("INSERT INTO app_settings (key, value) VALUES ('x', '1')");
  EXPECT_THROW(c->exec("INSERT INTO app_settings (key, value) VALUES ('x', '2')"), db::ConstraintError);
}

TEST(Pool, WaitsForAFreeConnectionThenGivesUp) {
  db::Database d("sqlite://:memory:", 1, std::chrono::milliseconds(50));
  auto first = d.acquire();
  EXPECT_THROW(d.acquire(), db::DatabaseBusy);
}

TEST(Connection, AfterCommitRunsOnlyOnceTheOutermostTransactionHasCommitted) {
  test::TestDatabase t;
  auto c = t.db().acquire();
  int ran = 0;
  c->after_commit([&] { ++ran; });
  EXPECT_EQ(ran, 1) << "outside a transaction it runs at once";
  c->transaction([&] {
    c->after_commit([&] { ++ran; });
    c->transaction([&] { c->after_commit([&] { ran += 10; }); });
    EXPECT_EQ(ran, 1) << "not before the outermost COMMIT, nested transactions included";
  });
  EXPECT_EQ(ran, 12);
  EXPECT_THROW(c->transaction([&] {
    c->after_commit([&] { ran += 100; });
    throw std::runtime_error("boom");
  }), std::runtime_error);
  EXPECT_EQ(ran, 12) << "dropped on rollback";
  c->transaction([] {});
  EXPECT_EQ(ran, 12) << "and not run by a later commit either";
}

// each() hands rows over one at a time (on PostgreSQL through a cursor, fetched 1,000 at a time),
// in order, and lets the caller run other statements on the same connection meanwhile.
TEST(Connection, EachStreamsRowsAcrossBatchesAndAllowsOtherStatements) {
  test::TestDatabase t;
  auto c = t.db().acquire();
  c->transaction([&] {
    for (int i = 0; i < 2500; ++i)
      c->exec("INSERT INTO app_settings (key, value) VALUES (?, ?)", {"each-" + std::to_string(10000 + i), std::to_string(i)});
  });
  int64_t seen = 0, sum = 0, inner = 0;
  std::string last;
  c->each("SELECT key, value FROM app_settings WHERE key LIKE ? ORDER BY key", {std::string("each-%")}, [&](const db::Row& r) {
    EXPECT_LT(last, r.str(0)) << "rows come in the query's order";
    last = r.str(0);
    sum += r.i64(1);
    ++seen;
    if (seen % 1000 == 1) inner += c->query_one("SELECT COUNT(*) FROM app_settings WHERE key = ?", {r.str(0)})->i64(0);
  });
  EXPECT_EQ(seen, 2500);
  EXPECT_EQ(sum, int64_t(2499) * 2500 / 2);
  EXPECT_EQ(inner, 3);
  // Nothing matched: fn is never called; and an error in the query is reported, not swallowed.
  c->each("SELECT key FROM app_settings WHERE key = ?", {std::string("none")}, [&](const db::Row&) { ADD_FAILURE(); });
  EXPECT_THROW(c->each("SELECT no_such_column FROM app_settings", {}, [](const db::Row&) {}), db::DatabaseError);
  // The connection is still usable after the failed cursor (its transaction was rolled back).
  EXPECT_EQ(c->query_one("SELECT COUNT(*) FROM app_settings WHERE key LIKE ?", {std::string("each-%")})->i64(0), 2500);
}
