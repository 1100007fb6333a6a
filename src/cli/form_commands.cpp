#include "cli/form_commands.h"
#include "cli/options.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <iostream>

#include "db/database.h"
#include "exports/cds.h"
#include "exports/csv_download.h"
#include "form/cases.h"
#include "form/gateway.h"
#include "form/lint.h"
#include "form/registry.h"
#include "form/template_spec.h"
#include "accounts/store.h"
#include "logs/context.h"
#include "logs/service.h"
#include "util/text.h"
#include "util/paths.h"

namespace core::cli {

using nlohmann::json;

namespace {

json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  try {
    return json::parse(in);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(path + " is not valid JSON: " + e.what());
  }
}

// The form a companion file (a template spec, a download description) at `path` is checked against;
// nullptr, with the reason on standard error, when it does not load cleanly.
std::shared_ptr<form::Form> companion_form(const std::string& path, const std::string& form_path) {
  std::shared_ptr<form::Form> f;
  try {
    f = form::Form::load(form_path, form::data_dir());
  } catch (const std::exception& e) {
    std::cerr << path << ": its form " << form_path << " does not load: " << e.what() << "\n";
    return nullptr;
  }
  if (!f->problems.empty()) {
    std::cerr << path << ": its form " << form_path << " has " << f->problems.size() << " problem(s); lint it first\n";
    return nullptr;
  }
  return f;
}

// A bulk-upload template spec, checked against the form beside it (the spec's template.form).
bool lint_template_spec_file(const std::string& path) {
  std::string error;
  auto spec = form::load_template_spec_file(path, error);
  if (!spec) {
    std::cerr << path << ": " << error << "\n";
    return false;
  }
  auto f = companion_form(path, (std::filesystem::path(path).parent_path() / spec->form).string());
  if (!f) return false;
  auto problems = form::lint_template_spec(*spec, *f);
  if (!problems.empty()) {
    for (auto& p : problems) std::cerr << path << ": " << p << "\n";
    std::cerr << path << ": " << problems.size() << " problem(s)\n";
    return false;
  }
  std::map<std::string, int> readers;
  for (auto& fd : spec->fields) ++readers[fd.read];
  std::cout << path << ": ok (" << spec->type << " " << spec->year << " bulk-upload template: " << spec->fields.size()
            << " fields, " << spec->derive.size() << " derivations, " << spec->rules.size() << " rules; readers:";
  for (auto& [r, k] : readers) std::cout << " " << r << " " << k;
  std::cout << ")\n";
  return true;
}

// A companion description (forms/<year>/<type>-<kind>.json: a CSV download, the data-store
// export), checked against its form beside it with `lint`; `summary` says what it holds.
bool lint_companion_file(const std::string& path, const std::string& kind,
                         const std::function<std::vector<std::string>(const form::Form&, const json&)>& lint,
                         const std::function<std::string(const form::Form&, const json&)>& summary) {
  std::filesystem::path p(path);
  std::string name = p.filename().string();
  std::string type = name.substr(0, name.size() - std::string("-" + kind + ".json").size());
  auto f = companion_form(path, (p.parent_path() / (type + ".json")).string());
  if (!f) return false;
  json j = read_json_file(path);
  if (!j.is_object() || !j.contains(kind)) {
    std::cerr << path << ": not a " << kind << " description (an object with `" << kind << "`)\n";
    return false;
  }
  auto problems = lint(*f, j[kind]);
  for (auto& pr : problems) std::cerr << path << ": " << pr << "\n";
  if (!problems.empty()) return false;
  std::cout << path << ": ok (" << type << " " << summary(*f, j[kind]) << ")\n";
  return true;
}

bool lint_download_spec_file(const std::string& path) {
  return lint_companion_file(path, "download", exports::lint_download_spec, [](const form::Form& f, const json& spec) {
    return "CSV download: " + std::to_string(exports::csv_columns(f, spec, true).size()) + " columns for support, " +
           std::to_string(exports::csv_columns(f, spec, false).size()) + " for everyone else";
  });
}

bool lint_cds_spec_file(const std::string& path) {
  return lint_companion_file(path, "cds", exports::cds::lint_cds_spec, [](const form::Form&, const json& spec) {
    return "export to the data store: " + std::to_string(spec.value("elements", json::array()).size()) + " elements";
  });
}

}  // namespace

int form_lint(const std::vector<std::string>& files) {
  if (files.empty()) {
    std::cerr << "usage: core form lint FILE...\n";
    return 2;
  }
  int bad = 0;
  for (auto& path : files) {
    if (exports::cds::is_cds_spec_path(path)) {
      if (!lint_cds_spec_file(path)) ++bad;
      continue;
    }
    if (exports::is_download_spec_path(path)) {
      if (!lint_download_spec_file(path)) ++bad;
      continue;
    }
    if (form::is_template_spec_path(path)) {
      if (!lint_template_spec_file(path)) ++bad;
      continue;
    }
    std::shared_ptr<form::Form> f;
    try {
      f = form::Form::load(path, form::data_dir());
    } catch (const std::exception& e) {
      std::cerr << path << ": " << e.what() << "\n";
      ++bad;
      continue;
    }
    auto problems = form::lint(*f);
    if (!problems.empty()) {
      for (auto& p : problems) std::cerr << path << ": " << p << "\n";
      std::cerr << path << ": " << problems.size() << " problem(s)\n";
      ++bad;
      continue;
    }
    size_t questions = 0;
    for (auto& p : f->pages) questions += p.questions.size();
    std::cout << path << ": ok (" << f->type << " " << f->year << ": " << f->pages.size() << " pages, " << questions
              << " questions, " << f->derivations.size() << " derivations, " << f->rules.size() << " hard rules, "
              << f->soft_rules.size() << " soft rules)\n";
  }
  return bad ? 1 : 0;
}

int form_test(const std::vector<std::string>& files, const std::string& database_url) {
  if (files.empty()) {
    std::cerr << "usage: core form test [--database URL] FILE...\n";
    return 2;
  }
  std::unique_ptr<db::Database> db;
  if (!database_url.empty()) db = std::make_unique<db::Database>(database_url, 1);
  int failed = 0, passed = 0;
  for (auto& path : files) {
    json file = read_json_file(path);
    std::string form_path = file.value("form", "");
    if (form_path.empty()) throw std::runtime_error(path + ": names no \"form\"");
    auto f = form::Form::load_checked((resource_root() / form_path).string(), form::data_dir());
    form::ContextHook hook;
    if (db)
      hook = [&](const json& c, form::Context& ctx) {
        auto conn = db->acquire();
        json answers = c.value("before", json::object());
        const json changes = c.value("answers", json::object());
        for (auto& [k, v] : changes.items()) answers[k] = v;
        logs::resolve_context(*conn, *f, form::values_from_json(*f, answers), ctx);
      };
    for (auto& r : form::run_cases(*f, file, hook)) {
      if (r.failures.empty()) {
        ++passed;
        continue;
      }
      ++failed;
      std::cout << "FAIL " << path << ": " << r.name << "\n";
      for (auto& m : r.failures) std::cout << "    " << m << "\n";
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed ? 1 : 0;
}

int log_check(const std::string& type, const std::string& year_text, const std::string& today_text,
              const std::string& database_url, const std::string& file, const std::string& as_email) {
  if (type.empty() || year_text.empty() || file.empty() || (!as_email.empty() && database_url.empty())) {
    std::cerr << "usage: core log check --type lettings --year 2026 [--today YYYY-MM-DD] [--database URL [--as EMAIL]] FILE.json\n";
    return 2;
  }
  auto year_number = year_option(year_text);
  auto today_date = today_option(today_text);
  if (!year_number || !today_date) return 2;
  int year = *year_number;
  util::Date today = *today_date;
  auto f = form::get(type, year);
  json input;
  try {
    input = file == "-" ? json::parse(std::cin) : read_json_file(file);
  } catch (const json::parse_error& e) {
    std::cerr << "core: the input is not valid JSON: " << e.what() << "\n";
    return 1;
  }
  if (!input.is_object()) {
    std::cerr << "core: the input must be a JSON object of answers (attribute → value), not " << input.type_name() << "\n";
    return 1;
  }
  if (!as_email.empty()) {
    // As that user would get it from the log service: the same checks as a save, nothing written.
    db::Database db(database_url, 1);
    auto conn = db.acquire();
    auto user = accounts::store::find_user_by_email(*conn, as_email);
    if (!user || !user->active) {
      std::cerr << "core: --as: there is no active user with the email " << as_email << "\n";
      return 2;
    }
    auto r = logs::service::check(*conn, *user, *f, form::Values(f->size()), form::changes_from_json(input), today);
    form::Outcome o = r.outcome;
    o.errors = r.errors;
    if (r.status == logs::service::Status::Forbidden) o.errors.push_back({"H-FORBIDDEN", {"assigned_to_id"}, r.message});
    if (!o.errors.empty() && o.status == form::Status::Completed) o.status = form::Status::InProgress;
    std::cout << o.to_json(*f).dump(2) << "\n";
    return 0;
  }
  form::Context ctx;
  ctx.today = today;
  std::vector<form::Error> record_errors;
  if (!database_url.empty()) {
    db::Database db(database_url, 1);
    auto conn = db.acquire();
    record_errors = logs::resolve_context(*conn, *f, form::values_from_json(*f, input), ctx);
  }
  form::Outcome o = form::apply(*f, form::Values(f->size()), form::changes_from_json(input), ctx);
  o.errors.insert(o.errors.begin(), record_errors.begin(), record_errors.end());
  if (!record_errors.empty() && o.status == form::Status::Completed) o.status = form::Status::InProgress;
  std::cout << o.to_json(*f).dump(2) << "\n";
  return 0;
}

}  // namespace core::cli
