#include "logs/store.h"

#include <algorithm>
#include <map>

#include "util/crypto.h"
#include "util/text.h"
#include "util/time.h"

namespace core::logs::store {

using db::Params;
using db::Value;
using nlohmann::json;

namespace {

Value opt(const std::optional<int64_t>& v) { return v ? Value(*v) : Value(); }
Value opt(const std::optional<std::string>& v) { return v ? Value(*v) : Value(); }

// The indexed columns, from the log and its answers (the answers themselves last, unless left out).
Params columns(const Log& l, bool with_answers = true) {
  return {l.type,
          int64_t(l.form_year),
          l.collection_year ? Value(int64_t(*l.collection_year)) : Value(),
          l.status,
          opt(l.owning_organisation_id),
          opt(l.managing_organisation_id),
          opt(l.assigned_to_id),
          opt(l.category),
          opt(l.log_date),
          opt(l.reference),
          opt(l.property_reference),
          opt(l.postcode_full),
          opt(l.duplicate_key),
          with_answers ? Value(l.answers) : Value()};
}

void insert_changes(db::Connection& c, int64_t log_id, int64_t version, int64_t user_id, const std::string& at,
                    const std::vector<FieldChange>& changes) {
  // Up to 200 rows a statement (a new log writes one row per answer).
  for (size_t from = 0; from < changes.size(); from += 200) {
    size_t to = std::min(changes.size(), from + 200);
    std::string sql = "INSERT INTO log_changes (log_id, version, user_id, changed_at, field, before_value, after_value) VALUES ";
    Params p;
    p.reserve((to - from) * 7);
    for (size_t i = from; i < to; ++i) {
      auto& ch = changes[i];
      sql += i == from ? "(?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?)";
      p.insert(p.end(), {log_id, version, user_id ? Value(user_id) : Value(), at, ch.field, ch.before.is_null() ? Value() : Value(ch.before.dump()),
                         ch.after.is_null() ? Value() : Value(ch.after.dump())});
    }
    c.exec(sql, p);
  }
}

const char* kSelect =
    "SELECT l.id, l.log_type, l.form_year, l.collection_year, l.status, l.owning_organisation_id, "
    "l.managing_organisation_id, l.assigned_to_id, l.created_by_id, l.creation_method, l.bulk_upload_id, l.answers, l.version, "
    "l.category, l.log_date, l.reference, l.property_reference, l.postcode_full, l.duplicate_key, l.duplicate_set_id, "
    "l.created_at, l.updated_at, o.name AS owning_name, m.name AS managing_name, u.name AS assigned_name "
    "FROM logs l LEFT JOIN organisations o ON o.id = l.owning_organisation_id "
    "LEFT JOIN organisations m ON m.id = l.managing_organisation_id LEFT JOIN users u ON u.id = l.assigned_to_id ";

Log from_row(const db::Row& r) {
  Log l;
  l.id = r.i64("id");
  l.type = r.str("log_type");
  l.form_year = int(r.i64("form_year"));
  if (auto y = r.opt_i64("collection_year")) l.collection_year = int(*y);
  l.status = r.str("status");
  l.owning_organisation_id = r.opt_i64("owning_organisation_id");
  l.managing_organisation_id = r.opt_i64("managing_organisation_id");
  l.assigned_to_id = r.opt_i64("assigned_to_id");
  l.created_by_id = r.opt_i64("created_by_id");
  l.creation_method = r.str("creation_method");
  l.bulk_upload_id = r.opt_i64("bulk_upload_id");
  l.answers = r.str("answers");
  l.category = r.opt_i64("category");
  l.log_date = r.opt_str("log_date");
  l.reference = r.opt_str("reference");
  l.property_reference = r.opt_str("property_reference");
  l.postcode_full = r.opt_str("postcode_full");
  l.duplicate_key = r.opt_str("duplicate_key");
  l.duplicate_set_id = r.opt_i64("duplicate_set_id");
  l.version = r.i64("version");
  l.created_at = r.str("created_at");
  l.updated_at = r.str("updated_at");
  l.owning_organisation_name = r.str("owning_name");
  l.managing_organisation_name = r.str("managing_name");
  l.assigned_to_name = r.str("assigned_name");
  return l;
}

// WHERE clause and parameters for a filter.
// The filter's conditions other than "whose logs": `visibility` is added in front by the caller.
std::string conditions(const Filter& f, Params& p) {
  std::string w;
  auto in_list = [&](const char* col, const auto& values) {
    if (values.empty()) return;
    w += std::string(" AND ") + col + " IN (";
    for (size_t i = 0; i < values.size(); ++i) {
      w += i ? ", ?" : "?";
      if constexpr (std::is_same_v<std::decay_t<decltype(values[0])>, int>) p.push_back(int64_t(values[i]));
      else p.push_back(values[i]);
    }
    w += ")";
  };
  in_list("l.collection_year", f.years);
  in_list("l.category", f.categories);
  in_list("l.status", f.statuses);
  if (f.assigned_to_id) {
    w += " AND l.assigned_to_id = ?";
    p.push_back(*f.assigned_to_id);
  }
  if (f.owned_by) {
    w += " AND l.owning_organisation_id = ?";
    p.push_back(*f.owned_by);
  }
  if (f.managed_by) {
    w += " AND l.managing_organisation_id = ?";
    p.push_back(*f.managed_by);
  }
  if (f.bulk_upload_id) {
    w += " AND l.bulk_upload_id = ?";
    p.push_back(*f.bulk_upload_id);
  }
  if (f.from_bulk_upload) w += " AND l.creation_method = 'bulk upload'";
  if (f.updated_since) {
    w += " AND l.updated_at >= ?";
    p.push_back(*f.updated_since);
  }
  std::string s = f.search;
  if (!s.empty()) {
    // "log123" or "123" finds the log by id; otherwise the landlord's references (tenant code and
    // property reference; purchaser code) or the postcode.
    std::string digits = s;
    if (digits.size() > 3 && (digits.rfind("log", 0) == 0 || digits.rfind("LOG", 0) == 0 || digits.rfind("Log", 0) == 0)) digits = digits.substr(3);
    auto id = digits.empty() || digits[0] == '-' ? std::nullopt : util::parse_int64(digits);
    // like_contains lower-cases and escapes: every side is compared lower-cased (PostgreSQL's LIKE
    // is case-sensitive), with the backslash as the escape character on both engines. The postcode
    // is compared without spaces, so "ls14ap" finds "LS1 4AP".
    std::string like = db::like_contains(s);
    std::string compact;
    for (char ch : s)
      if (ch != ' ') compact += ch;
    w += " AND (";
    if (id) {
      w += "l.id = ? OR ";
      p.push_back(*id);
    }
    w += "LOWER(l.reference) LIKE ? ESCAPE '\\' OR LOWER(l.property_reference) LIKE ? ESCAPE '\\' OR "
         "REPLACE(LOWER(l.postcode_full), ' ', '') LIKE ? ESCAPE '\\')";
    p.push_back(like);
    p.push_back(like);
    p.push_back(db::like_contains(compact));
  }
  return w;
}

std::string where(const Filter& f, Params& p) {
  std::string w = "WHERE l.deleted_at IS NULL AND l.log_type = ?";
  p.push_back(f.type);
  if (!f.all_organisations) {
    w += " AND (l.owning_organisation_id = ? OR l.managing_organisation_id = ?)";
    p.push_back(f.organisation_id);
    p.push_back(f.organisation_id);
  }
  return w + conditions(f, p);
}

}  // namespace

namespace {

const char* kInsert =
    "INSERT INTO logs (log_type, form_year, collection_year, status, owning_organisation_id, managing_organisation_id, "
    "assigned_to_id, category, log_date, reference, property_reference, postcode_full, duplicate_key, answers, created_by_id, "
    "creation_method, bulk_upload_id, version, created_at, updated_at) VALUES ";
const char* kInsertRow = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)";

// A new log's row: its columns, who made it and how, and when.
void add_row(Params& p, const Log& log, const std::string& now) {
  Params cols = columns(log);
  p.insert(p.end(), cols.begin(), cols.end());
  p.push_back(opt(log.created_by_id));
  p.push_back(log.creation_method);
  p.push_back(opt(log.bulk_upload_id));
  p.push_back(now);
  p.push_back(now);
}

}  // namespace

int64_t create(db::Connection& c, const Log& log, const std::vector<FieldChange>& changes) {
  std::string now = util::now_iso();
  Params p;
  add_row(p, log, now);
  int64_t id = c.insert(std::string(kInsert) + kInsertRow, p);
  insert_changes(c, id, 1, log.created_by_id.value_or(0), now, changes);
  return id;
}

void insert_many(db::Connection& c, const std::vector<Log>& logs) {
  if (logs.empty()) return;
  std::string now = util::now_iso();
  std::string sql = kInsert;
  Params p;
  for (size_t i = 0; i < logs.size(); ++i) {
    sql += std::string(i ? ", " : "") + kInsertRow;
    add_row(p, logs[i], now);
  }
  c.exec(sql, p);
}

std::optional<Log> find(db::Connection& c, int64_t id) {
  auto r = c.query_one(std::string(kSelect) + "WHERE l.id = ? AND l.deleted_at IS NULL", {id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

bool save(db::Connection& c, const Log& log, const Log& previous, int64_t expected_version, int64_t user_id,
          const std::vector<FieldChange>& changes) {
  static const char* kColumns[] = {"log_type", "form_year", "collection_year", "status", "owning_organisation_id",
                                   "managing_organisation_id", "assigned_to_id", "category", "log_date", "reference",
                                   "property_reference", "postcode_full", "duplicate_key", "answers"};
  std::string now = util::now_iso();
  Params now_cols = columns(log), old_cols = columns(previous, false);
  std::string set;
  Params p;
  for (size_t i = 0; i < now_cols.size(); ++i) {
    if (now_cols[i] == old_cols[i] && std::string(kColumns[i]) != "answers") continue;
    set += std::string(kColumns[i]) + " = ?, ";
    p.push_back(now_cols[i]);
  }
  p.push_back(now);
  p.push_back(log.id);
  p.push_back(expected_version);
  int64_t n = c.exec("UPDATE logs SET " + set + "updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND deleted_at IS NULL", p);
  if (n != 1) return false;
  insert_changes(c, log.id, expected_version + 1, user_id, now, changes);
  return true;
}

std::map<std::string, LaterChange> changes_since(db::Connection& c, int64_t log_id, int64_t version) {
  std::map<std::string, LaterChange> out;
  for (auto& r : c.query("SELECT ch.field, ch.after_value, u.name FROM log_changes ch LEFT JOIN users u ON u.id = ch.user_id "
                         "WHERE ch.log_id = ? AND ch.version > ? ORDER BY ch.version, ch.id",
                         {log_id, version})) {
    LaterChange lc;
    lc.after = r.is_null(1) ? json() : json::parse(r.str(1), nullptr, false);
    lc.user_name = r.str(2);
    out[r.str(0)] = lc;
  }
  return out;
}

std::vector<HistoryRow> history(db::Connection& c, int64_t log_id) {
  std::vector<HistoryRow> out;
  for (auto& r : c.query("SELECT ch.version, ch.changed_at, u.name, ch.field, ch.before_value, ch.after_value FROM log_changes ch "
                         "LEFT JOIN users u ON u.id = ch.user_id WHERE ch.log_id = ? ORDER BY ch.version DESC, ch.id",
                         {log_id})) {
    HistoryRow h;
    h.version = r.i64(0);
    h.changed_at = r.str(1);
    h.user_name = r.str(2);
    h.field = r.str(3);
    h.before = r.is_null(4) ? json() : json::parse(r.str(4), nullptr, false);
    h.after = r.is_null(5) ? json() : json::parse(r.str(5), nullptr, false);
    out.push_back(std::move(h));
  }
  return out;
}

namespace {

// The logs a filter matches, as disjoint parts, each read in id order from its own index: every log
// of the type (support), or an organisation's logs as those it owns plus those it manages and does
// not own (migration 0005). Each part is "FROM logs l WHERE ..." with its parameters; the list and
// the counts are worked out over the same parts, so they always agree.
struct Part {
  std::string from_where;
  Params params;
};
std::vector<Part> parts(const Filter& f) {
  if (f.all_organisations) {
    Params p;
    std::string w = where(f, p);
    return {{"FROM logs l " + w, std::move(p)}};
  }
  const std::string base = "FROM logs l WHERE l.deleted_at IS NULL AND l.log_type = ? AND ";
  const std::string owned = "l.owning_organisation_id = ?";
  // Written as the partial index logs_list_agent is, so both databases use it.
  const std::string managed =
      "l.managing_organisation_id = ? AND (l.owning_organisation_id IS NULL OR l.owning_organisation_id <> l.managing_organisation_id)";
  Params extra;
  std::string cond = conditions(f, extra);
  std::vector<Part> out;
  for (const std::string* scope : {&owned, &managed}) {
    Params p = {f.type, f.organisation_id};
    p.insert(p.end(), extra.begin(), extra.end());
    out.push_back({base + *scope + cond, std::move(p)});
  }
  return out;
}

}  // namespace

ListPage list(db::Connection& c, const Filter& f) {
  ListPage out;
  int64_t offset = int64_t(std::max(f.page, 1) - 1) * f.per_page;
  auto ps = parts(f);
  // Counted from the indexes, one sub-count per part.
  std::string count_sql = "SELECT ";
  Params cp;
  for (size_t i = 0; i < ps.size(); ++i) {
    count_sql += (i ? " + (SELECT COUNT(*) " : "(SELECT COUNT(*) ") + ps[i].from_where + ")";
    cp.insert(cp.end(), ps[i].params.begin(), ps[i].params.end());
  }
  auto count = c.query_one(count_sql, cp);
  out.total = count ? count->i64(0) : 0;
  // The page: the newest offset + per_page ids of each part, merged.
  std::string page_sql;
  Params pp;
  for (size_t i = 0; i < ps.size(); ++i) {
    page_sql += std::string(i ? " UNION ALL " : "") + "SELECT id FROM (SELECT l.id " + ps[i].from_where + " ORDER BY l.id DESC LIMIT ?) p" +
                std::to_string(i);
    pp.insert(pp.end(), ps[i].params.begin(), ps[i].params.end());
    pp.push_back(offset + f.per_page);
  }
  pp.push_back(int64_t(f.per_page));
  pp.push_back(offset);
  std::vector<int64_t> page_ids;
  for (auto& r : c.query(page_sql + " ORDER BY id DESC LIMIT ? OFFSET ?", pp)) page_ids.push_back(r.i64(0));
  if (page_ids.empty()) return out;
  std::string in;
  Params ip;
  for (int64_t id : page_ids) {
    in += in.empty() ? "?" : ", ?";
    ip.push_back(id);
  }
  for (auto& r : c.query(std::string(kSelect) + "WHERE l.id IN (" + in + ") ORDER BY l.id DESC", ip)) out.logs.push_back(from_row(r));
  return out;
}

namespace {
std::string status_count_sql(const Part& part) { return "SELECT l.status, COUNT(*) " + part.from_where + " GROUP BY l.status"; }

// How the database plans (and on PostgreSQL, with `run`, also runs) a statement: one line per step.
std::string plan_of(db::Connection& c, const std::string& sql, const Params& params, bool run) {
  bool pg = c.dialect() == db::Dialect::PostgreSQL;
  std::string plan;
  for (auto& r : c.query((pg ? (run ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN ") : "EXPLAIN QUERY PLAN ") + sql, params))
    plan += r.str(r.size() - 1) + "\n";
  return plan;
}
}  // namespace

std::map<std::string, int64_t> count_by_status(db::Connection& c, const Filter& f) {
  std::map<std::string, int64_t> out;
  for (auto& part : parts(f))
    for (auto& r : c.query(status_count_sql(part), part.params)) out[r.str(0)] += r.i64(1);
  return out;
}

std::string count_by_status_plan(db::Connection& c, const Filter& f) {
  std::string plan;
  for (auto& part : parts(f)) plan += plan_of(c, status_count_sql(part), part.params, false);
  return plan;
}

namespace {
// Logs with the users they name, as a cursor returns them: `where` (with its parameters) picks them.
void each_with_people(db::Connection& c, const std::string& where, const Params& p,
                      const std::function<void(const LogWithPeople&)>& fn) {
  // The users the log names; the last save's author by the log_changes index (log_id, version).
  std::string sql = kSelect;
  sql.insert(sql.find(" FROM logs l"),
             ", cu.email AS created_by_email, u.email AS assigned_email, u.is_dpo AS assigned_is_dpo, "
             "ub.id AS updated_by_id, ub.email AS updated_by_email, l.deleted_at");
  sql += "LEFT JOIN users cu ON cu.id = l.created_by_id LEFT JOIN users ub ON ub.id = "
         "(SELECT lc.user_id FROM log_changes lc WHERE lc.log_id = l.id ORDER BY lc.version DESC LIMIT 1) " +
         where + " ORDER BY l.id";
  c.each(sql, p, [&](const db::Row& r) {
    LogWithPeople x;
    x.log = from_row(r);
    x.created_by_email = r.str("created_by_email");
    x.assigned_to_email = r.str("assigned_email");
    x.updated_by_id = r.opt_i64("updated_by_id");
    x.updated_by_email = r.str("updated_by_email");
    x.assigned_is_dpo = !r.is_null("assigned_is_dpo") && r.boolean("assigned_is_dpo");
    x.deleted_at = r.opt_str("deleted_at");
    fn(x);
  });
}
}  // namespace

void each_log(db::Connection& c, const Filter& f, const std::function<void(const LogWithPeople&)>& fn) {
  Params p;
  std::string w = where(f, p);
  each_with_people(c, w, p, fn);
}

void each_export_log(db::Connection& c, const ExportScope& s, const std::function<void(const LogWithPeople&)>& fn) {
  // Deleted logs too (the data store is told of the deletion); never a bulk upload's logs that are
  // not yet confirmed, nor a log without its date.
  Params p{s.type, s.from_date, s.to_date};
  std::string w = "WHERE l.log_type = ? AND l.status <> 'pending' AND l.log_date >= ? AND l.log_date < ? ";
  if (s.changed_since) {
    // Changed in [since, until): the log, or a user or organisation whose details it carries.
    const std::string& a = *s.changed_since;
    const std::string& b = s.changed_until;
    w += "AND ((l.updated_at >= ? AND l.updated_at < ?) OR (l.deleted_at >= ? AND l.deleted_at < ?) "
         "OR l.owning_organisation_id IN (SELECT id FROM organisations WHERE updated_at >= ? AND updated_at < ?) "
         "OR l.managing_organisation_id IN (SELECT id FROM organisations WHERE updated_at >= ? AND updated_at < ?) "
         "OR l.created_by_id IN (SELECT id FROM users WHERE updated_at >= ? AND updated_at < ?) "
         "OR l.assigned_to_id IN (SELECT id FROM users WHERE updated_at >= ? AND updated_at < ?)) ";
    for (int i = 0; i < 6; ++i) p.insert(p.end(), {a, b});
  }
  each_with_people(c, w, p, fn);
}

std::vector<int64_t> ids(db::Connection& c, const Filter& f, int limit) {
  Params p;
  std::string w = where(f, p);
  p.push_back(int64_t(limit));
  std::vector<int64_t> out;
  for (auto& r : c.query("SELECT l.id FROM logs l " + w + " ORDER BY l.id DESC LIMIT ?", p)) out.push_back(r.i64(0));
  return out;
}

void soft_delete(db::Connection& c, const std::vector<int64_t>& ids, int64_t user_id) {
  std::string now = util::now_iso();
  for (int64_t id : ids) {
    if (c.exec("UPDATE logs SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL", {now, now, id}) == 1)
      c.exec("INSERT INTO log_changes (log_id, version, user_id, changed_at, field, before_value, after_value) "
             "SELECT id, version, ?, ?, '(log deleted)', NULL, NULL FROM logs WHERE id = ?",
             {user_id, now, id});
  }
}

namespace {

// One set of possible duplicates: the logs of a type and owner with the same key.
struct Group {
  std::string type;
  int64_t owner = 0;
  std::string key;
  bool operator==(const Group&) const = default;
};
std::optional<Group> group_of(const Log* l) {
  if (!l || !l->duplicate_key || !l->owning_organisation_id) return std::nullopt;
  return Group{l->type, *l->owning_organisation_id, *l->duplicate_key};
}

// The lookup of a set's logs (logs_duplicate_key). `duplicate_key IS NOT NULL` is implied by the
// equality, and written out so that both databases see the partial index applies.
const char* kGroupWhere =
    "WHERE l.log_type = ? AND l.owning_organisation_id = ? AND l.duplicate_key = ? AND l.deleted_at IS NULL "
    "AND l.duplicate_key IS NOT NULL";
const std::string kGroupLookup = std::string("SELECT l.id, l.duplicate_set_id FROM logs l ") + kGroupWhere + " ORDER BY l.id";

// The number PostgreSQL's advisory lock for a set is taken under: 60 bits of a digest of the set.
int64_t lock_number(const Group& g) {
  std::string h = util::sha256_hex(g.type + "\n" + std::to_string(g.owner) + "\n" + g.key);
  int64_t n = 0;
  for (size_t i = 0; i < 15 && i < h.size(); ++i) {
    char ch = h[i];
    n = n * 16 + (ch >= 'a' ? ch - 'a' + 10 : ch - '0');
  }
  return n;
}

// Gives every log of the group the group's set id: the lowest id when it has two or more logs,
// none otherwise. Writes only the rows whose set id changes (and not their version: a set id is
// not an answer). Returns the set id.
std::optional<int64_t> regroup(db::Connection& c, const Group& g) {
  auto rows = c.query(kGroupLookup, {g.type, g.owner, g.key});
  std::optional<int64_t> set = rows.size() >= 2 ? std::optional<int64_t>(rows.front().i64(0)) : std::nullopt;
  for (auto& r : rows)
    if (r.opt_i64(1) != set) c.exec("UPDATE logs SET duplicate_set_id = ? WHERE id = ?", {opt(set), r.i64(0)});
  return set;
}

}  // namespace

std::optional<int64_t> regroup_log(db::Connection& c, const Log* before, const Log* now) {
  auto was = group_of(before), is = group_of(now);
  if (c.dialect() == db::Dialect::PostgreSQL) {
    // Locked in number order, so two saves moving logs between the same two sets cannot deadlock.
    std::vector<int64_t> locks;
    for (auto* g : {&was, &is})
      if (*g) locks.push_back(lock_number(**g));
    std::sort(locks.begin(), locks.end());
    locks.erase(std::unique(locks.begin(), locks.end()), locks.end());
    for (int64_t n : locks) c.query("SELECT pg_advisory_xact_lock(CAST(? AS BIGINT))", {n});
  }
  // A log that was in no set left no set behind: nobody else had its old key.
  if (was && was != is && before->duplicate_set_id) regroup(c, *was);
  std::optional<int64_t> set;
  if (is) set = regroup(c, *is);
  // A log without a key now, or deleted, is in no set.
  if (const Log* alone = now ? (is ? nullptr : now) : before)
    c.exec("UPDATE logs SET duplicate_set_id = NULL WHERE id = ? AND duplicate_set_id IS NOT NULL", {alone->id});
  return set;
}

namespace {
// Which (owner, key) pairs stored logs have, at least `at_least` of them.
std::set<std::pair<int64_t, std::string>> keys_held(db::Connection& c, const std::string& type,
                                                     const std::vector<std::pair<int64_t, std::string>>& keys, int at_least) {
  std::set<std::pair<int64_t, std::string>> out;
  // By owner, up to 500 keys a query (the duplicate_key index: type, owner, key).
  std::map<int64_t, std::vector<std::string>> by_owner;
  for (auto& [owner, key] : keys) by_owner[owner].push_back(key);
  for (auto& [owner, list] : by_owner)
    for (size_t from = 0; from < list.size(); from += 500) {
      std::string sql = "SELECT duplicate_key FROM logs WHERE log_type = ? AND owning_organisation_id = ? AND deleted_at IS NULL "
                        "AND duplicate_key IN (";
      Params p{type, owner};
      for (size_t i = from; i < list.size() && i < from + 500; ++i) {
        sql += i == from ? "?" : ", ?";
        p.push_back(list[i]);
      }
      sql += ") GROUP BY duplicate_key HAVING COUNT(*) >= ?";
      p.push_back(int64_t(at_least));
      for (auto& r : c.query(sql, p)) out.insert({owner, r.str(0)});
    }
  return out;
}
}  // namespace

std::set<std::pair<int64_t, std::string>> existing_duplicate_keys(db::Connection& c, const std::string& type,
                                                                  const std::vector<std::pair<int64_t, std::string>>& keys) {
  return keys_held(c, type, keys, 1);
}

std::set<std::pair<int64_t, std::string>> shared_duplicate_keys(db::Connection& c, const std::string& type,
                                                                const std::vector<std::pair<int64_t, std::string>>& keys) {
  return keys_held(c, type, keys, 2);
}

std::vector<int64_t> create_batch(db::Connection& c, const std::vector<Log>& logs) {
  std::vector<int64_t> ids;
  std::string now = util::now_iso();
  for (size_t from = 0; from < logs.size(); from += 500) {
    std::string sql = kInsert;
    Params p;
    for (size_t i = from; i < logs.size() && i < from + 500; ++i) {
      sql += std::string(i == from ? "" : ", ") + kInsertRow;
      add_row(p, logs[i], now);
    }
    for (auto& r : c.query(sql + " RETURNING id", p)) ids.push_back(r.i64(0));
  }
  return ids;
}

void regroup_all(db::Connection& c) {
  c.exec("UPDATE logs SET duplicate_set_id = NULL WHERE duplicate_set_id IS NOT NULL");
  c.exec("UPDATE logs SET duplicate_set_id = g.first FROM (SELECT log_type, owning_organisation_id, duplicate_key, MIN(id) AS first "
         "FROM logs WHERE deleted_at IS NULL AND duplicate_key IS NOT NULL AND owning_organisation_id IS NOT NULL "
         "GROUP BY log_type, owning_organisation_id, duplicate_key HAVING COUNT(*) > 1) g "
         "WHERE logs.log_type = g.log_type AND logs.owning_organisation_id = g.owning_organisation_id "
         "AND logs.duplicate_key = g.duplicate_key AND logs.deleted_at IS NULL");
}

std::vector<Log> batch_after(db::Connection& c, int64_t after_id, int limit) {
  std::vector<Log> out;
  for (auto& r : c.query(std::string(kSelect) + "WHERE l.id > ? AND l.deleted_at IS NULL ORDER BY l.id LIMIT ?", {after_id, int64_t(limit)}))
    out.push_back(from_row(r));
  return out;
}

bool set_duplicate_key(db::Connection& c, int64_t id, int64_t version, const std::optional<std::string>& key) {
  db::Value k = key ? db::Value(*key) : db::Value(db::Null{});
  return c.exec("UPDATE logs SET duplicate_key = ? WHERE id = ? AND version = ?", {k, id, version}) > 0;
}

std::vector<Log> duplicates_of(db::Connection& c, const Log& log) {
  std::vector<Log> out;
  auto g = group_of(&log);
  if (!g) return out;
  for (auto& r : c.query(std::string(kSelect) + kGroupWhere + " ORDER BY l.id", {g->type, g->owner, g->key})) out.push_back(from_row(r));
  return out;
}

std::string duplicate_lookup_plan(db::Connection& c, const Log& log) {
  auto g = group_of(&log);
  return g ? plan_of(c, kGroupLookup, {g->type, g->owner, g->key}, true) : "";
}

namespace {

// The logs of sets a filter sees; `p` gets the parameters.
std::string set_where(const SetFilter& f, Params& p) {
  std::string w = "WHERE l.deleted_at IS NULL AND l.duplicate_set_id IS NOT NULL AND l.log_type = ?";
  p.push_back(f.type);
  if (f.organisation_id) {
    w += " AND (l.owning_organisation_id = ? OR l.managing_organisation_id = ?)";
    p.push_back(f.organisation_id);
    p.push_back(f.organisation_id);
  }
  w += " AND l.collection_year IN (";
  for (size_t i = 0; i < f.years.size(); ++i) {
    w += i ? ", ?" : "?";
    p.push_back(int64_t(f.years[i]));
  }
  return w + (f.years.empty() ? "NULL)" : ")");
}

// The ids of the sets a filter sees (two of their logs at least, one assigned to the user when asked).
std::string grouped_sets(const SetFilter& f, Params& p) {
  std::string sql = "SELECT l.duplicate_set_id FROM logs l " + set_where(f, p) + " GROUP BY l.duplicate_set_id HAVING COUNT(*) > 1";
  if (f.assigned_to_id) {
    sql += " AND SUM(CASE WHEN l.assigned_to_id = ? THEN 1 ELSE 0 END) > 0";
    p.push_back(*f.assigned_to_id);
  }
  return sql;
}

}  // namespace

namespace {
std::string count_sets_sql(const SetFilter& f, Params& p) { return "SELECT COUNT(*) FROM (" + grouped_sets(f, p) + ") s"; }
}  // namespace

int64_t count_sets(db::Connection& c, const SetFilter& f) {
  Params p;
  auto r = c.query_one(count_sets_sql(f, p), p);
  return r ? r->i64(0) : 0;
}

std::string count_sets_plan(db::Connection& c, const SetFilter& f) {
  Params p;
  std::string sql = count_sets_sql(f, p);
  return plan_of(c, sql, p, false);
}

std::vector<DuplicateSet> list_sets(db::Connection& c, const SetFilter& f, int limit) {
  Params p;
  std::string sql = grouped_sets(f, p) + " ORDER BY l.duplicate_set_id DESC LIMIT ?";
  p.push_back(int64_t(limit));
  std::vector<DuplicateSet> out;
  std::map<int64_t, size_t> at;
  for (auto& r : c.query(sql, p)) {
    at[r.i64(0)] = out.size();
    out.push_back({r.i64(0), {}});
  }
  if (out.empty()) return out;
  Params mp;
  std::string w = set_where(f, mp) + " AND l.duplicate_set_id IN (";
  for (size_t i = 0; i < out.size(); ++i) {
    w += i ? ", ?" : "?";
    mp.push_back(out[i].id);
  }
  for (auto& r : c.query(std::string(kSelect) + w + ") ORDER BY l.id", mp)) {
    Log l = from_row(r);
    out[at[*l.duplicate_set_id]].logs.push_back(std::move(l));
  }
  return out;
}

std::string session_filters(db::Connection& c, const std::string& token_hash) {
  auto r = c.query_one("SELECT log_filters FROM sessions WHERE token_hash = ?", {token_hash});
  return r && !r->is_null(0) ? r->str(0) : "";
}

void set_session_filters(db::Connection& c, const std::string& token_hash, const std::string& filters) {
  c.exec("UPDATE sessions SET log_filters = ? WHERE token_hash = ?", {filters.empty() ? Value() : Value(filters), token_hash});
}

}  // namespace core::logs::store
