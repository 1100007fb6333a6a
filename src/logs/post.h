// Reading a question page's form post into the gateway's changes: only the fields the page has,
// date parts joined, ticked boxes as 1 and the others as 0, answers revealed by an option that is
// no longer chosen dropped with it. Everything else is the gateway's to judge.
#pragma once
#include <map>
#include <string>

#include "form/gateway.h"
#include "web/http.h"

namespace core::logs {

// What the user typed on a page, to show again with the errors.
struct Typed {
  std::map<std::string, std::string> fields;
};

// The page's answers as gateway changes; throws web::BadRequest for a field that does not belong to
// the page, or a checkbox value no page could send.
form::Changes read_post(const form::Form& f, const form::Page& pg, const web::Request& req, Typed& typed);

}  // namespace core::logs
