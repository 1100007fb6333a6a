#include "bulk/handlers.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "accounts/permissions.h"
#include "accounts/store.h"
#include "bulk/mapper.h"
#include "bulk/upload.h"
#include "bulk/workbook.h"
#include "logs/kinds.h"
#include "form/registry.h"
#include "jobs/jobs.h"
#include "util/csv.h"
#include "util/text.h"
#include "web/forms.h"

namespace core::bulk {

using nlohmann::json;
using web::Context;
using web::Response;
namespace perm = accounts::permissions;

namespace {

// Bulk upload serves every kind of log (logs/kinds.h: its type, list address, title and references).
using Type = logs::Kind;

util::Date today(const Context& ctx) { return ctx.app.clock().today(); }

// The collection years a file can be uploaded for today: those whose form takes new logs and that
// have a template (newest first). Two during the crossover.
std::vector<int> open_years(const std::string& type, const util::Date& on) {
  std::vector<int> out;
  int y = util::collection_year_start(on).y;
  for (int year : {y, y - 1}) {
    try {
      auto f = form::get(type, year);
      form::template_spec(type, year);
      if (on >= f->start_date && on <= f->new_logs_end_date) out.push_back(year);
    } catch (const std::exception&) {
    }
  }
  return out;
}

std::string year_combo(int year) { return std::to_string(year) + " to " + std::to_string(year + 1); }

// The year the page is for (?year= or the form's year), if it is open; otherwise 404.
int chosen_year(const Context& ctx, const Type& t) {
  auto years = open_years(t.type, today(ctx));
  std::string given = ctx.req.q("year").empty() ? ctx.req.f("year") : ctx.req.q("year");
  if (given.empty() && years.size() == 1) return years.front();
  auto y = util::parse_int64(given);
  if (!y || std::find(years.begin(), years.end(), int(*y)) == years.end()) throw web::NotFound();
  return int(*y);
}

// Only users whose organisation may create logs (or support) use bulk upload.
std::optional<std::string> refused(Context& ctx) {
  const auto& u = ctx.current_user();
  if (perm::chooses_upload_organisation(u)) return std::nullopt;  // each upload's organisation is checked
  auto org = accounts::store::find_organisation(ctx.conn(), u.organisation_id);
  if (!org || !perm::can_bulk_upload_for(u, *org))
    return std::string("Your organisation must accept the data sharing agreement before it can upload logs. "
                       "Its data protection officer can accept it from your organisation’s page.");
  return std::nullopt;
}

Response refusal_page(Context& ctx, const Type& t, const std::string& message) {
  return ctx.page("errors/generic", {{"title", "You cannot upload logs yet"}, {"message", message}, {"status", 403}, {"back", t.base}}, 403);
}

store::Upload load_upload(Context& ctx) {
  auto up = store::find(ctx.conn(), ctx.req.id_param("id"));
  if (!up || !perm::can_view_bulk_upload(ctx.current_user(), up->organisation_id, up->user_id)) throw web::NotFound();
  return settle_failed_job(ctx.conn(), *up);
}

const Type& type_of_upload(const store::Upload& up, const Type& t) {
  if (up.type != t.type) throw web::NotFound();
  return t;
}

// --- the results page

std::string category_label(const std::string& c) {
  if (c == "setup") return "Error on an important question";
  if (c == "soft") return "Confirmation needed";
  return "Critical error";
}

json summary_groups(const Report& r) {
  // Errors by question and message: with setup errors, only those; otherwise the groups of more
  // than 15 errors (as the real service's summary).
  bool setup = r.has_category("setup");
  std::map<std::tuple<int, std::string, std::string>, int> counts;
  std::map<int, std::string> questions, columns;
  for (auto& l : r.logs)
    for (auto& e : l.errors) {
      if (setup && e.category != "setup") continue;
      ++counts[{e.field, e.question, e.message}];
      std::string col;
      for (char ch : e.cell)
        if (ch >= 'A' && ch <= 'Z') col += ch;
      columns[e.field] = col;
    }
  std::vector<std::pair<int, json>> groups;
  for (auto& [k, n] : counts) {
    if (!setup && n <= 15) continue;
    auto& [field, question, message] = k;
    groups.push_back({n, {{"field", field}, {"question", question.empty() ? "Field " + std::to_string(field) : question},
                          {"column", columns[field]}, {"message", message}, {"count", n}, {"plural", n != 1}}});
  }
  std::stable_sort(groups.begin(), groups.end(), [](auto& a, auto& b) { return a.first > b.first; });
  json out = json::array();
  for (size_t i = 0; i < groups.size() && i < 20; ++i) out.push_back(groups[i].second);
  return out;
}

json results_data(Context& ctx, const Type& t, const store::Upload& up) {
  Report r = Report::from_json(json::parse(up.report.value_or("{}"), nullptr, false));
  auto spec = form::template_spec(up.type, up.year);
  json j = {{"title", "Results of your bulk upload"}, {"upload", {{"id", up.id}, {"filename", up.filename}, {"year_combo", year_combo(up.year)},
                                                                  {"status", status_label(up)}, {"organisation", up.organisation_name}}},
            {"back", t.base + "/bulk-uploads"}, {"base", t.base}, {"results", results_path(up)}};
  j["file_errors"] = r.file_errors;
  j["has_file_errors"] = !r.file_errors.empty();
  int complete = 0, with_errors = 0;
  for (auto& l : r.logs) {
    complete += l.status == "completed" && l.errors.empty() ? 1 : 0;
    with_errors += l.errors.empty() ? 0 : 1;
  }
  int64_t errors = r.error_count();
  bool only_soft = errors > 0 && !r.has_category("setup") && !r.has_category("critical");
  j["rows"] = r.rows;
  j["complete"] = complete;
  j["with_errors"] = with_errors;
  j["errors"] = errors;
  j["has_errors"] = false;  // the layout's error summary is for form errors, not these
  j["any_errors"] = errors > 0;
  j["heading"] = !r.file_errors.empty() ? "We could not check your file"
                 : errors == 0          ? "There were no errors in your file"
                 : "We found " + std::to_string(errors) + (only_soft ? (errors == 1 ? " discrepancy" : " discrepancies") : (errors == 1 ? " error" : " errors")) +
                       " in your file";
  j["summary"] = summary_groups(r);
  j["has_summary"] = !j["summary"].empty();
  j["summary_intro"] = r.has_category("setup") ? "These important questions have errors. Logs cannot be created until they are fixed."
                                               : "These questions have more than 15 errors each.";
  // One card per row with errors, 50 rows a page.
  std::vector<const RowReport*> rows;
  for (auto& l : r.logs)
    if (!l.errors.empty()) rows.push_back(&l);
  int per_page = 50, page = 1;
  if (auto p = util::parse_int64(ctx.req.q("page")); p && *p >= 1 && *p <= 100000) page = int(*p);
  json cards = json::array();
  for (size_t i = size_t(page - 1) * size_t(per_page); i < rows.size() && i < size_t(page) * size_t(per_page); ++i) {
    const RowReport& l = *rows[i];
    json card = {{"row", l.row}, {"reference", l.reference}, {"property_reference", l.property_reference}, {"errors", json::array()}};
    card["reference_label"] = t.reference_label;
    card["property_reference_label"] = t.property_reference_label;
    card["has_property_reference"] = !t.property_reference_label.empty();
    for (auto& e : l.errors)
      card["errors"].push_back({{"cell", e.cell}, {"question", e.question}, {"message", e.message}, {"field", e.field},
                                {"category", category_label(e.category)}});
    cards.push_back(std::move(card));
  }
  j["cards"] = cards;
  j["pagination"] = web::pagination(int64_t(rows.size()), per_page, page, results_path(up));
  // The choices after the check.
  bool waiting = up.state == "checked";
  j["can_create"] = waiting && r.can_create() && errors > 0;
  j["can_confirm_soft"] = waiting && r.can_create() && only_soft;
  j["blocked"] = waiting && !r.can_create() && r.file_errors.empty();
  j["created"] = up.state == "created";
  j["creating"] = up.state == "creating";
  j["logs_created"] = up.logs_created;
  j["logs_link"] = t.base + "?filtered=1&bulk_upload_id=" + std::to_string(up.id);
  j["failure"] = up.state == "checked" ? up.message.value_or("") : "";
  j["upload_again"] = t.base + "/bulk-upload-logs/start";
  j["errors_csv"] = results_path(up) + "/errors.csv";
  j["errors_xlsx"] = results_path(up) + "/errors.xlsx";
  j["choice_action"] = results_path(up) + "/choice";
  return j;
}

Response results(Context& ctx, const Type& t) {
  auto up = load_upload(ctx);
  type_of_upload(up, t);
  if (up.state == "mapping") return Response::redirect(results_path(up));
  if (up.state == "checking") {
    int64_t done = 0, total = 0;
    if (up.check_job_id)
      if (auto job = jobs::find(ctx.conn(), *up.check_job_id)) {
        done = job->progress;
        total = job->progress_total;
      }
    return ctx.page("bulk/checking", {{"title", "We’re checking your file"}, {"filename", up.filename}, {"done", done}, {"total", total},
                                      {"has_total", total > 0}, {"progress_url", results_path(up) + "/progress"},
                                      {"refresh", results_path(up)}, {"back", t.base}});
  }
  return ctx.page("bulk/results", results_data(ctx, t, up));
}

Response progress(Context& ctx, const Type& t) {
  auto up = load_upload(ctx);
  type_of_upload(up, t);
  json j = {{"state", up.state}, {"done", 0}, {"total", 0}};
  if (up.check_job_id && up.state == "checking")
    if (auto job = jobs::find(ctx.conn(), *up.check_job_id)) {
      j["done"] = job->progress;
      j["total"] = job->progress_total;
    }
  return Response::json(j.dump());
}

Response errors_csv(Context& ctx, const Type& t) {
  auto up = load_upload(ctx);
  type_of_upload(up, t);
  Report r = Report::from_json(json::parse(up.report.value_or("{}"), nullptr, false));
  std::string out = "\xEF\xBB\xBF";  // a BOM, so that Excel reads UTF-8
  out += util::csv_row({"Row", t.reference_label, t.property_reference_label.empty() ? "Property reference" : t.property_reference_label, "Cell",
                        "Field number", "Question",
                        "Error", "Category"});
  for (auto& m : r.file_errors) out += util::csv_row({"", "", "", "", "", "", m, "File"});
  for (auto& l : r.logs)
    for (auto& e : l.errors)
      out += util::csv_row({std::to_string(l.row), l.reference, l.property_reference, e.cell, e.field ? std::to_string(e.field) : "", e.question,
                            e.message, category_label(e.category)});
  Response res = Response::text(out, 200, "text/csv; charset=utf-8");
  res.set_header("Content-Disposition", "attachment; filename=\"bulk-upload-" + std::to_string(up.id) + "-errors.csv\"");
  return res;
}

// "K12" → column 10, row 12; nothing for anything else.
std::optional<std::pair<int, int>> parse_cell(const std::string& cell) {
  size_t i = 0;
  int col = 0, row = 0;
  while (i < cell.size() && cell[i] >= 'A' && cell[i] <= 'Z' && i < 3) col = col * 26 + (cell[i++] - 'A' + 1);
  if (i == 0 || i == cell.size() || cell.size() - i > 7) return std::nullopt;
  for (; i < cell.size(); ++i) {
    if (cell[i] < '0' || cell[i] > '9') return std::nullopt;
    row = row * 10 + (cell[i] - '0');
  }
  if (row < 1) return std::nullopt;
  return std::pair{col - 1, row};
}

Response xlsx_response(std::string bytes, const std::string& filename) {
  Response r = Response::text(std::move(bytes), 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  r.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  return r;
}

// The uploaded rows with every cell that has an error highlighted and its errors as a comment.
Response errors_xlsx(Context& ctx, const Type& t) {
  auto up = load_upload(ctx);
  type_of_upload(up, t);
  Report r = Report::from_json(json::parse(up.report.value_or("{}"), nullptr, false));
  ReadResult sheet = read_sheet(store::file(ctx.conn(), up.id).value_or(""));
  std::vector<CellNote> notes;
  for (auto& l : r.logs)
    for (auto& e : l.errors)
      if (auto at = parse_cell(e.cell)) notes.push_back({at->second, at->first, e.message});
  return xlsx_response(annotated_workbook(sheet.ok() ? sheet.rows : std::vector<Row>{}, notes),
                       "bulk-upload-" + std::to_string(up.id) + "-errors.xlsx");
}

// The template and the specification, generated from the definition once per process.
Response workbook(Context& ctx, const Type& t, bool specification) {
  int year = chosen_year(ctx, t);
  static std::mutex m;
  static std::map<std::tuple<std::string, int, bool>, std::string> made;
  std::string bytes;
  {
    std::lock_guard<std::mutex> g(m);
    auto& slot = made[{t.type, year, specification}];
    if (slot.empty()) {
      auto spec = form::template_spec(t.type, year);
      auto f = form::get(t.type, year);
      slot = specification ? specification_workbook(*spec, *f) : template_workbook(*spec, *f);
    }
    bytes = slot;
  }
  return xlsx_response(std::move(bytes), t.type + "-" + std::to_string(year) + "-bulk-upload-" + (specification ? "specification" : "template") + ".xlsx");
}
Response template_download(Context& ctx, const Type& t) { return workbook(ctx, t, false); }
Response specification_download(Context& ctx, const Type& t) { return workbook(ctx, t, true); }

Response post_choice(Context& ctx, const Type& t) {
  auto up = load_upload(ctx);
  type_of_upload(up, t);
  std::string c = ctx.req.f("choice");
  if (c == "upload-again") return Response::redirect(t.base + "/bulk-upload-logs/start");
  std::optional<Choice> choice;
  if (c == "create-fix-inline") choice = Choice::CreateAndFix;
  if (c == "bulk-confirm-soft-validations") choice = Choice::ConfirmSoft;
  auto spec = form::template_spec(up.type, up.year);
  if (!choice) {
    ctx.flash_next(spec->message(c.empty() ? "select_fix_choice" : "invalid_fix_choice"));
    return Response::redirect(results_path(up));
  }
  if (auto why = bulk::choose(ctx.conn(), ctx.current_user(), up.id, *choice)) {
    ctx.flash_next(*why);
    return Response::redirect(results_path(up));
  }
  ctx.app.wake_jobs();
  return Response::redirect(results_path(up));
}

// --- the journey

Response start(Context& ctx, const Type& t) {
  if (auto why = refused(ctx)) return refusal_page(ctx, t, *why);
  auto years = open_years(t.type, today(ctx));
  if (years.empty())
    return ctx.page("errors/generic", {{"title", "No collection year is open for uploads"},
                                       {"message", "No " + t.type + " collection year is open for new logs today."}, {"back", t.base}});
  if (years.size() > 1) return Response::redirect(t.base + "/bulk-upload-logs/year");
  return Response::redirect(t.base + "/bulk-upload-logs/prepare-your-file?year=" + std::to_string(years.front()));
}

json year_page(Context& ctx, const Type& t, const std::string& error) {
  json options = json::array();
  for (int y : open_years(t.type, today(ctx))) options.push_back({{"value", std::to_string(y)}, {"label", year_combo(y)}});
  json j = {{"title", "Which year are you uploading data for?"}, {"options", options}, {"action", t.base + "/bulk-upload-logs/year"},
            {"back", t.base}};
  if (!error.empty()) {
    j["errors"] = json::array({{{"href", options.empty() ? "#main-content" : "#year-" + options[0]["value"].get<std::string>()}, {"text", error}}});
    j["error"] = error;
  }
  return j;
}

Response year_get(Context& ctx, const Type& t) {
  if (auto why = refused(ctx)) return refusal_page(ctx, t, *why);
  return ctx.page("bulk/year", year_page(ctx, t, ""));
}

Response year_post(Context& ctx, const Type& t) {
  if (auto why = refused(ctx)) return refusal_page(ctx, t, *why);
  auto years = open_years(t.type, today(ctx));
  auto y = util::parse_int64(ctx.req.f("year"));
  if (!y || std::find(years.begin(), years.end(), int(*y)) == years.end())
    return ctx.page("bulk/year", year_page(ctx, t, "You must select a collection period to upload for."), 422);
  return Response::redirect(t.base + "/bulk-upload-logs/prepare-your-file?year=" + std::to_string(*y));
}

Response prepare(Context& ctx, const Type& t) {
  if (auto why = refused(ctx)) return refusal_page(ctx, t, *why);
  int year = chosen_year(ctx, t);
  std::string q = "?year=" + std::to_string(year);
  return ctx.page("bulk/prepare", {{"title", "Prepare your file"}, {"year_combo", year_combo(year)}, {"type", t.type},
                                   {"template", t.base + "/bulk-upload-logs/template" + q},
                                   {"specification", t.base + "/bulk-upload-logs/specification" + q},
                                   {"next", t.base + "/bulk-upload-logs/upload-your-file" + q},
                                   {"own", t.base + "/bulk-upload-logs/upload-your-file" + q + "&own=1"}, {"back", t.base}});
}

json upload_page(Context& ctx, const Type& t, int year, const std::string& error, const std::string& error_field) {
  bool own = ctx.req.q("own") == "1" || ctx.req.f("own") == "1";
  json j = {{"title", own ? "Upload your own spreadsheet of " + t.type + " logs (" + year_combo(year) + ")"
                          : "Upload " + t.type + " logs in bulk (" + year_combo(year) + ")"},
            {"year", year}, {"type", t.type}, {"own", own},
            {"own_hint", "Any CSV or XLSX file with one log a row and your own column headers in its first row. You match its columns to CORE's questions next."},
            {"action", t.base + "/bulk-upload-logs/upload-your-file?year=" + std::to_string(year) + (own ? "&own=1" : "")},
            {"back", t.base + "/bulk-upload-logs/prepare-your-file?year=" + std::to_string(year)}};
  if (perm::chooses_upload_organisation(ctx.current_user())) {
    json orgs = json::array({{{"value", ""}, {"label", "Select an organisation"}}});
    std::string chosen = ctx.req.f("organisation_id");
    for (auto& o : accounts::store::list_organisations(ctx.conn(), "", 1, 2000).organisations)
      if (perm::organisation_can_create_logs(o))
        orgs.push_back({{"value", std::to_string(o.id)}, {"label", o.name}, {"selected", std::to_string(o.id) == chosen}});
    j["organisations"] = orgs;
    j["support"] = true;
  }
  if (!error.empty()) {
    j["errors"] = json::array({{{"href", "#" + error_field}, {"text", error}}});
    j[error_field == "organisation_id" ? "organisation_error" : "file_error"] = error;
  }
  return j;
}

Response upload_get(Context& ctx, const Type& t) {
  if (auto why = refused(ctx)) return refusal_page(ctx, t, *why);
  return ctx.page("bulk/upload", upload_page(ctx, t, chosen_year(ctx, t), "", ""));
}

Response upload_post(Context& ctx, const Type& t) {
  if (auto why = refused(ctx)) return refusal_page(ctx, t, *why);
  int year = chosen_year(ctx, t);
  const auto& u = ctx.current_user();
  int64_t org = u.organisation_id;
  if (perm::chooses_upload_organisation(u)) {
    auto id = util::parse_id(ctx.req.f("organisation_id"));
    if (!id) return ctx.page("bulk/upload", upload_page(ctx, t, year, "Select the organisation the logs are for.", "organisation_id"), 422);
    org = *id;
  }
  auto spec = form::template_spec(t.type, year);
  auto it = ctx.req.files.find("file");
  if (it == ctx.req.files.end() || (it->second.data.empty() && it->second.filename.empty()))
    return ctx.page("bulk/upload", upload_page(ctx, t, year, spec->message("no_file"), "file"), 422);
  bool own = ctx.req.q("own") == "1" || ctx.req.f("own") == "1";
  auto r = submit(ctx.conn(), u, {t.type, year, org, it->second.filename, it->second.data, own});
  if (auto* why = std::get_if<std::string>(&r))
    return ctx.page("bulk/upload", upload_page(ctx, t, year, *why, perm::chooses_upload_organisation(u) && why->find("agreement") != std::string::npos ? "organisation_id" : "file"),
                    422);
  int64_t id = std::get<int64_t>(r);
  if (own) return Response::redirect(t.base + "/bulk-upload-mapping/" + std::to_string(id));
  ctx.app.wake_jobs();
  return Response::redirect(t.base + "/bulk-upload-results/" + std::to_string(id));
}

Response uploads(Context& ctx, const Type& t) {
  const auto& u = ctx.current_user();
  store::Filter f;
  f.type = t.type;
  if (!perm::can_list_all_bulk_uploads(u)) f.organisation_id = u.organisation_id;
  else if (auto org = util::parse_id(ctx.req.q("organisation_id"))) f.organisation_id = *org;
  bool mine = ctx.req.q("uploaded_by") == "you";
  if (mine) f.user_id = u.id;
  json filters = {{"mine", mine}, {"action", t.base + "/bulk-uploads"}};
  if (perm::can_list_all_bulk_uploads(u)) {
    json orgs = json::array({{{"value", ""}, {"label", "All organisations"}}});
    for (auto& o : accounts::store::list_organisations(ctx.conn(), "", 1, 2000).organisations)
      orgs.push_back({{"value", std::to_string(o.id)}, {"label", o.name}, {"selected", f.organisation_id && *f.organisation_id == o.id}});
    filters["organisations"] = orgs;
    filters["has_organisations"] = true;
  }
  json rows = json::array();
  for (auto& up : store::list(ctx.conn(), f))
    if (perm::can_view_bulk_upload(u, up.organisation_id, up.user_id))
      rows.push_back({{"id", up.id}, {"filename", up.filename}, {"year_combo", year_combo(up.year)}, {"uploaded_by", up.user_name},
                      {"organisation", up.organisation_name}, {"status", status_label(up)}, {"href", results_path(up)},
                      {"when", up.created_at.substr(0, 16)}, {"rows", up.rows}, {"errors", up.errors}});
  return ctx.page("bulk/uploads", {{"title", "Bulk uploads: " + t.title}, {"uploads", rows}, {"any", !rows.empty()}, {"filters", filters},
                                   {"support", perm::can_list_all_bulk_uploads(u)}, {"start", t.base + "/bulk-upload-logs/start"}, {"back", t.base}});
}

// --- a landlord's own spreadsheet: mapping its columns, then its values

const ColumnMapper& mapper_for(const std::string& type, int year) {
  static std::mutex m;
  static std::map<std::pair<std::string, int>, std::shared_ptr<ColumnMapper>> built;
  std::lock_guard<std::mutex> g(m);
  auto& slot = built[{type, year}];
  if (!slot) {
    std::string error;
    auto f = form::get(type, year);
    slot = ColumnMapper::build(*f, form::data_dir(), &error);
    if (!slot) throw std::runtime_error("the column mapper cannot be built: " + error);
    auto spec = form::template_spec(type, year);
    for (auto& fd : spec->fields)
      if (!fd.attribute.empty()) slot->add_evidence(fd.attribute, fd.question);
  }
  return *slot;
}

// An upload whose columns are already matched: its pages go to its results.
struct AlreadyMapped {
  std::string results;
};

struct MappingContext {
  store::Upload up;
  std::shared_ptr<const form::TemplateSpec> spec;
  std::shared_ptr<const form::Form> form;
  OwnSheet own;
  std::string file_error;
};

MappingContext mapping_context(Context& ctx, const Type& t) {
  MappingContext m{load_upload(ctx), nullptr, nullptr, {}, ""};
  type_of_upload(m.up, t);
  if (m.up.state != "mapping") throw AlreadyMapped{results_path(m.up)};
  m.spec = form::template_spec(m.up.type, m.up.year);
  m.form = form::get(m.up.type, m.up.year);
  auto bytes = store::file(ctx.conn(), m.up.id);
  ReadResult sheet = read_sheet(bytes.value_or(""));
  if (!sheet.ok()) m.file_error = sheet.error;
  else if (sheet.rows.size() < 2) m.file_error = m.spec->message("blank_template");
  m.own = own_sheet(sheet);
  return m;
}

// The mapping being made: the one on the upload (a page saved before), else the proposal.
Mapping current_mapping(Context& ctx, const MappingContext& m) {
  if (m.up.mapping) return Mapping::from_json(json::parse(*m.up.mapping, nullptr, false));
  std::optional<Mapping> saved;
  if (auto text = store::mapping(ctx.conn(), m.up.organisation_id, m.up.type, m.up.year))
    saved = Mapping::from_json(json::parse(*text, nullptr, false));
  return propose_mapping(mapper_for(m.up.type, m.up.year), *m.spec, *m.form, m.own, saved);
}

json columns_page(Context& ctx, const Type& t, const MappingContext& m, const Mapping& mapping, const std::string& error) {
  auto attrs = mappable_attributes(*m.spec, *m.form);
  json rows = json::array();
  for (size_t c = 0; c < m.own.headers.size() && c < 500; ++c) {
    std::string chosen = c < mapping.columns.size() ? mapping.columns[c].second : "";
    json options = json::array({{{"value", ""}, {"label", "Do not use this column"}, {"selected", chosen.empty()}}});
    for (auto& [a, label] : attrs) options.push_back({{"value", a}, {"label", label}, {"selected", a == chosen}});
    std::string examples;
    for (size_t i = 0; i < m.own.values[c].size() && i < 3; ++i) examples += (i ? ", " : "") + m.own.values[c][i];
    rows.push_back({{"index", c}, {"header", m.own.headers[c].empty() ? "(no header)" : m.own.headers[c]}, {"examples", examples},
                    {"options", options}, {"letter", column_letters(int(c))}});
  }
  json j = {{"title", "Match your columns to CORE’s questions"}, {"filename", m.up.filename}, {"columns", rows},
            {"action", t.base + "/bulk-upload-mapping/" + std::to_string(m.up.id)}, {"back", t.base + "/bulk-uploads"},
            {"file_error", m.file_error}, {"rows", m.own.data_rows}};
  if (!error.empty()) {
    j["errors"] = json::array({{{"href", "#column-0"}, {"text", error}}});
  }
  return j;
}

Response mapping_get(Context& ctx, const Type& t) {
  auto m = mapping_context(ctx, t);
  return ctx.page("bulk/mapping", columns_page(ctx, t, m, current_mapping(ctx, m), ""));
}

Response mapping_post(Context& ctx, const Type& t) {
  auto m = mapping_context(ctx, t);
  if (!m.file_error.empty()) throw web::BadRequest(m.file_error);
  Mapping chosen;
  std::set<std::string> used;
  std::string error;
  auto offered = mappable_attributes(*m.spec, *m.form);
  for (size_t c = 0; c < m.own.headers.size() && c < 500; ++c) {
    std::string a = ctx.req.f("column_" + std::to_string(c));
    bool known = a.empty() || std::any_of(offered.begin(), offered.end(), [&](auto& o) { return o.first == a; });
    if (!known) throw web::BadRequest("That is not one of the questions offered.");
    if (!a.empty() && !used.insert(a).second) error = "Two columns are matched to the same question. Match each question to one column.";
    chosen.columns.emplace_back(m.own.headers[c], a);
  }
  if (used.empty()) error = "Match at least one column to a CORE question.";
  if (!error.empty()) return ctx.page("bulk/mapping", columns_page(ctx, t, m, chosen, error), 422);
  // The values of the coded columns, proposed for the next page.
  std::optional<Mapping> saved;
  if (auto text = store::mapping(ctx.conn(), m.up.organisation_id, m.up.type, m.up.year)) saved = Mapping::from_json(json::parse(*text, nullptr, false));
  for (size_t c = 0; c < chosen.columns.size(); ++c) {
    const std::string& a = chosen.columns[c].second;
    if (a.empty()) continue;
    auto vs = propose_values(mapper_for(m.up.type, m.up.year), *m.form, a, m.own.values[c], saved);
    if (!attribute_options(*m.form, a).empty()) chosen.values[a] = vs;
  }
  store::set_mapping_draft(ctx.conn(), m.up.id, chosen.to_json().dump());
  return Response::redirect(t.base + "/bulk-upload-mapping/" + std::to_string(m.up.id) + "/values");
}

json values_page(const Type& t, const MappingContext& m, const Mapping& mapping, const std::string& error) {
  json groups = json::array();
  for (size_t c = 0; c < mapping.columns.size() && c < m.own.values.size(); ++c) {
    const std::string& a = mapping.columns[c].second;
    auto options = attribute_options(*m.form, a);
    if (a.empty() || options.empty() || m.own.values[c].empty()) continue;
    auto it = mapping.values.find(a);
    json values = json::array();
    for (size_t i = 0; i < m.own.values[c].size(); ++i) {
      const std::string& v = m.own.values[c][i];
      std::string chosen = it != mapping.values.end() && it->second.count(v) ? it->second.at(v) : "";
      json opts = json::array({{{"value", ""}, {"label", "Leave blank"}, {"selected", chosen.empty()}}});
      for (auto& [code, label] : options) opts.push_back({{"value", code}, {"label", label}, {"selected", code == chosen}});
      values.push_back({{"name", "value_" + std::to_string(c) + "_" + std::to_string(i)}, {"value", v}, {"options", opts}});
    }
    groups.push_back({{"header", mapping.columns[c].first}, {"question", a}, {"values", values}});
  }
  json j = {{"title", "Match your answers to CORE’s"}, {"groups", groups}, {"any", !groups.empty()},
            {"action", t.base + "/bulk-upload-mapping/" + std::to_string(m.up.id) + "/values"},
            {"back", t.base + "/bulk-upload-mapping/" + std::to_string(m.up.id)}};
  if (!error.empty()) j["errors"] = json::array({{{"href", "#main-content"}, {"text", error}}});
  return j;
}

Response values_get(Context& ctx, const Type& t) {
  auto m = mapping_context(ctx, t);
  if (!m.up.mapping) return Response::redirect(t.base + "/bulk-upload-mapping/" + std::to_string(m.up.id));
  return ctx.page("bulk/values", values_page(t, m, current_mapping(ctx, m), ""));
}

Response values_post(Context& ctx, const Type& t) {
  auto m = mapping_context(ctx, t);
  if (!m.up.mapping) return Response::redirect(t.base + "/bulk-upload-mapping/" + std::to_string(m.up.id));
  Mapping mapping = current_mapping(ctx, m);
  for (size_t c = 0; c < mapping.columns.size() && c < m.own.values.size(); ++c) {
    const std::string& a = mapping.columns[c].second;
    auto options = attribute_options(*m.form, a);
    if (a.empty() || options.empty()) continue;
    auto& chosen = mapping.values[a];
    chosen.clear();
    for (size_t i = 0; i < m.own.values[c].size(); ++i) {
      std::string code = ctx.req.f("value_" + std::to_string(c) + "_" + std::to_string(i));
      if (code.empty()) continue;
      if (std::none_of(options.begin(), options.end(), [&](auto& o) { return o.first == code; }))
        throw web::BadRequest("That is not one of the answers offered.");
      chosen[m.own.values[c][i]] = code;
    }
  }
  // set_mapping checks the mapping as chosen, keeps it (for the organisation too) and queues the check.
  if (auto why = set_mapping(ctx.conn(), ctx.current_user(), m.up.id, mapping))
    return ctx.page("bulk/values", values_page(t, m, mapping, *why), 422);
  ctx.app.wake_jobs();
  return Response::redirect(results_path(m.up));
}

// A mapping page of an upload whose columns are already matched goes to its results.
template <Response (*H)(Context&, const Type&)>
Response unless_mapped(Context& ctx, const Type& t) {
  try {
    return H(ctx, t);
  } catch (const AlreadyMapped& a) {
    return Response::redirect(a.results);
  }
}

}  // namespace

void register_routes(web::App& app) {
  for (const Type& t : logs::kinds()) {
    auto get = [&app, &t](const std::string& p, Response (*h)(Context&, const Type&)) {
      app.get(t.base + p, [&t, h](Context& ctx) { return h(ctx, t); });
    };
    auto post = [&app, &t](const std::string& p, Response (*h)(Context&, const Type&)) {
      app.post(t.base + p, [&t, h](Context& ctx) { return h(ctx, t); });
    };
    get("/bulk-upload-logs/start", start);
    get("/bulk-upload-logs/year", year_get);
    post("/bulk-upload-logs/year", year_post);
    get("/bulk-upload-logs/prepare-your-file", prepare);
    get("/bulk-upload-logs/upload-your-file", upload_get);
    post("/bulk-upload-logs/upload-your-file", upload_post);
    get("/bulk-upload-results/:id", results);
    get("/bulk-upload-results/:id/progress", progress);
    get("/bulk-upload-results/:id/errors.csv", errors_csv);
    get("/bulk-upload-results/:id/errors.xlsx", errors_xlsx);
    get("/bulk-upload-logs/template", template_download);
    get("/bulk-upload-logs/specification", specification_download);
    post("/bulk-upload-results/:id/choice", post_choice);
    get("/bulk-uploads", uploads);
    get("/bulk-upload-mapping/:id", unless_mapped<mapping_get>);
    post("/bulk-upload-mapping/:id", unless_mapped<mapping_post>);
    get("/bulk-upload-mapping/:id/values", unless_mapped<values_get>);
    post("/bulk-upload-mapping/:id/values", unless_mapped<values_post>);
  }
}

}  // namespace core::bulk
