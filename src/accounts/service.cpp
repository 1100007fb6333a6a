#include "accounts/service.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <regex>
#include <sstream>

#include "accounts/passwords.h"
#include "accounts/store.h"
#include "util/crypto.h"
#include "util/paths.h"
#include "util/postcode.h"
#include "util/time.h"
#include "web/render.h"

namespace core::accounts::service {
using web::add_error;
using web::trim;

bool valid_email(const std::string& email) {
  static const std::regex re(R"(^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$)");
  return email.size() <= 254 && std::regex_match(email, re);
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

FieldErrors read_organisation(db::Connection& c, const OrganisationInput& in, Organisation& org, int64_t except_id) {
  FieldErrors e;
  org.name = trim(in.name);
  if (org.name.empty()) add_error(e, "name", "Enter the organisation name");
  else if (org.name.size() > 200) add_error(e, "name", "Organisation name must be 200 characters or fewer");
  else if (store::organisation_name_taken(c, org.name, except_id))
    add_error(e, "name", "An organisation with this name already exists");
  std::string type = trim(in.provider_type);
  if (type == "1" || type == "LA") org.provider_type = 1;
  else if (type == "2" || type == "PRP") org.provider_type = 2;
  else add_error(e, "provider_type", "Select the organisation type");
  org.housing_registration_no = trim(in.housing_registration_no);
  if (org.housing_registration_no.size() > 20)
    add_error(e, "housing_registration_no", "Housing regulator registration number must be 20 characters or fewer");
  org.address_line1 = trim(in.address_line1);
  org.address_line2 = trim(in.address_line2);
  if (org.address_line1.size() > 200) add_error(e, "address_line1", "Address line 1 must be 200 characters or fewer");
  if (org.address_line2.size() > 200) add_error(e, "address_line2", "Town or city must be 200 characters or fewer");
  std::string pc = trim(in.postcode);
  org.postcode = pc.empty() ? "" : util::normalise_postcode(pc);
  if (!org.postcode.empty() && !util::valid_postcode(org.postcode)) add_error(e, "postcode", "Enter a real postcode, like AA1 1AA");
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

static std::string render_email(const std::string& name, const nlohmann::json& data) {
  std::ifstream in(resource_root() / "templates" / "emails" / (name + ".mustache"));
  std::stringstream ss;
  ss << in.rdbuf();
  // The e-mails use only {{{name}}} tags with text values.
  return web::Template::parse(ss.str()).render(data);
}

static void send_link(db::Connection& c, mail::Mailer& m, const std::string& base_url, const User& u,
                      const std::string& purpose, int hours, const std::string& email_template,
                      const std::string& subject, const std::string& path) {
  store::use_tokens(c, u.id, purpose);  // earlier links stop working
  std::string token = util::random_token(32);
  store::create_token(c, u.id, purpose, util::sha256_hex(token),
                      util::iso_from_seconds(util::now_seconds() + hours * 3600));
  std::string body = render_email(email_template, {{"name", u.name},
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

SignInResult sign_in(db::Connection& c, const std::string& email, const std::string& password, User& user,
                     const std::string& remote_addr) {
  auto u = store::find_user_by_email(c, trim(email));
  if (!u) {
    // Spend the same time as a real check, so response times do not reveal which emails exist.
    static const std::string dummy = passwords::hash("not-a-real-password-Aa1!");
    passwords::verify(dummy, password);
    store::audit(c, std::nullopt, "sign_in.failed", "user", std::nullopt, std::nullopt,
                 {{"email", trim(email)}, {"reason", "unknown email"}, {"ip", remote_addr}});
    // Unknown addresses "lock" after the same number of tries as real ones, so the replies
    // do not reveal whether an account exists.
    std::string key = "sign_in:" + trim(email);
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char ch) { return std::tolower(ch); });
    bool allowed = store::rate_limit_hit(c, key, kLockoutAttempts - 1, kLockoutMinutes * 60);
    return allowed ? SignInResult::Invalid : SignInResult::Locked;
  }
  int64_t now = util::now_seconds();
  if (u->locked_until && util::seconds_from_iso(*u->locked_until) > now) {
    store::audit(c, u->id, "sign_in.failed", "user", u->id, u->organisation_id, {{"reason", "locked"}, {"ip", remote_addr}});
    return SignInResult::Locked;
  }
  bool ok = passwords::verify(u->password_hash, password);
  if (!ok) {
    int64_t n = store::record_failed_sign_in(c, u->id, kLockoutAttempts,
                                             util::iso_from_seconds(now + kLockoutMinutes * 60));
    store::audit(c, u->id, "sign_in.failed", "user", u->id, u->organisation_id,
                 {{"reason", "wrong password"}, {"attempt", n}, {"ip", remote_addr}});
    return n >= kLockoutAttempts ? SignInResult::Locked : SignInResult::Invalid;
  }
  if (!u->active) {
    store::audit(c, u->id, "sign_in.failed", "user", u->id, u->organisation_id, {{"reason", "deactivated"}});
    return SignInResult::Deactivated;
  }
  if (!u->confirmed_at) return SignInResult::Unconfirmed;
  store::record_sign_in(c, u->id);
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
