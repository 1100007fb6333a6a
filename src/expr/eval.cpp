#include "expr/eval.h"

#include <cmath>
#include <stdexcept>

#include "expr/program.h"

namespace core::expr {

namespace {

bool in_list(const Value& x, const Value& list) {
  if (x.null() || !list.is_list()) return false;
  if (x.is_int()) {  // the usual case: a coded answer in a list of codes
    int64_t k = x.as_int();
    for (auto& e : list.as_list())
      if (e.is_int() ? e.as_int() == k : x.equals(e)) return true;
    return false;
  }
  for (auto& e : list.as_list())
    if (x.equals(e)) return true;
  return false;
}

Value compare_values(Op op, const Value& a, const Value& b) {
  if (a.null() || b.null()) return Value(false);
  int c;
  if (a.is_number() && b.is_number()) {
    double x = a.as_number(), y = b.as_number();
    c = std::fabs(x - y) < 1e-9 ? 0 : (x < y ? -1 : 1);
  } else if (a.is_date() && b.is_date()) {
    c = a.as_date() == b.as_date() ? 0 : (a.as_date() < b.as_date() ? -1 : 1);
  } else {
    return Value(false);
  }
  switch (op) {
    case Op::Lt: return Value(c < 0);
    case Op::Le: return Value(c <= 0);
    case Op::Gt: return Value(c > 0);
    default: return Value(c >= 0);
  }
}

Value arith(Op op, const Value& a, const Value& b) {
  if (!a.is_number() || !b.is_number()) return {};
  if (a.is_int() && b.is_int() && op != Op::Div) {
    int64_t x = a.as_int(), y = b.as_int();
    return Value(op == Op::Add ? x + y : op == Op::Sub ? x - y : x * y);
  }
  double x = a.as_number(), y = b.as_number();
  switch (op) {
    case Op::Add: return number(x + y);
    case Op::Sub: return number(x - y);
    case Op::Mul: return number(x * y);
    default: return y == 0 ? Value() : number(x / y);
  }
}

bool cached(const FlatNode& n, const Env& env) {
  return env.cache && n.slot >= 0 && size_t(n.slot) < env.cache->value.size() &&
         env.cache->generation[size_t(n.slot)] == env.generation;
}

}  // namespace

// --- compiling

uint32_t Program::add(const Node& root) {
  auto at = uint32_t(code_.size());
  code_.emplace_back();
  fill(at, root);
  return at;
}

void Program::fill(uint32_t at, const Node& n) {
  FlatNode f;
  f.op = n.op;
  f.special = uint8_t(n.special);
  f.slot = n.slot;
  f.fn = n.fn;
  f.node = &n;
  if (n.op == Op::Literal) {
    f.lit = uint32_t(literals_.size());
    literals_.push_back(n.literal);
  } else if (n.op == Op::ListLiteral && n.state) {  // worked out at load: no kids to evaluate
    f.special = 1;
    f.lit = uint32_t(literals_.size());
    literals_.push_back(*static_cast<const Value*>(n.state.get()));
  } else if (n.op == Op::DefCall && n.slot >= 0) {  // one body per def instance
    f.nkids = 1;
    auto it = def_bodies_.find(n.slot);
    if (it != def_bodies_.end()) {
      f.kids = it->second;
    } else {
      f.kids = uint32_t(code_.size());
      code_.emplace_back();
      def_bodies_[n.slot] = f.kids;
      fill(f.kids, *n.kids[0]);
    }
  } else if (!n.kids.empty()) {
    f.nkids = uint16_t(n.kids.size());
    f.kids = uint32_t(code_.size());
    code_.resize(code_.size() + n.kids.size());
    for (size_t i = 0; i < n.kids.size(); ++i) fill(f.kids + uint32_t(i), *n.kids[i]);
  }
  code_[at] = f;  // by index: filling the kids may have moved the array
}

// --- evaluating

// Answers, literals and defs already worked out for this state of the log are read in place (a
// def's cache entry stays put while an expression is evaluated: entries are only dropped by a
// change to the answers); anything else is worked out into `tmp`.
const Value& Program::ref(const FlatNode& n, const Env& env, Value& tmp) const {
  if (n.op == Op::Name) return env.now[n.slot];
  if (n.op == Op::Literal) return literals_[n.lit];
  if (n.op == Op::DefCall && cached(n, env)) return env.cache->value[size_t(n.slot)];
  tmp = eval(uint32_t(&n - code_.data()), env);
  return tmp;
}

bool Program::compare(const FlatNode& n, const Env& env) const {
  const FlatNode& k0 = code_[n.kids];
  const FlatNode& k1 = code_[n.kids + 1];
  // Most conditions compare an answer with a whole number ("needstype == 1", "age1 < 16"): done
  // here without the general comparison when the answer is a whole number too.
  if (k0.op == Op::Name && k1.op == Op::Literal && env.now[k0.slot].is_int() && literals_[k1.lit].is_int()) {
    int64_t x = env.now[k0.slot].as_int(), y = literals_[k1.lit].as_int();
    switch (n.op) {
      case Op::Eq: return x == y;
      case Op::Ne: return x != y;
      case Op::Lt: return x < y;
      case Op::Le: return x <= y;
      case Op::Gt: return x > y;
      case Op::Ge: return x >= y;
      default: break;
    }
  }
  Value ta, tb;
  const Value& a = ref(k0, env, ta);
  if (n.op == Op::In || n.op == Op::NotIn) {
    if (a.null()) return n.op == Op::NotIn;
    bool found = k1.op == Op::ListLiteral && k1.special == 1 ? in_list(a, literals_[k1.lit]) : in_list(a, ref(k1, env, tb));
    return n.op == Op::In ? found : !found;
  }
  const Value& b = ref(k1, env, tb);
  switch (n.op) {
    case Op::Eq: return a.equals(b);
    case Op::Ne: return !a.equals(b);
    default: return compare_values(n.op, a, b).as_bool();
  }
}

bool Program::test(uint32_t at, const Env& env) const {
  const FlatNode& n = code_[at];
  switch (n.op) {
    case Op::Name: return env.now[n.slot].truthy();
    case Op::Literal: return literals_[n.lit].truthy();
    case Op::Not: return !test(n.kids, env);
    case Op::And: return test(n.kids, env) && test(n.kids + 1, env);
    case Op::Or: return test(n.kids, env) || test(n.kids + 1, env);
    case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::In: case Op::NotIn:
      return compare(n, env);
    case Op::DefCall:
      if (cached(n, env)) return env.cache->value[size_t(n.slot)].truthy();
      return eval(at, env).truthy();
    default: return eval(at, env).truthy();
  }
}

Value Program::call(const FlatNode& n, const Env& env) const {
  // Lazy ones first: only the branch taken is evaluated.
  if (n.special == 1) {
    if (test(n.kids, env)) return eval(n.kids + 1, env);
    return n.nkids > 2 ? eval(n.kids + 2, env) : Value();
  }
  if (n.special == 2) {
    for (uint32_t i = 0; i < n.nkids; ++i) {
      Value v = eval(n.kids + i, env);
      if (!v.null()) return v;
    }
    return {};
  }
  int count = n.nkids;
  if (count <= 4) {  // most calls: answers, literals and cached defs are passed in place
    Value tmp[4];
    const Value* p[4];
    for (int i = 0; i < count; ++i) p[i] = &ref(code_[n.kids + uint32_t(i)], env, tmp[i]);
    return n.fn->fn(Args{p}, count, env, *n.node);
  }
  List tmp(static_cast<size_t>(count));
  std::vector<const Value*> p(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) p[size_t(i)] = &ref(code_[n.kids + uint32_t(i)], env, tmp[size_t(i)]);
  return n.fn->fn(Args{p.data()}, count, env, *n.node);
}

Value Program::eval(uint32_t at, const Env& env) const {
  const FlatNode& n = code_[at];
  switch (n.op) {
    case Op::Literal: return literals_[n.lit];
    case Op::Name: return env.now[n.slot];
    case Op::ListLiteral: {
      if (n.special == 1) return literals_[n.lit];
      List l;
      l.reserve(n.nkids);
      for (uint32_t i = 0; i < n.nkids; ++i) l.push_back(eval(n.kids + i, env));
      return Value(std::move(l));
    }
    case Op::Neg: {
      Value v = eval(n.kids, env);
      if (!v.is_number()) return {};
      return v.is_int() ? Value(-v.as_int()) : Value(-v.as_number());
    }
    case Op::Not: return Value(!test(n.kids, env));
    case Op::And: return Value(test(n.kids, env) && test(n.kids + 1, env));
    case Op::Or: return Value(test(n.kids, env) || test(n.kids + 1, env));
    case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::In: case Op::NotIn:
      return Value(compare(n, env));
    case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: {
      Value ta, tb;
      const Value& a = ref(code_[n.kids], env, ta);
      const Value& b = ref(code_[n.kids + 1], env, tb);
      return arith(n.op, a, b);
    }
    case Op::DefCall: {
      if (!env.cache || n.slot < 0 || size_t(n.slot) >= env.cache->value.size()) return eval(n.kids, env);
      if (env.cache->generation[size_t(n.slot)] == env.generation) return env.cache->value[size_t(n.slot)];
      Value v = eval(n.kids, env);
      env.cache->generation[size_t(n.slot)] = env.generation;
      env.cache->value[size_t(n.slot)] = v;
      return v;
    }
    case Op::Call: return call(n, env);
  }
  return {};
}

// --- the entry points

static const Program& program_of(const NodePtr& n) {
  if (!n.program) throw std::logic_error("expression evaluated before it was compiled");
  return *n.program;
}

Value eval(const NodePtr& n, const Env& env) { return n ? program_of(n).eval(n.entry, env) : Value(); }
bool holds(const NodePtr& n, const Env& env) { return !n || program_of(n).test(n.entry, env); }

}  // namespace core::expr
