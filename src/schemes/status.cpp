#include "schemes/status.h"

namespace core::schemes {

std::string status_key(Status s) {
  switch (s) {
    case Status::Incomplete: return "incomplete";
    case Status::Active: return "active";
    case Status::ActivatingSoon: return "activating_soon";
    case Status::DeactivatingSoon: return "deactivating_soon";
    case Status::Deactivated: return "deactivated";
    case Status::ReactivatingSoon: return "reactivating_soon";
  }
  return "";
}

std::string status_label(Status s) {
  switch (s) {
    case Status::Incomplete: return "Incomplete";
    case Status::Active: return "Active";
    case Status::ActivatingSoon: return "Activating soon";
    case Status::DeactivatingSoon: return "Deactivating soon";
    case Status::Deactivated: return "Deactivated";
    case Status::ReactivatingSoon: return "Reactivating soon";
  }
  return "";
}

std::string status_colour(Status s) {
  switch (s) {
    case Status::Incomplete: return "govuk-tag--red";
    case Status::Active: return "govuk-tag--green";
    case Status::ActivatingSoon: return "govuk-tag--blue";
    case Status::DeactivatingSoon: return "govuk-tag--yellow";
    case Status::Deactivated: return "govuk-tag--grey";
    case Status::ReactivatingSoon: return "govuk-tag--blue";
  }
  return "";
}

std::optional<Period> period_covering(const std::vector<Period>& periods, const util::Date& date) {
  for (const auto& p : periods)
    if (p.deactivation <= date && (!p.reactivation || date < *p.reactivation)) return p;
  return std::nullopt;
}

Status status_on(const util::Date& date, bool complete, const std::optional<util::Date>& startdate,
                 const std::vector<Period>& periods) {
  if (!complete) return Status::Incomplete;
  if (auto p = period_covering(periods, date)) return p->reactivation ? Status::ReactivatingSoon : Status::Deactivated;
  for (const auto& p : periods)
    if (date < p.deactivation) return Status::DeactivatingSoon;
  if (startdate && date < *startdate) return Status::ActivatingSoon;
  return Status::Active;
}

Status scheme_status(const Scheme& s, const util::Date& date) {
  return status_on(date, s.confirmed && s.confirmed_locations > 0, s.startdate, s.periods);
}

Status location_status(const Location& l, const Scheme& scheme, const util::Date& date) {
  if (!l.confirmed) return Status::Incomplete;
  Status own = status_on(date, true, l.startdate, l.periods);
  Status parent = status_on(date, true, scheme.startdate, scheme.periods);
  if (parent == Status::Deactivated || parent == Status::ReactivatingSoon) {
    if (own == Status::Active || own == Status::ActivatingSoon || own == Status::DeactivatingSoon) return parent;
  }
  return own;
}

util::Date open_collection_start(const util::Date& today) { return util::collection_year_start(today); }

// Logs of the previous collection year stay editable until the end of July, so a deactivation
// may go back to that year's start until then.
static util::Date earliest_editable(const util::Date& today) {
  util::Date start = util::collection_year_start(today);
  util::Date edit_end{start.y, 7, 31};
  if (today <= edit_end) return util::Date{start.y - 1, 4, 1};
  return start;
}

std::string deactivation_error(const util::Date& date, const std::optional<util::Date>& startdate,
                               const std::vector<Period>& periods, const util::Date& today, const std::string& what) {
  util::Date earliest = earliest_editable(today);
  if (date < earliest) return "The date must be on or after " + earliest.display();
  if (startdate && date < *startdate)
    return "The " + what + " cannot be deactivated before " + startdate->display() + ", the date when it was first available";
  for (const auto& p : periods) {
    bool inside = p.deactivation <= date && (!p.reactivation || date < *p.reactivation);
    if (inside) return "The " + what + " is already deactivated during this date, please enter a different date";
    if (!p.reactivation) return "The " + what + " already has a deactivation date set. Reactivate it before setting another";
  }
  return "";
}

std::string reactivation_error(const util::Date& date, const std::vector<Period>& periods, const util::Date& today,
                               const std::string& what) {
  const Period* open = nullptr;
  for (const auto& p : periods)
    if (!p.reactivation) open = &p;
  if (!open) return "The " + what + " is not deactivated, so it cannot be reactivated";
  util::Date earliest = earliest_editable(today);
  if (date < earliest) return "The date must be on or after " + earliest.display();
  if (date < open->deactivation)
    return "This " + what + " was deactivated on " + open->deactivation.display() +
           ". The reactivation date must be on or after deactivation date";
  return "";
}

}  // namespace core::schemes
