// `core export …`: the data out of the service for analysts' scripts.
#pragma once
#include <string>

namespace core::cli {

// core export csv --type lettings|sales --year 2026 [--codes] [--organisation ID] --out FILE [--database URL]
// The web's CSV download as support gets it (every column; labels, or codes with --codes), of every
// organisation's logs or those one organisation owns or manages. Written to FILE.part and renamed
// once complete, so FILE is never half-written. Prints how many logs it holds.
int export_csv(const std::string& type, const std::string& year, bool codes, const std::string& organisation, const std::string& out,
               const std::string& database_url);

// core export cds --out DIR [--full] [--collection lettings|sales|users|organisations] [--year 2026] [--database URL]
// The export to the department's data store (exports/cds.h) into DIR: the changes since the last
// run of each collection, or everything with --full. Prints each archive and the master manifest.
// Exits 1 when another export is running.
int export_cds(const std::string& out, bool full, const std::string& collection, const std::string& year, const std::string& database_url);

}  // namespace core::cli
