// The log list of each kind (/lettings-logs, /sales-logs, and an organisation's): the logs the
// user may see, filtered (year, status, category, assigned to, owned by, managed by) and searched
// (log id, the landlord's references, postcode), with the filters kept for the session.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "accounts/model.h"
#include "logs/kinds.h"
#include "logs/store.h"
#include "web/app.h"

namespace core::logs {

// Every log the user may see, or (`of`) the logs that organisation owns or manages, under its
// sub-navigation.
web::Response list_page(web::Context& ctx, const Kind& kind, const accounts::Organisation* of);
void clear_list_filters(web::Context& ctx, const Kind& kind);

// What the user's list shows when filtered to one status of a collection year (and, with
// `assigned_to_user`, to the logs assigned to them): how many logs, and the list's address with
// those filters set. The count is the list's own (the same filter, visibility and query).
struct FilteredCount {
  int64_t count = 0;
  std::string href;  // "/lettings-logs?filtered=1&years=2026&status=in_progress&assigned_to=you"
};
// Every status ("not_started", "in_progress", "completed") of that year; nullopt when the list does
// not offer the year as a filter (a link could not show those logs alone).
std::optional<std::map<std::string, FilteredCount>> filtered_counts(web::Context& ctx, const Kind& kind, int year,
                                                                    bool assigned_to_user);
// The logs the user's list shows now (for `of`: that organisation's list): its stored filters and
// search, paging aside. For downloads of what the list shows.
store::Filter current_filter(web::Context& ctx, const Kind& kind, const accounts::Organisation* of);
// The collection years the list offers as a filter, newest first.
std::vector<int> list_years(const Kind& kind);
// What a filter selects, in words, for confirmation pages: ("Status", "In progress, Completed")…;
// only the filters that are set.
std::vector<std::pair<std::string, std::string>> filter_summary(web::Context& ctx, const Kind& kind, const store::Filter& f);
// The key the session's stored filters are kept under.
std::string session_hash(web::Context& ctx);

}  // namespace core::logs
