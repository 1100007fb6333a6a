#include <atomic>
#include "accounts/store.h"

#include <algorithm>

#include "util/short_cache.h"
#include "util/time.h"

namespace core::accounts::store {
using db::Null;
using db::Params;
using db::Row;
using db::Value;
using util::now_iso;

namespace {

const char* kUserColumns =
    "u.id, u.organisation_id, o.name AS organisation_name, u.name, u.email, u.phone, u.role, u.is_dpo, "
    "u.is_key_contact, u.active, u.confirmed_at, u.locked_until, u.last_sign_in_at, u.sign_in_count, "
    "u.failed_attempts, u.password_hash, u.created_at";

// Reads the columns of kUserColumns by position (they come first, in that order, in every query
// that uses user_from): the user list reads 20 of these a page.
User user_from(const Row& r) {
  User u;
  u.id = r.i64(0);
  u.organisation_id = r.i64(1);
  u.organisation_name = r.str(2);
  u.name = r.str(3);
  u.email = r.str(4);
  u.phone = r.str(5);
  u.role = static_cast<Role>(r.i64(6));
  u.is_dpo = r.boolean(7);
  u.is_key_contact = r.boolean(8);
  u.active = r.boolean(9);
  u.confirmed_at = r.opt_str(10);
  u.locked_until = r.opt_str(11);
  u.last_sign_in_at = r.opt_str(12);
  u.sign_in_count = r.i64(13);
  u.failed_attempts = r.i64(14);
  u.password_hash = r.str(15);
  u.created_at = r.str(16);
  return u;
}

const char* kOrgColumns =
    "o.id, o.name, o.provider_type, o.housing_registration_no, o.address_line1, o.address_line2, o.postcode, "
    "o.phone, o.holds_own_stock, o.stock_general_needs, o.stock_supported_housing, o.stock_unspecified, o.active, "
    "o.created_at, (SELECT COUNT(*) FROM data_protection_confirmations d WHERE d.organisation_id = o.id AND "
    "d.confirmed = 1) AS dsa";

Organisation org_from(const Row& r) {
  Organisation o;
  o.id = r.i64("id");
  o.name = r.str("name");
  o.provider_type = static_cast<int>(r.i64("provider_type"));
  o.housing_registration_no = r.str("housing_registration_no");
  o.address_line1 = r.str("address_line1");
  o.address_line2 = r.str("address_line2");
  o.postcode = r.str("postcode");
  o.phone = r.str("phone");
  o.holds_own_stock = r.boolean("holds_own_stock");
  o.stock_general_needs = r.opt_i64("stock_general_needs");
  o.stock_supported_housing = r.opt_i64("stock_supported_housing");
  o.stock_unspecified = r.opt_i64("stock_unspecified");
  o.active = r.boolean("active");
  o.created_at = r.str("created_at");
  o.dsa_accepted = r.i64("dsa") > 0;
  return o;
}

Value b(bool v) { return static_cast<int64_t>(v ? 1 : 0); }

// Declared first in every store function that changes users or organisations. On the way out,
// after the writes, it bumps the in-process version, and bumps it again once the change has
// committed (at once when no transaction is open): a request that read the old row before the
// commit cached it under the first bump, and the second one drops it. Bumping only before the
// write let such a request keep the old row under the new version (issue 10, finding 8).
class Changed {
 public:
  Changed(Connection& c, void (*bump)()) : c_(c), bump_(bump) {}
  Changed(const Changed&) = delete;
  ~Changed() {
    bump_();
    c_.after_commit(bump_);
  }

 private:
  Connection& c_;
  void (*bump_)();
};

}  // namespace

// --- users

std::optional<User> find_user(Connection& c, int64_t id) {
  auto r = c.query_one(std::string("SELECT ") + kUserColumns +
                           " FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = ?",
                       {id});
  if (!r) return std::nullopt;
  return user_from(*r);
}

namespace {
std::atomic<uint64_t> g_users_version{1};
// Users are read on every signed-in request: kept a second, dropped on any change this process makes
// to users or organisations (their names come with the user).
util::ShortCache<std::optional<User>> g_users([] { return users_version() + organisations_version(); });
}  // namespace
uint64_t users_version() { return g_users_version.load(std::memory_order_acquire); }
void users_changed() { g_users_version.fetch_add(1, std::memory_order_acq_rel); }

std::optional<User> cached_user(Connection& c, int64_t id) {
  return g_users.get(id, [&] { return find_user(c, id); });
}

std::optional<User> find_user_by_email(Connection& c, const std::string& email) {
  auto r = c.query_one(std::string("SELECT ") + kUserColumns +
                           " FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE lower(u.email) = lower(?)",
                       {email});
  if (!r) return std::nullopt;
  return user_from(*r);
}

int64_t create_user(Connection& c, const NewUser& u) {
  Changed changed(c, users_changed);
  std::string now = now_iso();
  int64_t id = c.insert(
      "INSERT INTO users (organisation_id, name, email, phone, role, is_dpo, is_key_contact, active, confirmed_at, "
      "password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
      {u.organisation_id, u.name, u.email, db::null_if_empty(u.phone), static_cast<int64_t>(u.role), b(u.is_dpo),
       b(u.is_key_contact), u.confirmed ? Value{now} : Value{Null{}}, db::null_if_empty(u.password_hash), now, now});
  if (!u.password_hash.empty())
    c.exec("INSERT INTO password_history (user_id, password_hash, created_at) VALUES (?, ?, ?)",
           {id, u.password_hash, now});
  return id;
}

void update_user_details(Connection& c, int64_t id, const std::string& name, const std::string& email,
                         const std::string& phone) {
  Changed changed(c, users_changed);
  c.exec("UPDATE users SET name = ?, email = ?, phone = ?, updated_at = ? WHERE id = ?",
         {name, email, db::null_if_empty(phone), now_iso(), id});
}

void update_user_admin(Connection& c, int64_t id, Role role, bool is_dpo, bool is_key_contact) {
  Changed changed(c, users_changed);
  c.exec("UPDATE users SET role = ?, is_dpo = ?, is_key_contact = ?, updated_at = ? WHERE id = ?",
         {static_cast<int64_t>(role), b(is_dpo), b(is_key_contact), now_iso(), id});
}

void set_user_active(Connection& c, int64_t id, bool active) {
  Changed changed(c, users_changed);
  c.exec("UPDATE users SET active = ?, updated_at = ? WHERE id = ?", {b(active), now_iso(), id});
}

void set_password(Connection& c, int64_t id, const std::string& hash) {
  Changed changed(c, users_changed);
  std::string now = now_iso();
  c.exec(
      "UPDATE users SET password_hash = ?, confirmed_at = COALESCE(confirmed_at, ?), failed_attempts = 0, "
      "first_failed_at = NULL, locked_until = NULL, updated_at = ? WHERE id = ?",
      {hash, now, now, id});
  c.exec("INSERT INTO password_history (user_id, password_hash, created_at) VALUES (?, ?, ?)", {id, hash, now});
}

std::vector<std::string> recent_password_hashes(Connection& c, int64_t id, int n) {
  std::vector<std::string> out;
  for (auto& r : c.query("SELECT password_hash FROM password_history WHERE user_id = ? ORDER BY id DESC LIMIT ?",
                         {id, static_cast<int64_t>(n)}))
    out.push_back(r.str(0));
  return out;
}

namespace {
// The SET clause that counts one more failed sign-in at ?1 (now), starting the count again when
// the first failure counted is older than ?2 (now minus the window). Shared by users and
// sign_in_failures so that real and unknown addresses count alike. `t` is a table name, not input.
std::string count_failure_sql(const std::string& t) {
  std::string fresh = "(" + t + ".first_failed_at IS NULL OR " + t + ".first_failed_at < ?)";
  return "failed_attempts = CASE WHEN " + fresh + " THEN 1 ELSE " + t + ".failed_attempts + 1 END, "
         "first_failed_at = CASE WHEN " + fresh + " THEN ? ELSE " + t + ".first_failed_at END";
}
}  // namespace

int64_t record_failed_sign_in(Connection& c, int64_t id, int threshold, int window_seconds,
                              const std::string& lock_until) {
  Changed changed(c, users_changed);
  int64_t n = 0;
  std::string now = now_iso(), window_start = util::iso_from_seconds(util::now_seconds() - window_seconds);
  c.transaction([&] {
    auto r = c.query_one("UPDATE users SET " + count_failure_sql("users") + " WHERE id = ? RETURNING failed_attempts",
                         {window_start, window_start, now, id});
    n = r ? r->i64(0) : 0;
    if (n >= threshold)
      c.exec("UPDATE users SET locked_until = ?, failed_attempts = 0, first_failed_at = NULL WHERE id = ?",
             {lock_until, id});
  });
  return n;
}

int64_t record_unknown_sign_in_failure(Connection& c, const std::string& key, int threshold, int window_seconds,
                                       const std::string& lock_until) {
  int64_t n = 0;
  std::string now = now_iso(), window_start = util::iso_from_seconds(util::now_seconds() - window_seconds);
  c.transaction([&] {
    auto r = c.query_one("INSERT INTO sign_in_failures (key, failed_attempts, first_failed_at) VALUES (?, 1, ?) "
                         "ON CONFLICT (key) DO UPDATE SET " + count_failure_sql("sign_in_failures") +
                         " RETURNING failed_attempts",
                         {key, now, window_start, window_start, now});
    n = r ? r->i64(0) : 0;
    if (n >= threshold)
      c.exec("UPDATE sign_in_failures SET locked_until = ?, failed_attempts = 0, first_failed_at = NULL WHERE key = ?",
             {lock_until, key});
  });
  return n;
}

std::optional<std::string> unknown_sign_in_locked_until(Connection& c, const std::string& key) {
  auto r = c.query_one("SELECT locked_until FROM sign_in_failures WHERE key = ?", {key});
  if (!r) return std::nullopt;
  return r->opt_str(0);
}

bool record_sign_in(Connection& c, int64_t id) {
  Changed changed(c, users_changed);
  std::string now = now_iso();
  // Refused if the account was locked meanwhile (by failures that ran alongside this sign-in).
  return c.exec(
             "UPDATE users SET failed_attempts = 0, first_failed_at = NULL, locked_until = NULL, last_sign_in_at = ?, "
             "sign_in_count = sign_in_count + 1 WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?)",
             {now, id, now}) > 0;
}

std::vector<User> coordinators_of(Connection& c, int64_t organisation_id) {
  std::vector<User> out;
  for (auto& r : c.query(std::string("SELECT ") + kUserColumns +
                             " FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.organisation_id = ? "
                             "AND u.role = ? AND u.active = 1 AND u.confirmed_at IS NOT NULL ORDER BY u.id",
                         {organisation_id, static_cast<int64_t>(Role::Coordinator)}))
    out.push_back(user_from(r));
  return out;
}

UserPage list_users(Connection& c, int64_t organisation_id, const UserFilter& f) {
  std::string where = " WHERE u.organisation_id = ?";
  Params p{organisation_id};
  if (!f.search.empty()) {
    where += " AND (lower(u.name) LIKE ? ESCAPE '\\' OR lower(u.email) LIKE ? ESCAPE '\\')";
    p.push_back(db::like_contains(f.search));
    p.push_back(db::like_contains(f.search));
  }
  if (f.role) {
    where += " AND u.role = ?";
    p.push_back(static_cast<int64_t>(*f.role));
  }
  if (f.status == "active") where += " AND u.active = 1 AND u.confirmed_at IS NOT NULL";
  else if (f.status == "unconfirmed") where += " AND u.active = 1 AND u.confirmed_at IS NULL";
  else if (f.status == "deactivated") where += " AND u.active = 0";
  UserPage page;
  page.total = c.query_one("SELECT COUNT(*) FROM users u" + where, p)->i64(0);
  Params lp = p;
  lp.push_back(static_cast<int64_t>(f.per_page));
  lp.push_back(static_cast<int64_t>((std::max(f.page, 1) - 1) * f.per_page));
  for (auto& r : c.query(std::string("SELECT ") + kUserColumns +
                             " FROM users u JOIN organisations o ON o.id = u.organisation_id" + where +
                             " ORDER BY lower(u.name), u.id LIMIT ? OFFSET ?",
                         lp))
    page.users.push_back(user_from(r));
  return page;
}

// --- organisations

namespace {
std::atomic<uint64_t> g_organisations_version{1};
}
uint64_t organisations_version() { return g_organisations_version.load(std::memory_order_acquire); }
void organisations_changed() { g_organisations_version.fetch_add(1, std::memory_order_acq_rel); }

std::optional<Organisation> find_organisation(Connection& c, int64_t id) {
  auto r = c.query_one(std::string("SELECT ") + kOrgColumns + " FROM organisations o WHERE o.id = ?", {id});
  if (!r) return std::nullopt;
  Organisation o = org_from(*r);
  for (auto& p : c.query("SELECT rent_period FROM organisation_rent_periods WHERE organisation_id = ?", {id}))
    o.rent_periods.push_back(static_cast<int>(p.i64(0)));
  return o;
}

bool organisation_name_taken(Connection& c, const std::string& name, int64_t except_id) {
  return c.query_one("SELECT id FROM organisations WHERE lower(name) = lower(?) AND id <> ?", {name, except_id})
      .has_value();
}

static Params org_params(const Organisation& o) {
  return {o.name,
          static_cast<int64_t>(o.provider_type),
          db::null_if_empty(o.housing_registration_no),
          db::null_if_empty(o.address_line1),
          db::null_if_empty(o.address_line2),
          db::null_if_empty(o.postcode),
          db::null_if_empty(o.phone),
          b(o.holds_own_stock),
          db::opt(o.stock_general_needs),
          db::opt(o.stock_supported_housing),
          db::opt(o.stock_unspecified),
          b(o.active)};
}

int64_t create_organisation(Connection& c, const Organisation& o) {
  Changed changed(c, organisations_changed);
  std::string now = now_iso();
  Params p = org_params(o);
  p.push_back(now);
  p.push_back(now);
  int64_t id = c.insert(
      "INSERT INTO organisations (name, provider_type, housing_registration_no, address_line1, address_line2, "
      "postcode, phone, holds_own_stock, stock_general_needs, stock_supported_housing, stock_unspecified, active, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      p);
  set_rent_periods(c, id, o.rent_periods);
  return id;
}

void update_organisation(Connection& c, const Organisation& o) {
  Changed changed(c, organisations_changed);
  Params p = org_params(o);
  p.push_back(now_iso());
  p.push_back(o.id);
  c.exec(
      "UPDATE organisations SET name = ?, provider_type = ?, housing_registration_no = ?, address_line1 = ?, "
      "address_line2 = ?, postcode = ?, phone = ?, holds_own_stock = ?, stock_general_needs = ?, "
      "stock_supported_housing = ?, stock_unspecified = ?, active = ?, updated_at = ? WHERE id = ?",
      p);
  set_rent_periods(c, o.id, o.rent_periods);
}

void set_rent_periods(Connection& c, int64_t organisation_id, const std::vector<int>& periods) {
  Changed changed(c, organisations_changed);
  c.exec("DELETE FROM organisation_rent_periods WHERE organisation_id = ?", {organisation_id});
  for (int p : periods)
    c.exec("INSERT INTO organisation_rent_periods (organisation_id, rent_period) VALUES (?, ?)",
           {organisation_id, static_cast<int64_t>(p)});
}

OrganisationPage list_organisations(Connection& c, const std::string& search, int page, int per_page) {
  std::string where;
  Params p;
  if (!search.empty()) {
    where = " WHERE lower(o.name) LIKE ? ESCAPE '\\'";
    p.push_back(db::like_contains(search));
  }
  OrganisationPage out;
  out.total = c.query_one("SELECT COUNT(*) FROM organisations o" + where, p)->i64(0);
  p.push_back(static_cast<int64_t>(per_page));
  p.push_back(static_cast<int64_t>((std::max(page, 1) - 1) * per_page));
  for (auto& r : c.query(std::string("SELECT ") + kOrgColumns + " FROM organisations o" + where +
                             " ORDER BY lower(o.name), o.id LIMIT ? OFFSET ?",
                         p))
    out.organisations.push_back(org_from(r));
  return out;
}

std::vector<Organisation> search_organisations(Connection& c, const std::string& search, int limit) {
  return list_organisations(c, search, 1, limit).organisations;
}

// --- relationships

static std::vector<Organisation> related(Connection& c, const std::string& join_on, const std::string& where,
                                         int64_t id) {
  std::vector<Organisation> out;
  for (auto& r : c.query(std::string("SELECT ") + kOrgColumns +
                             " FROM organisation_relationships rel JOIN organisations o ON o.id = rel." + join_on +
                             " WHERE rel." + where + " = ? ORDER BY lower(o.name)",
                         {id}))
    out.push_back(org_from(r));
  return out;
}

std::vector<Organisation> stock_owners(Connection& c, int64_t id) {
  return related(c, "parent_organisation_id", "child_organisation_id", id);
}
std::vector<Organisation> managing_agents(Connection& c, int64_t id) {
  return related(c, "child_organisation_id", "parent_organisation_id", id);
}
bool relationship_exists(Connection& c, int64_t parent, int64_t child) {
  return c.query_one("SELECT id FROM organisation_relationships WHERE parent_organisation_id = ? AND "
                     "child_organisation_id = ?",
                     {parent, child})
      .has_value();
}
void add_relationship(Connection& c, int64_t parent, int64_t child) {
  Changed changed(c, organisations_changed);
  c.exec("INSERT INTO organisation_relationships (parent_organisation_id, child_organisation_id, created_at) VALUES "
         "(?, ?, ?)",
         {parent, child, now_iso()});
}
bool remove_relationship(Connection& c, int64_t parent, int64_t child) {
  Changed changed(c, organisations_changed);
  return c.exec("DELETE FROM organisation_relationships WHERE parent_organisation_id = ? AND child_organisation_id = ?",
                {parent, child}) > 0;
}

static const char* kRequestColumns =
    "SELECT id, parent_organisation_id, child_organisation_id, requested_by_organisation_id, requested_by_user_id, "
    "created_at FROM organisation_relationship_requests";

static RelationshipRequest request_from(Connection& c, const Row& r) {
  RelationshipRequest q;
  q.id = r.i64(0);
  q.parent_id = r.i64(1);
  q.child_id = r.i64(2);
  q.requested_by_organisation_id = r.i64(3);
  q.requested_by_user_id = r.opt_i64(4);
  q.created_at = r.str(5);
  if (auto o = find_organisation(c, q.parent_id)) q.parent = *o;
  if (auto o = find_organisation(c, q.child_id)) q.child = *o;
  return q;
}

std::vector<RelationshipRequest> relationship_requests(Connection& c, int64_t organisation_id) {
  std::vector<RelationshipRequest> out;
  for (auto& r : c.query(std::string(kRequestColumns) +
                             " WHERE parent_organisation_id = ? OR child_organisation_id = ? ORDER BY id",
                         {organisation_id, organisation_id}))
    out.push_back(request_from(c, r));
  return out;
}
std::optional<RelationshipRequest> find_relationship_request(Connection& c, int64_t id) {
  auto r = c.query_one(std::string(kRequestColumns) + " WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return request_from(c, *r);
}
bool relationship_requested(Connection& c, int64_t parent, int64_t child) {
  return c.query_one("SELECT id FROM organisation_relationship_requests WHERE parent_organisation_id = ? AND "
                     "child_organisation_id = ?",
                     {parent, child})
      .has_value();
}
int64_t create_relationship_request(Connection& c, int64_t parent, int64_t child, int64_t by_organisation_id,
                                    std::optional<int64_t> by_user_id) {
  return c.insert(
      "INSERT INTO organisation_relationship_requests (parent_organisation_id, child_organisation_id, "
      "requested_by_organisation_id, requested_by_user_id, created_at) VALUES (?, ?, ?, ?, ?)",
      {parent, child, by_organisation_id, db::opt(by_user_id), now_iso()});
}
bool delete_relationship_request(Connection& c, int64_t id) {
  return c.exec("DELETE FROM organisation_relationship_requests WHERE id = ?", {id}) > 0;
}

// --- data sharing agreement

std::optional<DataSharingAgreement> find_data_sharing_agreement(Connection& c, int64_t organisation_id) {
  auto r = c.query_one(
      "SELECT organisation_id, data_protection_officer_id, signed_at, organisation_name, organisation_address, "
      "organisation_phone_number, dpo_name, dpo_email FROM data_protection_confirmations WHERE organisation_id = ? "
      "AND confirmed = 1",
      {organisation_id});
  if (!r) return std::nullopt;
  DataSharingAgreement d;
  d.organisation_id = r->i64("organisation_id");
  d.dpo_id = r->i64("data_protection_officer_id");
  d.signed_at = r->str("signed_at");
  d.organisation_name = r->str("organisation_name");
  d.organisation_address = r->str("organisation_address");
  d.organisation_phone = r->str("organisation_phone_number");
  d.dpo_name = r->str("dpo_name");
  d.dpo_email = r->str("dpo_email");
  return d;
}

void accept_data_sharing_agreement(Connection& c, const Organisation& org, const User& dpo) {
  Changed changed(c, organisations_changed);
  std::string address = org.address_line1;
  for (const auto& part : {org.address_line2, org.postcode})
    if (!part.empty()) address += (address.empty() ? "" : ", ") + part;
  std::string now = now_iso();
  c.exec(
      "INSERT INTO data_protection_confirmations (organisation_id, data_protection_officer_id, confirmed, signed_at, "
      "organisation_name, organisation_address, organisation_phone_number, dpo_name, dpo_email, created_at) VALUES "
      "(?, ?, 1, ?, ?, ?, ?, ?, ?, ?)",
      {org.id, dpo.id, now, org.name, db::null_if_empty(address), db::null_if_empty(org.phone), dpo.name, dpo.email,
       now});
}

// --- sessions

void create_session(Connection& c, const std::string& h, int64_t user_id) {
  std::string now = now_iso();
  c.exec("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
         {h, user_id, now, now});
}
std::optional<std::pair<Session, User>> find_session_user(Connection& c, const std::string& h) {
  // One query, the user joined by primary key: what decides access (role, organisation, flags,
  // status) is read fresh on every request, so a change made by any server counts at once.
  auto r = c.query_one(std::string("SELECT ") + kUserColumns +
                           ", s.last_seen_at, s.flash FROM sessions s JOIN users u ON u.id = s.user_id "
                           "JOIN organisations o ON o.id = u.organisation_id WHERE s.token_hash = ?",
                       {h});
  if (!r) return std::nullopt;
  User u = user_from(*r);
  Session session{u.id, r->str(17), r->opt_str(18)};
  return std::make_pair(std::move(session), std::move(u));
}

void touch_session(Connection& c, const std::string& h) {
  c.exec("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", {now_iso(), h});
}
void delete_session(Connection& c, const std::string& h) { c.exec("DELETE FROM sessions WHERE token_hash = ?", {h}); }
void delete_user_sessions(Connection& c, int64_t user_id) {
  c.exec("DELETE FROM sessions WHERE user_id = ?", {user_id});
}
void delete_organisation_sessions(Connection& c, int64_t organisation_id) {
  c.exec("DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE organisation_id = ?)", {organisation_id});
}
void set_flash(Connection& c, const std::string& h, const std::string& m) {
  c.exec("UPDATE sessions SET flash = ? WHERE token_hash = ?", {m, h});
}
void clear_flash(Connection& c, const std::string& h) {
  c.exec("UPDATE sessions SET flash = NULL WHERE token_hash = ?", {h});
}

// --- tokens

void create_token(Connection& c, int64_t user_id, const std::string& purpose, const std::string& h,
                  const std::string& expires_at) {
  c.exec("INSERT INTO user_tokens (user_id, purpose, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
         {user_id, purpose, h, expires_at, now_iso()});
}
std::optional<int64_t> find_valid_token(Connection& c, const std::string& purpose, const std::string& h) {
  auto r = c.query_one(
      "SELECT user_id FROM user_tokens WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
      {h, purpose, now_iso()});
  if (!r) return std::nullopt;
  return r->i64(0);
}
void use_tokens(Connection& c, int64_t user_id, const std::string& purpose) {
  c.exec("UPDATE user_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL",
         {now_iso(), user_id, purpose});
}

// --- rate limits

bool rate_limit_hit(Connection& c, const std::string& key, int max, int window_seconds) {
  int64_t now = util::now_seconds();
  std::string window_start = util::iso_from_seconds(now - window_seconds);
  bool allowed = true;
  c.transaction([&] {
    auto r = c.query_one("SELECT window_start, count FROM rate_limits WHERE key = ?", {key});
    if (!r || r->str("window_start") < window_start) {
      c.exec("DELETE FROM rate_limits WHERE key = ?", {key});
      c.exec("INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)", {key, util::iso_from_seconds(now)});
    } else {
      int64_t n = r->i64("count") + 1;
      c.exec("UPDATE rate_limits SET count = ? WHERE key = ?", {n, key});
      allowed = n <= max;
    }
  });
  return allowed;
}

// --- audit

void audit(Connection& c, std::optional<int64_t> actor, const std::string& action, const std::string& subject_type,
           std::optional<int64_t> subject_id, std::optional<int64_t> org, const nlohmann::json& details) {
  c.exec(
      "INSERT INTO audit_events (at, actor_user_id, action, subject_type, subject_id, organisation_id, details) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {now_iso(), db::opt(actor), action, subject_type, db::opt(subject_id), db::opt(org), details.dump()});
}

std::vector<AuditRow> audit_rows(Connection& c, const std::string& subject_type, int64_t subject_id) {
  std::vector<AuditRow> out;
  for (auto& r : c.query("SELECT at, actor_user_id, action, subject_type, subject_id, organisation_id, details FROM "
                         "audit_events WHERE subject_type = ? AND subject_id = ? ORDER BY id",
                         {subject_type, subject_id}))
    out.push_back(AuditRow{r.str("at"), r.str("action"), r.str("subject_type"), r.str("details"),
                           r.opt_i64("actor_user_id"), r.opt_i64("subject_id"), r.opt_i64("organisation_id")});
  return out;
}

// --- settings

std::optional<std::string> setting(Connection& c, const std::string& key) {
  auto r = c.query_one("SELECT value FROM app_settings WHERE key = ?", {key});
  if (!r) return std::nullopt;
  return r->str(0);
}

std::string setting_or_set(Connection& c, const std::string& key, const std::string& value) {
  c.exec("INSERT INTO app_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", {key, value});
  return *setting(c, key);
}

void set_setting(Connection& c, const std::string& key, const std::string& value) {
  c.exec("INSERT INTO app_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
         {key, value});
}

}  // namespace core::accounts::store
