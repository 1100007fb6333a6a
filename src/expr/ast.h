// The expression language's syntax tree, its static types, and the names an expression may use.
// Expressions are parsed once, when a form is loaded; names are resolved to slots then, so
// evaluation never looks anything up by string.
#pragma once
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "expr/value.h"

namespace core::expr {

enum class Type { Any, Null, Bool, Number, String, Date, List };
const char* type_name(Type t);

enum class Op {
  Literal, Name, ListLiteral, Call, DefCall,
  Neg, Not, And, Or,
  Eq, Ne, Lt, Le, Gt, Ge, In, NotIn,
  Add, Sub, Mul, Div,
};

struct Env;
struct Node;
class Program;
// Owns a parsed expression, and for a root (parse(), Form::load) its compiled code (program.h),
// which is what evaluation runs: an expression is evaluated without reading its tree.
class NodePtr {
 public:
  NodePtr() = default;
  NodePtr(std::nullptr_t) {}
  NodePtr(std::unique_ptr<Node> p) : p_(std::move(p)) {}
  Node* get() const { return p_.get(); }
  Node& operator*() const { return *p_; }
  Node* operator->() const { return p_.get(); }
  explicit operator bool() const { return bool(p_); }

  // The compiled code: `program` from `entry` on. `own` holds the program parse() made; a form
  // that compiles its expressions together (Form::load) points `program` at its own instead.
  const Program* program = nullptr;
  uint32_t entry = 0;
  std::shared_ptr<const Program> own;

 private:
  std::unique_ptr<Node> p_;
};
// A builtin's evaluated arguments, read in place (answers and literals are not copied).
struct Args {
  const Value* const* p;
  const Value& operator[](int i) const { return *p[i]; }
};
using BuiltinFn = Value (*)(Args args, int n, const Env& env, const Node& call);

struct Builtin {
  const char* name;
  int min_args, max_args;  // max -1: any number
  Type result;
  BuiltinFn fn;
  bool wants_name_arg = false;  // changed(), previous(), label(): the argument must be a field name
  bool wants_literal_last = false;  // matches(): the pattern must be a literal (compiled at load)
};

struct Node {
  Op op = Op::Literal;
  Value literal;
  int slot = -1;          // Name: the attribute's slot; DefCall: the def instance's cache index
  int special = 0;        // Call: 1 = if, 2 = coalesce (evaluated lazily)
  std::string name;       // Name/Call: as written, for messages
  const Builtin* fn = nullptr;
  std::vector<NodePtr> kids;
  Type type = Type::Any;
  std::shared_ptr<const void> state;  // per-call prepared data (e.g. a compiled regex)
  std::vector<std::string> fields;    // every field name the expression reads (root node only)
};

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What a name means. Attributes and context values have slots; option codes let the type checker
// refuse comparisons with codes that do not exist.
struct NameInfo {
  int slot = -1;
  Type type = Type::Any;
  const std::vector<Value>* codes = nullptr;  // coded answers: the option codes
};

// Supplied by the form: resolves names and named expressions (defs).
class Names {
 public:
  virtual ~Names() = default;
  virtual std::optional<NameInfo> lookup(const std::string& name) const = 0;
  // A def's parameter names and body text, or nullptr.
  struct Def {
    std::vector<std::string> params;
    std::string body;
  };
  virtual const Def* def(const std::string& name) const = 0;
  // One cache index per distinct def instance ("name" or "name(3)"), so a def used in many places
  // is evaluated once per state of the log. -1: no caching.
  virtual int def_index(const std::string& instance) const { return -1; }
};

// Parses and type-checks. Throws ParseError with a message that says what and where.
NodePtr parse(const std::string& text, const Names& names);

const Builtin* find_builtin(const std::string& name);
const std::vector<Builtin>& builtins();

}  // namespace core::expr
