// Synthetic lettings logs for benchmarks (`core logs generate`): realistic answers through the
// gateway once, then inserted in bulk. Not for production data.
#pragma once
#include <cstdint>
#include <vector>

#include "db/database.h"

namespace core::logs {

struct GenerateOptions {
  int64_t count = 0;
  std::vector<int64_t> organisations;  // owning = managing organisation, taken in turn
  int64_t assigned_to_id = 0;          // 0: no assigned user
  // Every Nth log of each organisation repeats the tenant code of that organisation's log before
  // it, so the two are duplicates (ADR 0013); 0: no duplicates.
  int64_t duplicates_every = 0;
};

// Returns how many logs were inserted.
int64_t generate(db::Database& db, const GenerateOptions& o);

}  // namespace core::logs
