// Evaluating a parsed expression against a log's values. Pure: everything comes in through Env.
#pragma once
#include <string>

#include "expr/ast.h"
#include "expr/lookups.h"

namespace core::expr {

// Option labels for label(); supplied by the form.
class Labels {
 public:
  virtual ~Labels() = default;
  virtual std::string label(int slot, const Value& v) const = 0;
};

struct Env {
  const Value* now = nullptr;     // current values, by slot
  const Value* before = nullptr;  // values before this change, by slot (for changed/previous)
  const Lookups* lookups = nullptr;
  const Labels* labels = nullptr;
};

Value eval(const Node& n, const Env& env);
// A condition: a missing expression holds; null counts as false.
inline bool holds(const Node* n, const Env& env) { return !n || eval(*n, env).truthy(); }

}  // namespace core::expr
