#include "test_db.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

#include "accounts/passwords.h"
#include "db/migrate.h"
#include "util/crypto.h"
#include "util/paths.h"

namespace core::test {

static std::atomic<int> g_seq{0};

TestDatabase::TestDatabase() {
  util::crypto_init();
  setenv("CORE_ARGON2", "min", 0);
  accounts::passwords::configure_from_env();
  std::string suffix = std::to_string(getpid()) + "_" + std::to_string(++g_seq) + "_" + util::random_token(3);
  const char* pg = std::getenv("CORE_TEST_PG");
  if (pg && *pg) {
    pg_admin_url_ = pg;
    pg_name_ = "core_test_" + suffix;
    {
      db::Database admin(pg_admin_url_, 1);
      auto c = admin.acquire();
      c->exec_script("CREATE DATABASE " + pg_name_);
    }
    url_ = pg_admin_url_.substr(0, pg_admin_url_.rfind('/') + 1) + pg_name_;
  } else {
    auto dir = std::filesystem::temp_directory_path() / "core-tests";
    std::filesystem::create_directories(dir);
    sqlite_path_ = (dir / ("test_" + suffix + ".db")).string();
    url_ = "sqlite://" + sqlite_path_;
  }
  db_ = std::make_unique<db::Database>(url_, 8);
  db::migrate(*db_, resource_root() / "migrations");
}

TestDatabase::~TestDatabase() {
  db_.reset();
  if (!pg_name_.empty()) {
    try {
      db::Database admin(pg_admin_url_, 1);
      auto c = admin.acquire();
      c->exec_script("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
    } catch (...) {
    }
  } else if (!sqlite_path_.empty()) {
    std::error_code ec;
    for (auto ext : {"", "-wal", "-shm"}) std::filesystem::remove(sqlite_path_ + ext, ec);
  }
}

}  // namespace core::test
