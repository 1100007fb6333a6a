// How the exports read an answer (CSV downloads, the export to the data store): dates, and the
// labels an attribute's options have on the form or in its lookup tables.
#pragma once
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "expr/value.h"
#include "form/definition.h"
#include "util/dates.h"

namespace core::exports {

// The date an answer holds (a date, or ISO text), if any.
std::optional<util::Date> date_of(const expr::Value& v);
enum class DatePart { Whole, Day, Month, Year };
// "day", "month", "year": its part; anything else: Whole.
DatePart date_part_named(const std::string& name);
// A part of a date as the exports write it ("3", "4", "2026"); Whole is the caller's to write.
std::string date_part_text(const util::Date& d, DatePart part);

// The labels of an attribute's options: those of the first question asking it that has any, from
// the form or from the lookup table the question names (local authorities, countries).
struct OptionLabels {
  std::vector<std::pair<expr::Value, std::string>> options;
  std::unordered_map<std::string, std::string> table;
  // The label of a value; nullptr when it has none.
  const std::string* find(const expr::Value& v) const;
};
OptionLabels option_labels(const form::Form& f, const form::Attribute& a);

}  // namespace core::exports
