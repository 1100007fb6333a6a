// libFuzzer target: any bytes as the body of a submission API request (src/api/body.h), read as a
// create, a change and a confirmation would read it; whatever answers it yields then go through the
// gateway (form::apply) onto an empty log and onto a complete one. Build with -DCORE_FUZZ=ON and
// clang (docs/fuzzing.md). A crash, a sanitizer report, an exception or a broken promise aborts.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/body.h"
#include "form/gateway.h"
#include "form/registry.h"

namespace {
void require(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto form = core::form::get("lettings", 2026);
  std::string_view body(reinterpret_cast<const char*>(data), size);
  core::api::BodyShape create, change, confirm;
  change.version = change.version_required = true;
  confirm.answers = false;
  confirm.version = confirm.version_required = confirm.checks = true;
  for (const auto& shape : {create, change, confirm}) {
    core::api::Body b = core::api::read_body(*form, body, shape);
    // Promises: every error says what and why; with errors, nothing else is to be used; without,
    // every answer names an input of the form and is a single value.
    for (auto& e : b.errors) require(!e.message.empty() && !e.code.empty());
    if (!b.errors.empty()) continue;
    if (shape.version_required) require(b.version && *b.version >= 1);
    for (auto& [attr, v] : b.answers) {
      int slot = form->slot(attr);
      require(slot >= 0 && form->attributes[size_t(slot)].input);
      require(!v.is_array() && !v.is_object());
    }
    // The gateway takes whatever answers the body held without throwing.
    core::form::Context ctx;
    ctx.today = core::util::Date{2026, 6, 1};
    core::form::Outcome o = core::form::apply(*form, core::form::Values(form->size()), b.answers, ctx);
    require(o.values.size() == form->size());
  }
  return 0;
}
