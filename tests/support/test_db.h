// A fresh, migrated database for each test: SQLite in a temporary file by default, or a new
// PostgreSQL database on the server named by CORE_TEST_PG (a libpq-style URL of a maintenance
// database, e.g. postgresql://postgres@127.0.0.1:55432/postgres), which scripts/test.sh starts.
#pragma once
#include <memory>
#include <string>

#include "db/database.h"

namespace core::test {

class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  db::Database& db() { return *db_; }
  const std::string& url() const { return url_; }
  bool postgres() const { return db_->dialect() == db::Dialect::PostgreSQL; }

 private:
  std::string url_, pg_admin_url_, pg_name_, sqlite_path_;
  std::unique_ptr<db::Database> db_;
};

}  // namespace core::test
