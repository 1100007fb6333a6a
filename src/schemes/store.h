// All SQL for schemes, locations and their deactivation periods.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "schemes/model.h"

namespace core::schemes::store {
using db::Connection;

std::optional<Scheme> find_scheme(Connection& c, int64_t id);
// Schemes owned by any of `owners` (all schemes when owners is empty and all_orgs is true),
// whose name or code matches `search`.
std::vector<Scheme> list_schemes(Connection& c, const std::vector<int64_t>& owners, bool all_orgs,
                                 const std::string& search);
// How many of those schemes (without a search) are incomplete (schemes/status.h): one count.
int64_t count_incomplete_schemes(Connection& c, const std::vector<int64_t>& owners, bool all_orgs);
int64_t create_scheme(Connection& c, const Scheme& s);
void update_scheme(Connection& c, const Scheme& s);

std::optional<Location> find_location(Connection& c, int64_t scheme_id, int64_t location_id);
std::vector<Location> list_locations(Connection& c, int64_t scheme_id);
int64_t create_location(Connection& c, const Location& l);
void update_location(Connection& c, const Location& l);

// kind: "scheme" or "location"
void add_deactivation(Connection& c, const std::string& kind, int64_t id, const util::Date& date);
// Sets the reactivation date of the open period. Returns false when there is none.
bool set_reactivation(Connection& c, const std::string& kind, int64_t id, const util::Date& date);

}  // namespace core::schemes::store
