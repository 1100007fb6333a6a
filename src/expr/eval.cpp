#include "expr/eval.h"

#include <cmath>

namespace core::expr {

namespace {

bool in_list(const Value& x, const Value& list) {
  if (x.null() || !list.is_list()) return false;
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
    case Op::Not: return Value(!eval(*n.kids[0], env).truthy());
    case Op::And: return Value(eval(*n.kids[0], env).truthy() && eval(*n.kids[1], env).truthy());
    case Op::Or: return Value(eval(*n.kids[0], env).truthy() || eval(*n.kids[1], env).truthy());
    case Op::Eq: return Value(eval(*n.kids[0], env).equals(eval(*n.kids[1], env)));
    case Op::Ne: return Value(!eval(*n.kids[0], env).equals(eval(*n.kids[1], env)));
    case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge:
      return compare(n.op, eval(*n.kids[0], env), eval(*n.kids[1], env));
    case Op::In: return Value(in_list(eval(*n.kids[0], env), eval(*n.kids[1], env)));
    case Op::NotIn: {
      Value x = eval(*n.kids[0], env);
      return Value(x.null() || !in_list(x, eval(*n.kids[1], env)));
    }
    case Op::Add: case Op::Sub: case Op::Mul: case Op::Div:
      return arith(n.op, eval(*n.kids[0], env), eval(*n.kids[1], env));
    case Op::Call: {
      const std::string_view name = n.fn->name;
      // Lazy ones first: only the branch taken is evaluated.
      if (name == "if") {
        if (eval(*n.kids[0], env).truthy()) return eval(*n.kids[1], env);
        return n.kids.size() > 2 ? eval(*n.kids[2], env) : Value();
      }
      if (name == "coalesce") {
        for (auto& k : n.kids) {
          Value v = eval(*k, env);
          if (!v.null()) return v;
        }
        return {};
      }
      Value args[12];
      int count = int(n.kids.size());
      if (count > 12) {
        List many;
        for (auto& k : n.kids) many.push_back(eval(*k, env));
        return n.fn->fn(many.data(), count, env, n);
      }
      for (int i = 0; i < count; ++i) args[i] = eval(*n.kids[i], env);
      return n.fn->fn(args, count, env, n);
    }
  }
  return {};
}

}  // namespace core::expr
