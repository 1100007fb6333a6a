// The view of a log's question pages and interruption screens: what the templates
// (logs/question, logs/interruption) are given, worked out from the form, the answers and what the
// user typed. The shared look of an answer as text is present.h's.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "logs/flow.h"
#include "logs/post.h"
#include "logs/present.h"
#include "logs/store.h"
#include "logs/urls.h"
#include "web/app.h"

namespace core::logs {

const char* status_label(const std::string& status);   // "In progress"
const char* status_colour(const std::string& status);  // the GOV.UK tag class
// "Q3 - What is the needs type?": the question's number from the definition, when it has one. A
// question revealed inside another's option shares its parent's number and is numbered only when
// it is shown apart from its parent (`after_parent` false: a check-answers row whose parent's row is
// hidden, as most "Do you know…?" parents are).
std::string numbered(const form::Question& q, const std::string& text, bool after_parent = true);
// The names of the records a log's answers name (its organisations, users, scheme, location).
RecordNames record_names(web::Context& ctx, const form::Form& f, const form::Values& values);
// The answer as check answers shows it; "" when unanswered.
std::string display(web::Context& ctx, const form::Form& f, const form::Question& q, const form::Values& values,
                    const form::Context& fc);

// A question page. `errors`: by question id ("_form" for the page); `typed`: what was posted, shown
// again; `refused`: the errors the log service gave, with their rules (so an error about two
// questions can link to the other one's page).
nlohmann::json question_page_json(web::Context& ctx, const Urls& urls, bool readonly, const form::Form& f,
                                  const store::Log& log, int page, const form::Values& values, const form::Context& fc,
                                  const std::map<std::string, std::string>& errors, const Typed* typed, bool from_cya,
                                  const std::string& conflict_version = "",
                                  const std::vector<form::Error>* refused = nullptr);
// An interruption screen (a soft validation's "are you sure?").
nlohmann::json interruption_json(web::Context& ctx, const Urls& urls, bool readonly, const form::Form& f,
                                 const store::Log& log, int page, const form::Values& values, const form::Context& fc,
                                 bool from_cya);

}  // namespace core::logs
