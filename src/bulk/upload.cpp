#include "bulk/upload.h"
#include "form/interruption.h"

#include <iostream>
#include <set>
#include <memory>
#include <thread>

#include "accounts/permissions.h"
#include "accounts/store.h"
#include "form/registry.h"
#include "logs/columns.h"
#include "logs/kinds.h"
#include "logs/options.h"
#include "logs/service.h"
#include "logs/store.h"
#include "mail/email_template.h"
#include "util/clock.h"
#include "util/crypto.h"
#include "util/text.h"

namespace core::bulk {

using nlohmann::json;
namespace perm = accounts::permissions;

// --- ServiceRunner

ServiceRunner::ServiceRunner(db::Connection& c, const accounts::User& user, util::Date today, std::optional<int64_t> for_organisation)
    : c_(c), user_(user), support_(perm::is_support(user)), today_(today) {
  if (support_ && for_organisation) {
    user_.role = accounts::Role::Coordinator;
    user_.organisation_id = *for_organisation;
  }
}

std::optional<int64_t> ServiceRunner::user_by_email(const std::string& email) {
  auto it = users_.find(email);
  if (it != users_.end()) return it->second;
  std::optional<int64_t> id;
  if (auto u = accounts::store::find_user_by_email(c_, email); u && u->active) id = u->id;
  users_[email] = id;
  return id;
}

std::optional<int64_t> ServiceRunner::uploader() const {
  if (support_) return std::nullopt;  // support must name who the log is for
  return user_.id;
}

form::Context ServiceRunner::context(const form::Form& f, const form::Values& values) {
  return logs::service::new_log_context(c_, user_, f, values, today_, &checks_);
}

Runner::Result ServiceRunner::run(const form::Form& f, const form::Changes& changes) {
  auto r = logs::service::check(c_, user_, f, form::Values(f.size()), changes, today_, &checks_);
  Result out;
  out.errors = r.errors;
  out.outcome = std::move(r.outcome);
  if (r.status == logs::service::Status::Forbidden) out.errors.push_back({"H-FORBIDDEN", {"assigned_to_id"}, r.message});
  return out;
}

std::vector<bool> ServiceRunner::existing_duplicates(const form::Form& f, const std::vector<std::pair<int64_t, std::string>>& keys) {
  // The digest a stored log's duplicate_key holds (logs/columns.h), found in bulk.
  std::vector<std::pair<int64_t, std::string>> digests;
  for (auto& [owner, text] : keys) digests.emplace_back(owner, util::sha256_hex(text));
  auto found = logs::store::existing_duplicate_keys(c_, f.type, digests);
  std::vector<bool> out;
  for (auto& d : digests) out.push_back(found.count(d) > 0);
  return out;
}

// --- checking a file

namespace {
Report check_file_sheet(db::Connection* c, const accounts::User* as, const form::TemplateSpec& spec, const form::Form& form,
                        const ReadResult& sheet, const util::Date& today, const std::function<bool(int, int)>& progress,
                        std::optional<int64_t> for_organisation);
}  // namespace

Report check_file(db::Connection* c, const accounts::User* as, const std::string& type, int year, const std::string& bytes,
                  const util::Date& today, const std::function<bool(int, int)>& progress, const Mapping* mapping,
                  std::optional<int64_t> for_organisation) {
  auto spec = form::template_spec(type, year);
  auto f = form::get(type, year);
  Limits limits;
  limits.max_file_bytes = size_t(spec->max_bytes > 0 ? spec->max_bytes : int64_t(limits.max_file_bytes));
  limits.max_data_rows = size_t(spec->max_rows > 0 ? spec->max_rows : int64_t(limits.max_data_rows));
  ReadResult sheet = read_sheet(bytes, limits);
  if (mapping) {
    Converted conv = to_template(*spec, *f, sheet, *mapping);
    Report r = check_file_sheet(c, as, *spec, *f, conv.sheet, today, progress, for_organisation);
    to_user_cells(r, conv);
    return r;
  }
  return check_file_sheet(c, as, *spec, *f, sheet, today, progress, for_organisation);
}

namespace {
Report check_file_sheet(db::Connection* c, const accounts::User* as, const form::TemplateSpec& spec_, const form::Form& form_,
                        const ReadResult& sheet, const util::Date& today, const std::function<bool(int, int)>& progress,
                        std::optional<int64_t> for_organisation) {
  const form::TemplateSpec* spec = &spec_;
  const form::Form* f = &form_;
  CheckOptions opt;
  opt.year = spec->year;
  opt.progress = progress;
  if (c && as) {
    ServiceRunner runner(*c, *as, today, for_organisation);
    return check(*spec, *f, sheet, runner, opt);
  }
  // Without the database every row is the gateway's alone: one runner per core.
  FormOnlyRunner runner(today);
  std::vector<std::unique_ptr<FormOnlyRunner>> more;
  unsigned cores = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  for (unsigned i = 1; i < cores; ++i) {
    more.push_back(std::make_unique<FormOnlyRunner>(today));
    opt.more_runners.push_back(more.back().get());
  }
  return check(*spec, *f, sheet, runner, opt);
}
}  // namespace

// --- submitting

namespace {

bool known_type(const std::string& type) { return logs::kind_of(type) != nullptr; }

std::string worst_category(const Report& r) {
  if (r.has_category("setup")) return "setup";
  if (r.has_category("critical")) return "critical";
  if (r.has_category("soft")) return "soft";
  return "";
}

}  // namespace

std::variant<int64_t, std::string> submit(db::Connection& c, const accounts::User& u, const Submission& s) {
  if (!known_type(s.type)) return std::string("There is no such kind of log.");
  std::shared_ptr<const form::TemplateSpec> spec;
  try {
    spec = form::template_spec(s.type, s.year);
  } catch (const std::exception&) {
    return std::string(spec ? "" : "You must select a collection period to upload for.");
  }
  auto org = accounts::store::find_organisation(c, s.organisation_id);
  if (!org || !perm::can_bulk_upload_for(u, *org))
    return std::string("Your organisation must accept the data sharing agreement before it can upload logs.");
  if (s.bytes.empty() && s.filename.empty()) return spec->message("no_file");
  if (int64_t(s.bytes.size()) > spec->max_bytes) return spec->message("too_big");
  // The kind of file is checked now, so the user hears at once that it is neither CSV nor XLSX;
  // everything else about it is the check's.
  bool zip = s.bytes.size() >= 4 && s.bytes.compare(0, 4, "PK\x03\x04") == 0;
  if (!zip) {
    bool binary = false;
    for (size_t i = 0; i < std::min<size_t>(s.bytes.size(), 8192); ++i) binary = binary || s.bytes[i] == '\0';
    if (binary) return spec->message("not_csv_or_xlsx");
  }
  store::Upload up;
  up.type = s.type;
  up.year = s.year;
  up.organisation_id = org->id;
  up.user_id = u.id;
  std::string name = s.filename.empty() ? "upload" : s.filename;
  if (util::single_line_problem(name)) name = "upload";
  up.filename = name.substr(0, 255);
  up.state = s.own_spreadsheet ? "mapping" : "checking";
  int64_t id = 0;
  c.transaction([&] {
    id = store::create(c, up, s.bytes);
    if (s.own_spreadsheet) return;
    int64_t job = jobs::enqueue(c, "bulk_upload.check", std::to_string(id));
    store::set_check_job(c, id, job);
  });
  return id;
}

std::optional<std::string> set_mapping(db::Connection& c, const accounts::User& u, int64_t upload_id, const Mapping& m) {
  auto up = store::find(c, upload_id);
  if (!up || !perm::can_view_bulk_upload(u, up->organisation_id, up->user_id)) return std::string("There is no such upload.");
  if (up->state != "mapping") return std::string("This upload's columns are already mapped.");
  auto spec = form::template_spec(up->type, up->year);
  auto f = form::get(up->type, up->year);
  std::set<std::string> offered, used;
  for (auto& [a, label] : mappable_attributes(*spec, *f)) offered.insert(a);
  bool any = false;
  for (auto& [h, a] : m.columns) {
    if (a.empty()) continue;
    if (!offered.count(a)) return "The column “" + h + "” is mapped to something that is not a CORE question.";
    if (!used.insert(a).second) return "Two columns are mapped to the same CORE question. Map each question once.";
    any = true;
  }
  if (!any) return std::string("Map at least one column to a CORE question.");
  for (auto& [a, values] : m.values) {
    auto options = attribute_options(*f, a);
    for (auto& [v, code] : values)
      if (!code.empty() && std::none_of(options.begin(), options.end(), [&](auto& o) { return o.first == code; }))
        return "The value “" + v + "” is mapped to an answer the question does not have.";
  }
  std::string text = m.to_json().dump();
  c.transaction([&] {
    store::set_mapping(c, upload_id, text);
    store::save_mapping(c, up->organisation_id, up->type, up->year, text, u.id);
    int64_t job = jobs::enqueue(c, "bulk_upload.check", std::to_string(upload_id));
    store::set_check_job(c, upload_id, job);
  });
  return std::nullopt;
}

std::optional<std::string> choose(db::Connection& c, const accounts::User& u, int64_t upload_id, Choice choice) {
  auto up = store::find(c, upload_id);
  if (!up || !perm::can_view_bulk_upload(u, up->organisation_id, up->user_id)) return std::string("There is no such upload.");
  if (up->state != "checked") return std::string("This upload is not waiting for a choice.");
  Report r = Report::from_json(json::parse(up->report.value_or("{}"), nullptr, false));
  if (!r.can_create()) return std::string("Logs cannot be created from this file: fix the errors on important questions and upload it again.");
  if (choice == Choice::ConfirmSoft && (r.has_category("setup") || r.has_category("critical")))
    return std::string("Only soft checks can be confirmed at once, and this file has other errors.");
  std::string name = choice == Choice::ConfirmSoft ? "bulk-confirm-soft-validations" : "create-fix-inline";
  c.transaction([&] {
    int64_t job = jobs::enqueue(c, "bulk_upload.create", std::to_string(upload_id));
    store::set_create_job(c, upload_id, job, name);
  });
  return std::nullopt;
}

// --- the jobs

namespace {

std::optional<int64_t> id_from(const std::string& payload) { return util::parse_id(payload); }

struct AlreadyCreated {};

std::string year_combo(int year) { return std::to_string(year) + " to " + std::to_string(year + 1); }

void send_checked_email(db::Connection& c, mail::Mailer& mailer, const std::string& base_url, const store::Upload& up,
                        const Report& r) {
  auto u = accounts::store::find_user(c, up.user_id);
  if (!u || !u->active) return;
  std::string outcome;
  if (!r.file_errors.empty()) outcome = "We could not check your file: " + r.file_errors.front();
  else if (r.error_count() == 0) outcome = "There were no errors: " + std::to_string(r.logs.size()) + " logs were created.";
  else outcome = "We found " + std::to_string(r.error_count()) + " errors in " + std::to_string(r.rows) + " rows.";
  std::string body = mail::render_email("bulk_upload_checked", {{"name", u->name},
                                                                {"filename", up.filename},
                                                                {"type", up.type},
                                                                {"year_combo", year_combo(up.year)},
                                                                {"outcome", outcome},
                                                                {"link", base_url + results_path(up)}});
  mailer.send({u->email, "Your " + up.type + " bulk upload has been checked", body});
}

}  // namespace

std::string run_check(db::Connection& c, int64_t upload_id, mail::Mailer* mailer, const std::string& base_url,
                      const std::function<bool(int64_t, int64_t)>& progress, const util::Date& today) {
  auto up = store::find(c, upload_id);
  if (!up) return "no such upload";
  if (up->state != "checking") return "already checked";
  auto uploader = accounts::store::find_user(c, up->user_id);
  auto bytes = store::file(c, upload_id);
  if (!uploader || !bytes) {
    store::set_checked(c, upload_id, {"failed", Report{}.to_json(true).dump(), "", "file_error", 0, 0, 0});
    return "the upload's file or user is missing";
  }
  int last = 0;
  std::optional<Mapping> mapping;
  if (up->mapping) mapping = Mapping::from_json(json::parse(*up->mapping, nullptr, false));
  Report r = check_file(&c, &*uploader, up->type, up->year, *bytes, today, [&](int done, int total) {
    if (!progress || (done - last < 250 && done != total)) return true;
    last = done;
    return progress(done, total);
  }, mapping ? &*mapping : nullptr, up->organisation_id);
  int64_t with_errors = 0;
  for (auto& l : r.logs) with_errors += l.errors.empty() ? 0 : 1;
  store::Checked k;
  k.state = r.file_errors.empty() ? "checked" : "failed";
  k.report = r.to_json(true).dump();
  k.worst_category = worst_category(r);
  k.failure = r.failure;
  k.rows = r.rows;
  k.logs_with_errors = with_errors;
  k.errors = r.error_count();
  store::set_checked(c, upload_id, k);
  // No errors at all: the logs are created at once, as the real service does.
  if (r.file_errors.empty() && r.error_count() == 0 && !r.logs.empty()) {
    c.transaction([&] {
      int64_t job = jobs::enqueue(c, "bulk_upload.create", std::to_string(upload_id));
      store::set_create_job(c, upload_id, job, "no-errors");
    });
  } else if (mailer) {
    auto again = store::find(c, upload_id);
    try {
      send_checked_email(c, *mailer, base_url, *again, r);
    } catch (const std::exception& e) {
      std::cerr << "bulk upload " << upload_id << ": the email could not be sent: " << e.what() << std::endl;
    }
  }
  return k.state;
}

std::string run_create(db::Connection& c, int64_t upload_id, const util::Date& today, const std::function<bool(int64_t, int64_t)>& progress) {
  auto up = store::find(c, upload_id);
  if (!up) return "no such upload";
  if (up->state == "created") return "already created";  // a retry after the import committed
  if (up->state != "creating") return "not waiting to be created";
  auto uploader = accounts::store::find_user(c, up->user_id);
  auto bytes = store::file(c, upload_id);
  if (!uploader || !bytes) {
    store::set_waiting(c, upload_id, "The file or the user who uploaded it is missing.");
    return "missing";
  }
  // Checked again: logs saved since may make a row a duplicate, or a record may have gone.
  std::optional<Mapping> mapping;
  if (up->mapping) mapping = Mapping::from_json(json::parse(*up->mapping, nullptr, false));
  Report r = check_file(&c, &*uploader, up->type, up->year, *bytes, today, {}, mapping ? &*mapping : nullptr, up->organisation_id);
  if (!r.can_create()) {
    store::set_checked(c, upload_id,
                       {"checked", r.to_json(true).dump(), worst_category(r), "", r.rows, 0, r.error_count()});
    return "blocked";
  }
  bool confirm = up->choice.value_or("") == "bulk-confirm-soft-validations";
  auto f = form::get(up->type, up->year);
  logs::service::NewLogs batch;
  batch.type = up->type;
  batch.year = up->year;
  batch.bulk_upload_id = upload_id;
  // Confirming every soft check: its interruption's answer (confirmed), given after the answers.
  form::Changes confirmations;
  if (confirm)
    for (auto& s : f->soft_rules)
      if (!s.confirm.empty() && std::none_of(confirmations.begin(), confirmations.end(), [&](auto& c) { return c.first == s.confirm; }))
        confirmations.emplace_back(s.confirm, form::kInterruptionConfirmed);
  for (auto& l : r.logs) {
    batch.answers.push_back(l.answers);
    batch.then.push_back(confirmations);
    batch.names.push_back("Row " + std::to_string(l.row));
  }
  // Marked created in the same commit as its logs, and only if it was still waiting: a second run of
  // the job (its lease ran out while the first still worked) rolls back instead of creating them twice.
  batch.in_transaction = [&](const std::vector<int64_t>& ids) {
    if (!store::set_created(c, upload_id, int64_t(ids.size()))) throw AlreadyCreated();
  };
  int last = 0;
  batch.progress = [&](int done, int total) {
    if (progress && (done - last >= 250 || done == total)) {
      last = done;
      progress(done, total);
    }
  };
  try {
    logs::service::create_many(c, *uploader, batch, today);
  } catch (const AlreadyCreated&) {
    return "already created";
  } catch (const logs::service::Refused& e) {
    store::set_waiting(c, upload_id, e.what());
    return std::string("refused: ") + e.what();
  }
  return "created";
}

void register_jobs(jobs::Worker& w, mail::Mailer& mailer, std::string base_url) {
  w.handle("bulk_upload.check", [&mailer, base_url](db::Connection& c, jobs::Run& run) {
    auto id = id_from(run.job.payload);
    if (!id) return std::string("bad payload");
    return run_check(c, *id, &mailer, base_url, run.progress, util::system_clock().today());
  });
  w.handle("bulk_upload.create", [](db::Connection& c, jobs::Run& run) {
    auto id = id_from(run.job.payload);
    if (!id) return std::string("bad payload");
    return run_create(c, *id, util::system_clock().today(), run.progress);
  });
}

store::Upload settle_failed_job(db::Connection& c, const store::Upload& up) {
  std::optional<int64_t> job = up.state == "checking" ? up.check_job_id : up.state == "creating" ? up.create_job_id : std::nullopt;
  if (!job) return up;
  auto j = jobs::find(c, *job);
  if (!j || j->state != "failed") return up;
  if (up.state == "checking") store::set_failed(c, up.id, "file_error");
  else store::set_waiting(c, up.id, "The logs could not be created. Nothing was created: try again.");
  return *store::find(c, up.id);
}

std::string results_path(const store::Upload& u) {
  const logs::Kind* kind = logs::kind_of(u.type);
  std::string base = kind ? kind->base : "/" + u.type + "-logs";
  return base + (u.state == "mapping" ? "/bulk-upload-mapping/" : "/bulk-upload-results/") + std::to_string(u.id);
}

std::string status_label(const store::Upload& u) {
  if (u.state == "mapping") return "Waiting for its columns to be matched";
  if (u.state == "checking") return "Checking";
  if (u.state == "creating") return "Creating logs";
  if (u.state == "created") return u.errors > 0 ? "Logs created with errors to fix" : "Logs created";
  if (u.failure == std::optional<std::string>("blank_template")) return "Blank template";
  if (u.failure == std::optional<std::string>("wrong_template")) return "Wrong template used";
  if (u.state == "failed") return "Error reading file";
  std::string worst = u.worst_category.value_or("");
  if (worst == "setup") return "Errors on important questions in file";
  if (worst == "critical") return "Critical errors in file";
  if (worst == "soft") return "Confirmation needed in file";
  return "No errors";
}

}  // namespace core::bulk
