// Runs the data-driven rule cases of tests/cases/ (format in tests/cases/README.md) through the
// gateway, and says which expectations failed.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "form/gateway.h"

namespace core::form {

// Context values from JSON (dates as "YYYY-MM-DD"); unknown names are reported in `problems`.
Context context_from_json(const Form& f, const nlohmann::json& j, util::Date today, std::vector<std::string>* problems = nullptr);

struct CaseResult {
  std::string name;
  std::vector<std::string> failures;  // empty: the case passed
};

// Adds to the context what only the channel can know (the database); may be empty.
using ContextHook = std::function<void(const nlohmann::json& test_case, Context& ctx)>;

// Works out a case's outcome from its starting answers and changes. The default is the gateway
// alone; a channel passes its own (the log service on a real database) to show it gives the same.
using ApplyHook = std::function<Outcome(const nlohmann::json& test_case, const Values& start, const Changes& changes, const Context& ctx)>;

std::vector<CaseResult> run_cases(const Form& f, const nlohmann::json& file, const ContextHook& hook = {},
                                  const ApplyHook& apply_hook = {});

}  // namespace core::form
