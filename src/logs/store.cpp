#include "logs/store.h"

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
          with_answers ? Value(l.answers) : Value()};
}

void insert_changes(db::Connection& c, int64_t log_id, int64_t version, int64_t user_id, const std::string& at,
                    const std::vector<FieldChange>& changes) {
  for (auto& ch : changes)
    c.exec("INSERT INTO log_changes (log_id, version, user_id, changed_at, field, before_value, after_value) VALUES (?, ?, ?, ?, ?, ?, ?)",
           {log_id, version, user_id ? Value(user_id) : Value(), at, ch.field, ch.before.is_null() ? Value() : Value(ch.before.dump()),
            ch.after.is_null() ? Value() : Value(ch.after.dump())});
}

const char* kSelect =
    "SELECT l.id, l.log_type, l.form_year, l.collection_year, l.status, l.owning_organisation_id, "
    "l.managing_organisation_id, l.assigned_to_id, l.created_by_id, l.creation_method, l.answers, l.version, "
    "l.category, l.log_date, l.reference, l.property_reference, l.postcode_full, "
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
  l.answers = r.str("answers");
  l.category = r.opt_i64("category");
  l.log_date = r.opt_str("log_date");
  l.reference = r.opt_str("reference");
  l.property_reference = r.opt_str("property_reference");
  l.postcode_full = r.opt_str("postcode_full");
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
    "assigned_to_id, category, log_date, reference, property_reference, postcode_full, answers, created_by_id, creation_method, "
    "version, created_at, updated_at) VALUES ";
const char* kInsertRow = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)";

// A new log's row: its columns, who made it and how, and when.
void add_row(Params& p, const Log& log, const std::string& now) {
  Params cols = columns(log);
  p.insert(p.end(), cols.begin(), cols.end());
  p.push_back(opt(log.created_by_id));
  p.push_back(log.creation_method);
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
                                   "property_reference", "postcode_full", "answers"};
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

ListPage list(db::Connection& c, const Filter& f) {
  ListPage out;
  int64_t offset = int64_t(std::max(f.page, 1) - 1) * f.per_page;
  std::vector<int64_t> page_ids;
  if (f.all_organisations) {
    Params p;
    std::string w = where(f, p);
    auto count = c.query_one("SELECT COUNT(*) FROM logs l " + w, p);
    out.total = count ? count->i64(0) : 0;
    p.push_back(int64_t(f.per_page));
    p.push_back(offset);
    for (auto& r : c.query("SELECT l.id FROM logs l " + w + " ORDER BY l.id DESC LIMIT ? OFFSET ?", p)) page_ids.push_back(r.i64(0));
  } else {
    // The organisation's logs are those it owns plus those it manages and does not own: two runs,
    // each in id order from its own index, counted from the indexes.
    const std::string base = "FROM logs l WHERE l.deleted_at IS NULL AND l.log_type = ? AND ";
    const std::string owned = "l.owning_organisation_id = ?";
    // Written as the partial index logs_list_agent is, so both databases use it.
    const std::string managed =
        "l.managing_organisation_id = ? AND (l.owning_organisation_id IS NULL OR l.owning_organisation_id <> l.managing_organisation_id)";
    Params extra;
    std::string cond = conditions(f, extra);
    auto params = [&](bool) {
      Params p = {f.type, f.organisation_id};
      p.insert(p.end(), extra.begin(), extra.end());
      return p;
    };
    Params cp = params(false);
    Params cp2 = params(true);
    cp.insert(cp.end(), cp2.begin(), cp2.end());
    auto count = c.query_one("SELECT (SELECT COUNT(*) " + base + owned + cond + ") + (SELECT COUNT(*) " + base + managed + cond + ")", cp);
    out.total = count ? count->i64(0) : 0;
    Params pp = params(false);
    pp.push_back(offset + f.per_page);
    Params pm = params(true);
    pm.push_back(offset + f.per_page);
    pp.insert(pp.end(), pm.begin(), pm.end());
    pp.push_back(int64_t(f.per_page));
    pp.push_back(offset);
    for (auto& r : c.query("SELECT id FROM (SELECT l.id " + base + owned + cond + " ORDER BY l.id DESC LIMIT ?) o UNION ALL "
                           "SELECT id FROM (SELECT l.id " + base + managed + cond + " ORDER BY l.id DESC LIMIT ?) m "
                           "ORDER BY id DESC LIMIT ? OFFSET ?", pp))
      page_ids.push_back(r.i64(0));
  }
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

std::string session_filters(db::Connection& c, const std::string& token_hash) {
  auto r = c.query_one("SELECT log_filters FROM sessions WHERE token_hash = ?", {token_hash});
  return r && !r->is_null(0) ? r->str(0) : "";
}

void set_session_filters(db::Connection& c, const std::string& token_hash, const std::string& filters) {
  c.exec("UPDATE sessions SET log_filters = ? WHERE token_hash = ?", {filters.empty() ? Value() : Value(filters), token_hash});
}

}  // namespace core::logs::store
