// An interruption screen's answers, for every form, as the real service stores them: "yes, this is
// correct", and "no" (which is never stored: the user goes back and changes an answer instead). The
// web page's button, bulk upload's and the API's confirmations, and the form loader's codes use these.
#pragma once
#include <cstdint>

namespace core::form {
constexpr int64_t kInterruptionConfirmed = 0, kInterruptionDeclined = 1;
}  // namespace core::form
