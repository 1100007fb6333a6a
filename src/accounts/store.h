// All SQL for accounts: users, organisations, relationships, sessions, single-use tokens,
// rate limits, data sharing agreements, audit rows and app settings. Nothing else in accounts
// writes SQL.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "accounts/model.h"
#include "db/database.h"

namespace core::accounts::store {
using db::Connection;

// --- users
std::optional<User> find_user(Connection& c, int64_t id);
// As find_user, from a copy at most a second old kept in this process and dropped on any change this
// process makes to users or organisations (users_changed, organisations_changed). For the reads of
// every request: the signed-in user, a log's assigned user.
std::optional<User> cached_user(Connection& c, int64_t id);
uint64_t users_version();
// Bumped by every change this process makes to users; code that changes the table directly (tests)
// calls it too.
void users_changed();
std::optional<User> find_user_by_email(Connection& c, const std::string& email);
struct NewUser {
  int64_t organisation_id = 0;
  std::string name, email, phone;
  Role role = Role::Provider;
  bool is_dpo = false, is_key_contact = false;
  std::string password_hash;   // empty for an invited user, who sets one through the link
  bool confirmed = false;
};
int64_t create_user(Connection& c, const NewUser& u);
void update_user_details(Connection& c, int64_t id, const std::string& name, const std::string& email,
                         const std::string& phone);
void update_user_admin(Connection& c, int64_t id, Role role, bool is_dpo, bool is_key_contact);
void set_user_active(Connection& c, int64_t id, bool active);
// Stores a new password, records it in the history, confirms the account and unlocks it.
void set_password(Connection& c, int64_t id, const std::string& hash);
std::vector<std::string> recent_password_hashes(Connection& c, int64_t id, int n = 3);
// Counts a failed sign-in; returns the new count. Locks the account until lock_until when the
// count reaches threshold.
int64_t record_failed_sign_in(Connection& c, int64_t id, int threshold, const std::string& lock_until);
void record_sign_in(Connection& c, int64_t id);
struct UserFilter {
  std::string search;
  std::optional<Role> role;
  std::string status;  // "", active, unconfirmed, deactivated
  int page = 1, per_page = 20;
};
struct UserPage {
  std::vector<User> users;
  int64_t total = 0;
};
UserPage list_users(Connection& c, int64_t organisation_id, const UserFilter& f);

// --- organisations
std::optional<Organisation> find_organisation(Connection& c, int64_t id);
// Bumped by every change this process makes to organisations, their rent periods, relationships
// and data sharing agreements, so caches of them can tell they are out of date.
uint64_t organisations_version();
void organisations_changed();
bool organisation_name_taken(Connection& c, const std::string& name, int64_t except_id = 0);
int64_t create_organisation(Connection& c, const Organisation& o);
void update_organisation(Connection& c, const Organisation& o);
void set_rent_periods(Connection& c, int64_t organisation_id, const std::vector<int>& periods);
struct OrganisationPage {
  std::vector<Organisation> organisations;
  int64_t total = 0;
};
OrganisationPage list_organisations(Connection& c, const std::string& search, int page, int per_page = 20);
// Up to `limit` organisations whose name contains `search`, for pickers.
std::vector<Organisation> search_organisations(Connection& c, const std::string& search, int limit = 20);

// --- relationships: parent = stock owner, child = managing agent
std::vector<Organisation> stock_owners(Connection& c, int64_t organisation_id);
std::vector<Organisation> managing_agents(Connection& c, int64_t organisation_id);
bool relationship_exists(Connection& c, int64_t parent_id, int64_t child_id);
void add_relationship(Connection& c, int64_t parent_id, int64_t child_id);
bool remove_relationship(Connection& c, int64_t parent_id, int64_t child_id);

// --- data sharing agreement
struct DataSharingAgreement {
  int64_t organisation_id = 0, dpo_id = 0;
  std::string signed_at, organisation_name, organisation_address, organisation_phone, dpo_name, dpo_email;
};
std::optional<DataSharingAgreement> find_data_sharing_agreement(Connection& c, int64_t organisation_id);
void accept_data_sharing_agreement(Connection& c, const Organisation& org, const User& dpo);

// --- sessions (token_hash is the SHA-256 of the cookie value)
struct Session {
  int64_t user_id = 0;
  std::string last_seen_at;
  std::optional<std::string> flash;
};
void create_session(Connection& c, const std::string& token_hash, int64_t user_id);
// The session, and its user (cached_user: the session itself is always read from the database, so
// signing out anywhere takes effect at once).
std::optional<std::pair<Session, User>> find_session_user(Connection& c, const std::string& token_hash);
void touch_session(Connection& c, const std::string& token_hash);
void delete_session(Connection& c, const std::string& token_hash);
void delete_user_sessions(Connection& c, int64_t user_id);
void delete_organisation_sessions(Connection& c, int64_t organisation_id);
void set_flash(Connection& c, const std::string& token_hash, const std::string& message);
void clear_flash(Connection& c, const std::string& token_hash);

// --- single-use tokens: purpose "reset" or "invite"
void create_token(Connection& c, int64_t user_id, const std::string& purpose, const std::string& token_hash,
                  const std::string& expires_at);
// The user id of an unused, unexpired token.
std::optional<int64_t> find_valid_token(Connection& c, const std::string& purpose, const std::string& token_hash);
void use_tokens(Connection& c, int64_t user_id, const std::string& purpose);

// --- throttling: counts a hit against key; false when more than max hits fall in the window
bool rate_limit_hit(Connection& c, const std::string& key, int max, int window_seconds);

// --- audit
void audit(Connection& c, std::optional<int64_t> actor_id, const std::string& action, const std::string& subject_type,
           std::optional<int64_t> subject_id, std::optional<int64_t> organisation_id,
           const nlohmann::json& details = nlohmann::json::object());
struct AuditRow {
  std::string at, action, subject_type, details;
  std::optional<int64_t> actor_id, subject_id, organisation_id;
};
std::vector<AuditRow> audit_rows(Connection& c, const std::string& subject_type, int64_t subject_id);

// --- settings
std::optional<std::string> setting(Connection& c, const std::string& key);
// Stores value unless the key already has one; returns what is stored.
std::string setting_or_set(Connection& c, const std::string& key, const std::string& value);

}  // namespace core::accounts::store
