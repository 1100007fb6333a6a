// The column mapper for a landlord's own spreadsheet (issue 13, "flexible upload"): from the
// spreadsheet's column headers it proposes which CORE answer (an attribute of the form) each column
// fills, and for coded questions how the column's values read as CORE's answer options. The user
// corrects the proposal; nothing here decides for them.
//
// Evidence for a column, best first: the attribute's own id ("tenancycode"), a common name for the
// answer (data/column-synonyms.csv), the check-answers label, the question text, the question text
// with its label, and extra texts a caller adds (the template's headers). Headers and texts are
// normalised (case, punctuation, stop words, plurals, the vocabulary's terms: "DOB", "Gender" as
// "sex", "lead tenant" as "person 1") and compared by weighted token overlap, with near-misses of
// words ("Cde", "Mgmnt") counted in part. Person numbers must agree: "Person 3 age" never fills
// person 2's age.
//
// Pure: reads its two vocabulary files, knows nothing of HTTP or SQL. Every input is bounded (see
// the limits below) and nothing throws to the caller on bad input.
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "expr/value.h"
#include "form/definition.h"

namespace core::bulk {

// Limits on what the mapper reads; beyond them it reads no further (and says so in the reason).
constexpr size_t kMapperMaxColumns = 2000;        // columns after these are left unmapped
constexpr size_t kMapperMaxHeaderBytes = 1000;    // of each header, the first 1,000 bytes are read
constexpr size_t kMapperMaxValues = 500;          // distinct values per column for value mapping
constexpr size_t kMapperMaxValueBytes = 200;      // of each value

// Where a proposal's evidence came from, for the page to explain it.
enum class Evidence { None, AttributeId, Synonym, Label, Question, QuestionAndLabel, QuestionAndOption, Extra };
// "matched the question text", "matched a common name for this answer"…
const char* evidence_phrase(Evidence e);

struct ColumnProposal {
  size_t column = 0;      // its position among the headers given, from 0
  std::string attribute;  // "" when left unmapped
  double score = 0;       // 0 to 1; the page can show it as a percentage
  Evidence evidence = Evidence::None;
  std::string matched;    // the text it matched (a synonym, the label, the question)
  // A sentence for the page: "Matched the question text “What is the tenant code?”", or why the
  // column is left unmapped ("No CORE question is a close enough match", "The column has no header").
  std::string reason;
  // The best candidate for an unmapped column, when there was one below the threshold or taken by a
  // better column (so the page can offer it first); "" when none.
  std::string runner_up;
};

struct ValueProposal {
  std::string value;      // as given (trimmed)
  expr::Value code;       // the option's code; null when left unmapped
  std::string label;      // the option's text, for the page
  double score = 0;
  std::string reason;     // "Matched the answer code", "Matched the answer text", ...
};

struct MapperOptions {
  // A column is proposed only at or above this score. 0.72: below it the best match shares only a
  // generic word or two with the column (see docs/bulk-upload-mapper.md).
  double threshold = 0.72;
};

class ColumnMapper {
 public:
  // Builds the targets (every answer a channel may give: questions and checkbox options that are not
  // computed) and their evidence from the form, and reads the vocabulary files
  // `<data_dir>/column-synonyms.csv` and `<data_dir>/value-synonyms.csv` (one vocabulary for every
  // form: names for answers this form lacks are left aside, see unknown_attributes()). Returns null
  // and sets `error` when a vocabulary file cannot be read or has a malformed line.
  // `field_synonyms` false leaves out the vocabulary's names for answers (its terms stay): for
  // measuring how much the mapper owes to them.
  static std::shared_ptr<ColumnMapper> build(const form::Form& form, const std::string& data_dir,
                                                   std::string* error, bool field_synonyms = true);
  ~ColumnMapper();

  // Adds a text that names an attribute (for example the official template's header for its field),
  // used as evidence like a synonym. Unknown attributes are ignored. Call it before sharing the
  // mapper between threads (as a shared_ptr<const ColumnMapper>): proposing only reads.
  void add_evidence(const std::string& attribute, const std::string& text);

  // One proposal per header, in the headers' order. One-to-one: no two columns get the same
  // attribute; the best-scoring pairs are assigned first, and a column whose best is below the
  // threshold (or taken) stays unmapped.
  // `samples` (optional): some of each column's values, by column. A candidate whose answers the
  // values do not fit (text in a date or number column, values that are none of a coded question's
  // options) scores less: at least 80% fitting costs nothing, 30% to 80% costs a tenth, less a
  // quarter. Fewer than 3 non-blank values say nothing.
  std::vector<ColumnProposal> propose(const std::vector<std::string>& headers, const MapperOptions& opt = {},
                                      const std::vector<std::vector<std::string>>* samples = nullptr) const;

  // For a coded attribute (radio, select with fixed options, checkbox option), one proposal per
  // distinct non-blank value, in the order first seen. Values that match no option, or match two
  // equally well, stay unmapped. Empty for attributes that are not coded (numbers, dates, text) or
  // unknown.
  std::vector<ValueProposal> propose_values(const std::string& attribute, const std::vector<std::string>& values) const;

  // The score and evidence for one header against one attribute, ignoring the one-to-one rule and
  // the threshold (for the page's "why not" and for tests). Score 0 for an unknown attribute.
  ColumnProposal score(const std::string& header, const std::string& attribute) const;

  // The vocabulary's names for answers, expanded for persons 1 to 8: (attribute, name). For the
  // check that the vocabulary is not a copy of a measured file's headers.
  std::vector<std::pair<std::string, std::string>> synonyms() const;
  // The attributes the vocabulary names that this form does not have (for the check that every name
  // in it belongs to some form).
  std::vector<std::string> unknown_attributes() const;
  // A header as the mapper reads it (its words after normalising, space-separated).
  std::string normalise(const std::string& header) const;

  struct Impl;

 private:
  ColumnMapper();
  double sample_fit(int target, const std::vector<std::string>& values) const;
  std::unique_ptr<Impl> impl_;
};

// A header folded only for case and punctuation ("Tenant's code?" -> "tenant s code"), with none of
// the mapper's vocabulary applied: what "the same header" means when checking for copies.
std::string fold_header(const std::string& header);

}  // namespace core::bulk
