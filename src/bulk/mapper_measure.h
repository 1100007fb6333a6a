// Measuring the column mapper (bulk/mapper.h) against an expected mapping: precision (correct
// proposals / proposals) and recall (correct proposals / columns that should be mapped). A proposal
// for a column that should stay unmapped counts against precision. Used by the mapper's test and
// bench/mapper_bench.cpp on the alpha's sample file (tests/fixtures/alpha/).
#pragma once
#include <set>
#include <string>
#include <vector>

#include "bulk/mapper.h"

namespace core::bulk {

struct ExpectedColumn {
  std::string header;
  std::set<std::string> attributes;  // any of them is right; empty: should stay unmapped
  std::string field;                 // where the expectation comes from (the alpha's field name)
};

struct ColumnResult {
  ExpectedColumn expected;
  ColumnProposal proposal;
  bool correct = false;  // proposed one of the expected attributes
};

struct MapperMeasure {
  int proposed = 0, correct = 0, should_map = 0;
  double precision = 0, recall = 0;  // 0 to 1 (precision 1 when nothing was proposed)
  std::vector<ColumnResult> columns;
};

MapperMeasure measure_mapper(const ColumnMapper& mapper, const std::vector<ExpectedColumn>& expected,
                             const MapperOptions& opt = {});

// The alpha's sample: each column's header and what it should fill (`dir`/expected-columns.csv).
// False and `error` set when the file is missing or not in that shape.
bool load_alpha_sample(const std::string& dir, std::vector<ExpectedColumn>& out, std::string* error);
// A list of control-headers.csv ("landlord extract", "old CORE template"): headers with no expected
// mapping, kept to show the vocabulary is not fitted to the sample.
std::vector<std::string> control_headers(const std::string& dir, const std::string& list);

// Rows of a small CSV file (quoted fields, doubled quotes, CRLF or LF; lines starting with '#'
// skipped). At most `max_bytes` are read.
std::vector<std::vector<std::string>> read_csv_rows(const std::string& path, bool* ok, size_t max_bytes = 1 << 20);

}  // namespace core::bulk
