// Users and organisations as the rest of the service sees them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace core::accounts {

enum class Role : int { Provider = 1, Coordinator = 2, Support = 99 };
std::string role_label(Role r);                       // "Data provider", ...
std::string role_key(Role r);                         // "provider", "coordinator", "support"
std::optional<Role> role_from_key(const std::string& key);  // accepts keys and the numbers 1/2/99

struct User {
  int64_t id = 0;
  int64_t organisation_id = 0;
  std::string organisation_name;
  std::string name, email, phone;
  Role role = Role::Provider;
  bool is_dpo = false, is_key_contact = false, active = true;
  std::optional<std::string> confirmed_at, locked_until, last_sign_in_at;
  int64_t sign_in_count = 0, failed_attempts = 0;
  std::string password_hash;
  std::string created_at;
  // "active", "unconfirmed" or "deactivated"
  std::string status() const;
  std::string status_label() const;
};

enum class ProviderType : int { LocalAuthority = 1, PrivateRegisteredProvider = 2 };
std::string provider_type_label(int t);

// The 11 CORE rent periods, in the order the form shows them.
struct RentPeriod {
  int code;
  const char* label;
};
const std::vector<RentPeriod>& rent_periods();

struct Organisation {
  int64_t id = 0;
  std::string name;
  int provider_type = 1;
  std::string housing_registration_no, address_line1, address_line2, postcode, phone;
  bool holds_own_stock = false, active = true;
  std::optional<int64_t> stock_general_needs, stock_supported_housing, stock_unspecified;
  std::vector<int> rent_periods;
  std::string created_at;
  bool dsa_accepted = false;  // a DPO has accepted the data sharing agreement
};

}  // namespace core::accounts
