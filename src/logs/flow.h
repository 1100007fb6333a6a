// Which pages of a log are asked, in what order, and which are still unanswered: worked out from
// the form and the log's answers alone (no HTTP, no database), for the task list, the question
// pages, check answers and every channel that walks a log page by page.
#pragma once
#include <string>
#include <vector>

#include "form/gateway.h"

namespace core::logs {

// Is the option offered now? Its own condition, and the question's `options_in` list.
bool offered(const form::Question& q, const form::Option& o, const expr::Env& env);
// Has the question an answer (a checkbox: any option ticked)?
bool answered(const form::Question& q, const form::Values& v);

// A log's answers with their context, and which pages are shown: worked out once, then asked.
struct Flow {
  const form::Form& f;
  const form::Values& values;
  form::Values now;
  std::vector<char> routed;
  expr::Env env;
  Flow(const form::Form& form, const form::Values& v, const form::Context& fc);
  // After the gateway ran: its outcome already says which pages are shown.
  Flow(const form::Form& form, const form::Outcome& o, const form::Context& fc);
  Flow(const Flow&) = delete;
  bool holds(const expr::NodePtr& n) const { return expr::holds(n, env); }
};

// Is the question one the user must answer on its page now? (Shown, not derived, not optional.)
bool required_now(const Flow& fl, const form::Question& q);
// A page the flow stops at: routed, with at least one question not derived.
bool page_asked(const Flow& fl, int p);
// Has the page a required question without an answer, or an interruption not yet confirmed?
bool page_unanswered(const Flow& fl, int p);
// What a log still lacks, page by page in form order: every required question without an answer
// and every interruption not yet confirmed, on the pages asked (downloads of logs with errors, the API).
std::vector<const form::Question*> unanswered_questions(const Flow& fl);
// Where "Save and continue" goes from `page`: the next page asked in its subsection (from check
// answers: the next one still unanswered); -1 for the subsection's check answers.
int next_page(const Flow& fl, int page, bool from_cya);
// The page asked before `page` in its subsection; -1 for the task list.
int previous_page(const Flow& fl, int page);
// The first page of the subsection that is asked and unanswered; -1 when there is none.
int first_unanswered(const Flow& fl, int subsection);

}  // namespace core::logs
