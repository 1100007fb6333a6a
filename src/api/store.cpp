#include "api/store.h"

#include "util/crypto.h"
#include "util/time.h"

namespace core::api::store {

using db::Value;

namespace {
const char* kSelect =
    "SELECT t.id, t.organisation_id, o.name AS organisation_name, o.active AS organisation_active, t.name, t.prefix, t.created_by_id, "
    "u.name AS created_by_name, t.created_at, t.last_used_at, t.revoked_at FROM api_tokens t JOIN organisations o ON o.id = "
    "t.organisation_id LEFT JOIN users u ON u.id = t.created_by_id ";
Token from_row(const db::Row& r) {
  Token t;
  t.id = r.i64("id");
  t.organisation_id = r.i64("organisation_id");
  t.organisation_name = r.str("organisation_name");
  t.organisation_active = r.boolean("organisation_active");
  t.name = r.str("name");
  t.prefix = r.str("prefix");
  t.created_by_id = r.opt_i64("created_by_id");
  t.created_by_name = r.str("created_by_name");
  t.created_at = r.str("created_at");
  t.last_used_at = r.opt_str("last_used_at");
  t.revoked_at = r.opt_str("revoked_at");
  return t;
}
}  // namespace

std::pair<int64_t, std::string> create(db::Connection& c, int64_t organisation_id, const std::string& name,
                                       std::optional<int64_t> created_by_id) {
  util::crypto_init();
  std::string secret = "core_" + util::random_token(32);
  int64_t id = c.insert(
      "INSERT INTO api_tokens (organisation_id, name, token_hash, prefix, created_by_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      {organisation_id, name, util::sha256_hex(secret), secret.substr(0, 12), created_by_id ? Value(*created_by_id) : Value(),
       util::now_iso()});
  return {id, secret};
}

std::optional<Token> find_by_secret(db::Connection& c, const std::string& secret) {
  // The hash is looked up by its index; a secret is 256 random bits, so its SHA-256 needs no salt.
  auto r = c.query_one(std::string(kSelect) + "WHERE t.token_hash = ? AND t.revoked_at IS NULL", {util::sha256_hex(secret)});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::optional<Token> find(db::Connection& c, int64_t id) {
  auto r = c.query_one(std::string(kSelect) + "WHERE t.id = ?", {id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::vector<Token> for_organisation(db::Connection& c, int64_t organisation_id) {
  std::vector<Token> out;
  for (auto& r : c.query(std::string(kSelect) + "WHERE t.organisation_id = ? ORDER BY t.id DESC", {organisation_id}))
    out.push_back(from_row(r));
  return out;
}

bool revoke(db::Connection& c, int64_t organisation_id, int64_t id, int64_t by_user_id) {
  return c.exec("UPDATE api_tokens SET revoked_at = ?, revoked_by_id = ? WHERE id = ? AND organisation_id = ? AND revoked_at IS NULL",
                {util::now_iso(), by_user_id ? Value(by_user_id) : Value(), id, organisation_id}) == 1;
}

void record_use(db::Connection& c, int64_t token_id, const std::string& method, const std::string& path, int status,
                std::optional<int64_t> log_id, const std::optional<std::string>& body, const std::optional<std::string>& last_used_at) {
  int64_t now = util::now_seconds();
  std::string at = util::iso_from_seconds(now);
  // Two statements, no transaction around them (each is atomic; the second only says when the token
  // was last used, to the minute, so a busy token's row is not rewritten on every request).
  c.exec("INSERT INTO api_requests (token_id, at, method, path, status, log_id, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
         {token_id, at, method, path.substr(0, 200), int64_t(status), log_id ? Value(*log_id) : Value(), body ? Value(*body) : Value()});
  std::string minute_ago = util::iso_from_seconds(now - 60);
  if (last_used_at && *last_used_at >= minute_ago) return;
  c.exec("UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)", {at, token_id, minute_ago});
}

std::optional<std::string> creating_request_body(db::Connection& c, int64_t log_id) {
  auto r = c.query_one("SELECT body FROM api_requests WHERE log_id = ? AND body IS NOT NULL ORDER BY id LIMIT 1", {log_id});
  if (!r) return std::nullopt;
  return r->opt_str("body");
}

int64_t uses(db::Connection& c, int64_t token_id) {
  return c.query_one("SELECT COUNT(*) FROM api_requests WHERE token_id = ?", {token_id})->i64(0);
}

}  // namespace core::api::store
