// Subcommands over forms and logs:
//   form lint FILE...                       prove definitions sound (exit 1 on any problem); a
//                                           <type>-bulk-upload.json is linted against its form
//   form test [--database URL] FILE...      run rule cases (tests/cases/README.md) through the gateway
//   log check --type T --year Y [--today D] [--database URL [--as EMAIL]] FILE.json
#pragma once
#include <string>
#include <vector>

namespace core::cli {

int form_lint(const std::vector<std::string>& files);
int form_test(const std::vector<std::string>& files, const std::string& database_url);
int log_check(const std::string& type, const std::string& year, const std::string& today, const std::string& database_url,
              const std::string& file, const std::string& as_email = "");

}  // namespace core::cli
