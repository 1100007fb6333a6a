// Account operations shared by the web handlers, the command line and the demo seed:
// validating and saving organisations and users, sending invitations and reset links,
// signing in. Field errors use web::FieldErrors (field id → message) so pages can show them.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "accounts/model.h"
#include "db/database.h"
#include "mail/mailer.h"
#include "web/forms.h"

namespace core::accounts::service {
using web::FieldErrors;

constexpr int kLockoutAttempts = 3;
constexpr int kLockoutMinutes = 30;
constexpr int kResetLinkHours = 3;
constexpr int kInviteLinkHours = 72;

bool valid_email(const std::string& email);

struct OrganisationInput {
  std::string name, provider_type, housing_registration_no, address_line1, address_line2, postcode, phone;
  std::string holds_own_stock;   // "1" yes, "0" no
  std::string stock_general_needs, stock_supported_housing, stock_unspecified;
  std::string active = "1";
  std::vector<std::string> rent_periods;
};
// Every rent period's code, as the form sends them: what a new organisation starts with (the
// real service's form has them all ticked), so its logs can record rent before anyone edits it.
std::vector<std::string> all_rent_period_codes();
// Reads a comma-separated list of rent period codes ("1,2,4") for the command line; nullopt when
// it is empty or has something that is not a number (read_organisation checks the codes exist).
std::optional<std::vector<std::string>> rent_period_list(const std::string& text);
// Checks the input and fills `org` from it. `except_id` is the organisation being edited.
FieldErrors read_organisation(db::Connection& c, const OrganisationInput& in, Organisation& org, int64_t except_id = 0);

struct UserInput {
  std::string name, email, phone, role;
  bool is_dpo = false, is_key_contact = false;
};
FieldErrors read_user(db::Connection& c, const UserInput& in, int64_t except_id = 0);

// Creates an unconfirmed user and emails them a link to set their password. Returns the id.
int64_t invite_user(db::Connection& c, mail::Mailer& m, const std::string& base_url, int64_t organisation_id,
                    const UserInput& in, std::optional<int64_t> actor_id);
// Emails a fresh invitation link (earlier links stop working).
void resend_invitation(db::Connection& c, mail::Mailer& m, const std::string& base_url, const User& u,
                       std::optional<int64_t> actor_id);
// Emails a password reset link when the address belongs to a user; does nothing otherwise.
void request_password_reset(db::Connection& c, mail::Mailer& m, const std::string& base_url,
                            const std::string& email);

// What happened to a relationship between two organisations, for the emails about it.
enum class RelationshipEvent { Requested, Accepted, Declined, Cancelled, AddedBySupport };
// Emails the data coordinators of both organisations (stock owner and managing agent) about it.
// `requested_by` is the organisation that asked (either of the two; for AddedBySupport, ignored).
void notify_relationship(db::Connection& c, mail::Mailer& m, const std::string& base_url, RelationshipEvent event,
                         const Organisation& stock_owner, const Organisation& managing_agent, int64_t requested_by);

enum class SignInResult { Ok, Invalid, Locked, Deactivated, Unconfirmed };
// Checks the password, counts failures (only those within kLockoutMinutes of the first counted),
// locks after kLockoutAttempts, records sign-ins and failures in the audit table. Addresses with no
// account are counted and locked the same way, so the answers do not reveal which exist. On Ok,
// `user` is filled.
SignInResult sign_in(db::Connection& c, const std::string& email, const std::string& password, User& user,
                     const std::string& remote_addr);

// Password rules, including "not one of the last 3".
std::vector<std::string> password_errors(db::Connection& c, std::optional<int64_t> user_id,
                                         const std::string& password);

}  // namespace core::accounts::service
