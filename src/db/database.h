// Database access for SQLite (embedded default) and PostgreSQL 15 (production).
//
// Contract:
// - SQL is written once, with `?` placeholders; for PostgreSQL they are rewritten to `$1..$n`.
//   Values are always bound as parameters, never spliced into SQL text.
// - A Value is NULL, an integer, a real or text. Rows come back as text (or NULL) with typed
//   accessors, the same on both engines.
// - `Database` owns a pool of connections. `acquire()` waits (up to a timeout) for a free
//   connection instead of failing at once, and throws DatabaseBusy when none frees up in time,
//   which the web layer answers with 503.
// - A connection is checked as it is handed out of the pool (Connection::usable()): one the
//   server has closed (a PostgreSQL restart) is replaced, so the request gets a working one.
// - When the database cannot be reached, or a connection is lost in a way that cannot be
//   retried safely, DatabaseUnavailable is thrown (the web layer answers 503, "Sorry, the service
//   is unavailable"). PostgreSQL retries a statement once on a fresh connection when that is safe:
//   no transaction open and the statement found the connection broken before it was sent, or the
//   statement only reads (docs/adr/0009-database-outages-and-waits.md).
// - Every wait is bounded: for a pooled connection (DatabaseBusy after `wait`), for SQLite's
//   in-process write lock (DatabaseBusy after kWriteLockWait), in SQLite's busy handler, and for
//   a PostgreSQL lock (lock_timeout = kWriteLockWait on every session; DatabaseBusy).
// - `Connection::transaction(fn)` runs fn inside BEGIN/COMMIT and rolls back on any exception.
// - `Connection::after_commit(fn)` runs fn once the outermost transaction has committed (at once
//   outside a transaction) and drops it on rollback: for telling in-process caches that rows
//   changed only when other connections can see the change.
// See docs/adr/0001-database-access.md for why this is libsqlite3/libpq and not Poco::Data.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace core::db {

enum class Dialect { SQLite, PostgreSQL };

struct Null {
  bool operator==(const Null&) const = default;
};
using Value = std::variant<Null, int64_t, double, std::string>;
using Params = std::vector<Value>;

inline Value null_if_empty(const std::string& s) { return s.empty() ? Value{Null{}} : Value{s}; }
// "%text%" for `lower(col) LIKE ? ESCAPE '\\'`: lower-cased, with LIKE's own wildcards escaped,
// so a search for "50%" finds "50%" and nothing else.
std::string like_contains(const std::string& search);
inline Value opt(const std::optional<int64_t>& v) { return v ? Value{*v} : Value{Null{}}; }
inline Value opt(const std::optional<std::string>& v) { return v ? Value{*v} : Value{Null{}}; }

class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// A unique or other constraint was violated: the caller usually turns this into a form error.
class ConstraintError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};
// No connection became free in time, or the write lock was not free in time.
class DatabaseBusy : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};
// The database cannot be reached (down, restarting, refusing connections), or the connection
// was lost during a statement that could not safely be retried.
class DatabaseUnavailable : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

// The longest a transaction waits for SQLite's in-process write lock before DatabaseBusy.
constexpr std::chrono::milliseconds kWriteLockWait{5000};

class Row {
 public:
  Row(std::shared_ptr<const std::vector<std::string>> names, std::vector<std::optional<std::string>> cells);
  // Builds a row cell by cell into one buffer (what the engines use: two allocations a row).
  class Builder {
   public:
    explicit Builder(size_t columns, size_t bytes = 0) {
      ends_.reserve(columns);
      data_.reserve(bytes + columns);
    }
    void null() { ends_.push_back(static_cast<uint32_t>(data_.size()) | kNull); }
    void text(const char* p, size_t n) {
      data_.append(p, n);
      data_.push_back('\0');  // so numbers parse in place
      ends_.push_back(static_cast<uint32_t>(data_.size()));
    }
    size_t bytes() const { return data_.size(); }
    Row build(std::shared_ptr<const std::vector<std::string>> names) {
      return Row(std::move(names), std::move(data_), std::move(ends_));
    }

   private:
    std::string data_;
    std::vector<uint32_t> ends_;
  };

  bool is_null(size_t i) const { return (ends_.at(i) & kNull) != 0; }
  bool is_null(const std::string& name) const { return is_null(index(name)); }
  std::string str(size_t i) const { return is_null(i) ? std::string() : std::string(begin(i), length(i)); }
  std::string str(const std::string& name) const { return str(index(name)); }
  std::optional<std::string> opt_str(size_t i) const {
    if (is_null(i)) return std::nullopt;
    return std::string(begin(i), length(i));
  }
  std::optional<std::string> opt_str(const std::string& name) const { return opt_str(index(name)); }
  int64_t i64(size_t i) const;
  int64_t i64(const std::string& name) const { return i64(index(name)); }
  std::optional<int64_t> opt_i64(size_t i) const;
  std::optional<int64_t> opt_i64(const std::string& name) const { return opt_i64(index(name)); }
  bool boolean(size_t i) const;
  bool boolean(const std::string& name) const { return boolean(index(name)); }
  size_t size() const { return ends_.size(); }
  size_t index(const std::string& name) const;

 private:
  static constexpr uint32_t kNull = 0x80000000u;
  Row(std::shared_ptr<const std::vector<std::string>> names, std::string data, std::vector<uint32_t> ends)
      : names_(std::move(names)), data_(std::move(data)), ends_(std::move(ends)) {}
  size_t start(size_t i) const { return i == 0 ? 0 : (ends_[i - 1] & ~kNull); }
  const char* begin(size_t i) const { return data_.data() + start(i); }
  size_t length(size_t i) const { return (ends_[i] & ~kNull) - start(i) - 1; }  // without the '\0'

  std::shared_ptr<const std::vector<std::string>> names_;
  std::string data_;            // every non-NULL cell followed by '\0'
  std::vector<uint32_t> ends_;  // end of each cell in data_ (after its '\0'); kNull set for NULL
};
using Rows = std::vector<Row>;

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs a statement and returns its rows (none for statements without results).
  virtual Rows query(const std::string& sql, const Params& params = {}) = 0;
  // Runs a query and hands its rows to `fn` one at a time as the database returns them, so that
  // memory stays flat however many rows there are (a CSV download, an export): SQLite steps one
  // statement; PostgreSQL reads a cursor (DECLARE … CURSOR, FETCH in batches) inside a transaction,
  // opened for the purpose when none is. `fn` may run other statements on this connection.
  virtual void each(const std::string& sql, const Params& params, const std::function<void(const Row&)>& fn) = 0;
  // Runs a statement and returns the number of rows it changed.
  virtual int64_t exec(const std::string& sql, const Params& params = {}) = 0;
  // Runs several statements without parameters (migrations).
  virtual void exec_script(const std::string& sql) = 0;
  // Held for the length of a write transaction. SQLite allows one writer at a time: its
  // connections queue here, in the process, instead of sleeping in SQLite's busy handler.
  // Waits at most kWriteLockWait, then throws DatabaseBusy.
  virtual std::unique_lock<std::timed_mutex> lock_for_writing() { return {}; }
  // False when the connection is known to be broken (the server closed it): the pool then opens
  // a new one instead of handing this one out. Must be cheap (no round trip).
  virtual bool usable() { return true; }

  std::optional<Row> query_one(const std::string& sql, const Params& params = {});
  // INSERT ... and returns the new row's id (uses RETURNING id on both engines).
  int64_t insert(const std::string& sql, const Params& params = {});
  void transaction(const std::function<void()>& fn);
  // Runs fn after the outermost transaction commits, or at once when no transaction is open;
  // forgotten if the transaction rolls back. fn must not throw.
  void after_commit(std::function<void()> fn);

 protected:
  int transaction_depth_ = 0;

 private:
  std::vector<std::function<void()>> after_commit_;
};

struct DatabaseUrl {
  Dialect dialect;
  std::string sqlite_path;    // SQLite only
  std::string pg_conninfo;    // PostgreSQL only: libpq keyword/value string
  std::string display;        // URL without the password
};
// Parses sqlite:///abs/path.db, sqlite://relative/path.db, sqlite::memory: and
// postgresql://user[:password]@host[:port]/dbname. Throws std::invalid_argument with a clear message.
DatabaseUrl parse_database_url(const std::string& url);

class Database;
// A connection borrowed from the pool; returned when this goes out of scope.
class Lease {
 public:
  Lease(Database* db, std::unique_ptr<Connection> c) : db_(db), conn_(std::move(c)) {}
  Lease(Lease&& o) noexcept : db_(o.db_), conn_(std::move(o.conn_)) { o.db_ = nullptr; }
  Lease(const Lease&) = delete;
  ~Lease();
  Connection* operator->() { return conn_.get(); }
  Connection& operator*() { return *conn_; }

 private:
  Database* db_;
  std::unique_ptr<Connection> conn_;
};

class Database {
 public:
  Database(const std::string& url, size_t max_connections = 16,
           std::chrono::milliseconds wait = std::chrono::milliseconds(5000));
  ~Database();
  Dialect dialect() const { return url_.dialect; }
  const DatabaseUrl& url() const { return url_; }
  Lease acquire();
  // Checks that a connection works (for /health).
  bool ping();

 private:
  friend class Lease;
  void release(std::unique_ptr<Connection> c);
  std::unique_ptr<Connection> open();
  Lease open_counted();

  DatabaseUrl url_;
  size_t max_;
  std::chrono::milliseconds wait_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t open_count_ = 0;
  // SQLite: the write-ahead log is copied back into the database by a thread of its own, in small
  // steps, not by whichever save happens to fill it (which would stall every save queued behind it).
  std::shared_ptr<void> checkpointer_;
};

std::unique_ptr<Connection> open_sqlite(const std::string& path);
// Starts the checkpointer thread for a SQLite file; it stops when the last copy of the handle goes.
std::shared_ptr<void> start_sqlite_checkpointer(const std::string& path);
std::unique_ptr<Connection> open_postgresql(const std::string& conninfo);
// `?` → `$1..$n`, leaving quoted strings alone.
std::string to_pg_placeholders(const std::string& sql);

}  // namespace core::db
