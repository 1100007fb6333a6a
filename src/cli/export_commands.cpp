#include "cli/export_commands.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

#include "accounts/store.h"
#include "cli/options.h"
#include "db/database.h"
#include "exports/cds.h"
#include "exports/csv_download.h"
#include "logs/kinds.h"
#include "util/text.h"

namespace core::cli {

int export_csv(const std::string& type, const std::string& year_text, bool codes, const std::string& organisation, const std::string& out,
               const std::string& database_url) {
  const char* usage = "usage: core export csv --type lettings|sales --year 2026 [--codes] [--organisation ID] --out FILE [--database URL]\n";
  auto year = year_option(year_text);
  const logs::Kind* kind = logs::kind_of(type);
  if (!kind || !year || out.empty()) {
    std::cerr << usage;
    return 2;
  }
  if (std::find(kind->years.begin(), kind->years.end(), *year) == kind->years.end()) {
    std::cerr << "core export csv: there is no " << type << " form for " << *year << "\n";
    return 2;
  }
  exports::CsvRequest r;
  r.type = type;
  r.year = *year;
  r.support = true;
  r.codes = codes;
  r.filter.type = type;
  r.filter.all_organisations = true;
  db::Database db(database_url, 2);
  auto c = db.acquire();
  auto reader = db.acquire();
  if (!organisation.empty()) {
    auto id = util::parse_id(organisation);
    if (!id || !accounts::store::find_organisation(*c, *id)) {
      std::cerr << "core export csv: there is no organisation " << organisation << "\n";
      return 2;
    }
    r.filter.all_organisations = false;
    r.filter.organisation_id = *id;
  }
  std::filesystem::path path(out), part(out + ".part");
  int64_t n = 0;
  {
    std::ofstream file(part, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "core export csv: cannot write " << part << "\n";
      return 1;
    }
    try {
      n = exports::write_csv(*c, r, [&](std::string_view s) { file.write(s.data(), std::streamsize(s.size())); }, &*reader);
    } catch (...) {
      file.close();
      std::error_code ec;
      std::filesystem::remove(part, ec);
      throw;
    }
    file.close();
    if (!file) {
      std::cerr << "core export csv: writing " << part << " failed\n";
      return 1;
    }
  }
  std::filesystem::rename(part, path);
  std::cout << n << " " << kind->name << "s written to " << out << "\n";
  return 0;
}

int export_cds(const std::string& out, bool full, const std::string& collection, const std::string& year_text, const std::string& database_url) {
  const char* usage = "usage: core export cds --out DIR [--full] [--collection lettings|sales|users|organisations] [--year 2026] [--database URL]\n";
  if (out.empty()) {
    std::cerr << usage;
    return 2;
  }
  exports::cds::Options o;
  o.out = out;
  o.full = full;
  o.collection = collection;
  if (!year_text.empty()) {
    auto year = year_option(year_text);
    if (!year) {
      std::cerr << usage;
      return 2;
    }
    o.year = *year;
  }
  o.holder = "cli-" + std::to_string(::getpid());
  db::Database db(database_url, 2);
  auto c = db.acquire();
  auto reader = db.acquire();
  exports::cds::Result r;
  try {
    r = exports::cds::run(*c, o, &*reader);
  } catch (const exports::cds::Busy& e) {
    std::cerr << "core export cds: " << e.what() << "\n";
    return 1;
  } catch (const std::invalid_argument& e) {
    std::cerr << "core export cds: " << e.what() << "\n";
    return 2;
  }
  for (auto& a : r.archives) std::cout << a.name << ".zip: " << a.records << " records\n";
  for (auto& e : r.empty) std::cout << e << ": nothing " << (full ? "to export" : "changed since the last export") << "\n";
  std::cout << r.manifest << ": " << r.archives.size() << " archive(s), " << r.records << " records in all\n";
  return 0;
}

}  // namespace core::cli
