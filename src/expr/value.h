// Values of the expression language: null (unanswered), boolean, integer, decimal, text, date, list.
// Integers and decimals compare and calculate together; null follows the rules in
// docs/form-definition.md ("null means unanswered").
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/dates.h"

namespace core::expr {

struct Value;
using List = std::vector<Value>;

struct Value {
  std::variant<std::monostate, bool, int64_t, double, std::string, util::Date, std::shared_ptr<const List>> v;

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v(b) {}
  Value(int i) : v(int64_t(i)) {}
  Value(int64_t i) : v(i) {}
  Value(double d) : v(d) {}
  Value(std::string s) : v(std::move(s)) {}
  Value(const char* s) : v(std::string(s)) {}
  Value(util::Date d) : v(d) {}
  Value(List l) : v(std::make_shared<const List>(std::move(l))) {}

  bool null() const { return v.index() == 0; }
  bool is_bool() const { return v.index() == 1; }
  bool is_int() const { return v.index() == 2; }
  bool is_number() const { return v.index() == 2 || v.index() == 3; }
  bool is_string() const { return v.index() == 4; }
  bool is_date() const { return v.index() == 5; }
  bool is_list() const { return v.index() == 6; }

  bool as_bool() const { return std::get<bool>(v); }
  int64_t as_int() const { return std::get<int64_t>(v); }
  double as_number() const { return is_int() ? double(std::get<int64_t>(v)) : std::get<double>(v); }
  const std::string& as_string() const { return std::get<std::string>(v); }
  const util::Date& as_date() const { return std::get<util::Date>(v); }
  const List& as_list() const { return *std::get<std::shared_ptr<const List>>(v); }

  // Truth for && || ! and conditions: null, false, 0 and "" are false.
  bool truthy() const;
  // Equality as the language sees it: 1 == 1.0; null equals only null; lists never compare.
  bool equals(const Value& o) const;
  std::string debug() const;  // for messages and tests: 12, 9.5, "P", 2026-04-01, null
  // Plain text for messages: numbers without a trailing ".0", dates as "1 April 2026".
  std::string text() const;
};

// Decimals that are whole numbers come back as integers, so 2 * 1.5 == 3 stays an integer answer.
Value number(double d);

// JSON <-> values. Dates are "YYYY-MM-DD" strings in JSON; to_json writes them back that way.
nlohmann::json to_json(const Value& v);
Value from_json(const nlohmann::json& j);  // strings stay strings (the form knows which are dates)

// Days since 1970-01-01 (proleptic Gregorian), and back.
int64_t day_number(const util::Date& d);
util::Date from_day_number(int64_t n);

}  // namespace core::expr
