#include <libpq-fe.h>

#include <cstdio>
#include <unordered_map>

#include "db/database.h"

namespace core::db {
namespace {

void quiet_notice(void*, const char*) {}

class PgConnection : public Connection {
 public:
  explicit PgConnection(const std::string& conninfo) {
    conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(conn_);
      PQfinish(conn_);
      throw DatabaseError("cannot connect to PostgreSQL: " + msg);
    }
    PQsetNoticeProcessor(conn_, quiet_notice, nullptr);
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

  int64_t exec(const std::string& sql, const Params& params) override {
    PGresult* res = run(sql, params);
    const char* n = PQcmdTuples(res);
    int64_t changed = (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
    PQclear(res);
    return changed;
  }

  void exec_script(const std::string& sql) override {
    PGresult* res = PQexec(conn_, sql.c_str());
    check(res, sql);
    PQclear(res);
  }

 private:
  PGresult* run(const std::string& sql, const Params& params) {
    if (PQstatus(conn_) != CONNECTION_OK) PQreset(conn_);
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
    PGresult* res = PQexecParams(conn_, pg_sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                                 nullptr, nullptr, 0);
    check(res, sql);
    return res;
  }

  void check(PGresult* res, const std::string& sql) {
    auto st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return;
    std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    bool constraint = state && std::string(state).rfind("23", 0) == 0;
    PQclear(res);
    if (constraint) throw ConstraintError("PostgreSQL constraint: " + msg);
    throw DatabaseError("PostgreSQL: " + msg + " in: " + sql);
  }

  const std::string& translated(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    if (cache_.size() > 512) cache_.clear();
    return cache_.emplace(sql, to_pg_placeholders(sql)).first->second;
  }

  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> cache_;
};

}  // namespace

std::unique_ptr<Connection> open_postgresql(const std::string& conninfo) {
  return std::make_unique<PgConnection>(conninfo);
}

}  // namespace core::db
