// Synthetic logs of any kind for benchmarks (`core logs generate --type TYPE`): the complete logs of
// the kind's rule cases (tests/cases/<type>-<year>/complete-logs.json) through the gateway once,
// then copied in bulk, each copy with its own organisation, assigned user and references. Not for
// production data.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "db/database.h"

namespace core::logs {

struct GenerateOptions {
  std::string type = "lettings";       // a kind (logs::kinds()); its newest form is used
  int64_t count = 0;
  std::vector<int64_t> organisations;  // owning = managing organisation, taken in turn
  int64_t assigned_to_id = 0;          // 0: no assigned user
  // Every Nth log of each organisation repeats the tenant code of that organisation's log before
  // it, so the two are duplicates (ADR 0013); 0: no duplicates.
  int64_t duplicates_every = 0;
};

// Returns how many logs were inserted. Throws std::runtime_error for a type that is not a kind or
// whose complete-log cases are missing or do not complete.
int64_t generate(db::Database& db, const GenerateOptions& o);

}  // namespace core::logs
