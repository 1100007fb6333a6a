#include "expr/value.h"

#include <cmath>
#include <cstdio>

namespace core::expr {

bool Value::truthy() const {
  switch (v.index()) {
    case 0: return false;
    case 1: return as_bool();
    case 2: return as_int() != 0;
    case 3: return std::get<double>(v) != 0;
    case 4: return !as_string().empty();
    default: return true;
  }
}

bool Value::equals(const Value& o) const {
  if (null() || o.null()) return null() && o.null();
  if (is_number() && o.is_number()) {
    if (is_int() && o.is_int()) return as_int() == o.as_int();
    return std::fabs(as_number() - o.as_number()) < 1e-9;
  }
  if (v.index() != o.v.index()) return false;
  if (is_bool()) return as_bool() == o.as_bool();
  if (is_string()) return as_string() == o.as_string();
  if (is_date()) return as_date() == o.as_date();
  return false;
}

static std::string number_text(double d) {
  if (std::fabs(d - std::round(d)) < 1e-9 && std::fabs(d) < 9e15) return std::to_string(int64_t(std::llround(d)));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", d);
  return buf;
}

std::string Value::debug() const {
  switch (v.index()) {
    case 0: return "null";
    case 1: return as_bool() ? "true" : "false";
    case 2: return std::to_string(as_int());
    case 3: return number_text(std::get<double>(v));
    case 4: return "\"" + as_string() + "\"";
    case 5: return as_date().iso();
    default: {
      std::string s = "[";
      for (size_t i = 0; i < as_list().size(); ++i) s += (i ? ", " : "") + as_list()[i].debug();
      return s + "]";
    }
  }
}

std::string Value::text() const {
  switch (v.index()) {
    case 0: return "";
    case 3: return number_text(std::get<double>(v));
    case 4: return as_string();
    case 5: return as_date().display();
    default: return debug();
  }
}

Value number(double d) {
  if (std::fabs(d - std::round(d)) < 1e-9 && std::fabs(d) < 9e15) return Value(int64_t(std::llround(d)));
  return Value(d);
}

nlohmann::json to_json(const Value& v) {
  switch (v.v.index()) {
    case 0: return nullptr;
    case 1: return v.as_bool();
    case 2: return v.as_int();
    case 3: return std::get<double>(v.v);
    case 4: return v.as_string();
    case 5: return v.as_date().iso();
    default: {
      auto a = nlohmann::json::array();
      for (auto& x : v.as_list()) a.push_back(to_json(x));
      return a;
    }
  }
}

Value from_json(const nlohmann::json& j) {
  if (j.is_null()) return {};
  if (j.is_boolean()) return Value(j.get<bool>());
  if (j.is_number_integer()) return Value(j.get<int64_t>());
  if (j.is_number_unsigned()) return Value(int64_t(j.get<uint64_t>()));
  if (j.is_number_float()) return number(j.get<double>());
  if (j.is_string()) return Value(j.get<std::string>());
  if (j.is_array()) {
    List l;
    for (auto& x : j) l.push_back(from_json(x));
    return Value(std::move(l));
  }
  return {};
}

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t day_number(const util::Date& dt) {
  int64_t y = dt.y - (dt.m <= 2);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (dt.m + (dt.m > 2 ? -3 : 9)) + 2) / 5 + dt.d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

util::Date from_day_number(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = int(doy - (153 * mp + 2) / 5 + 1);
  int m = int(mp < 10 ? mp + 3 : mp - 9);
  return util::Date{int(y + (m <= 2)), m, d};
}

}  // namespace core::expr
