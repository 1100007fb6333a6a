// The sessions and settings the web layer asks for (web/sessions.h), kept by accounts' store.
#pragma once
#include "web/sessions.h"

namespace core::accounts {
web::Sessions& sessions();
}  // namespace core::accounts
