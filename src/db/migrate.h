// Numbered SQL migrations (migrations/NNNN_name.sql), applied in order, each in its own
// transaction, and recorded in schema_migrations. Applying twice changes nothing.
// Dialect tokens in the files: {{pk}} (auto-increment primary key), {{now}} (current UTC time).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "db/database.h"

namespace core::db {
struct MigrationResult {
  std::vector<std::string> applied;  // versions applied by this run
  size_t already = 0;                // versions that were already there
};
MigrationResult migrate(Database& db, const std::filesystem::path& dir);
std::string apply_dialect(const std::string& sql, Dialect d);
}  // namespace core::db
