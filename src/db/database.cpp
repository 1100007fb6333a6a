#include "db/database.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string_view>

namespace core::db {

std::string like_contains(const std::string& search) {
  std::string out = "%";
  for (char c : search) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (l == '%' || l == '_' || l == '\\') out += '\\';
    out += l;
  }
  return out + "%";
}

size_t Row::index(const std::string& name) const {
  for (size_t i = 0; i < names_->size(); ++i)
    if ((*names_)[i] == name) return i;
  throw DatabaseError("no column named " + name);
}

Row::Row(std::shared_ptr<const std::vector<std::string>> names, std::vector<std::optional<std::string>> cells)
    : names_(std::move(names)) {
  Builder b(cells.size());
  for (const auto& c : cells) {
    if (c) b.text(c->data(), c->size());
    else b.null();
  }
  *this = b.build(names_);
}

int64_t Row::i64(size_t i) const {
  if (is_null(i)) return 0;
  return std::strtoll(begin(i), nullptr, 10);
}

std::optional<int64_t> Row::opt_i64(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return i64(i);
}

bool Row::boolean(size_t i) const {
  if (is_null(i)) return false;
  std::string_view v(begin(i), length(i));
  return v == "1" || v == "t" || v == "true";
}

std::optional<Row> Connection::query_one(const std::string& sql, const Params& params) {
  Rows rows = query(sql, params);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

int64_t Connection::insert(const std::string& sql, const Params& params) {
  Rows rows = query(sql + " RETURNING id", params);
  if (rows.empty()) throw DatabaseError("insert returned no id");
  return rows.front().i64(0);
}

void Connection::transaction(const std::function<void()>& fn) {
  // Nested calls join the outer transaction.
  if (transaction_depth_ > 0) {
    fn();
    return;
  }
  auto writer = lock_for_writing();
  exec(dialect() == Dialect::SQLite ? "BEGIN IMMEDIATE" : "BEGIN");
  transaction_depth_ = 1;
  try {
    fn();
    exec("COMMIT");
    transaction_depth_ = 0;
  } catch (...) {
    transaction_depth_ = 0;
    after_commit_.clear();
    try {
      exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
  auto callbacks = std::move(after_commit_);
  after_commit_.clear();
  for (auto& cb : callbacks) cb();
}

void Connection::after_commit(std::function<void()> fn) {
  if (transaction_depth_ > 0) after_commit_.push_back(std::move(fn));
  else fn();
}

static std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::strtol(s.substr(i + 1, 2).c_str(), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

static std::string pg_quote(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

DatabaseUrl parse_database_url(const std::string& url) {
  DatabaseUrl u;
  if (url.rfind("sqlite://", 0) == 0) {
    u.dialect = Dialect::SQLite;
    std::string rest = url.substr(9);
    if (rest.empty()) throw std::invalid_argument("database URL has no path: " + url);
    // sqlite:///abs/path -> "/abs/path"; sqlite://rel/path -> "rel/path"
    u.sqlite_path = rest == ":memory:" ? rest : rest;
    u.display = url;
    return u;
  }
  std::string rest;
  if (url.rfind("postgresql://", 0) == 0) rest = url.substr(13);
  else if (url.rfind("postgres://", 0) == 0) rest = url.substr(11);
  else
    throw std::invalid_argument("unsupported database URL '" + url +
                                "': use sqlite:///absolute/path.db, sqlite://relative/path.db or "
                                "postgresql://user[:password]@host:port/dbname");
  u.dialect = Dialect::PostgreSQL;
  std::string userinfo, hostport, dbname;
  auto at = rest.rfind('@');
  if (at != std::string::npos) {
    userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
  }
  auto slash = rest.find('/');
  if (slash == std::string::npos) throw std::invalid_argument("PostgreSQL URL has no database name: " + url);
  hostport = rest.substr(0, slash);
  dbname = rest.substr(slash + 1);
  auto q = dbname.find('?');
  if (q != std::string::npos) dbname = dbname.substr(0, q);
  if (dbname.empty()) throw std::invalid_argument("PostgreSQL URL has no database name: " + url);
  std::string user, password, host = hostport, port = "5432";
  auto colon = userinfo.find(':');
  user = url_decode(userinfo.substr(0, colon));
  if (colon != std::string::npos) password = url_decode(userinfo.substr(colon + 1));
  auto pc = hostport.rfind(':');
  if (pc != std::string::npos) {
    host = hostport.substr(0, pc);
    port = hostport.substr(pc + 1);
  }
  if (host.empty()) host = "localhost";
  u.pg_conninfo = "host=" + pg_quote(host) + " port=" + pg_quote(port) + " dbname=" + pg_quote(url_decode(dbname));
  if (!user.empty()) u.pg_conninfo += " user=" + pg_quote(user);
  if (!password.empty()) u.pg_conninfo += " password=" + pg_quote(password);
  u.pg_conninfo += " connect_timeout=5 application_name=core";
  u.display = "postgresql://" + (user.empty() ? "" : user + "@") + hostport + "/" + dbname;
  return u;
}

std::string to_pg_placeholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += "$" + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

Lease::~Lease() {
  if (db_ && conn_) db_->release(std::move(conn_));
}

Database::Database(const std::string& url, size_t max_connections, std::chrono::milliseconds wait)
    : url_(parse_database_url(url)), max_(max_connections), wait_(wait) {
  if (url_.dialect == Dialect::SQLite && url_.sqlite_path != ":memory:") {
    auto parent = std::filesystem::path(url_.sqlite_path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
  }
  // Open one connection now so a bad URL fails at start-up, not on the first request.
  idle_.push_back(open());
  open_count_ = 1;
  if (url_.dialect == Dialect::SQLite && url_.sqlite_path != ":memory:") {
    checkpointer_ = start_sqlite_checkpointer(url_.sqlite_path);
  }
}

Database::~Database() = default;

std::unique_ptr<Connection> Database::open() {
  if (url_.dialect == Dialect::SQLite) return open_sqlite(url_.sqlite_path);
  return open_postgresql(url_.pg_conninfo);
}

// Opens a connection for a place already counted in open_count_ (called without the lock); the
// place is given back if the connection cannot be opened.
Lease Database::open_counted() {
  try {
    return Lease(this, open());
  } catch (...) {
    std::lock_guard<std::mutex> g(mu_);
    --open_count_;
    cv_.notify_one();
    throw;
  }
}

Lease Database::acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  auto deadline = std::chrono::steady_clock::now() + wait_;
  for (;;) {
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (c->usable()) return Lease(this, std::move(c));
      // Closed by the server (e.g. PostgreSQL restarted): open a fresh one in its place.
      lock.unlock();
      c.reset();
      return open_counted();
    }
    if (open_count_ < max_) {
      ++open_count_;
      lock.unlock();
      return open_counted();
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_count_ >= max_)
      throw DatabaseBusy("no database connection became free in time");
  }
}

void Database::release(std::unique_ptr<Connection> c) {
  {
    std::lock_guard<std::mutex> g(mu_);
    idle_.push_back(std::move(c));
  }
  cv_.notify_one();
}

bool Database::ping() {
  try {
    auto c = acquire();
    auto r = c->query_one("SELECT 1");
    return r && r->i64(0) == 1;
  } catch (...) {
    return false;
  }
}

}  // namespace core::db
