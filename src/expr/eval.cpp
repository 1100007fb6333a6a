#include "expr/eval.h"

#include <cmath>

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

Value compare(Op op, const Value& a, const Value& b) {
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

}  // namespace

Value eval(const Node& n, const Env& env);

// Names and literals are read in place; everything else is worked out into `tmp`.
// A def already worked out for this state of the log is read from the cache (its entry stays put
// while an expression is evaluated: entries are only dropped by a change to the answers).
static inline const Value& ref(const Node& n, const Env& env, Value& tmp) {
  if (n.op == Op::Name) return env.now[n.slot];
  if (n.op == Op::Literal) return n.literal;
  if (n.op == Op::DefCall && env.cache && n.slot >= 0 && size_t(n.slot) < env.cache->value.size() &&
      env.cache->generation[size_t(n.slot)] == env.generation)
    return env.cache->value[size_t(n.slot)];
  tmp = eval(n, env);
  return tmp;
}

static bool compare_op(const Node& n, const Env& env) {
  // Most conditions compare an answer with a whole number ("needstype == 1", "age1 < 16"): done
  // here without the general comparison when the answer is a whole number too.
  const Node& k0 = *n.kids[0];
  const Node& k1 = *n.kids[1];
  if (k0.op == Op::Name && k1.op == Op::Literal && k1.literal.is_int() && env.now[k0.slot].is_int()) {
    int64_t x = env.now[k0.slot].as_int(), y = k1.literal.as_int();
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
    const Node& list = *n.kids[1];
    bool found = list.state ? in_list(a, *static_cast<const Value*>(list.state.get())) : in_list(a, ref(list, env, tb));
    return n.op == Op::In ? found : !found;
  }
  const Value& b = ref(*n.kids[1], env, tb);
  switch (n.op) {
    case Op::Eq: return a.equals(b);
    case Op::Ne: return !a.equals(b);
    default: return compare(n.op, a, b).as_bool();
  }
}

bool test(const Node& n, const Env& env) {
  switch (n.op) {
    case Op::Name: return env.now[n.slot].truthy();
    case Op::Literal: return n.literal.truthy();
    case Op::Not: return !test(*n.kids[0], env);
    case Op::And: return test(*n.kids[0], env) && test(*n.kids[1], env);
    case Op::Or: return test(*n.kids[0], env) || test(*n.kids[1], env);
    case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::In: case Op::NotIn:
      return compare_op(n, env);
    case Op::DefCall:
      if (env.cache && n.slot >= 0 && size_t(n.slot) < env.cache->value.size() &&
          env.cache->generation[size_t(n.slot)] == env.generation)
        return env.cache->value[size_t(n.slot)].truthy();
      return eval(n, env).truthy();
    default: return eval(n, env).truthy();
  }
}

static inline bool truth(const Node& n, const Env& env) { return test(n, env); }

Value eval(const Node& n, const Env& env) {
  switch (n.op) {
    case Op::Literal: return n.literal;
    case Op::Name: return env.now[n.slot];
    case Op::ListLiteral: {
      if (n.state) return *static_cast<const Value*>(n.state.get());
      List l;
      l.reserve(n.kids.size());
      for (auto& k : n.kids) l.push_back(eval(*k, env));
      return Value(std::move(l));
    }
    case Op::Neg: {
      Value v = eval(*n.kids[0], env);
      if (!v.is_number()) return {};
      return v.is_int() ? Value(-v.as_int()) : Value(-v.as_number());
    }
    case Op::Not: return Value(!truth(*n.kids[0], env));
    case Op::And: return Value(truth(*n.kids[0], env) && truth(*n.kids[1], env));
    case Op::Or: return Value(truth(*n.kids[0], env) || truth(*n.kids[1], env));
    case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::In: case Op::NotIn:
      return Value(compare_op(n, env));
    case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: {
      Value ta, tb;
      const Value& a = ref(*n.kids[0], env, ta);
      const Value& b = ref(*n.kids[1], env, tb);
      return arith(n.op, a, b);
    }
    case Op::DefCall: {
      if (!env.cache || n.slot < 0 || size_t(n.slot) >= env.cache->value.size()) return eval(*n.kids[0], env);
      if (env.cache->generation[size_t(n.slot)] == env.generation) return env.cache->value[size_t(n.slot)];
      Value v = eval(*n.kids[0], env);
      env.cache->generation[size_t(n.slot)] = env.generation;
      env.cache->value[size_t(n.slot)] = v;
      return v;
    }
    case Op::Call: {
      // Lazy ones first: only the branch taken is evaluated.
      if (n.special == 1) {
        if (eval(*n.kids[0], env).truthy()) return eval(*n.kids[1], env);
        return n.kids.size() > 2 ? eval(*n.kids[2], env) : Value();
      }
      if (n.special == 2) {
        for (auto& k : n.kids) {
          Value v = eval(*k, env);
          if (!v.null()) return v;
        }
        return {};
      }
      int count = int(n.kids.size());
      if (count <= 4) {  // most calls: answers, literals and cached defs are passed in place
        Value tmp[4];
        const Value* p[4];
        for (int i = 0; i < count; ++i) p[i] = &ref(*n.kids[size_t(i)], env, tmp[i]);
        return n.fn->fn(Args{p}, count, env, n);
      }
      List tmp(static_cast<size_t>(count));
      std::vector<const Value*> p(static_cast<size_t>(count));
      for (int i = 0; i < count; ++i) p[size_t(i)] = &ref(*n.kids[size_t(i)], env, tmp[size_t(i)]);
      return n.fn->fn(Args{p.data()}, count, env, n);
    }
  }
  return {};
}

}  // namespace core::expr
