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
// process makes to users or organisations (users_changed, organisations_changed), once that change
// has committed. For a log's assigned user on every save; never for what decides access: the
// signed-in user is read with the session (find_session_user).
std::optional<User> cached_user(Connection& c, int64_t id);
uint64_t users_version();
// Bumped by every change this process makes to users, before the write and again after it commits
// (db::Connection::after_commit); code that changes the table directly (tests) calls it too.
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
// Counts a failed sign-in; returns the new count. Only failures within window_seconds of the first
// one counted count: a failure after that starts the count again at 1. Locks the account until
// lock_until (and starts the count again) when the count reaches threshold.
int64_t record_failed_sign_in(Connection& c, int64_t id, int threshold, int window_seconds,
                              const std::string& lock_until);
// The same for an email address that has no account (key: the lower-cased address), kept in
// sign_in_failures, so the replies for it follow a real account's exactly.
int64_t record_unknown_sign_in_failure(Connection& c, const std::string& key, int threshold, int window_seconds,
                                       const std::string& lock_until);
std::optional<std::string> unknown_sign_in_locked_until(Connection& c, const std::string& key);
// Records a sign-in and clears the failures; false (and nothing changed) when the account is locked,
// e.g. by wrong passwords tried alongside this one: a burst of parallel guesses, each of which read
// the account before the lock, cannot sign in once the lock is set.
bool record_sign_in(Connection& c, int64_t id);
// Active, confirmed data coordinators of an organisation (who are told about its relationships).
std::vector<User> coordinators_of(Connection& c, int64_t organisation_id);
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

// --- relationships: parent = stock owner, child = managing agent. Only relationships in force:
// requests not yet accepted are kept apart (below) and grant nothing.
std::vector<Organisation> stock_owners(Connection& c, int64_t organisation_id);
std::vector<Organisation> managing_agents(Connection& c, int64_t organisation_id);
bool relationship_exists(Connection& c, int64_t parent_id, int64_t child_id);
void add_relationship(Connection& c, int64_t parent_id, int64_t child_id);
bool remove_relationship(Connection& c, int64_t parent_id, int64_t child_id);

// --- relationship requests: one organisation asks, the other (or support) accepts or declines.
struct RelationshipRequest {
  int64_t id = 0, parent_id = 0, child_id = 0, requested_by_organisation_id = 0;
  std::optional<int64_t> requested_by_user_id;
  std::string created_at;
  Organisation parent, child;
  // The organisation that did not ask: its coordinators answer.
  int64_t answering_organisation_id() const { return requested_by_organisation_id == parent_id ? child_id : parent_id; }
};
// Pending requests in which the organisation is either side, oldest first.
std::vector<RelationshipRequest> relationship_requests(Connection& c, int64_t organisation_id);
std::optional<RelationshipRequest> find_relationship_request(Connection& c, int64_t id);
bool relationship_requested(Connection& c, int64_t parent_id, int64_t child_id);
int64_t create_relationship_request(Connection& c, int64_t parent_id, int64_t child_id, int64_t by_organisation_id,
                                    std::optional<int64_t> by_user_id);
// False when it was already gone (answered or cancelled meanwhile).
bool delete_relationship_request(Connection& c, int64_t id);

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
// The session and its user, read together from the database on every request (one join by
// primary key), so signing out, a deactivation or a change of role or organisation made by any
// server takes effect on the next request.
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
// Stores the value, replacing any before it.
void set_setting(Connection& c, const std::string& key, const std::string& value);

}  // namespace core::accounts::store
