// API tokens and the record of their use (migration 0015). All the SQL of the API lives here.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"

namespace core::api::store {

struct Token {
  int64_t id = 0, organisation_id = 0;
  std::string organisation_name;
  std::string name, prefix;
  std::optional<int64_t> created_by_id;
  std::string created_by_name;
  std::string created_at;
  std::optional<std::string> last_used_at, revoked_at;
  bool organisation_active = true;
};

// A new token for an organisation: returns its id and the token itself (shown once; only its hash
// is kept).
std::pair<int64_t, std::string> create(db::Connection& c, int64_t organisation_id, const std::string& name,
                                       std::optional<int64_t> created_by_id);
// The token a presented secret is (not revoked), if any.
std::optional<Token> find_by_secret(db::Connection& c, const std::string& secret);
std::optional<Token> find(db::Connection& c, int64_t id);
std::vector<Token> for_organisation(db::Connection& c, int64_t organisation_id);
// False when it was revoked already, or is not this organisation's.
bool revoke(db::Connection& c, int64_t organisation_id, int64_t id, int64_t by_user_id);
// Records one request made with a token (and, to the minute, when it was last used); with `body`
// when the request made a log (its answers are recorded nowhere else).
// `last_used_at`: as read with the token (the row is rewritten only when that is a minute old).
void record_use(db::Connection& c, int64_t token_id, const std::string& method, const std::string& path, int status,
                std::optional<int64_t> log_id, const std::optional<std::string>& body = std::nullopt,
                const std::optional<std::string>& last_used_at = std::nullopt);
// The body of the request that made a log, if it was made through the API.
std::optional<std::string> creating_request_body(db::Connection& c, int64_t log_id);
int64_t uses(db::Connection& c, int64_t token_id);

}  // namespace core::api::store
