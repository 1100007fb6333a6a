// Static files: only the indexed asset set is served, whatever path a client sends.
// The server tests run over a resource root in a temporary folder whose static/ holds the real
// files plus traps (symlinks to a secret file, to /etc/passwd, to /etc and to the root itself),
// and send their paths over raw sockets, so nothing normalises them on the way.
#include "web/static_assets.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "raw_http.h"
#include "test_app.h"
#include "util/crypto.h"
#include "util/paths.h"
#include "web/server.h"

using namespace core;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A resource root in a temporary folder, CORE_ROOT pointing at it while this exists.
class TrapRoot {
 public:
  TrapRoot() : real(fs::canonical(resource_root())) {
    std::string tag = util::random_token(6);
    dir = fs::temp_directory_path() / ("core-root-" + tag);
    secret_file = fs::temp_directory_path() / ("core-secret-" + tag + ".txt");
    secret = "TOP-SECRET-" + tag;
    std::ofstream(secret_file) << secret;
    fs::create_directories(dir / "static/nested");
    for (const char* name : {"migrations", "templates", "data", "forms", "node_modules"})
      if (fs::exists(real / name)) fs::create_directory_symlink(fs::canonical(real / name), dir / name);
    for (const auto& e : fs::directory_iterator(real / "static"))
      if (e.is_regular_file()) fs::copy_file(e.path(), dir / "static" / e.path().filename());
    fs::copy_file(real / "static/app.css", dir / "static/nested/inner.css");
    fs::create_symlink(secret_file, dir / "static/secret.txt");
    fs::create_symlink("/etc/passwd", dir / "static/passwd");
    fs::create_directory_symlink("/etc", dir / "static/etc");
    fs::create_directory_symlink("..", dir / "static/up");
    fs::create_symlink("app.css", dir / "static/alias.css");  // a link that stays inside
    if (const char* old = std::getenv("CORE_ROOT")) old_root = old;
    setenv("CORE_ROOT", dir.c_str(), 1);
  }
  ~TrapRoot() {
    if (old_root.empty()) unsetenv("CORE_ROOT");
    else setenv("CORE_ROOT", old_root.c_str(), 1);
    std::error_code ec;
    fs::remove_all(dir, ec);  // does not follow the symlinks
    fs::remove(secret_file, ec);
  }
  fs::path real, dir, secret_file;
  std::string secret, old_root;
};

}  // namespace

TEST(StaticAssets, IndexesOnlyRegularFilesThatStayInsideTheirFolder) {
  TrapRoot root;
  web::StaticAssets assets(root.dir);
  ASSERT_NE(assets.find("/static/app.css"), nullptr);
  EXPECT_EQ(assets.find("/static/app.css")->body, read_file(root.real / "static/app.css"));
  EXPECT_EQ(assets.find("/static/app.css")->type, "text/css; charset=utf-8");
  EXPECT_NE(assets.find("/static/nested/inner.css"), nullptr);
  EXPECT_NE(assets.find("/static/alias.css"), nullptr) << "a symlink to a file inside the folder";
  EXPECT_NE(assets.find("/assets/govuk-frontend.min.js"), nullptr);
  EXPECT_NE(assets.find("/assets/accessible-autocomplete.min.js"), nullptr);
  EXPECT_NE(assets.find("/assets/fonts/bold-b542beb274-v2.woff2"), nullptr);
  for (const char* trap : {"/static/secret.txt", "/static/passwd", "/static/etc/passwd", "/static/up/static/app.css",
                           "/static/up/templates/layouts/base.mustache", "/static/", "/static", "/assets/",
                           "/assets/all.bundle.js", "/assets/govuk-frontend.min.css/../govuk-frontend.min.js",
                           "/static/./app.css", "/static//app.css"})
    EXPECT_EQ(assets.find(trap), nullptr) << trap;
  EXPECT_LE(assets.bytes(), web::StaticAssets::kMaxTotalBytes);
  EXPECT_LT(assets.count(), 100u) << "the asset set, not the whole node_modules";
}

class StaticServer : public ::testing::Test {
 protected:
  void SetUp() override {
    t = std::make_unique<test::TestApp>();
    server = std::make_unique<web::HttpServer>(t->app());
    port = server->start(0);
  }
  void TearDown() override { server->stop(); }
  TrapRoot root;  // first: the app indexes the assets of CORE_ROOT when it is built
  std::unique_ptr<test::TestApp> t;
  std::unique_ptr<web::HttpServer> server;
  int port = 0;
};

TEST_F(StaticServer, NoPathLeavesTheAssetFolders) {
  std::string db = t->db().url().sqlite_path;  // empty on PostgreSQL
  std::vector<std::string> tails = {
      "/etc/passwd", "/etc/hostname", "/proc/self/environ", "../../../../../../etc/passwd",
      "..%2f..%2f..%2f..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2fetc%2fpasswd", "..%5c..%5c..%5cetc%5cpasswd",
      "..\\..\\..\\..\\etc\\passwd", "\\etc\\passwd", "app.css%00.png", std::string("app.css\0.png", 12),
      "secret.txt", "passwd", "etc/passwd", "up/templates/layouts/base.mustache", "up/static/app.css",
      "../CMakeLists.txt", "..", ".", "", "/", "./app.css", ".%2fapp.css", "../static/app.css",
      "../../static/../static/app.css", "%2e%2e/static/app.css"};
  if (!db.empty()) tails.push_back(db);  // "/static/" + "/tmp/...": the absolute path of the database
  tails.push_back(root.secret_file.string());
  for (const std::string prefix : {"/static/", "/assets/"}) {
    for (const auto& tail : tails) {
      std::string target = prefix + tail;
      SCOPED_TRACE(target);
      auto r = test::raw_request(port, test::raw_get(target));
      EXPECT_EQ(r.status, 404);
      EXPECT_EQ(r.body.find(root.secret), std::string::npos);
      EXPECT_EQ(r.body.find("root:"), std::string::npos);
      EXPECT_EQ(r.body.find("CORE_ROOT="), std::string::npos);
      EXPECT_EQ(r.body.find("SQLite format"), std::string::npos);
      EXPECT_EQ(r.body.find("{{"), std::string::npos) << "a template";
      EXPECT_EQ(r.body.find("FROM"), std::string::npos) << "a migration";
      EXPECT_FALSE(r.header("content-security-policy").empty());
    }
  }
}

TEST_F(StaticServer, RealAssetsAreServedWithTheirTypes) {
  struct Want {
    std::string url, type;
    fs::path file;
  };
  fs::path govuk = root.real / "node_modules/govuk-frontend/dist/govuk";
  std::vector<Want> wants = {
      {"/static/app.css", "text/css; charset=utf-8", root.real / "static/app.css"},
      {"/static/app.js", "text/javascript; charset=utf-8", root.real / "static/app.js"},
      {"/assets/govuk-frontend.min.css", "text/css; charset=utf-8", govuk / "govuk-frontend.min.css"},
      {"/assets/govuk-frontend.min.js", "text/javascript; charset=utf-8", govuk / "govuk-frontend.min.js"},
      {"/assets/fonts/bold-b542beb274-v2.woff2", "font/woff2", govuk / "assets/fonts/bold-b542beb274-v2.woff2"},
      {"/assets/images/govuk-icon-180.png", "image/png", govuk / "assets/images/govuk-icon-180.png"},
      {"/assets/accessible-autocomplete.min.js", "text/javascript; charset=utf-8",
       root.real / "node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.js"}};
  for (const auto& w : wants) {
    SCOPED_TRACE(w.url);
    auto r = test::raw_request(port, test::raw_get(w.url));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), w.type);
    EXPECT_EQ(r.body, read_file(w.file));
    EXPECT_EQ(r.header("cache-control"), "public, max-age=3600");
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  }
  test::RawConnection head(port);
  head.send("HEAD /static/app.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string got = head.read_until_close();
  EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got;
  EXPECT_EQ(got.find("\r\n\r\n"), got.size() - 4) << "headers only";
  EXPECT_EQ(test::raw_request(port, "POST /static/app.css HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").status, 404);
}

TEST_F(StaticServer, EveryAssetTheTemplatesAndScriptsReferToIsServed) {
  // Every quoted "/assets/..." or "/static/..." written in a template or a static file.
  std::set<std::string> urls;
  auto path_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '/'; };
  for (const char* folder : {"templates", "static"})
    for (const auto& e : fs::recursive_directory_iterator(root.real / folder)) {
      if (!e.is_regular_file()) continue;
      std::string text = read_file(e.path());
      for (const std::string prefix : {"\"/assets/", "'/assets/", "\"/static/", "'/static/"})
        for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
          size_t end = at + 1;
          while (end < text.size() && path_char(text[end])) ++end;
          if (end < text.size() && text[end] == prefix[0]) urls.insert(text.substr(at + 1, end - at - 1));
        }
    }
  EXPECT_GE(urls.size(), 8u);
  for (const auto& u : urls) EXPECT_EQ(test::raw_request(port, test::raw_get(u)).status, 200) << u;
}
