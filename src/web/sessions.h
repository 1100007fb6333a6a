// What the web layer keeps for each browser and reads on every request: the session (whose user,
// when last seen, a message to show once) and the settings it needs (the CSRF key). The web layer
// only asks; the accounts feature keeps them (accounts/sessions.h), so web knows no store.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "accounts/model.h"
#include "db/database.h"

namespace core::web {

class Sessions {
 public:
  virtual ~Sessions() = default;
  struct Found {
    accounts::User user;
    std::string last_seen_at;          // ISO time
    std::optional<std::string> flash;  // shown once
  };
  // By the SHA-256 of the cookie's token (the token itself is never stored).
  virtual std::optional<Found> find(db::Connection& c, const std::string& token_hash) = 0;
  virtual void create(db::Connection& c, const std::string& token_hash, int64_t user_id) = 0;
  virtual void touch(db::Connection& c, const std::string& token_hash) = 0;
  virtual void remove(db::Connection& c, const std::string& token_hash) = 0;
  virtual void set_flash(db::Connection& c, const std::string& token_hash, const std::string& message) = 0;
  virtual void clear_flash(db::Connection& c, const std::string& token_hash) = 0;
  // Settings kept in the database.
  virtual std::optional<std::string> setting(db::Connection& c, const std::string& key) = 0;
  virtual void set_setting(db::Connection& c, const std::string& key, const std::string& value) = 0;
  // The setting, or `value` stored as it when there is none yet (one server wins a race).
  virtual std::string setting_or_set(db::Connection& c, const std::string& key, const std::string& value) = 0;
};

}  // namespace core::web
