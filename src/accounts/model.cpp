#include "accounts/model.h"

namespace core::accounts {

std::string role_label(Role r) {
  switch (r) {
    case Role::Provider: return "Data provider";
    case Role::Coordinator: return "Data coordinator";
    case Role::Support: return "Support";
  }
  return "Unknown";
}

std::string role_key(Role r) {
  switch (r) {
    case Role::Provider: return "provider";
    case Role::Coordinator: return "coordinator";
    case Role::Support: return "support";
  }
  return "";
}

std::optional<Role> role_from_key(const std::string& k) {
  if (k == "provider" || k == "1" || k == "data_provider") return Role::Provider;
  if (k == "coordinator" || k == "2" || k == "data_coordinator") return Role::Coordinator;
  if (k == "support" || k == "99") return Role::Support;
  return std::nullopt;
}

std::string User::status() const {
  if (!active) return "deactivated";
  if (!confirmed_at) return "unconfirmed";
  return "active";
}

std::string User::status_label() const {
  auto s = status();
  if (s == "active") return "Active";
  if (s == "unconfirmed") return "Unconfirmed";
  return "Deactivated";
}

std::string provider_type_label(int t) {
  return t == 1 ? "Local authority" : t == 2 ? "Private registered provider" : "Unknown";
}

const std::vector<RentPeriod>& rent_periods() {
  static const std::vector<RentPeriod> periods = {
      {2, "Every 2 weeks"},        {3, "Every 4 weeks"},        {4, "Every calendar month"},
      {9, "Weekly for 46 weeks"},  {8, "Weekly for 47 weeks"},  {7, "Weekly for 48 weeks"},
      {6, "Weekly for 49 weeks"},  {5, "Weekly for 50 weeks"},  {11, "Weekly for 51 weeks"},
      {1, "Weekly for 52 weeks"},  {10, "Weekly for 53 weeks"},
  };
  return periods;
}

}  // namespace core::accounts
