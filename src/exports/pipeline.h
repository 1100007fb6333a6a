// Logs read on one thread and handled on another (CSV downloads, the export to the data store):
// the database's work and the driver's overlap with the formatting, on two connections. At most a
// few batches wait between the two, so memory stays flat however many logs there are.
#pragma once
#include <functional>

#include "logs/store.h"

namespace core::exports {

using LogFn = std::function<void(const logs::store::LogWithPeople&)>;
// Runs `read` (which hands each log it reads to its argument; it should read on a connection of
// its own) in a thread, and `handle` on each log here, in order. An exception from either stops
// both and is rethrown here.
void pipelined(const std::function<void(const LogFn&)>& read, const LogFn& handle);

}  // namespace core::exports
