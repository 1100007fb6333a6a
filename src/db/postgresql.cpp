#include <libpq-fe.h>
#include <poll.h>

#include <cstdio>
#include <cstring>
#include <strings.h>
#include <unordered_map>

#include "db/database.h"

namespace core::db {
namespace {

void quiet_notice(void*, const char*) {}

// SQLSTATEs that mean the server went away or is not taking work: class 08 (connection exception),
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now.
bool unavailable_state(const char* state) {
  if (!state) return false;
  return std::strncmp(state, "08", 2) == 0 || std::strcmp(state, "57P01") == 0 || std::strcmp(state, "57P02") == 0 ||
         std::strcmp(state, "57P03") == 0;
}

// A statement that can be sent again on a fresh connection when the first attempt lost the
// connection, outside a transaction: it only reads (or opens a transaction), so whether or not the
// server ran it, running it again changes nothing.
bool retry_safe(const std::string& sql) {
  size_t i = sql.find_first_not_of(" \t\r\n(");
  if (i == std::string::npos) return false;
  auto starts = [&](const char* word) { return strncasecmp(sql.c_str() + i, word, std::strlen(word)) == 0; };
  return starts("SELECT") || starts("BEGIN");
}

class PgConnection : public Connection {
 public:
  explicit PgConnection(const std::string& conninfo) {
    conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(conn_);
      PQfinish(conn_);
      throw DatabaseUnavailable("cannot connect to PostgreSQL: " + msg);
    }
    try {
      configure();
    } catch (...) {
      PQfinish(conn_);
      throw;
    }
  }
  ~PgConnection() override { PQfinish(conn_); }
  Dialect dialect() const override { return Dialect::PostgreSQL; }

  Rows query(const std::string& sql, const Params& params) override {
    PGresult* res = run(sql, params);
    Rows rows;
    int nrows = PQntuples(res), ncols = PQnfields(res);
    auto names = std::make_shared<std::vector<std::string>>();
    for (int c = 0; c < ncols; ++c) names->push_back(PQfname(res, c));
    rows.reserve(nrows);
    for (int r = 0; r < nrows; ++r) {
      Row::Builder row(static_cast<size_t>(ncols));
      for (int c = 0; c < ncols; ++c) {
        if (PQgetisnull(res, r, c)) row.null();
        else if (PQftype(res, c) == 16 /* BOOLOID */) {
          // Booleans come back as t/f; keep them comparable with SQLite's 0/1.
          row.text(*PQgetvalue(res, r, c) == 't' && PQgetlength(res, r, c) == 1 ? "1" : "0", 1);
        } else {
          row.text(PQgetvalue(res, r, c), static_cast<size_t>(PQgetlength(res, r, c)));
        }
      }
      rows.push_back(row.build(names));
    }
    PQclear(res);
    return rows;
  }

  void each(const std::string& sql, const Params& params, const std::function<void(const Row&)>& fn) override {
    // A cursor lives in a transaction; its rows are fetched a batch at a time.
    std::string name = "core_each_" + std::to_string(++cursors_);
    transaction([&] {
      exec("DECLARE " + name + " NO SCROLL CURSOR FOR " + sql, params);
      const std::string fetch = "FETCH 1000 FROM " + name;
      for (;;) {
        Rows batch = query(fetch, {});
        for (const Row& r : batch) fn(r);
        if (batch.size() < 1000) break;
      }
      exec("CLOSE " + name, {});
    });
  }

  int64_t exec(const std::string& sql, const Params& params) override {
    PGresult* res = run(sql, params);
    const char* n = PQcmdTuples(res);
    int64_t changed = (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
    PQclear(res);
    return changed;
  }

  // Idle, a connection has nothing to read: if its socket is readable the server has spoken
  // unasked (on a shutdown or restart: "terminating connection", then end of file) or is gone.
  bool usable() override {
    if (PQstatus(conn_) != CONNECTION_OK) return false;
    int fd = PQsocket(conn_);
    if (fd < 0) return false;
    auto readable = [fd] {
      pollfd p{fd, POLLIN, 0};
      return ::poll(&p, 1, 0) > 0;
    };
    if (!readable()) return true;
    // Read what came (TLS housekeeping is harmless; a "terminating connection" or end of file
    // leaves the connection bad). Anything still waiting after that is taken as the end.
    if (!PQconsumeInput(conn_) || PQstatus(conn_) != CONNECTION_OK) return false;
    while (PGnotify* n = PQnotifies(conn_)) PQfreemem(n);
    return !readable();
  }

  void exec_script(const std::string& sql) override {
    connect_if_broken(sql);
    PGresult* res = PQexec(conn_, sql.c_str());
    check(res, sql);
    PQclear(res);
  }

 private:
  // Before a statement: a connection found broken is replaced when no transaction is open (nothing
  // has been sent on it, so this is always safe); inside one, the transaction is lost.
  void connect_if_broken(const std::string& sql) {
    if (usable()) return;
    if (transaction_depth_ > 0 || sql == "ROLLBACK" || sql == "COMMIT")
      throw DatabaseUnavailable("the connection to PostgreSQL was lost during a transaction");
    reconnect();
  }

  void reconnect() {
    prepared_.clear();  // a new session has none
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) throw DatabaseUnavailable(std::string("cannot connect to PostgreSQL: ") + PQerrorMessage(conn_));
    configure();
  }

  // Every session, new or reset: quiet notices, and a bound on waiting for another transaction's
  // row or table lock (then SQLSTATE 55P03, DatabaseBusy, 503) instead of waiting for ever.
  void configure() {
    PQsetNoticeProcessor(conn_, quiet_notice, nullptr);
    std::string set = "SET lock_timeout = " + std::to_string(kWriteLockWait.count());
    PGresult* res = PQexec(conn_, set.c_str());
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    std::string msg = ok ? "" : PQerrorMessage(conn_);
    PQclear(res);
    if (!ok) throw DatabaseUnavailable("cannot set up the PostgreSQL session: " + msg);
  }

  // The statement failed because the connection did: it was closed, or the server is shutting down.
  bool lost(PGresult* res) {
    auto st = PQresultStatus(res);
    if (res && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY)) return false;
    return PQstatus(conn_) != CONNECTION_OK || (res && unavailable_state(PQresultErrorField(res, PG_DIAG_SQLSTATE)));
  }

  PGresult* run(const std::string& sql, const Params& params) {
    connect_if_broken(sql);
    const std::string& pg_sql = translated(sql);
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (std::holds_alternative<Null>(v)) continue;
      if (auto* n = std::get_if<int64_t>(&v)) text[i] = std::to_string(*n);
      else if (auto* d = std::get_if<double>(&v)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        text[i] = buf;
      } else text[i] = std::get<std::string>(v);
      values[i] = text[i].c_str();
    }
    // Statements are prepared once per connection and then only executed: PostgreSQL parses and
    // plans each text once, not on every request (plans were most of its work on a busy API).
    const bool prepare = preparable(pg_sql);
    auto send = [&]() -> PGresult* {
      const int n = static_cast<int>(params.size());
      if (prepare) {
        auto it = prepared_.find(pg_sql);
        if (it == prepared_.end() && prepared_.size() < kMaxPrepared) {
          std::string name = "core_s" + std::to_string(prepared_.size() + 1);
          PGresult* p = PQprepare(conn_, name.c_str(), pg_sql.c_str(), n, nullptr);
          if (PQresultStatus(p) != PGRES_COMMAND_OK) return p;  // its error is the statement's (check() reports it)
          PQclear(p);
          it = prepared_.emplace(pg_sql, std::move(name)).first;
        }
        if (it != prepared_.end()) return PQexecPrepared(conn_, it->second.c_str(), n, values.data(), nullptr, nullptr, 0);
      }
      return PQexecParams(conn_, pg_sql.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0);
    };
    PGresult* res = send();
    if (lost(res)) {
      std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
      PQclear(res);
      // Once, on a fresh connection, where running it again cannot write anything twice.
      if (transaction_depth_ > 0 || !retry_safe(sql))
        throw DatabaseUnavailable("the connection to PostgreSQL was lost: " + msg);
      reconnect();
      res = send();
      if (lost(res)) {
        msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
        PQclear(res);
        throw DatabaseUnavailable("the connection to PostgreSQL was lost: " + msg);
      }
    }
    check(res, sql);
    return res;
  }

  // Plain statements are prepared; not cursors, transaction control or session settings (whose
  // texts are one-off or cannot be prepared).
  static bool preparable(const std::string& sql) {
    size_t i = sql.find_first_not_of(" \t\r\n(");
    if (i == std::string::npos) return false;
    auto starts = [&](const char* word) { return strncasecmp(sql.c_str() + i, word, std::strlen(word)) == 0; };
    return starts("SELECT") || starts("INSERT") || starts("UPDATE") || starts("DELETE") || starts("WITH");
  }
  static constexpr size_t kMaxPrepared = 2000;
  std::unordered_map<std::string, std::string> prepared_;  // statement text → its name on this connection

  void check(PGresult* res, const std::string& sql) {
    auto st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return;
    std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    bool constraint = state && std::string(state).rfind("23", 0) == 0;
    bool unavailable = unavailable_state(state) || PQstatus(conn_) != CONNECTION_OK;
    bool lock_wait = state && std::strcmp(state, "55P03") == 0;  // lock_timeout passed
    PQclear(res);
    if (constraint) throw ConstraintError("PostgreSQL constraint: " + msg);
    if (unavailable) throw DatabaseUnavailable("PostgreSQL: " + msg);
    if (lock_wait) throw DatabaseBusy("PostgreSQL: " + msg + " in: " + sql);
    throw DatabaseError("PostgreSQL: " + msg + " in: " + sql);
  }

  const std::string& translated(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    if (cache_.size() > 512) cache_.clear();
    return cache_.emplace(sql, to_pg_placeholders(sql)).first->second;
  }

  PGconn* conn_ = nullptr;
  int64_t cursors_ = 0;  // for naming each()'s cursors
  std::unordered_map<std::string, std::string> cache_;
};

}  // namespace

std::unique_ptr<Connection> open_postgresql(const std::string& conninfo) {
  return std::make_unique<PgConnection>(conninfo);
}

}  // namespace core::db
