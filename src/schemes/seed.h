// Demo schemes for `core seed --demo`: two schemes of Northshire County Council with a few
// locations each, one location deactivated. Running it again changes nothing.
#pragma once
#include "db/database.h"

namespace core::schemes {
void seed_demo(db::Connection& c);
}
