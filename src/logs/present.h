// An answer as people read it: option labels, the names of the records an id stands for, dates and
// money written out in the GOV.UK style. One function for every page that shows answers (check
// answers, interruption screens, a log's history), so an answer reads the same everywhere.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "db/database.h"
#include "form/gateway.h"

namespace core::logs {

// The names of the live records (organisations, users, schemes, locations) answers name by id,
// each looked up once. `scheme_id` is the log's scheme, whose locations a location id names.
class RecordNames {
 public:
  RecordNames(db::Connection& c, std::optional<int64_t> scheme_id) : c_(c), scheme_id_(scheme_id) {}
  // The record's name, or "" when the question does not name records or the record is gone.
  std::string name(const std::string& options_from, const expr::Value& id);

 private:
  db::Connection& c_;
  std::optional<int64_t> scheme_id_;
  std::map<std::pair<std::string, int64_t>, std::string> cache_;
};

// One attribute's value as text ("" when blank): an option's label, a record's name, "1 December
// 2026", "£98.50", "Yes"/"No" for a ticked box or a flag.
std::string value_text(const form::Form& f, int slot, const expr::Value& v, RecordNames& names);

// A question's answer as check answers shows it ("" when unanswered): the definition's inferred
// text when one holds, the ticked options of a checkbox, or the value with its prefix and suffix.
std::string answer_text(const form::Form& f, const form::Question& q, const form::Values& values, const form::Context& fc,
                        RecordNames& names);

// "£1,230.50"
std::string money_text(double amount);

}  // namespace core::logs
