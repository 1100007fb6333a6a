// Lexer, recursive-descent parser and type checker for the expression language.
// Grammar (loosest first): or := and ("||" and)* ; and := not ("&&" not)* ; not := "!" not | cmp ;
// cmp := sum (("=="|"!="|"<"|"<="|">"|">=") sum | "in" list | "not" "in" list)? ;
// sum := prod (("+"|"-") prod)* ; prod := unary (("*"|"/") unary)* ; unary := "-" unary | atom ;
// atom := number | string | null | true | false | list | name | name "(" args ")" | "(" or ")"
#include <cctype>

#include "expr/ast.h"
#include "expr/program.h"

namespace core::expr {

void prepare_call(Node& n);  // builtins.cpp

const char* type_name(Type t) {
  switch (t) {
    case Type::Any: return "any";
    case Type::Null: return "null";
    case Type::Bool: return "boolean";
    case Type::Number: return "number";
    case Type::String: return "text";
    case Type::Date: return "date";
    case Type::List: return "list";
  }
  return "?";
}

namespace {

enum class Tok { End, Number, String, Ident, LParen, RParen, LBracket, RBracket, Comma, Op };

struct Token {
  Tok kind;
  std::string text;
  size_t pos;
};

std::vector<Token> lex(const std::string& s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) { ++i; continue; }
    size_t start = i;
    if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
      out.push_back({Tok::Number, s.substr(start, i - start), start});
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
      out.push_back({Tok::Ident, s.substr(start, i - start), start});
    } else if (c == '"') {
      std::string v;
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        v += s[i++];
      }
      if (i >= s.size()) throw ParseError("a text literal opened at position " + std::to_string(start + 1) + " is not closed");
      ++i;
      out.push_back({Tok::String, v, start});
    } else if (c == '(') { out.push_back({Tok::LParen, "(", i++}); }
    else if (c == ')') { out.push_back({Tok::RParen, ")", i++}); }
    else if (c == '[') { out.push_back({Tok::LBracket, "[", i++}); }
    else if (c == ']') { out.push_back({Tok::RBracket, "]", i++}); }
    else if (c == ',') { out.push_back({Tok::Comma, ",", i++}); }
    else {
      static const char* ops[] = {"==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/"};
      bool found = false;
      for (const char* op : ops) {
        size_t n = std::char_traits<char>::length(op);
        if (s.compare(i, n, op) == 0) {
          out.push_back({Tok::Op, op, i});
          i += n;
          found = true;
          break;
        }
      }
      if (!found) throw ParseError(std::string("unexpected character '") + c + "' at position " + std::to_string(i + 1));
    }
  }
  out.push_back({Tok::End, "", s.size()});
  return out;
}

bool numeric(Type t) { return t == Type::Number || t == Type::Any || t == Type::Null; }
bool comparable(Type a, Type b) {
  if (a == Type::Any || b == Type::Any || a == Type::Null || b == Type::Null) return true;
  return a == b;
}

class Parser {
 public:
  Parser(const std::string& text, const Names& names, int depth) : text_(text), toks_(lex(text)), names_(names), depth_(depth) {}

  NodePtr parse_all() {
    auto n = parse_or();
    if (peek().kind != Tok::End) fail("unexpected '" + peek().text + "'");
    return n;
  }

 private:
  const std::string& text_;
  std::vector<Token> toks_;
  size_t at_ = 0;
  const Names& names_;
  int depth_;

  const Token& peek() const { return toks_[at_]; }
  Token next() { return toks_[at_++]; }
  bool accept_op(const char* op) {
    if (peek().kind == Tok::Op && peek().text == op) { ++at_; return true; }
    return false;
  }
  [[noreturn]] void fail(const std::string& msg) const {
    throw ParseError(msg + " at position " + std::to_string(peek().pos + 1));
  }
  void expect(Tok k, const char* what) {
    if (peek().kind != k) fail(std::string("expected ") + what);
    ++at_;
  }

  static NodePtr make(Op op, Type t) {
    auto n = std::make_unique<Node>();
    n->op = op;
    n->type = t;
    return n;
  }
  static NodePtr binary(Op op, Type t, NodePtr a, NodePtr b) {
    auto n = make(op, t);
    n->kids.push_back(std::move(a));
    n->kids.push_back(std::move(b));
    return n;
  }

  NodePtr parse_or() {
    auto l = parse_and();
    while (accept_op("||")) l = binary(Op::Or, Type::Bool, std::move(l), parse_and());
    return l;
  }
  NodePtr parse_and() {
    auto l = parse_not();
    while (accept_op("&&")) l = binary(Op::And, Type::Bool, std::move(l), parse_not());
    return l;
  }
  NodePtr parse_not() {
    if (accept_op("!")) {
      auto n = make(Op::Not, Type::Bool);
      n->kids.push_back(parse_not());
      return n;
    }
    return parse_cmp();
  }

  void check_codes(const Node& field, const Node& lit) {
    // Comparing a coded answer with a code it does not have can never hold.
    if (field.op != Op::Name || lit.op != Op::Literal || lit.literal.null()) return;
    auto info = names_.lookup(field.name);
    if (!info || !info->codes || info->codes->empty()) return;
    for (auto& c : *info->codes)
      if (c.equals(lit.literal)) return;
    fail("'" + field.name + "' has no option " + lit.literal.debug());
  }

  NodePtr parse_cmp() {
    auto l = parse_sum();
    static const std::pair<const char*, Op> cmps[] = {{"==", Op::Eq}, {"!=", Op::Ne}, {"<=", Op::Le},
                                                      {">=", Op::Ge}, {"<", Op::Lt},   {">", Op::Gt}};
    for (auto& [s, op] : cmps) {
      if (accept_op(s)) {
        auto r = parse_sum();
        if (!comparable(l->type, r->type))
          fail(std::string("cannot compare ") + type_name(l->type) + " with " + type_name(r->type));
        if (op != Op::Eq && op != Op::Ne) {
          auto ok = [](Type t) { return t == Type::Number || t == Type::Date || t == Type::Any || t == Type::Null; };
          if (!ok(l->type) || !ok(r->type)) fail(std::string("'") + s + "' needs numbers or dates");
        }
        if (op == Op::Eq || op == Op::Ne) {
          check_codes(*l, *r);
          check_codes(*r, *l);
        }
        return binary(op, Type::Bool, std::move(l), std::move(r));
      }
    }
    bool negated = false;
    if (peek().kind == Tok::Ident && peek().text == "not" && toks_[at_ + 1].kind == Tok::Ident && toks_[at_ + 1].text == "in") {
      at_ += 2;
      negated = true;
    } else if (peek().kind == Tok::Ident && peek().text == "in") {
      ++at_;
    } else {
      return l;
    }
    auto r = parse_atom();
    if (r->type != Type::List && r->type != Type::Any) fail("'in' needs a list");
    if (r->op == Op::ListLiteral) {
      for (auto& k : r->kids) {
        if (!comparable(l->type, k->type))
          fail(std::string("cannot compare ") + type_name(l->type) + " with " + type_name(k->type));
        check_codes(*l, *k);
      }
    }
    return binary(negated ? Op::NotIn : Op::In, Type::Bool, std::move(l), std::move(r));
  }

  NodePtr parse_sum() {
    auto l = parse_prod();
    for (;;) {
      Op op;
      if (accept_op("+")) op = Op::Add;
      else if (accept_op("-")) op = Op::Sub;
      else return l;
      auto r = parse_prod();
      if (!numeric(l->type) || !numeric(r->type)) fail("arithmetic needs numbers");
      l = binary(op, Type::Number, std::move(l), std::move(r));
    }
  }
  NodePtr parse_prod() {
    auto l = parse_unary();
    for (;;) {
      Op op;
      if (accept_op("*")) op = Op::Mul;
      else if (accept_op("/")) op = Op::Div;
      else return l;
      auto r = parse_unary();
      if (!numeric(l->type) || !numeric(r->type)) fail("arithmetic needs numbers");
      l = binary(op, Type::Number, std::move(l), std::move(r));
    }
  }
  NodePtr parse_unary() {
    if (accept_op("-")) {
      auto k = parse_unary();
      if (k->op == Op::Literal && k->literal.is_number()) {
        k->literal = k->literal.is_int() ? Value(-k->literal.as_int()) : Value(-k->literal.as_number());
        return k;
      }
      if (!numeric(k->type)) fail("'-' needs a number");
      auto n = make(Op::Neg, Type::Number);
      n->kids.push_back(std::move(k));
      return n;
    }
    return parse_atom();
  }

  NodePtr parse_atom() {
    const Token t = peek();
    switch (t.kind) {
      case Tok::Number: {
        ++at_;
        auto n = make(Op::Literal, Type::Number);
        try {
          size_t used = 0;
          if (t.text.find('.') == std::string::npos) n->literal = Value(int64_t(std::stoll(t.text, &used)));
          else n->literal = Value(std::stod(t.text, &used));
          if (used != t.text.size()) throw std::invalid_argument("");
        } catch (const std::exception&) {
          fail("'" + t.text + "' is not a number");
        }
        return n;
      }
      case Tok::String: {
        ++at_;
        auto n = make(Op::Literal, Type::String);
        n->literal = Value(t.text);
        return n;
      }
      case Tok::LParen: {
        ++at_;
        auto n = parse_or();
        expect(Tok::RParen, "')'");
        return n;
      }
      case Tok::LBracket: {
        ++at_;
        auto n = make(Op::ListLiteral, Type::List);
        if (peek().kind != Tok::RBracket) {
          for (;;) {
            n->kids.push_back(parse_or());
            if (peek().kind == Tok::Comma) { ++at_; continue; }
            break;
          }
        }
        expect(Tok::RBracket, "']'");
        // A list of literals is a literal list, built once.
        bool all_lit = true;
        for (auto& k : n->kids) all_lit = all_lit && k->op == Op::Literal;
        if (all_lit) {
          List l;
          for (auto& k : n->kids) l.push_back(k->literal);
          auto lit = make(Op::Literal, Type::List);
          lit->literal = Value(std::move(l));
          lit->kids = std::move(n->kids);  // kept for the code checks of `in`
          lit->op = Op::ListLiteral;
          lit->state = std::make_shared<Value>(lit->literal);
          return lit;
        }
        return n;
      }
      case Tok::Ident: return parse_name();
      default: fail(t.kind == Tok::End ? "the expression ends too early" : "unexpected '" + t.text + "'");
    }
  }

  NodePtr parse_name() {
    const Token t = next();
    if (t.text == "null") return make(Op::Literal, Type::Null);
    if (t.text == "true" || t.text == "false") {
      auto n = make(Op::Literal, Type::Bool);
      n->literal = Value(t.text == "true");
      return n;
    }
    bool call = peek().kind == Tok::LParen;
    if (const Names::Def* d = names_.def(t.text)) return expand(t.text, *d, call);
    if (call) {
      const Builtin* b = find_builtin(t.text);
      if (!b) fail("unknown function '" + t.text + "'");
      ++at_;
      auto n = make(Op::Call, b->result);
      n->fn = b;
      n->name = t.text;
      if (peek().kind != Tok::RParen) {
        for (;;) {
          n->kids.push_back(parse_or());
          if (peek().kind == Tok::Comma) { ++at_; continue; }
          break;
        }
      }
      expect(Tok::RParen, "')'");
      int k = int(n->kids.size());
      if (k < b->min_args || (b->max_args >= 0 && k > b->max_args))
        fail("'" + t.text + "' takes " +
             (b->min_args == b->max_args ? std::to_string(b->min_args)
                                         : std::to_string(b->min_args) + " to " + (b->max_args < 0 ? std::string("any number of") : std::to_string(b->max_args))) +
             " arguments, not " + std::to_string(k));
      if (b->wants_name_arg && n->kids[0]->op != Op::Name) fail("'" + t.text + "' needs a field name");
      if (b->wants_literal_last && n->kids.back()->op != Op::Literal && !(n->kids.back()->op == Op::ListLiteral && n->kids.back()->state)) fail("'" + t.text + "' needs a literal pattern");
      try {
        prepare_call(*n);
      } catch (const ParseError& e) {
        fail(e.what());
      }
      if (std::string(b->name) == "if") n->special = 1;
      if (std::string(b->name) == "coalesce") n->special = 2;
      if (std::string(b->name) == "if" || std::string(b->name) == "coalesce") {
        // The result has the type its branches agree on.
        Type r = Type::Any;
        for (size_t i = (std::string(b->name) == "if" ? 1 : 0); i < n->kids.size(); ++i) {
          Type kt = n->kids[i]->type;
          if (kt == Type::Null) continue;
          if (r == Type::Any) r = kt;
          else if (r != kt && kt != Type::Any) r = Type::Any;
        }
        n->type = r;
      }
      return n;
    }
    auto info = names_.lookup(t.text);
    if (!info) fail("unknown field '" + t.text + "'");
    auto n = make(Op::Name, info->type);
    n->slot = info->slot;
    n->name = t.text;
    return n;
  }

  NodePtr expand(const std::string& name, const Names::Def& d, bool call) {
    if (depth_ > 20) fail("'" + name + "' refers to itself");
    std::string body = d.body;
    std::string instance_args;
    if (call) {
      ++at_;
      std::vector<std::string> args;
      if (peek().kind != Tok::RParen) {
        for (;;) {
          const Token a = next();
          if (a.kind == Tok::Number) args.push_back(a.text);
          else if (a.kind == Tok::String) args.push_back("\"" + a.text + "\"");
          else if (a.kind == Tok::Op && a.text == "-" && peek().kind == Tok::Number) args.push_back("-" + next().text);
          else fail("the arguments of '" + name + "' must be literals");
          if (peek().kind == Tok::Comma) { ++at_; continue; }
          break;
        }
      }
      expect(Tok::RParen, "')'");
      if (args.size() != d.params.size())
        fail("'" + name + "' takes " + std::to_string(d.params.size()) + " arguments, not " + std::to_string(args.size()));
      for (size_t i = 0; i < args.size(); ++i) instance_args += (i ? "," : "") + args[i];
      for (size_t i = 0; i < args.size(); ++i) {
        std::string key = "{" + d.params[i] + "}";
        for (size_t p = body.find(key); p != std::string::npos; p = body.find(key, p + args[i].size()))
          body.replace(p, key.size(), args[i]);
      }
    } else if (!d.params.empty()) {
      fail("'" + name + "' needs " + std::to_string(d.params.size()) + " arguments");
    }
    NodePtr tree;
    try {
      tree = Parser(body, names_, depth_ + 1).parse_all();
    } catch (const ParseError& e) {
      throw ParseError("in '" + name + "': " + e.what());
    }
    int index = names_.def_index(name + "(" + instance_args + ")");
    if (index < 0) return tree;
    auto n = make(Op::DefCall, tree->type);
    n->slot = index;
    n->name = name;
    n->kids.push_back(std::move(tree));
    return n;
  }
};

void collect_fields(const Node& n, std::vector<std::string>& out) {
  if (n.op == Op::Name && std::find(out.begin(), out.end(), n.name) == out.end()) out.push_back(n.name);
  for (auto& k : n.kids) collect_fields(*k, out);
}

}  // namespace

NodePtr parse(const std::string& text, const Names& names) {
  auto n = Parser(text, names, 0).parse_all();
  collect_fields(*n, n->fields);
  auto program = std::make_shared<Program>();
  n.entry = program->add(*n);
  n.program = program.get();
  n.own = std::move(program);
  return n;
}

}  // namespace core::expr
