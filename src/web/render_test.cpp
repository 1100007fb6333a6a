#include "web/render.h"

#include <gtest/gtest.h>

#include <fstream>

#include "util/crypto.h"
#include "util/paths.h"
#include "web/forms.h"
#include "web/http.h"

using namespace core;

namespace {
std::filesystem::path write_templates(const std::map<std::string, std::string>& files) {
  util::crypto_init();
  auto dir = std::filesystem::temp_directory_path() / ("tmpl-" + util::random_token(4));
  for (auto& [name, text] : files) {
    auto p = dir / (name + ".mustache");
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  return dir;
}
}  // namespace

TEST(Templates, EscapeByDefault) {
  auto dir = write_templates({{"pages/x", "<p>{{name}}</p>{{{raw}}}"}});
  web::Templates t(dir);
  auto out = t.render("pages/x", {{"name", "<script>alert('x')</script> & \"q\""}, {"raw", "<b>ok</b>"}});
  EXPECT_EQ(out.find("<script>"), std::string::npos);
  EXPECT_NE(out.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(out.find("&amp;"), std::string::npos);
  EXPECT_NE(out.find("<b>ok</b>"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Templates, EmptyStringsAreFalseInSections) {
  auto dir = write_templates({{"pages/s", "[{{#q}}searched {{q}}{{/q}}{{^q}}all{{/q}}]"}});
  web::Templates t(dir);
  EXPECT_EQ(t.render("pages/s", {{"q", ""}}), "[all]");
  EXPECT_EQ(t.render("pages/s", {{"q", "x"}}), "[searched x]");
  std::filesystem::remove_all(dir);
}

TEST(Templates, PartialsAreExpandedAndUnknownOnesRefusedAtLoad) {
  auto dir = write_templates({{"components/greet", "Hello {{who}}"}, {"pages/p", "[{{#person}}{{> components/greet}}{{/person}}]"}});
  web::Templates t(dir);
  EXPECT_EQ(t.render("pages/p", {{"person", {{"who", "Sam"}}}}), "[Hello Sam]");
  std::filesystem::remove_all(dir);
  auto bad = write_templates({{"pages/q", "{{> components/missing}}"}});
  EXPECT_THROW(web::Templates{bad}, std::runtime_error);
  std::filesystem::remove_all(bad);
  auto broken = write_templates({{"pages/r", "{{#open}} never closed"}});
  EXPECT_THROW(web::Templates{broken}, std::runtime_error);
  std::filesystem::remove_all(broken);
}

TEST(Templates, TheProjectsTemplatesAllLoad) {
  web::Templates t(resource_root() / "templates");
  EXPECT_TRUE(t.has("layouts/base"));
  EXPECT_TRUE(t.has("pages/accounts/sign_in"));
  EXPECT_TRUE(t.has("pages/errors/404"));
}

TEST(FormComponents, InputCarriesItsErrorAndKeepsTheValue) {
  web::FieldErrors e{{"email", "Enter an email address"}};
  auto j = web::input("email", "Email address", "typed <value>", e);
  EXPECT_EQ(j["error"], "Enter an email address");
  EXPECT_EQ(j["value"], "typed <value>");
  EXPECT_EQ(j["hint"], false) << "unused keys are false so mustache does not look them up outside";
  auto summary = web::error_summary(e);
  EXPECT_EQ(summary[0]["href"], "#email");
}

TEST(FormComponents, PaginationLinksAndSummary) {
  auto p = web::pagination(45, 20, 2, "/x?search=a");
  EXPECT_EQ(p["previous"], "/x?search=a&page=1");
  EXPECT_EQ(p["next"], "/x?search=a&page=3");
  EXPECT_EQ(p["summary"], "Showing 21 to 40 of 45");
  EXPECT_TRUE(web::pagination(20, 20, 1, "/x").is_null()) << "one page needs no pagination";
  EXPECT_EQ(web::page_number("abc"), 1);
  EXPECT_EQ(web::page_number("-4"), 1);
  EXPECT_EQ(web::page_number("7"), 7);
}

TEST(UrlEncoding, ParsesFormsAndRejectsBrokenEncoding) {
  std::multimap<std::string, std::string> out;
  EXPECT_TRUE(web::parse_urlencoded("a=1&b=two+words&c=%C2%A3&a=2&empty=", out));
  EXPECT_EQ(out.count("a"), 2u);
  EXPECT_EQ(out.find("b")->second, "two words");
  EXPECT_EQ(out.find("c")->second, "£");
  EXPECT_EQ(out.find("empty")->second, "");
  std::multimap<std::string, std::string> bad;
  EXPECT_FALSE(web::parse_urlencoded("a=%zz", bad));
  EXPECT_FALSE(web::parse_urlencoded("a=%", bad));
  EXPECT_FALSE(web::parse_urlencoded("a=%ff", bad)) << "not UTF-8";
  EXPECT_FALSE(web::parse_urlencoded("a=%00", bad)) << "no NUL bytes";
}
