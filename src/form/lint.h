// `core form lint`: everything Form::load finds (unknown fields, expressions that do not parse or
// type-check, duplicate option codes, messages on unknown fields), plus pages that can never be shown.
#pragma once
#include <string>
#include <vector>

#include "form/definition.h"

namespace core::form {

// Problems with the definition; empty when it is sound.
std::vector<std::string> lint(const Form& f);

// A page is unreachable when no combination of answers makes its condition hold. Conditions over
// coded answers are tried exhaustively (with the literals they mention for numbers, dates and text);
// a condition with too many combinations to try is given the benefit of the doubt.
bool satisfiable(const Form& f, const expr::NodePtr& condition, bool* decided = nullptr);

}  // namespace core::form
