#include "accounts/service.h"
#include "mail/email_template.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "accounts/passwords.h"
#include "accounts/store.h"
#include "util/crypto.h"
#include "util/paths.h"
#include "util/postcode.h"
#include "util/text.h"
#include "util/time.h"
#include "web/render.h"

namespace core::accounts::service {
using web::add_error;
using web::trim;

namespace {
bool ascii_alnum(char ch) { return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'); }
bool local_part_char(char ch) {
  return ascii_alnum(ch) || std::string_view(".!#$%&'*+/=?^_`{|}~-").find(ch) != std::string_view::npos;
}
// A domain label: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit.
bool valid_label(std::string_view l) {
  if (l.empty() || l.size() > 63 || !ascii_alnum(l.front()) || !ascii_alnum(l.back())) return false;
  for (char ch : l)
    if (!ascii_alnum(ch) && ch != '-') return false;
  return true;
}
}  // namespace

// The pattern the service has always used, checked by hand in one pass (no regex, no backtracking):
//   local part  [A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+
//   "@"
//   domain      two or more labels separated by dots (see valid_label)
bool valid_email(const std::string& email) {
  if (email.size() > 254) return false;
  size_t at = email.find('@');
  if (at == std::string::npos || at == 0) return false;
  for (size_t i = 0; i < at; ++i)
    if (!local_part_char(email[i])) return false;
  std::string_view domain = std::string_view(email).substr(at + 1);
  int labels = 0;
  for (size_t start = 0;;) {
    size_t dot = domain.find('.', start);
    if (!valid_label(domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start)))
      return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels >= 2;
}

static std::optional<int64_t> count_field(FieldErrors& e, const std::string& field, const std::string& label,
                                          const std::string& v) {
  std::string s = trim(v);
  if (s.empty()) return std::nullopt;
  int64_t n = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size() || n < 0 || n > 10000000) {
    add_error(e, field, label + " must be a whole number between 0 and 10,000,000");
    return std::nullopt;
  }
  return n;
}

std::vector<std::string> all_rent_period_codes() {
  std::vector<std::string> codes;
  for (const auto& p : rent_periods()) codes.push_back(std::to_string(p.code));
  return codes;
}

std::optional<std::vector<std::string>> rent_period_list(const std::string& text) {
  std::vector<std::string> codes;
  size_t p = 0;
  for (;;) {
    size_t q = text.find(',', p);
    std::string code = trim(text.substr(p, q == std::string::npos ? std::string::npos : q - p));
    if (code.empty() || code.size() > 3 || code.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    codes.push_back(code);
    if (q == std::string::npos) break;
    p = q + 1;
  }
  return codes;
}

FieldErrors read_organisation(db::Connection& c, const OrganisationInput& in, Organisation& org, int64_t except_id) {
  FieldErrors e;
  org.name = trim(in.name);
  if (org.name.empty()) add_error(e, "name", "Enter the organisation name");
  else if (auto p = util::single_line_problem(org.name)) add_error(e, "name", std::string("Organisation name ") + p);
  else if (org.name.size() > 200) add_error(e, "name", "Organisation name must be 200 characters or fewer");
  else if (store::organisation_name_taken(c, org.name, except_id))
    add_error(e, "name", "An organisation with this name already exists");
  std::string type = trim(in.provider_type);
  if (type == "1" || type == "LA") org.provider_type = 1;
  else if (type == "2" || type == "PRP") org.provider_type = 2;
  else add_error(e, "provider_type", "Select the organisation type");
  org.housing_registration_no = trim(in.housing_registration_no);
  if (auto p = util::single_line_problem(org.housing_registration_no))
    add_error(e, "housing_registration_no", std::string("Housing regulator registration number ") + p);
  else if (org.housing_registration_no.size() > 20)
    add_error(e, "housing_registration_no", "Housing regulator registration number must be 20 characters or fewer");
  org.address_line1 = trim(in.address_line1);
  org.address_line2 = trim(in.address_line2);
  if (auto p = util::single_line_problem(org.address_line1)) add_error(e, "address_line1", std::string("Address line 1 ") + p);
  else if (org.address_line1.size() > 200) add_error(e, "address_line1", "Address line 1 must be 200 characters or fewer");
  if (auto p = util::single_line_problem(org.address_line2)) add_error(e, "address_line2", std::string("Town or city ") + p);
  else if (org.address_line2.size() > 200) add_error(e, "address_line2", "Town or city must be 200 characters or fewer");
  std::string pc = trim(in.postcode);
  // A postcode is short: anything long is refused before the pattern is tried.
  org.postcode = pc.empty() || pc.size() > 16 ? pc : util::normalise_postcode(pc);
  if (!org.postcode.empty() && (pc.size() > 16 || !util::valid_postcode(org.postcode)))
    add_error(e, "postcode", "Enter a real postcode, like AA1 1AA");
  org.phone = trim(in.phone);
  if (!org.phone.empty() && (org.phone.size() > 20 || org.phone.find_first_not_of("0123456789 +()-") != std::string::npos))
    add_error(e, "phone", "Enter a telephone number, like 01632 960 001 or 07700 900 982");
  if (in.holds_own_stock == "1") org.holds_own_stock = true;
  else if (in.holds_own_stock == "0") org.holds_own_stock = false;
  else add_error(e, "holds_own_stock", "Select yes if the organisation holds its own stock");
  org.stock_general_needs = count_field(e, "stock_general_needs", "General needs units", in.stock_general_needs);
  org.stock_supported_housing = count_field(e, "stock_supported_housing", "Supported housing units", in.stock_supported_housing);
  org.stock_unspecified = count_field(e, "stock_unspecified", "Unspecified units", in.stock_unspecified);
  org.active = in.active != "0";
  org.rent_periods.clear();
  for (const auto& p : in.rent_periods) {
    int code = 0;
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), code);
    bool known = ec == std::errc() && ptr == p.data() + p.size() &&
                 std::any_of(rent_periods().begin(), rent_periods().end(), [&](const RentPeriod& r) { return r.code == code; });
    if (!known) {
      add_error(e, "rent_periods", "Select rent periods from the list");
      break;
    }
    if (std::find(org.rent_periods.begin(), org.rent_periods.end(), code) == org.rent_periods.end())
      org.rent_periods.push_back(code);
  }
  return e;
}

FieldErrors read_user(db::Connection& c, const UserInput& in, int64_t except_id) {
  FieldErrors e;
  std::string name = trim(in.name), email = trim(in.email), phone = trim(in.phone);
  if (name.empty()) add_error(e, "name", "Enter a name");
  else if (auto p = util::single_line_problem(name)) add_error(e, "name", std::string("Name ") + p);
  else if (name.size() > 200) add_error(e, "name", "Name must be 200 characters or fewer");
  if (email.empty()) add_error(e, "email", "Enter an email address");
  else if (!valid_email(email)) add_error(e, "email", "Enter an email address in the correct format, like name@example.com");
  else if (auto other = store::find_user_by_email(c, email); other && other->id != except_id)
    add_error(e, "email", "A user with this email address already exists");
  if (!phone.empty() && (phone.size() > 20 || phone.find_first_not_of("0123456789 +()-") != std::string::npos))
    add_error(e, "phone", "Enter a telephone number, like 01632 960 001 or 07700 900 982");
  if (!in.role.empty() && !role_from_key(in.role)) add_error(e, "role", "Select a role");
  return e;
}


static void send_link(db::Connection& c, mail::Mailer& m, const std::string& base_url, const User& u,
                      const std::string& purpose, int hours, const std::string& email_template,
                      const std::string& subject, const std::string& path) {
  store::use_tokens(c, u.id, purpose);  // earlier links stop working
  std::string token = util::random_token(32);
  store::create_token(c, u.id, purpose, util::sha256_hex(token),
                      util::iso_from_seconds(util::now_seconds() + hours * 3600));
  std::string body = mail::render_email(email_template, {{"name", u.name},
                                                   {"organisation", u.organisation_name},
                                                   {"link", base_url + path + "?token=" + token},
                                                   {"hours", std::to_string(hours)},
                                                   {"base_url", base_url}});
  m.send({u.email, subject, body});
}

int64_t invite_user(db::Connection& c, mail::Mailer& m, const std::string& base_url, int64_t organisation_id,
                    const UserInput& in, std::optional<int64_t> actor_id) {
  int64_t id = 0;
  c.transaction([&] {
    store::NewUser nu;
    nu.organisation_id = organisation_id;
    nu.name = trim(in.name);
    nu.email = trim(in.email);
    nu.phone = trim(in.phone);
    nu.role = role_from_key(in.role).value_or(Role::Provider);
    nu.is_dpo = in.is_dpo;
    nu.is_key_contact = in.is_key_contact;
    id = store::create_user(c, nu);
    store::audit(c, actor_id, "user.invited", "user", id, organisation_id,
                 {{"after", {{"name", nu.name}, {"email", nu.email}, {"role", role_key(nu.role)},
                             {"is_dpo", nu.is_dpo}, {"is_key_contact", nu.is_key_contact}}}});
    auto u = store::find_user(c, id);
    send_link(c, m, base_url, *u, "invite", kInviteLinkHours, "invitation",
              "You have been invited to CORE: set your password", "/account/invitation");
  });
  return id;
}

void resend_invitation(db::Connection& c, mail::Mailer& m, const std::string& base_url, const User& u,
                       std::optional<int64_t> actor_id) {
  c.transaction([&] {
    send_link(c, m, base_url, u, "invite", kInviteLinkHours, "invitation",
              "Reminder: you have been invited to CORE: set your password", "/account/invitation");
    store::audit(c, actor_id, "user.invitation_resent", "user", u.id, u.organisation_id);
  });
}

void request_password_reset(db::Connection& c, mail::Mailer& m, const std::string& base_url, const std::string& email) {
  auto u = store::find_user_by_email(c, trim(email));
  if (!u || !u->active) return;
  c.transaction([&] {
    if (!u->confirmed_at) {
      // Someone who never accepted their invitation gets a fresh invitation instead.
      send_link(c, m, base_url, *u, "invite", kInviteLinkHours, "invitation",
                "You have been invited to CORE: set your password", "/account/invitation");
    } else {
      send_link(c, m, base_url, *u, "reset", kResetLinkHours, "password_reset", "Reset your CORE password",
                "/account/password/reset");
    }
    store::audit(c, std::nullopt, "user.password_reset_requested", "user", u->id, u->organisation_id);
  });
}

void notify_relationship(db::Connection& c, mail::Mailer& m, const std::string& base_url, RelationshipEvent event,
                         const Organisation& owner, const Organisation& agent, int64_t requested_by) {
  std::string pair = owner.name + " to be a stock owner of " + agent.name;
  const Organisation& asker = requested_by == owner.id ? owner : agent;
  const Organisation& answerer = requested_by == owner.id ? agent : owner;
  std::string subject, message;
  switch (event) {
    case RelationshipEvent::Requested:
      subject = "CORE: a request to add a stock owner or managing agent";
      message = "There is a request for " + pair + ", made by " + asker.name + ". Once it is accepted, " +
                agent.name + " can see the schemes of " + owner.name + " and submit logs for its stock. Nothing "
                "changes until a data coordinator of " + answerer.name + " accepts it. To accept or decline the "
                "request (or, for " + asker.name + ", to cancel it), sign in and go to:";
      break;
    case RelationshipEvent::Accepted:
      subject = "CORE: a stock owner or managing agent request was accepted";
      message = "The request for " + pair + " has been accepted: " + owner.name + " is now a stock owner of " +
                agent.name + ". You can see the relationship at:";
      break;
    case RelationshipEvent::Declined:
      subject = "CORE: a stock owner or managing agent request was declined";
      message = "The request for " + pair + " has been declined. Nothing has changed. You can see the relationships at:";
      break;
    case RelationshipEvent::Cancelled:
      subject = "CORE: a stock owner or managing agent request was cancelled";
      message = "The request for " + pair + " has been cancelled. Nothing has changed. You can see the relationships at:";
      break;
    case RelationshipEvent::AddedBySupport:
      subject = "CORE: a stock owner or managing agent was added";
      message = "The CORE helpdesk has made " + owner.name + " a stock owner of " + agent.name +
                ". You can see the relationship at:";
      break;
  }
  // The stock owner's coordinators look after its managing agents, and the other way round.
  for (auto [org, slug] : {std::pair{&owner, "managing-agents"}, std::pair{&agent, "stock-owners"}})
    for (const auto& u : store::coordinators_of(c, org->id)) {
      std::string body = mail::render_email("relationship", {{"name", u.name},
                                                       {"message", message},
                                                       {"link", base_url + "/organisations/" + std::to_string(org->id) + "/" + slug}});
      m.send({u.email, subject, body});
    }
}

SignInResult sign_in(db::Connection& c, const std::string& email, const std::string& password, User& user,
                     const std::string& remote_addr) {
  static const std::string dummy = passwords::hash("not-a-real-password-Aa1!");
  int64_t now = util::now_seconds();
  std::string lock_until = util::iso_from_seconds(now + kLockoutMinutes * 60);
  auto is_locked = [&](const std::optional<std::string>& until) { return until && util::seconds_from_iso(*until) > now; };
  auto u = store::find_user_by_email(c, trim(email));
  if (!u) {
    // Unknown addresses are answered exactly as real ones: the same time spent on a password
    // check, and failures counted and locked alike (sign_in_failures), so neither the messages
    // nor their order reveal whether an account exists.
    passwords::verify(dummy, password);
    std::string key = trim(email);
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (is_locked(store::unknown_sign_in_locked_until(c, key))) {
      store::audit(c, std::nullopt, "sign_in.failed", "user", std::nullopt, std::nullopt,
                   {{"email", trim(email)}, {"reason", "unknown email, locked"}, {"ip", remote_addr}});
      return SignInResult::Locked;
    }
    int64_t n = store::record_unknown_sign_in_failure(c, key, kLockoutAttempts, kLockoutMinutes * 60, lock_until);
    store::audit(c, std::nullopt, "sign_in.failed", "user", std::nullopt, std::nullopt,
                 {{"email", trim(email)}, {"reason", "unknown email"}, {"attempt", n}, {"ip", remote_addr}});
    return n >= kLockoutAttempts ? SignInResult::Locked : SignInResult::Invalid;
  }
  if (is_locked(u->locked_until)) {
    passwords::verify(dummy, password);  // the same time as every other answer
    store::audit(c, u->id, "sign_in.failed", "user", u->id, u->organisation_id, {{"reason", "locked"}, {"ip", remote_addr}});
    return SignInResult::Locked;
  }
  bool ok = passwords::verify(u->password_hash, password);
  if (!ok) {
    // Failures count only within the lock period of the first one: a wrong password weeks after
    // the last starts the count again instead of locking the account.
    int64_t n = store::record_failed_sign_in(c, u->id, kLockoutAttempts, kLockoutMinutes * 60, lock_until);
    store::audit(c, u->id, "sign_in.failed", "user", u->id, u->organisation_id,
                 {{"reason", "wrong password"}, {"attempt", n}, {"ip", remote_addr}});
    return n >= kLockoutAttempts ? SignInResult::Locked : SignInResult::Invalid;
  }
  if (!u->active) {
    store::audit(c, u->id, "sign_in.failed", "user", u->id, u->organisation_id, {{"reason", "deactivated"}});
    return SignInResult::Deactivated;
  }
  if (!u->confirmed_at) return SignInResult::Unconfirmed;
  if (!store::record_sign_in(c, u->id)) {
    store::audit(c, u->id, "sign_in.failed", "user", u->id, u->organisation_id, {{"reason", "locked"}, {"ip", remote_addr}});
    return SignInResult::Locked;
  }
  store::audit(c, u->id, "sign_in", "user", u->id, u->organisation_id, {{"ip", remote_addr}});
  user = *u;
  return SignInResult::Ok;
}

std::vector<std::string> password_errors(db::Connection& c, std::optional<int64_t> user_id, const std::string& password) {
  auto errors = passwords::policy_errors(password);
  if (errors.empty() && user_id && passwords::reused(store::recent_password_hashes(c, *user_id, 3), password))
    errors.push_back(passwords::kReusedMessage);
  return errors;
}

}  // namespace core::accounts::service
