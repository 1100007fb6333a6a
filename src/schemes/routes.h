// The schemes and locations pages: list, wizards with check-answers pages, details,
// deactivation and reactivation, and CSV downloads.
#pragma once
#include "schemes/postcode_lookup.h"
#include "util/dates.h"
#include "web/app.h"

namespace core::schemes {
void register_routes(web::App& app, PostcodeLookup& lookup);
// How many schemes the user's scheme list shows as incomplete (/schemes?status=incomplete).
int64_t incomplete_scheme_count(web::Context& ctx);
}  // namespace core::schemes
