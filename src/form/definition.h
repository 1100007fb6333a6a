// A collection year's form, loaded from its JSON definition (docs/form-definition.md): sections,
// subsections, pages, questions, derivations and rules, with every expression parsed once and every
// name resolved to a slot. Pure: reads files, knows nothing of HTTP or SQL.
#pragma once
#include <map>
#include <unordered_map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "expr/ast.h"
#include "expr/eval.h"
#include "expr/lookups.h"
#include "expr/program.h"
#include "util/dates.h"

namespace core::form {

enum class QType { Radio, Checkbox, Numeric, Date, Text, Select, Interruption };
const char* qtype_name(QType t);

struct Option {
  expr::Value value;
  std::string label, hint;
  std::string check_answer_label;  // how check answers and history show it, when not as `label`
  bool divider_before = false, exclusive = false;
  expr::NodePtr depends_on;
  int slot = -1;  // checkbox: the attribute this option sets
};

struct Question {
  std::string id;
  QType type = QType::Text;
  int slot = -1;  // checkbox: -1 (each option has its own)
  int page = -1;
  std::vector<Option> options;
  std::string options_from;  // a lookup table or live records (docs/form-definition.md)
  std::optional<double> min, max, step;
  bool money = false;  // numeric, in pounds (its prefix is "£"): shown as £1,234.50
  bool readonly = false;
  bool optional = false;
  expr::NodePtr optional_when, derived_when, hidden_in_check_answers;
  // A list of codes (null: no filter): only the options whose value is in it are offered.
  expr::NodePtr options_in;
  bool keep = false;
  int conditional_parent = -1;  // slot of the revealing question
  std::vector<expr::Value> conditional_values;
  std::string soft;  // interruption: the soft validation's id
  // Texts that depend on other answers, each with its condition (parsed at load): the suffix of a
  // number ("every week") and what check answers shows instead of the answer ("Not known").
  struct Conditional {
    expr::NodePtr when;
    std::string text;
  };
  std::string suffix;  // a fixed suffix
  std::vector<Conditional> suffixes, inferred;
  // The first conditional text that holds ("" when none does); fixed suffix first.
  std::string suffix_for(const expr::Env& env) const;
  std::string inferred_for(const expr::Env& env) const;
  const nlohmann::json* raw = nullptr;  // header, hint, labels, guidance… for the channels
  std::string label() const;            // check-answers label, else header
  std::string unanswered_error() const;
};

struct Page {
  std::string id;
  int subsection = -1;
  expr::NodePtr depends_on;
  std::vector<Question> questions;
  const nlohmann::json* raw = nullptr;
};

struct Subsection {
  std::string id, label;
  int section = -1;
  // `shown_when`: while it fails the subsection does not apply to the log: it is left out of the
  // task list and of the log's status, and none of its pages is asked. `depends_on`: while it fails
  // the subsection applies but cannot be started yet.
  expr::NodePtr shown_when, depends_on;
  std::vector<int> pages;
};

struct Section {
  std::string id, label;
  std::vector<int> subsections;
};

enum class AttrKind { Question, CheckboxOption, Variable, Context };

struct Attribute {
  std::string id;
  expr::Type type = expr::Type::Any;
  AttrKind kind = AttrKind::Variable;
  bool input = false;  // a channel may give it
  std::vector<expr::Value> codes;  // coded answers
  std::vector<const Question*> questions;  // where it is asked
  std::string label;
  // Asked on several pages with different bounds or steps (buyer 2's age and person 2's): an answer
  // is checked against the question of the page that asks it.
  bool bounds_vary = false;
};

struct Derivation {
  std::string id;
  int slot = -1;
  expr::NodePtr when, value;
};

struct Message {
  int slot = -1;
  std::string field, text;
  expr::NodePtr when;
};

struct Rule {
  std::string id;
  expr::NodePtr when;
  std::vector<Message> messages;
  std::vector<std::pair<std::string, expr::NodePtr>> values;
};

struct SoftRule {
  std::string id, confirm, title, text;
  int confirm_slot = -1;
  expr::NodePtr when;
  std::vector<std::pair<std::string, expr::NodePtr>> values;
  std::vector<std::string> review;
};

// The values channels fill in from the signed-in user and the database (docs/form-definition.md).
struct ContextName {
  const char* id;
  expr::Type type;
};
const std::vector<ContextName>& context_names();

// What kind of log the form records (`form.log` in the definition, ADR 0012): how the lists, the
// store and the channels name it, and which answers they index. Each *_slot is -1 when the form has
// no such answer.
struct LogKind {
  std::string path;  // the list's address without the slash: "lettings-logs"
  std::string name;  // one log, in a sentence: "lettings log"
  std::string date, category, reference, property_reference, postcode;  // attribute ids ("" = none)
  int date_slot = -1, category_slot = -1, reference_slot = -1, property_reference_slot = -1, postcode_slot = -1;
  // Duplicate logs (`log.duplicates`, ADR 0013): two logs of one owning organisation are duplicates
  // when `when` holds for both and every `match` answer is equal (blank equals blank). Empty
  // `match`: the form describes no duplicates.
  struct Duplicates {
    std::vector<std::string> match;  // attribute ids, as written
    std::vector<int> match_slots;    // their slots, in the same order
    expr::NodePtr when;              // whether a log is considered at all (missing: always)
  } duplicates;
};

class Form : public expr::Names, public expr::Labels {
 public:
  // Loads and checks a definition. Problems (unknown fields, expressions that do not parse, duplicate
  // codes…) are collected in `problems`; a form with problems must not be used.
  static std::shared_ptr<Form> load(const std::string& path, const std::string& data_dir);
  // As load(), but throws std::runtime_error listing the problems.
  static std::shared_ptr<const Form> load_checked(const std::string& path, const std::string& data_dir);

  std::vector<std::string> problems;

  std::string type;
  int year = 0;
  util::Date start_date, end_date, new_logs_end_date, edit_end_date, submission_deadline;
  // The quarterly cut-offs before the end-of-year deadline (submission_deadline), in order; the home
  // pages show those still to come.
  std::vector<util::Date> quarter_deadlines;
  LogKind log;

  std::vector<Attribute> attributes;  // by slot; context values come last
  std::unordered_map<std::string, int> slots;
  std::vector<int> context_slots;  // by position in context_names()
  std::vector<Section> sections;
  std::vector<Subsection> subsections;
  std::vector<Page> pages;
  std::map<std::string, int> page_index;
  std::set<std::string> checkbox_questions;  // their ids may carry messages too
  std::vector<Derivation> derivations;
  std::vector<Rule> rules;
  std::vector<SoftRule> soft_rules;
  expr::Lookups lookups;
  nlohmann::json source;  // the merged definition (texts for the channels)

  // The slots a stored log holds (every attribute but the context values), in order of their ids:
  // the order in which answers are written (form::answers_text).
  std::vector<int> stored_order;
  // Every expression of the form, compiled together (expr/program.h).
  std::shared_ptr<const expr::Program> program;

  int slot(const std::string& name) const {
    auto it = slots.find(name);
    return it == slots.end() ? -1 : it->second;
  }
  size_t size() const { return attributes.size(); }

  // expr::Names
  std::optional<expr::NameInfo> lookup(const std::string& name) const override;
  const Def* def(const std::string& name) const override;
  int def_index(const std::string& instance) const override;
  size_t def_instances() const { return def_instances_.size(); }
  // For each slot, the def instances whose value depends on it (so a change invalidates only those).
  std::vector<std::vector<int>> def_readers;
  // For each slot, the pages whose routing (the page's condition or its subsection's) reads it, so
  // routing is worked out again only for those after a change.
  std::vector<std::vector<int>> page_readers;
  // expr::Labels
  std::string label(int slot, const expr::Value& v) const override;
  // A page heading's %{answer}s filled in with the answers' text (blank when unanswered).
  std::string fill_in(const std::string& text, const std::vector<expr::Value>& values) const;

 private:
  struct Loader;  // the stages of load() (definition.cpp)
  std::map<std::string, Def> defs_;
  mutable std::map<std::string, int> def_instances_;  // filled while the definition is parsed
};

}  // namespace core::form
