// core: the one binary. Subcommands:
//   serve [--port N] [--database URL]
//   migrate [--database URL]
//   seed --demo [--users N] [--database URL]
//   organisations add --name NAME --type LA|PRP [--holds-stock] [--rent-periods CODE,...] [--database URL]
//             (every rent period unless --rent-periods names some: codes 1-11, as in the form)
//   users add --email EMAIL --name NAME --organisation ID --role support|coordinator|provider
//             [--dpo] [--key-contact] --password-stdin [--database URL]
//   form lint FILE... | form test [--database URL] FILE...
//   log check --type lettings --year 2026 [--today YYYY-MM-DD] [--database URL [--as EMAIL]] FILE.json
// Environment: CORE_PORT, CORE_DATABASE_URL and the others listed in README.md.
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "accounts/passwords.h"
#include "accounts/routes.h"
#include "accounts/seed.h"
#include "accounts/service.h"
#include "accounts/sessions.h"
#include "accounts/store.h"
#include "cli/bulk_commands.h"
#include "bulk/handlers.h"
#include "bulk/upload.h"
#include "jobs/jobs.h"
#include <unistd.h>
#include "cli/form_commands.h"
#include "cli/export_commands.h"
#include "api/routes.h"
#include "api/store.h"
#include "exports/routes.h"
#include "exports/schedule.h"
#include "logs/generate.h"
#include "logs/service.h"
#include "logs/kinds.h"
#include "db/migrate.h"
#include "schemes/postcode_lookup.h"
#include "home/routes.h"
#include "logs/routes.h"
#include "schemes/routes.h"
#include "schemes/seed.h"
#include "util/crypto.h"
#include "util/paths.h"
#include "util/text.h"
#include "web/app.h"
#include "web/server.h"

using namespace core;

namespace {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  std::set<std::string> flags;
};

// Options that take a value; everything else starting with -- is a flag.
const std::set<std::string> kValued = {"--port", "--database", "--name", "--type", "--email", "--organisation",
                                       "--role", "--users", "--year", "--today", "--count", "--organisations", "--assigned-to",
                                       "--rent-periods", "--as", "--duplicates-every", "--rows", "--errors-every", "--out", "--collection"};

Args parse(int argc, char** argv, int from) {
  Args a;
  for (int i = from; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) == 0) {
      auto eq = s.find('=');
      if (eq != std::string::npos) a.options[s.substr(0, eq)] = s.substr(eq + 1);
      else if (kValued.count(s)) {
        if (i + 1 >= argc) throw std::invalid_argument(s + " needs a value");
        a.options[s] = argv[++i];
      } else a.flags.insert(s);
    } else a.positional.push_back(s);
  }
  return a;
}

std::string opt(const Args& a, const std::string& k, const std::string& fallback = "") {
  auto it = a.options.find(k);
  return it == a.options.end() ? fallback : it->second;
}

std::string database_url(const Args& a) {
  const char* env = std::getenv("CORE_DATABASE_URL");
  return opt(a, "--database", env && *env ? env : "sqlite://var/core.sqlite3");
}

void require_migrated(db::Database& db) {
  auto c = db.acquire();
  try {
    c->query("SELECT version FROM schema_migrations");
  } catch (const db::DatabaseUnavailable&) {
    throw;
  } catch (const db::DatabaseError&) {
    throw std::runtime_error("the database has no tables yet: run `core migrate --database " + db.url().display + "` first");
  }
}

int usage() {
  std::cerr << "usage: core <command>\n"
               "  serve [--port N] [--database URL]\n"
               "  migrate [--database URL]\n"
               "  seed --demo [--users N] [--database URL]\n"
               "  organisations add --name NAME --type LA|PRP [--holds-stock] [--rent-periods CODE,...] [--database URL]\n"
               "  users add --email EMAIL --name NAME --organisation ID --role support|coordinator|provider\n"
               "            [--dpo] [--key-contact] --password-stdin [--database URL]\n"
               "  logs rekey [--database URL]        work out every log's duplicate key and set again\n"
               "  logs generate [--type lettings|sales] --count N --organisations ID[,ID...] [--assigned-to USER_ID] [--duplicates-every N] [--database URL]\n"
               "  form lint FILE...\n"
               "  form test [--database URL] FILE...\n"
               "  log check --type lettings --year 2026 [--today YYYY-MM-DD] [--database URL [--as EMAIL]] FILE.json\n"
               "  bulk-upload check --type lettings|sales --year 2026 FILE [--database URL [--as EMAIL]] [--today YYYY-MM-DD]\n"
               "  bulk-upload submit --type lettings|sales --year 2026 FILE --as EMAIL [--organisation ID] [--database URL]\n"
               "  bulk-upload status ID [--database URL]\n"
               "  bulk-upload import --type lettings|sales --year 2026 FILE --as EMAIL [--organisation ID] [--fix-in-service] [--database URL]\n"
               "  bulk-upload generate --type lettings|sales --year 2026 --rows N [--errors-every K] [--organisation ID] [--email EMAIL] --out FILE\n"
               "  export csv --type lettings|sales --year 2026 [--codes] [--organisation ID] --out FILE [--database URL]\n"
               "  api-tokens create --organisation ID --name NAME [--database URL]   prints the token as its last line\n"
               "  export cds --out DIR [--full] [--collection lettings|sales|users|organisations] [--year 2026] [--database URL]\n"
               "Database URLs: sqlite:///absolute/path.db, sqlite://relative/path.db,\n"
               "               postgresql://user[:password]@host:port/dbname\n";
  return 2;
}

int cmd_serve(const Args& a) {
  if (a.options.count("--database")) setenv("CORE_DATABASE_URL", opt(a, "--database").c_str(), 1);
  web::Config cfg = web::Config::from_env();
  if (a.options.count("--port")) {
    auto port = util::parse_int64(opt(a, "--port"));
    if (!port || *port < 0 || *port > 65535) {
      std::cerr << "core serve: --port must be a port number from 0 to 65535\n";
      return 2;
    }
    cfg.port = int(*port);
  }
  cfg.database_url = database_url(a);
  db::Database db(cfg.database_url, cfg.db_pool);
  require_migrated(db);
  web::Templates templates(resource_root() / "templates");
  auto mailer = mail::mailer_from_env();
  web::App app(cfg, db, accounts::sessions(), templates, *mailer);
  accounts::register_routes(app);
  auto lookup = schemes::postcode_lookup_from_env();
  schemes::register_routes(app, *lookup);
  exports::register_routes(app);  // before the log pages too
  api::register_routes(app);
  api::register_pages(app);
  bulk::register_routes(app);  // before the log pages, whose <base>/:id/:page would take its addresses
  logs::register_routes(app);
  home::register_routes(app);
  // The job worker (ADR 0015): bulk-upload checks and imports run here, in the background.
  // CORE_JOB_LEASE_SECONDS: how long a job stays claimed without word from its worker (a killed
  // server's job is claimed again after it); the worker extends it as the job reports progress.
  const char* lease_env = std::getenv("CORE_JOB_LEASE_SECONDS");
  auto lease = util::parse_int64(lease_env ? lease_env : "60");
  if (!lease || *lease < 1 || *lease > 3600) {
    std::cerr << "core serve: CORE_JOB_LEASE_SECONDS must be a number of seconds from 1 to 3600\n";
    return 2;
  }
  // The nightly export to the data store (exports/schedule.h): off unless CORE_CDS_EXPORT_AT is set.
  std::optional<exports::ScheduleConfig> schedule_cfg;
  try {
    schedule_cfg = exports::ScheduleConfig::from_env();
  } catch (const std::invalid_argument& e) {
    std::cerr << "core serve: " << e.what() << "\n";
    return 2;
  }
  const std::string worker_name = "serve-" + std::to_string(::getpid());
  jobs::Worker worker(db, worker_name, int(*lease));
  bulk::register_jobs(worker, *mailer, app.base_url());
  exports::register_jobs(worker, db, *mailer, app.base_url());
  exports::register_cds_job(worker, db, worker_name);
  app.set_job_waker([&worker] { worker.wake(); });
  worker.start();
  std::unique_ptr<exports::Schedule> schedule;
  if (schedule_cfg) {
    std::cerr << "core serve: the export to the data store is due every day at " << (schedule_cfg->hour < 10 ? "0" : "") << schedule_cfg->hour
              << ":" << (schedule_cfg->minute < 10 ? "0" : "") << schedule_cfg->minute << " (England), into " << schedule_cfg->dir << "\n";
    schedule = std::make_unique<exports::Schedule>(db, *schedule_cfg, [&worker] { worker.wake(); });
    schedule->start();
  }
  int rc = web::serve(app);
  if (schedule) schedule->stop();
  worker.stop();
  return rc;
}

// core api-tokens create --organisation ID --name NAME: a token for the organisation's software.
int cmd_api_token_create(const Args& a) {
  auto id = util::parse_id(opt(a, "--organisation"));
  std::string name = util::trim_blanks(opt(a, "--name"));
  if (!id || name.empty() || name.size() > 100) {
    std::cerr << "usage: core api-tokens create --organisation ID --name NAME [--database URL]   (a name of 1 to 100 characters)\n";
    return 2;
  }
  db::Database db(database_url(a), 1);
  require_migrated(db);
  auto c = db.acquire();
  auto org = accounts::store::find_organisation(*c, *id);
  if (!org) {
    std::cerr << "core api-tokens create: there is no organisation " << *id << "\n";
    return 2;
  }
  std::pair<int64_t, std::string> made;
  c->transaction([&] {
    made = api::store::create(*c, org->id, name, std::nullopt);
    accounts::store::audit(*c, std::nullopt, "api_token.created", "api_token", made.first, org->id, {{"name", name}, {"by", "command line"}});
  });
  std::cout << "API token " << made.first << " \u201c" << name << "\u201d for " << org->name << " (shown once: keep it safe)\n" << made.second << "\n";
  return 0;
}

int cmd_migrate(const Args& a) {
  db::Database db(database_url(a), 1);
  auto r = db::migrate(db, resource_root() / "migrations");
  for (const auto& v : r.applied) std::cout << "applied " << v << "\n";
  std::cout << "migrations: " << r.applied.size() << " applied, " << r.already << " already applied\n";
  return 0;
}

int cmd_seed(const Args& a) {
  if (!a.flags.count("--demo")) {
    std::cerr << "seed: only --demo is supported\n";
    return 2;
  }
  db::Database db(database_url(a), 1);
  require_migrated(db);
  auto users = util::parse_int64(opt(a, "--users", "0"));
  if (!users || *users < 0 || *users > 100000) {
    std::cerr << "core seed: --users must be a number from 0 to 100000\n";
    return 2;
  }
  int extra = int(*users);
  auto c = db.acquire();
  auto r = accounts::seed_demo(*c, extra);
  schemes::seed_demo(*c);
  std::cout << (r.created ? "demo data created" : "demo data already present");
  if (extra) std::cout << "; " << r.extra_users_added << " extra users added";
  std::cout << "\nsign in with any demo user and the password " << accounts::kDemoPassword << "\n";
  return 0;
}

// logs generate [--type TYPE] --count N --organisations ID[,ID...] [--assigned-to USER_ID] [--duplicates-every N]: synthetic
// logs of any kind (default lettings) for benchmarks.
int cmd_logs(const Args& a) {
  if (a.positional.size() == 2 && a.positional[1] == "rekey") {
    db::Database db(database_url(a), 1);
    require_migrated(db);
    auto c = db.acquire();
    auto r = logs::service::rekey_duplicates(*c);
    std::cout << r.checked << " logs checked; " << r.changed << " duplicate keys changed; " << r.in_sets << " logs in duplicate sets";
    if (r.unreadable) std::cout << "; " << r.unreadable << " logs could not be read and were left as they are";
    std::cout << "\n";
    return 0;
  }
  if (a.positional.size() < 2 || a.positional[1] != "generate") return usage();
  logs::GenerateOptions o;
  try {
    o.count = std::stoll(opt(a, "--count", "0"));
    std::string orgs = opt(a, "--organisations");
    for (size_t p = 0; p < orgs.size();) {
      size_t q = orgs.find(',', p);
      o.organisations.push_back(std::stoll(orgs.substr(p, q == std::string::npos ? std::string::npos : q - p)));
      if (q == std::string::npos) break;
      p = q + 1;
    }
    o.assigned_to_id = std::stoll(opt(a, "--assigned-to", "0"));
    o.duplicates_every = std::stoll(opt(a, "--duplicates-every", "0"));
  } catch (const std::exception&) {
    std::cerr << "usage: core logs generate [--type lettings|sales] --count N --organisations ID[,ID...] [--assigned-to USER_ID] [--duplicates-every N] [--database URL]\n";
    return 2;
  }
  if (o.count <= 0 || o.organisations.empty()) {
    std::cerr << "core logs generate: give --count N (more than 0) and --organisations\n";
    return 2;
  }
  o.type = opt(a, "--type", "lettings");
  if (!logs::kind_of(o.type)) {
    std::string known;
    for (auto& k : logs::kinds()) known += (known.empty() ? "" : ", ") + k.type;
    std::cerr << "core logs generate: --type must be one of " << known << "\n";
    return 2;
  }
  db::Database db(database_url(a), 1);
  require_migrated(db);
  std::cout << "generated " << logs::generate(db, o) << " " << logs::kind_of(o.type)->name << "s\n";
  return 0;
}

// "1 (Weekly for 52 weeks), 2 (Every 2 weeks), ...": the codes --rent-periods takes.
std::string rent_period_codes() {
  std::string out;
  for (const auto& p : accounts::rent_periods())
    out += (out.empty() ? "" : ", ") + std::to_string(p.code) + " (" + p.label + ")";
  return out;
}

int cmd_organisations(const Args& a) {
  if (a.positional.size() < 2 || a.positional[1] != "add") return usage();
  db::Database db(database_url(a), 1);
  require_migrated(db);
  auto c = db.acquire();
  accounts::service::OrganisationInput in;
  in.name = opt(a, "--name");
  in.provider_type = opt(a, "--type");
  in.holds_own_stock = a.flags.count("--holds-stock") ? "1" : "0";
  // Like the web form, which starts with every rent period ticked: without any, no log of the
  // organisation could record its rent.
  in.rent_periods = accounts::service::all_rent_period_codes();
  if (a.options.count("--rent-periods")) {
    auto codes = accounts::service::rent_period_list(opt(a, "--rent-periods"));
    if (!codes) {
      std::cerr << "error: --rent-periods: give rent period codes separated by commas, like 1,2,4 (" << rent_period_codes()
                << ")\n";
      return 1;
    }
    in.rent_periods = *codes;
  }
  accounts::Organisation org;
  auto e = accounts::service::read_organisation(*c, in, org);
  if (!e.empty()) {
    for (auto& [f, m] : e)
      std::cerr << "error: "
                << (f == "provider_type"  ? std::string("--type: use LA or PRP")
                    : f == "rent_periods" ? std::string("--rent-periods: use codes from this list: ") + rent_period_codes()
                                          : m)
                << "\n";
    return 1;
  }
  int64_t id = 0;
  c->transaction([&] {
    id = accounts::store::create_organisation(*c, org);
    accounts::store::audit(*c, std::nullopt, "organisation.created", "organisation", id, id, {{"source", "command line"}});
  });
  std::cout << "created organisation " << org.name << "\n" << id << "\n";
  return 0;
}

int cmd_users(const Args& a) {
  if (a.positional.size() < 2 || a.positional[1] != "add") return usage();
  if (!a.flags.count("--password-stdin")) {
    std::cerr << "error: give the password on standard input with --password-stdin\n";
    return 2;
  }
  db::Database db(database_url(a), 1);
  require_migrated(db);
  auto c = db.acquire();
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  accounts::service::UserInput in{opt(a, "--name"), opt(a, "--email"), "", opt(a, "--role"), a.flags.count("--dpo") > 0,
                                  a.flags.count("--key-contact") > 0};
  auto e = accounts::service::read_user(*c, in);
  std::string org_text = opt(a, "--organisation");
  std::optional<accounts::Organisation> org;
  if (!org_text.empty() && org_text.find_first_not_of("0123456789") == std::string::npos && org_text.size() < 19)
    org = accounts::store::find_organisation(*c, std::stoll(org_text));
  if (!org) e.emplace_back("organisation", "--organisation: no organisation has the id '" + org_text + "'");
  if (in.role.empty()) e.emplace_back("role", "--role: use support, coordinator or provider");
  for (auto& p : accounts::passwords::policy_errors(password)) e.emplace_back("password", p);
  if (!e.empty()) {
    for (auto& [f, m] : e) std::cerr << "error: " << m << "\n";
    return 1;
  }
  accounts::store::NewUser nu{org->id, web::trim(in.name), web::trim(in.email), "", *accounts::role_from_key(in.role),
                              in.is_dpo, in.is_key_contact, accounts::passwords::hash(password), true};
  int64_t id = 0;
  c->transaction([&] {
    id = accounts::store::create_user(*c, nu);
    accounts::store::audit(*c, std::nullopt, "user.created", "user", id, org->id, {{"source", "command line"}});
  });
  std::cout << "created user " << nu.email << "\n" << id << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  set_executable_path(argv[0]);
  try {
    util::crypto_init();
    accounts::passwords::configure_from_env();
    if (argc < 2) return usage();
    std::string cmd = argv[1];
    Args a = parse(argc, argv, 1);
    if (cmd == "serve") return cmd_serve(a);
    if (cmd == "migrate") return cmd_migrate(a);
    if (cmd == "seed") return cmd_seed(a);
    if (cmd == "organisations") return cmd_organisations(a);
    if (cmd == "logs") return cmd_logs(a);
    if (cmd == "users") return cmd_users(a);
    if (cmd == "form" && a.positional.size() >= 2 && a.positional[1] == "lint")
      return cli::form_lint({a.positional.begin() + 2, a.positional.end()});
    if (cmd == "form" && a.positional.size() >= 2 && a.positional[1] == "test")
      return cli::form_test({a.positional.begin() + 2, a.positional.end()}, opt(a, "--database"));
    if (cmd == "log" && a.positional.size() >= 2 && a.positional[1] == "check")
      return cli::log_check(opt(a, "--type"), opt(a, "--year"), opt(a, "--today"), opt(a, "--database"),
                            a.positional.size() > 2 ? a.positional[2] : "", opt(a, "--as"));
    if (cmd == "bulk-upload" && a.positional.size() >= 2 && a.positional[1] == "check")
      return cli::bulk_check(opt(a, "--type"), opt(a, "--year"), a.positional.size() > 2 ? a.positional[2] : "", opt(a, "--database"),
                             opt(a, "--as"), opt(a, "--today"));
    if (cmd == "bulk-upload" && a.positional.size() >= 2 && a.positional[1] == "submit")
      return cli::bulk_submit(opt(a, "--type"), opt(a, "--year"), a.positional.size() > 2 ? a.positional[2] : "", database_url(a), opt(a, "--as"),
                              opt(a, "--organisation"));
    if (cmd == "bulk-upload" && a.positional.size() >= 2 && a.positional[1] == "status")
      return cli::bulk_status(a.positional.size() > 2 ? a.positional[2] : "", database_url(a));
    if (cmd == "bulk-upload" && a.positional.size() >= 2 && a.positional[1] == "import")
      return cli::bulk_import(opt(a, "--type"), opt(a, "--year"), a.positional.size() > 2 ? a.positional[2] : "", database_url(a), opt(a, "--as"),
                              opt(a, "--organisation"), a.flags.count("--fix-in-service") > 0);
    if (cmd == "bulk-upload" && a.positional.size() >= 2 && a.positional[1] == "generate")
      return cli::bulk_generate(opt(a, "--type"), opt(a, "--year"), opt(a, "--rows"), opt(a, "--errors-every"), opt(a, "--organisation"),
                                opt(a, "--email"), opt(a, "--out"));
    if (cmd == "export" && a.positional.size() >= 2 && a.positional[1] == "csv")
      return cli::export_csv(opt(a, "--type"), opt(a, "--year"), a.flags.count("--codes") > 0, opt(a, "--organisation"), opt(a, "--out"),
                             database_url(a));
    if (cmd == "api-tokens" && a.positional.size() >= 2 && a.positional[1] == "create") return cmd_api_token_create(a);
    if (cmd == "export" && a.positional.size() >= 2 && a.positional[1] == "cds")
      return cli::export_cds(opt(a, "--out"), a.flags.count("--full") > 0, opt(a, "--collection"), opt(a, "--year"), database_url(a));
    if (cmd == "--help" || cmd == "help") {
      usage();
      return 0;
    }
    std::cerr << "core: unknown command '" << cmd << "'\n";
    return usage();
  } catch (const std::exception& e) {
    std::cerr << "core: " << e.what() << "\n";
    return 1;
  }
}
