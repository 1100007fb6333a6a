#include "logs/service.h"

#include <algorithm>
#include <iostream>

#include "accounts/permissions.h"
#include "accounts/store.h"
#include "form/registry.h"
#include "logs/columns.h"
#include "logs/options.h"

namespace core::logs::service {

using expr::Value;
using nlohmann::json;
namespace perm = accounts::permissions;

namespace {

// The stored answers that differ, in the order answers are stored (by attribute id): the audit rows.
std::vector<store::FieldChange> diff(const form::Form& f, const form::Values& before, const form::Values& after) {
  std::vector<store::FieldChange> out;
  static const Value blank;
  for (int s : f.stored_order) {
    const Value& b = size_t(s) < before.size() ? before[size_t(s)] : blank;
    const Value& a = size_t(s) < after.size() ? after[size_t(s)] : blank;
    if (b.v.index() == a.v.index() && b.equals(a)) continue;
    if (b.null() && a.null()) continue;
    out.push_back({f.attributes[size_t(s)].id, expr::to_json(b), expr::to_json(a)});
  }
  return out;
}

perm::LogOwnership ownership(const store::Log& l) {
  return {l.owning_organisation_id.value_or(0), l.managing_organisation_id.value_or(0)};
}

// Steps 1-3 of save(), shared with check(): the context for the answers as they will be, and the
// errors that refuse them before the gateway runs.
struct Checked {
  form::Values after;
  form::Context context;
  std::vector<form::Error> errors;
  std::string forbidden;
};

// The context for the answers as they will be (k.after), and the refusals of records the actor may
// not name or that do not exist. For a new log they depend only on the records its answers name and
// its date: many new logs naming the same ones (a bulk upload) share one lookup through `cache`.
void look_up_records(db::Connection& c, const accounts::User& u, const form::Form& f, const form::Values& stored,
                     const util::Date& today, CheckCache* cache, Checked& k) {
  std::string key;
  bool fresh = std::all_of(stored.begin(), stored.end(), [](const Value& v) { return v.null(); });
  if (cache && fresh) {
    for (const char* a : {"owning_organisation_id", "managing_organisation_id", "assigned_to_id", "scheme_id", "location_id"}) {
      int s = f.slot(a);
      key += (s >= 0 ? k.after[size_t(s)].debug() : "-") + "|";
    }
    if (f.log.date_slot >= 0) key += k.after[size_t(f.log.date_slot)].debug();
    if (auto it = cache->entries.find(key); it != cache->entries.end()) {
      k.context = it->second.first;
      k.errors = it->second.second;
      return;
    }
  }
  std::vector<form::Error> records;
  k.context = log_context(c, u, f, k.after, stored, today, &records);
  // An organisation, user, scheme or location the page would not have offered this actor.
  k.errors = refuse_unoffered(c, u, f, stored, k.after);
  // Records that do not exist, where no refusal already names the field.
  for (auto& e : records) {
    bool named = std::any_of(k.errors.begin(), k.errors.end(), [&](const form::Error& x) { return x.fields == e.fields; });
    if (!named) k.errors.push_back(e);
  }
  if (cache && fresh) {
    if (cache->entries.size() > 5000) cache->entries.clear();
    cache->entries[key] = {k.context, k.errors};
  }
}

Checked check_changes(db::Connection& c, const accounts::User& u, const form::Form& f, const form::Values& stored,
                      const form::Changes& changes, const util::Date& today, CheckCache* cache = nullptr) {
  Checked k;
  // Who a log is assigned to is for coordinators and support only.
  // (Anyone may have a new log assigned to themselves, as the web's new log is: bulk upload names them.)
  if (!perm::can_assign_logs(u)) {
    int at = f.slot("assigned_to_id");
    bool unassigned = at < 0 || size_t(at) >= stored.size() || stored[size_t(at)].null();
    for (auto& ch : changes)
      if (ch.first == "assigned_to_id" && !(unassigned && ch.second.is_number_integer() && ch.second.get<int64_t>() == u.id))
        k.forbidden = "Only data coordinators and support users can choose who a log is assigned to.";
  }
  // One context for the log as it will be: the records named by the new answers (a posted "12"
  // for a scheme is read in as the gateway reads it), each looked up once.
  k.after = form::with_changes(f, stored, changes);
  look_up_records(c, u, f, stored, today, cache, k);
  return k;
}

}  // namespace

form::Context new_log_context(db::Connection& c, const accounts::User& u, const form::Form& f, const form::Values& values,
                              const util::Date& today, CheckCache* cache) {
  Checked k;
  k.after = values;
  look_up_records(c, u, f, form::Values(f.size()), today, cache, k);
  return k.context;
}

store::Log find(db::Connection& c, const accounts::User& u, int64_t id) {
  auto l = store::find(c, id);
  if (!l || !perm::can_access_log(u, ownership(*l))) throw Refused(Refused::Kind::NotFound, "There is no log " + std::to_string(id) + ".");
  return *l;
}

std::shared_ptr<const form::Form> form_of(const store::Log& log) {
  try {
    return form::get(log.type, log.form_year);
  } catch (const std::exception& e) {
    std::cerr << "log " << log.id << ": no form for " << log.type << " " << log.form_year << ": " << e.what() << std::endl;
    throw Refused(Refused::Kind::Unreadable, "Log " + std::to_string(log.id) + " was written with a form (" + std::to_string(log.form_year) +
                                                 ") this service cannot open. It is shown as it is and cannot be changed.");
  }
}

form::Values answers_of(const form::Form& f, const store::Log& log) {
  if (auto v = form::try_values_from_text(f, log.answers)) return std::move(*v);
  std::cerr << "log " << log.id << ": the stored answers are not a JSON object; the log is read-only (" << log.answers.size()
            << " bytes)" << std::endl;
  throw Refused(Refused::Kind::Unreadable, "The answers stored for log " + std::to_string(log.id) +
                                               " cannot be read, so it cannot be shown or changed here. Nothing has been changed. "
                                               "Contact the helpdesk and quote the log's number.");
}

bool editable(const form::Form& f, const util::Date& today) { return today <= f.edit_end_date; }

form::Changes new_log_setup(const accounts::User& u, const form::Form& f, const accounts::Organisation* own) {
  form::Changes setup;
  auto set = [&](const char* attr, int64_t id) {
    if (f.slot(attr) >= 0) setup.emplace_back(attr, id);
  };
  if (!perm::is_support(u)) {
    if (own && own->holds_own_stock) set("owning_organisation_id", own->id);
    set("managing_organisation_id", u.organisation_id);
  }
  if (u.id) set("assigned_to_id", u.id);  // (an API token acts as its organisation, not as a person: id 0)
  return setup;
}

form::Changes new_log_setup(db::Connection& c, const accounts::User& u, const form::Form& f) {
  if (perm::is_support(u)) return new_log_setup(u, f, nullptr);
  auto own = accounts::store::find_organisation(c, u.organisation_id);
  return new_log_setup(u, f, own ? &*own : nullptr);
}

store::Log create(db::Connection& c, const accounts::User& u, const std::string& type, const util::Date& today) {
  auto own = accounts::store::find_organisation(c, u.organisation_id);
  if (!own || !perm::organisation_can_create_logs(*own))
    throw Refused(Refused::Kind::Forbidden, "Your organisation must accept the data sharing agreement before it can create logs. "
                                            "Its data protection officer can accept it from your organisation’s page.");
  int year = util::collection_year_start(today).y;
  std::shared_ptr<const form::Form> f;
  try {
    f = form::get(type, year);
  } catch (const std::exception& e) {
    std::cerr << "no " << type << " form for " << year << ": " << e.what() << std::endl;
    throw Refused(Refused::Kind::Forbidden, "Logs for the " + std::to_string(year) + " to " + std::to_string(year + 1) +
                                                " collection year cannot be created yet.");
  }
  if (today > f->new_logs_end_date) throw Refused(Refused::Kind::Forbidden, "The collection year is closed for new logs.");
  form::Changes setup = new_log_setup(c, u, *f);
  form::Values empty(f->size());
  auto fc = log_context(c, u, *f, form::with_changes(*f, empty, setup), empty, today);
  auto o = form::apply(*f, empty, setup, fc);
  store::Log l;
  l.type = type;
  l.form_year = f->year;
  if (u.id) l.created_by_id = u.id;
  sync_columns(l, *f, o.values, o.status);
  c.transaction([&] {
    l.id = store::create(c, l, diff(*f, empty, o.values));
    if (l.duplicate_key) l.duplicate_set_id = store::regroup_log(c, nullptr, &l);
  });
  return l;
}

std::vector<int64_t> create_many(db::Connection& c, const accounts::User& u, const NewLogs& batch, const util::Date& today) {
  auto own = accounts::store::find_organisation(c, u.organisation_id);
  if (!perm::is_support(u) && (!own || !perm::organisation_can_create_logs(*own)))
    throw Refused(Refused::Kind::Forbidden, "Your organisation must accept the data sharing agreement before it can create logs. "
                                            "Its data protection officer can accept it from your organisation’s page.");
  std::shared_ptr<const form::Form> f;
  try {
    f = form::get(batch.type, batch.year);
  } catch (const std::exception&) {
    throw Refused(Refused::Kind::Forbidden, "There is no " + batch.type + " form for " + std::to_string(batch.year) + ".");
  }
  if (today > f->new_logs_end_date) throw Refused(Refused::Kind::Forbidden, "The collection year is closed for new logs.");
  // Every log is checked as a save would check it, before anything is written.
  form::Values empty(f->size());
  CheckCache cache;
  std::vector<store::Log> logs;
  logs.reserve(batch.answers.size());
  const form::Changes setup = batch.with_setup ? new_log_setup(u, *f, own ? &*own : nullptr) : form::Changes{};
  for (size_t i = 0; i < batch.answers.size(); ++i) {
    form::Changes given;
    const form::Changes* answers = &batch.answers[i];
    if (batch.with_setup) {
      for (auto& s : setup)
        if (std::none_of(answers->begin(), answers->end(), [&](auto& a) { return a.first == s.first; })) given.push_back(s);
      given.insert(given.end(), answers->begin(), answers->end());
      answers = &given;
    }
    Checked k = check_changes(c, u, *f, empty, *answers, today, &cache);
    std::string which = batch.names.size() > i ? batch.names[i] : "Log " + std::to_string(i + 1);
    if (!k.forbidden.empty()) throw Refused(Refused::Kind::Forbidden, which + ": " + k.forbidden);
    if (!k.errors.empty()) throw Refused(Refused::Kind::Forbidden, which + ": " + k.errors.front().message);
    auto o = form::apply(*f, empty, *answers, k.context);
    if (o.errors.empty() && i < batch.then.size() && !batch.then[i].empty()) o = form::apply(*f, o.values, batch.then[i], k.context);
    if (!o.errors.empty()) throw Refused(Refused::Kind::Forbidden, which + ": " + o.errors.front().message);
    store::Log l;
    l.type = batch.type;
    l.form_year = f->year;
    if (u.id) l.created_by_id = u.id;
    l.creation_method = batch.creation_method;
    l.bulk_upload_id = batch.bulk_upload_id;
    sync_columns(l, *f, o.values, o.status);
    logs.push_back(std::move(l));
    if (batch.results) batch.results->emplace_back(std::move(o), std::move(k.context));
    if (batch.progress) batch.progress(int(i + 1), int(batch.answers.size()));
  }
  std::vector<int64_t> ids;
  c.transaction([&] {
    ids = store::create_batch(c, logs);
    for (size_t i = 0; i < logs.size() && i < ids.size(); ++i) logs[i].id = ids[i];
    // The sets the new logs join (those whose key another log shares), each worked out again.
    std::vector<std::pair<int64_t, std::string>> keys;
    for (auto& l : logs)
      if (l.duplicate_key && l.owning_organisation_id) keys.emplace_back(*l.owning_organisation_id, *l.duplicate_key);
    auto shared = store::shared_duplicate_keys(c, batch.type, keys);
    for (auto& l : logs)
      if (l.duplicate_key && l.owning_organisation_id && shared.count({*l.owning_organisation_id, *l.duplicate_key}))
        l.duplicate_set_id = store::regroup_log(c, nullptr, &l);
    if (batch.in_transaction) batch.in_transaction(ids);
  });
  return ids;
}

SaveResult save(db::Connection& c, const accounts::User& u, const store::Log& log, const form::Changes& changes,
                int64_t seen_version, const SaveOptions& opt) {
  SaveResult r;
  r.log = log;
  if (!perm::can_access_log(u, ownership(log))) throw Refused(Refused::Kind::NotFound, "There is no log " + std::to_string(log.id) + ".");
  auto f = form_of(log);
  auto stored = answers_of(*f, log);
  if (!editable(*f, opt.today)) {
    r.status = Status::Forbidden;
    r.message = "This log is from a collection year that is closed for editing.";
    return r;
  }
  Checked k = check_changes(c, u, *f, stored, changes, opt.today);
  r.context = std::move(k.context);
  if (opt.page && !form::page_routed(*f, *opt.page, stored, r.context)) {
    r.status = Status::NotAsked;
    return r;
  }
  if (!k.forbidden.empty()) {
    r.status = Status::Forbidden;
    r.message = k.forbidden;
    return r;
  }
  if (!k.errors.empty()) {
    r.errors = std::move(k.errors);
    return r;
  }
  // Saved from a stale version? Merged field by field, unless someone changed the same answer meanwhile.
  if (seen_version != log.version) {
    auto later = store::changes_since(c, log.id, seen_version);
    for (auto& [attr, v] : changes) {
      auto it = later.find(attr);
      if (it == later.end()) continue;
      Value mine = expr::from_json(v), theirs = expr::from_json(it->second.after);
      if (mine.text() == theirs.text()) continue;
      r.conflicts.push_back({attr, theirs, mine, it->second.user_name});
    }
    if (!r.conflicts.empty()) {
      r.status = Status::Conflict;
      return r;
    }
  }
  form::Options go;
  if (opt.page) go.page = f->pages[size_t(*opt.page)].id;
  r.outcome = form::apply(*f, stored, changes, r.context, go);
  if (!r.outcome.errors.empty()) {
    r.errors = r.outcome.errors;
    return r;
  }
  store::Log updated = log;
  sync_columns(updated, *f, r.outcome.values, r.outcome.status);
  auto changed = diff(*f, stored, r.outcome.values);  // worked out before the write lock is taken
  // A save that changes nothing (a page saved as it was, a retried post) writes nothing: the
  // version stays, so nobody else's open page goes stale, and there is no empty audit entry.
  if (changed.empty() && updated.status == log.status) {
    r.status = Status::Unchanged;
    return r;
  }
  bool saved = false;
  // The answers that find duplicates changed: the sets it left and joins are worked out again.
  bool regroup = updated.duplicate_key != log.duplicate_key || updated.owning_organisation_id != log.owning_organisation_id;
  c.transaction([&] {
    saved = store::save(c, updated, log, log.version, u.id, changed);
    if (saved && regroup) updated.duplicate_set_id = store::regroup_log(c, &log, &updated);
  });
  if (!saved) {
    r.status = Status::Race;
    r.message = "Someone else saved this log at the same moment. Check the answers and save again.";
    return r;
  }
  updated.version = log.version + 1;
  r.log = std::move(updated);
  r.status = Status::Saved;
  r.regrouped = regroup;
  return r;
}

SaveResult check(db::Connection& c, const accounts::User& u, const form::Form& f, const form::Values& values,
                 const form::Changes& changes, const util::Date& today, CheckCache* cache) {
  SaveResult r;
  Checked k = check_changes(c, u, f, values, changes, today, cache);
  r.context = std::move(k.context);
  if (!k.forbidden.empty()) {
    r.status = Status::Forbidden;
    r.message = k.forbidden;
    return r;
  }
  r.errors = k.errors;
  r.outcome = form::apply(f, values, changes, r.context);
  r.errors.insert(r.errors.end(), r.outcome.errors.begin(), r.outcome.errors.end());
  r.status = r.errors.empty() ? Status::Saved : Status::Refused;
  return r;
}

bool can_delete(const accounts::User& u, const store::Log& l, const form::Form& f, const util::Date& today) {
  if (today > f.new_logs_end_date) return false;  // only while the collection is open for new logs
  return perm::can_delete_log(u, ownership(l), l.assigned_to_id);
}

void remove(db::Connection& c, const accounts::User& u, const std::vector<int64_t>& ids, const util::Date& today) {
  std::vector<store::Log> logs;
  for (int64_t id : ids) {
    auto l = find(c, u, id);
    if (!can_delete(u, l, *form_of(l), today)) throw Refused(Refused::Kind::Forbidden, "You cannot delete log " + std::to_string(id) + ".");
    logs.push_back(std::move(l));
  }
  c.transaction([&] {
    store::soft_delete(c, ids, u.id);
    // A deleted log leaves its set (and the one left behind alone leaves it too).
    for (auto& l : logs)
      if (l.duplicate_key) store::regroup_log(c, &l, nullptr);
  });
}

std::vector<store::Log> duplicates(db::Connection& c, const accounts::User& u, const store::Log& log) {
  std::vector<store::Log> out;
  if (!perm::can_access_log(u, ownership(log))) return out;
  out.push_back(log);
  for (auto& d : store::duplicates_of(c, log))
    if (d.id != log.id && perm::can_access_log(u, ownership(d))) out.push_back(std::move(d));
  return out;
}

RekeyResult rekey_duplicates(db::Connection& c) {
  RekeyResult out;
  int64_t after = 0;
  for (;;) {
    auto batch = store::batch_after(c, after, 500);
    if (batch.empty()) break;
    after = batch.back().id;
    c.transaction([&] {
      for (auto& log : batch) {
        ++out.checked;
        std::optional<std::string> key;
        try {
          auto f = form_of(log);
          key = duplicate_key_of(*f, answers_of(*f, log), log.owning_organisation_id);
        } catch (const Refused&) {
          ++out.unreadable;
          continue;
        }
        if (key != log.duplicate_key && store::set_duplicate_key(c, log.id, log.version, key)) ++out.changed;
      }
    });
  }
  c.transaction([&] { store::regroup_all(c); });
  out.in_sets = c.query_one("SELECT COUNT(*) FROM logs WHERE duplicate_set_id IS NOT NULL AND deleted_at IS NULL")->i64(0);
  return out;
}

}  // namespace core::logs::service
