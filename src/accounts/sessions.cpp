#include "accounts/sessions.h"

#include "accounts/store.h"

namespace core::accounts {

namespace {

class StoredSessions : public web::Sessions {
 public:
  std::optional<Found> find(db::Connection& c, const std::string& h) override {
    auto found = store::find_session_user(c, h);
    if (!found) return std::nullopt;
    auto& [s, u] = *found;
    return Found{std::move(u), std::move(s.last_seen_at), std::move(s.flash)};
  }
  void create(db::Connection& c, const std::string& h, int64_t user_id) override { store::create_session(c, h, user_id); }
  void touch(db::Connection& c, const std::string& h) override { store::touch_session(c, h); }
  void remove(db::Connection& c, const std::string& h) override { store::delete_session(c, h); }
  void set_flash(db::Connection& c, const std::string& h, const std::string& m) override { store::set_flash(c, h, m); }
  void clear_flash(db::Connection& c, const std::string& h) override { store::clear_flash(c, h); }
  std::optional<std::string> setting(db::Connection& c, const std::string& k) override { return store::setting(c, k); }
  void set_setting(db::Connection& c, const std::string& k, const std::string& v) override { store::set_setting(c, k, v); }
  std::string setting_or_set(db::Connection& c, const std::string& k, const std::string& v) override {
    return store::setting_or_set(c, k, v);
  }
};

}  // namespace

web::Sessions& sessions() {
  static StoredSessions s;
  return s;
}

}  // namespace core::accounts
