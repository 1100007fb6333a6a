// The export to the department's Consolidated Data Store (issue 14; docs/exports.md;
// ../shared/reference/exports/cds-xml.md): every night (or on demand, `core export cds`), a ZIP
// archive per collection and year, each with a manifest.xml and XML parts of at most 10,000 records,
// and a master manifest CSV naming the archives of the run.
//
// Lettings and sales logs are written as their year's export description says
// (forms/<year>/<type>-cds.json: the elements in order, and where each value comes from); users and
// organisations have elements of their own, fixed by the data store. An incremental run holds the
// records changed since the collection's last run; a full run holds everything. Each run of each
// collection and year is recorded (exports::store::CdsExport), which numbers the archives
// (f0001_inc0001) and tells the next run where to start. Only one run at a time, across every
// server sharing the database: a run holds the lease "cds_export" while it works.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/database.h"
#include "exports/store.h"
#include "form/definition.h"
#include "logs/store.h"

namespace core::exports::cds {

constexpr int kRecordsPerPart = 10000;
constexpr int64_t kLettingsIdOffset = 300000000000;  // formid, owningorgid, maningorgid of lettings

struct Options {
  std::filesystem::path out;       // the folder the archives and the master manifest go into
  bool full = false;               // everything, not only what changed since the last run
  std::string collection;          // lettings, sales, users or organisations; "" for all of them
  std::optional<int> year;         // lettings and sales: one collection year; else every year described
  std::string holder;              // who runs it (the lease's holder): "host:pid", a job's worker
  int records_per_part = kRecordsPerPart;
};

struct Archive {
  std::string collection;
  int year = 0;
  std::string name;  // without .zip
  int64_t records = 0;
};
struct Result {
  std::string manifest;  // the master manifest's file name
  std::vector<Archive> archives;
  int64_t records = 0;
  std::vector<std::string> empty;  // the collections and years with nothing to export this time
};

// Another run holds the lease.
struct Busy : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One run. `reader`, when given, is a second connection the logs are read on while `c` writes them
// out. Throws Busy when another run is under way, std::invalid_argument for a collection or year
// there is nothing to export for, std::runtime_error when the folder cannot be written (the run is
// then not recorded, so the next run exports the same records again).
Result run(db::Connection& c, const Options& o, db::Connection* reader = nullptr);

// The collection years a kind of log is exported for: those with an export description.
std::vector<int> years(const std::string& type);
// "core_2026_2027_apr_mar_f0001_inc0001", "core_sales_…", "users_2024_2025_…", "organisations_2024_2025_…".
std::string archive_name(const std::string& collection, int year, int base, int increment);

// One log as the data store receives it: its <form> element, indented as in the data parts.
std::string log_record(db::Connection& c, const std::string& type, int year, const logs::store::LogWithPeople& x);

// What is wrong with an export description against its form (`core form lint`).
std::vector<std::string> lint_cds_spec(const form::Form& f, const nlohmann::json& spec);
bool is_cds_spec_path(const std::string& path);

}  // namespace core::exports::cds
