#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <thread>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "db/database.h"

namespace core::db {
namespace {

// What the connections to one database file share in this process.
struct FileShared {
  std::timed_mutex writer;  // held by the writing connection (lock_for_writing) and the checkpointer's last step
  // A checkpoint is wanted: set after a commit leaves the write-ahead log long, taken by the checkpointer.
  std::atomic<bool> checkpoint_wanted{false};
  std::atomic<int> backfilled{0};  // pages of the log already copied back by the last checkpoint
  std::mutex m;
  std::condition_variable cv;
};

FileShared& shared_for(const std::string& path) {
  static std::mutex map_mutex;
  static std::map<std::string, std::unique_ptr<FileShared>> files;
  std::lock_guard<std::mutex> g(map_mutex);
  auto& slot = files[path];
  if (!slot) slot = std::make_unique<FileShared>();
  return *slot;
}

// Past this many pages in the write-ahead log (about 4 MB) a commit asks the checkpointer thread to
// copy them back into the database, so under sustained writes the log is copied back in small steps.
constexpr int kCheckpointFrames = 1000;
// Past this many (about 80 MB: the checkpointer cannot keep up, e.g. a long read holds the log) the
// committing connection checkpoints itself, as SQLite's own automatic checkpoint would.
constexpr int kOwnCheckpointFrames = 20000;

int wal_after_commit(void* arg, sqlite3* db, const char* name, int frames) {
  auto* fs = static_cast<FileShared*>(arg);
  if (frames >= kOwnCheckpointFrames) {
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  int done = fs->backfilled.load();
  if (frames < done) done = 0;  // the log has started again from its beginning since
  if (frames - done >= kCheckpointFrames && !fs->checkpoint_wanted.exchange(true)) {
    std::lock_guard<std::mutex> g(fs->m);
    fs->cv.notify_one();
  }
  return SQLITE_OK;
}

class SqliteConnection : public Connection {
 public:
  explicit SqliteConnection(const std::string& path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw DatabaseError("cannot open SQLite database " + path + ": " + msg);
    }
    // When another connection writes: retry soon (50 µs, doubling to 2 ms) for up to about 5 s, instead
    // of SQLite's default sleeps of up to 100 ms, which would make the slowest requests very slow.
    // Then SQLITE_BUSY, answered 503 (DatabaseBusy).
    sqlite3_busy_handler(db_, [](void*, int attempt) -> int {
      if (attempt > 2500) return 0;
      std::this_thread::sleep_for(std::chrono::microseconds(std::min(50 << std::min(attempt, 6), 2000)));
      return 1;
    }, nullptr);
    shared_ = &shared_for(path);
    exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    // Replaces SQLite's automatic checkpoint (the checkpointer thread does it; see wal_after_commit).
    sqlite3_wal_hook(db_, wal_after_commit, shared_);
  }
  ~SqliteConnection() override {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }
  Dialect dialect() const override { return Dialect::SQLite; }

  // A passive checkpoint (writers and readers carry on); returns the pages of the log copied back.
  int checkpoint() {
    int log = 0, done = 0;
    if (sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &done) != SQLITE_OK) return 0;
    return done;
  }

  std::unique_lock<std::timed_mutex> lock_for_writing() override {
    std::unique_lock<std::timed_mutex> lock(shared_->writer, std::defer_lock);
    // Bounded: a save that cannot write within kWriteLockWait is answered 503, not left waiting.
    if (!lock.try_lock_for(kWriteLockWait))
      throw DatabaseBusy("the database was busy writing for " + std::to_string(kWriteLockWait.count()) + " ms");
    return lock;
  }

  Rows query(const std::string& sql, const Params& params) override {
    sqlite3_stmt* st = prepare(sql);
    Guard guard{st};
    bind(st, params);
    Rows rows;
    std::shared_ptr<std::vector<std::string>> names;
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) fail(rc, sql);
      rows.push_back(read_row(st, names));
    }
    return rows;
  }

  void each(const std::string& sql, const Params& params, const std::function<void(const Row&)>& fn) override {
    // A statement of its own (not the cache's), so that `fn` may run the same SQL meanwhile.
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK)
      throw DatabaseError(std::string("SQLite prepare: ") + sqlite3_errmsg(db_) + " in: " + sql);
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owned(st, sqlite3_finalize);
    bind(st, params);
    std::shared_ptr<std::vector<std::string>> names;
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) fail(rc, sql);
      fn(read_row(st, names));
    }
  }

  int64_t exec(const std::string& sql, const Params& params) override {
    query(sql, params);
    return sqlite3_changes(db_);
  }

  void exec_script(const std::string& sql) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw DatabaseError("SQLite: " + msg);
    }
  }

 private:
  struct Guard {
    sqlite3_stmt* st;
    ~Guard() {
      sqlite3_reset(st);
      sqlite3_clear_bindings(st);
    }
  };

  sqlite3_stmt* prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* st = nullptr;
    // Statements live as long as the connection: SQLITE_PREPARE_PERSISTENT tells SQLite so (it
    // then keeps them out of its short-lived lookaside memory).
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (rc != SQLITE_OK) throw DatabaseError(std::string("SQLite prepare: ") + sqlite3_errmsg(db_) + " in: " + sql);
    if (cache_.size() > 256) {
      for (auto& [s, old] : cache_) sqlite3_finalize(old);
      cache_.clear();
    }
    cache_.emplace(sql, st);
    return st;
  }

  void bind(sqlite3_stmt* st, const Params& params) {
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const Value& v = params[i];
      if (std::holds_alternative<Null>(v)) sqlite3_bind_null(st, idx);
      else if (auto* n = std::get_if<int64_t>(&v)) sqlite3_bind_int64(st, idx, *n);
      else if (auto* d = std::get_if<double>(&v)) sqlite3_bind_double(st, idx, *d);
      else {
        const auto& s = std::get<std::string>(v);
        sqlite3_bind_text(st, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
    }
  }

  // The current row of a stepped statement (`names` is filled on the first row and shared).
  Row read_row(sqlite3_stmt* st, std::shared_ptr<std::vector<std::string>>& names) {
    int n = sqlite3_column_count(st);
    if (!names) {
      names = std::make_shared<std::vector<std::string>>();
      for (int i = 0; i < n; ++i) names->push_back(sqlite3_column_name(st, i));
    }
    Row::Builder row(static_cast<size_t>(n), row_bytes_);
    for (int i = 0; i < n; ++i) {
      switch (sqlite3_column_type(st, i)) {
        case SQLITE_NULL: row.null(); break;
        case SQLITE_INTEGER: {
          // The same decimal text sqlite3_column_text would give, without converting in SQLite.
          char buf[24];
          auto r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(sqlite3_column_int64(st, i)));
          row.text(buf, static_cast<size_t>(r.ptr - buf));
          break;
        }
        default: {
          const unsigned char* t = sqlite3_column_text(st, i);
          row.text(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(st, i)));
        }
      }
    }
    row_bytes_ = std::max(row_bytes_, row.bytes());
    return row.build(names);
  }

  [[noreturn]] void fail(int rc, const std::string& sql) {
    std::string msg = sqlite3_errmsg(db_);
    if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintError("SQLite constraint: " + msg);
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) throw DatabaseBusy("SQLite: " + msg + " in: " + sql);
    throw DatabaseError("SQLite: " + msg + " in: " + sql);
  }

  FileShared* shared_ = nullptr;
  sqlite3* db_ = nullptr;
  // Prepared statements by SQL text, reused (reset and unbound after each use) for the
  // connection's lifetime; emptied if a program ever prepares more than 256 different ones.
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  size_t row_bytes_ = 64;  // bytes to reserve for a row
};

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::string& path) { return std::make_unique<SqliteConnection>(path); }

namespace {

// Copies the write-ahead log back into the database when a commit asks for it, and at least once
// a second while there is anything to copy; on its own connection, outside any request.
class Checkpointer {
 public:
  explicit Checkpointer(const std::string& path) : fs_(shared_for(path)), conn_(path), thread_([this] { run(); }) {}
  ~Checkpointer() {
    {
      std::lock_guard<std::mutex> g(fs_.m);
      stopping_ = true;
    }
    fs_.cv.notify_all();
    thread_.join();
  }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(fs_.m);
    while (!stopping_) {
      fs_.cv.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || fs_.checkpoint_wanted.load(); });
      if (stopping_) break;
      fs_.checkpoint_wanted = false;
      lock.unlock();
      // A busy database leaves it to the next round.
      conn_.checkpoint();
      {
        // Holds the write lock so that it catches up with the commits (saves wait for it, at most
        // kWriteLockWait each; it copies only what was committed since the step above).
        std::lock_guard<std::timed_mutex> w(fs_.writer);
        fs_.backfilled = conn_.checkpoint();
      }
      lock.lock();
    }
  }

  FileShared& fs_;
  SqliteConnection conn_;
  bool stopping_ = false;  // guarded by fs_.m
  std::thread thread_;
};

}  // namespace

std::shared_ptr<void> start_sqlite_checkpointer(const std::string& path) { return std::make_shared<Checkpointer>(path); }

}  // namespace core::db
