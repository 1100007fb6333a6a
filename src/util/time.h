// UTC times as ISO 8601 text ("2026-11-25T15:04:05Z"): sortable, and the same on both databases.
#pragma once
#include <cstdint>
#include <string>

namespace core::util {
int64_t now_seconds();
std::string iso_from_seconds(int64_t epoch_seconds);
std::string now_iso();
// Parses what iso_from_seconds writes; returns 0 when the text is not such a time.
int64_t seconds_from_iso(const std::string& iso);
// "25 November 2026 at 3:04pm" style, for pages.
std::string display_datetime(const std::string& iso);
std::string display_date(const std::string& iso);
// Times in England (Europe/London: GMT, BST from 1am UTC on the last Sunday of March to 1am UTC on
// the last Sunday of October), as ISO 8601 with the offset: "2026-04-03T10:36:49+01:00".
int london_offset_seconds(int64_t epoch_seconds);
std::string london_iso(int64_t epoch_seconds);
// Midnight in England at the start of a day given as YYYY-MM-DD: "2026-04-03T00:00:00+01:00".
std::string london_midnight_iso(int y, int m, int d);
}  // namespace core::util
