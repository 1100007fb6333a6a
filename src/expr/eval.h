// Evaluating a parsed expression against a log's values. Pure: everything comes in through Env.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "expr/ast.h"
#include "expr/lookups.h"

namespace core::expr {

// Option labels for label(); supplied by the form.
class Labels {
 public:
  virtual ~Labels() = default;
  virtual std::string label(int slot, const Value& v) const = 0;
};

// Values of def instances already worked out for the current state of the log.
struct DefCache {
  std::vector<uint64_t> generation;  // by def instance; the value is valid when it equals Env::generation
  std::vector<Value> value;
};

struct Env {
  const Value* now = nullptr;     // current values, by slot
  const Value* before = nullptr;  // values before this change, by slot (for changed/previous)
  const Lookups* lookups = nullptr;
  const Labels* labels = nullptr;
  DefCache* cache = nullptr;  // optional; whoever changes `now` must bump `generation`
  uint64_t generation = 1;
};

// A parsed expression's value (null for a missing one).
Value eval(const NodePtr& n, const Env& env);
// Whether a condition holds (null counts as false; a missing condition holds), without building a
// Value where it can.
bool holds(const NodePtr& n, const Env& env);

}  // namespace core::expr
