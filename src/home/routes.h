// The front of the service at `/`: signed out, the start page (what the service is, "Start now",
// the coming deadlines); signed in, the home page (what needs doing: counts of the user's logs of
// each kind for the collection year, linked to the lists filtered to them; incomplete schemes; the
// coming deadlines). Also the header's "Home" link.
#pragma once
#include "web/app.h"

namespace core::home {
void register_routes(web::App& app);
}  // namespace core::home
