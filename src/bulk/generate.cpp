#include "bulk/generate.h"

#include <fstream>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "util/csv.h"
#include "util/paths.h"

namespace core::bulk {

namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

int field_of(const form::TemplateSpec& spec, const std::string& attribute, const std::string& part = "") {
  for (auto& f : spec.fields)
    if (f.attribute == attribute && (part.empty() || f.part == part)) return f.number;
  return 0;
}

}  // namespace

std::string generate_csv(const form::TemplateSpec& spec, const GenerateOptions& o) {
  auto path = resource_root() / "tests/fixtures/bulk" / (spec.type + "-" + std::to_string(spec.year) + "-row.json");
  std::ifstream in(path.string());
  if (!in) throw std::runtime_error("no row to generate from: " + path.string());
  auto fixture = nlohmann::json::parse(in, nullptr, false);
  if (!fixture.is_object() || !fixture.contains("cells") || !fixture["cells"].is_object())
    throw std::runtime_error(path.string() + ": expected an object with \"cells\"");
  size_t n = spec.fields.size();
  std::vector<std::string> base(n + 1);  // column A holds the header rows' labels
  for (auto& [k, v] : fixture["cells"].items()) {
    size_t no = 0;
    for (char ch : k) no = ch >= '0' && ch <= '9' ? no * 10 + size_t(ch - '0') : n + 1;
    if (no < 1 || no > n || !v.is_string()) throw std::runtime_error(path.string() + ": bad cell " + k);
    std::string t = replace_all(v.get<std::string>(), "{owner}", std::to_string(o.organisation_id));
    t = replace_all(t, "{email}", o.email);
    base[no] = t;
  }
  std::string out;
  for (size_t r = 0; r < spec.header_rows.size(); ++r) {
    std::vector<std::string> row(n + 1);
    row[0] = spec.header_rows[r];
    if (int(r) + 1 == spec.field_number_row)
      for (size_t i = 1; i <= n; ++i) row[i] = std::to_string(i);
    out += util::csv_row(row, false);
  }
  // What varies from row to row, and where the errors go.
  int reference = spec.reference_field, age = field_of(spec, "age1");
  int day = 0, month = 0;
  if (!spec.year_check.fields.empty()) {
    day = field_of(spec, spec.year_check.attribute, "day");
    month = field_of(spec, spec.year_check.attribute, "month");
  }
  std::string prefix = spec.type == "sales" ? "PC-" : "TC-";
  for (int i = 0; i < o.rows; ++i) {
    std::vector<std::string> row = base;
    if (reference) row[size_t(reference)] = prefix + std::to_string(100000 + i);
    if (age && !row[size_t(age)].empty() && row[size_t(age)] != "R") row[size_t(age)] = std::to_string(25 + i % 40);
    if (day) row[size_t(day)] = std::to_string(1 + i % 28);
    if (month) row[size_t(month)] = std::to_string(4 + i % 8);  // April to November
    if (o.errors_every > 0 && i % o.errors_every == o.errors_every - 1) {
      switch ((i / o.errors_every) % 3) {
        case 0:  // text in a number field
          if (age) row[size_t(age)] = "thirty";
          break;
        case 1:  // a code the question does not have
          if (int sex = field_of(spec, "sexrab1")) row[size_t(sex)] = "Q";
          break;
        default:  // a date outside the collection year
          if (month) row[size_t(month)] = "3";
          break;
      }
    }
    out += util::csv_row(row, false);
  }
  return out;
}

}  // namespace core::bulk
