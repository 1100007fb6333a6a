// Expressions compiled for evaluation: every node of a form's expressions in one flat array, each
// node's kids side by side, literals in a table of their own, and a def's body once per def instance
// however many expressions call it. A log's save evaluates about a thousand expressions; as trees
// of separately allocated nodes (several megabytes for the 2026 lettings form) they did not stay
// in the processor's cache between requests, and evaluation took two to four times as long.
// parse() compiles every expression into a program of its own; a form compiles all of its
// expressions into one (Form::load), so that they sit together in memory.
#pragma once
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "expr/ast.h"

namespace core::expr {

struct Env;

struct FlatNode {
  Op op = Op::Literal;
  uint8_t special = 0;   // Call: 1 = if, 2 = coalesce; ListLiteral: 1 = a constant list (in `lit`)
  uint16_t nkids = 0;
  int32_t slot = -1;     // Name: the attribute's slot; DefCall: the def instance's cache index
  uint32_t kids = 0;     // index of the first kid; the kids follow one another
  uint32_t lit = 0;      // Literal, constant ListLiteral: index in the literal table
  const Builtin* fn = nullptr;
  const Node* node = nullptr;  // the parsed node (builtins such as changed() read it)
};

class Program {
 public:
  // Compiles an expression (and each def instance it calls, once) into this program; returns
  // where it starts. `root` must outlive the program.
  uint32_t add(const Node& root);
  Value eval(uint32_t at, const Env& env) const;
  bool test(uint32_t at, const Env& env) const;
  size_t size() const { return code_.size(); }

 private:
  void fill(uint32_t at, const Node& n);
  const Value& ref(const FlatNode& n, const Env& env, Value& tmp) const;
  bool compare(const FlatNode& n, const Env& env) const;
  Value call(const FlatNode& n, const Env& env) const;

  std::vector<FlatNode> code_;
  std::vector<Value> literals_;
  std::unordered_map<int, uint32_t> def_bodies_;  // def instance → its compiled body
};

}  // namespace core::expr
