// The status of a scheme or location on a date, and the date rules for deactivating and
// reactivating them. Pure: the date is always given.
//
// Statuses: incomplete, active, activating_soon (starts after the date), deactivating_soon (a
// deactivation is set for after the date), deactivated, reactivating_soon (deactivated, with a
// reactivation set for after the date).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "schemes/model.h"

namespace core::schemes {

enum class Status { Incomplete, Active, ActivatingSoon, DeactivatingSoon, Deactivated, ReactivatingSoon };
std::string status_key(Status s);    // "activating_soon"
std::string status_label(Status s);  // "Activating soon"
std::string status_colour(Status s); // a govuk-tag modifier

// The status from the start date and deactivation periods alone (`complete` false → incomplete).
Status status_on(const util::Date& date, bool complete, const std::optional<util::Date>& startdate,
                 const std::vector<Period>& periods);
Status scheme_status(const Scheme& s, const util::Date& date);
// A location is deactivated whenever its scheme is.
Status location_status(const Location& l, const Scheme& scheme, const util::Date& date);
// The period covering `date` (deactivated on or before it, not reactivated by then), if any.
std::optional<Period> period_covering(const std::vector<Period>& periods, const util::Date& date);

// Checks a deactivation date; returns the error message, or "" when the date is acceptable.
// `what` is "scheme" or "location"; `today` fixes the open collection period.
std::string deactivation_error(const util::Date& date, const std::optional<util::Date>& startdate,
                               const std::vector<Period>& periods, const util::Date& today, const std::string& what);
// Checks a reactivation date for the open deactivation period.
std::string reactivation_error(const util::Date& date, const std::vector<Period>& periods, const util::Date& today,
                               const std::string& what);
// The start of the open collection period: the date the "from the start of the open collection
// period" choice stands for.
util::Date open_collection_start(const util::Date& today);

}  // namespace core::schemes
