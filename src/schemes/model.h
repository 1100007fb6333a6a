// Supported-housing schemes and their locations, with the option codes of the 2026/27 forms.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/dates.h"

namespace core::schemes {

struct Choice {
  const char* code;
  const char* label;
};
// Option lists, in the order the wizards show them.
const std::vector<Choice>& scheme_types();          // 4, 5, 6, 7
const std::vector<Choice>& care_act_options();      // 1, 2, 5
const std::vector<Choice>& arrangement_types();     // D, R, V, O
const std::vector<Choice>& client_groups();         // A..S (16 letters)
const std::vector<Choice>& support_types();         // 2, 3, 4, 6
const std::vector<Choice>& intended_stays();        // V, S, M, P
const std::vector<Choice>& unit_types();            // 6, 1, 2, 7, 3, 4
const std::vector<Choice>& mobility_types();        // W, A, M, N
// The label of `code` in `list`, or "" when it is not one of them.
std::string label_of(const std::vector<Choice>& list, const std::string& code);

struct Period {
  util::Date deactivation;
  std::optional<util::Date> reactivation;
};

struct Scheme {
  int64_t id = 0;
  int64_t owning_organisation_id = 0;
  std::string owning_organisation_name;
  std::string service_name;
  bool sensitive = false;
  std::string scheme_type, registered_under_care_act, arrangement_type, primary_client_group,
      secondary_client_group, support_type, intended_stay;
  std::optional<bool> has_other_client_group;
  std::optional<util::Date> startdate;
  bool confirmed = false;
  int64_t confirmed_locations = 0;  // loaded with the scheme
  std::vector<Period> periods;      // deactivation periods, oldest first
  std::string created_at;
  std::string code() const { return "S" + std::to_string(id); }
};

struct Location {
  int64_t id = 0, scheme_id = 0;
  std::string postcode, location_code, name, type_of_unit, mobility_type;
  std::optional<int64_t> units;
  std::optional<util::Date> startdate;
  bool confirmed = false;
  std::vector<Period> periods;
  std::string created_at;
};

}  // namespace core::schemes
