// Demo data for `core seed --demo`: a support organisation and user; a stock-holding local
// authority with a coordinator, a provider and a DPO who accepted the data sharing agreement;
// a housing association that is its managing agent, with a coordinator and a provider; and an
// organisation whose agreement is not accepted yet. All demo users share kDemoPassword.
// Running it again changes nothing. `extra_users` makes sure the local authority also has
// providers user1..userN@northshire.example (for benchmarks).
#pragma once
#include <string>

#include "db/database.h"

namespace core::accounts {
inline constexpr const char* kDemoPassword = "Housing-Demo-2026";
struct SeedResult {
  bool created = false;
  int extra_users_added = 0;
};
SeedResult seed_demo(db::Connection& c, int extra_users = 0);
}  // namespace core::accounts
