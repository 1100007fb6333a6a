#include "web/render.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include <kainjow/mustache.hpp>

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

// --- The compiled renderer against the kainjow renderer it replaced -------------------------
// Reference: exactly what render.cpp did before (kainjow mustache 4.1, with nlohmann::json
// converted to kainjow data first, partials written into the templates at load).
namespace {
namespace km = kainjow::mustache;

km::data to_kainjow(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      km::data d{km::data::type::object};
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), to_kainjow(it.value()));
      return d;
    }
    case nlohmann::json::value_t::array: {
      km::data d{km::data::type::list};
      for (const auto& v : j) d.push_back(to_kainjow(v));
      return d;
    }
    case nlohmann::json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      return s.empty() ? km::data{km::data::type::bool_false} : km::data{s};
    }
    case nlohmann::json::value_t::boolean:
      return km::data{j.get<bool>() ? km::data::type::bool_true : km::data::type::bool_false};
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return km::data{std::to_string(j.get<int64_t>())};
    case nlohmann::json::value_t::number_float: {
      std::ostringstream s;
      s << j.get<double>();
      return km::data{s.str()};
    }
    default: return km::data{km::data::type::bool_false};
  }
}

std::string kainjow_render(const std::string& text, const nlohmann::json& data) {
  km::mustache tmpl{text};
  if (!tmpl.is_valid()) throw std::runtime_error(tmpl.error_message());
  km::data d = to_kainjow(data);
  if (!d.is_object()) d = km::data{km::data::type::object};
  return tmpl.render(d);
}

std::string compiled_render(const std::string& text, const nlohmann::json& data) {
  return web::Template::parse(text).render(data);
}

// The text both renderers see for each project template (partials written in).
std::map<std::string, std::string> expanded_project_templates() { return web::read_templates(resource_root() / "templates"); }

// Random data over the names a template uses: every kind of value, nested up to 3 deep.
struct DataMaker {
  std::mt19937 rng;
  std::vector<std::string> keys;
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }
  nlohmann::json object(int depth) {
    nlohmann::json o = nlohmann::json::object();
    for (const auto& k : keys)
      if (pick(10) < 4) o[k] = value(depth);
    return o;
  }
  nlohmann::json value(int depth) {
    switch (pick(depth >= 3 ? 14 : 18)) {
      case 0: return nullptr;
      case 1: return false;
      case 2: return true;
      case 3: return "";
      case 4: return "0";
      case 5: return 0;
      case 6: return -42;
      case 7: return 1.5;
      case 8: return "Tom & Jerry <b>\"quoted\" 'single'</b>";
      case 9: return "two\nlines";
      case 10: return "  ";
      case 11: return nlohmann::json::array();
      case 12: return nlohmann::json::object();
      case 13: return nlohmann::json::array({"a", "", 3});
      case 14: case 15: {
        nlohmann::json a = nlohmann::json::array();
        for (size_t i = pick(4); i > 0; --i) a.push_back(object(depth + 1));
        return a;
      }
      default: return object(depth + 1);
    }
  }
};

std::vector<std::string> names_in(const std::string& text) {
  std::set<std::string> out;
  static const std::regex tag(R"(\{\{\{?\s*[#^/&]?\s*([^}!>=]*?)\s*\}?\}\})");
  for (std::sregex_iterator it(text.begin(), text.end(), tag), end; it != end; ++it) {
    std::string name = (*it)[1];
    std::stringstream ss(name);
    for (std::string part; std::getline(ss, part, '.');)
      if (!part.empty()) out.insert(part);
  }
  return {out.begin(), out.end()};
}
}  // namespace

TEST(CompiledTemplates, MatchKainjowOnTrickyCases) {
  using nlohmann::json;
  const std::vector<std::pair<std::string, json>> cases = {
      // escaping, and the two unescaped forms
      {"<{{a}}|{{{a}}}|{{& a}}|{{ a }}>", {{"a", "& < > \" ' / ` ="}}},
      // values: numbers, booleans, null, objects and arrays
      {"[{{i}}|{{n}}|{{f}}|{{g}}|{{t}}|{{z}}|{{o}}|{{l}}|{{u}}|{{big}}]",
       {{"i", 7}, {"n", -3}, {"f", 2.5}, {"g", 1e21}, {"t", true}, {"z", nullptr}, {"o", {{"x", 1}}},
        {"l", {1, 2}}, {"u", 0}, {"big", 18446744073709551615ull}}},
      // what counts as false in a section
      {"{{#e}}E{{/e}}{{^e}}!e{{/e}} {{#z}}Z{{/z}}{{^z}}!z{{/z}} {{#n}}N{{/n}}{{^n}}!n{{/n}} {{#f}}F{{/f}}{{^f}}!f{{/f}} "
       "{{#a}}A{{/a}}{{^a}}!a{{/a}} {{#o}}O{{/o}}{{^o}}!o{{/o}} {{#zero}}0{{/zero}}{{^zero}}!0{{/zero}} "
       "{{#s0}}s0{{/s0}} {{#missing}}M{{/missing}}{{^missing}}!m{{/missing}}",
       {{"e", ""}, {"z", nullptr}, {"n", false}, {"f", 0.0}, {"a", json::array()}, {"o", json::object()}, {"zero", 0},
        {"s0", "0"}}},
      // lists, {{.}}, nested sections, look-up up the stack, shadowing by a false value
      {"{{#rows}}({{name}}/{{title}}/{{.}}{{#tags}}<{{.}}:{{name}}>{{/tags}}){{/rows}}",
       {{"title", "T"}, {"name", "outer"},
        {"rows", {{{"name", "r1"}, {"tags", {"a", "b"}}}, {{"name", nullptr}, {"title", ""}}, "plain", 5, {1, 2}}}}},
      {"{{#obj}}{{x}}-{{y}}-{{obj.x}}{{/obj}}|{{obj.x}}|{{obj.q.r}}|{{#obj.q}}{{r}}{{/obj.q}}|{{a.b}}",
       {{"obj", {{"x", "X"}, {"q", {{"r", "R"}}}}}, {"y", "Y"}, {"a", "not an object"}}},
      // dotted names resolve within one context only
      {"{{#inner}}{{obj.x}}{{/inner}}", {{"obj", {{"x", "outer"}}}, {"inner", {{"obj", {{"y", "inner"}}}}}}},
      // a string or true as the context of a section
      {"{{#s}}[{{.}}|{{s}}]{{/s}}{{#t}}[{{.}}|{{k}}]{{/t}}", {{"s", "str"}, {"t", true}, {"k", "K"}}},
      // inverted sections push the false value
      {"{{^e}}[{{.}}|{{k}}]{{/e}}", {{"e", json::array()}, {"k", "K"}}},
      // standalone lines: section tags alone on a line go with their newline, others stay
      {"a\n  {{#l}}\n  - {{.}}\n  {{/l}}\nb\n  {{^l}}\n  none\n  {{/l}}\nc\n  {{#f}}\n  x\n  {{/f}}\nd\n  {{! note }}\ne\n",
       {{"l", {"1", "2"}}, {"f", false}}},
      {"a\n  {{#l}}\n  - {{.}}\n  {{/l}}\nb\n  {{^l}}\n  none\n  {{/l}}\nc\n", {{"l", json::array()}}},
      {"\t{{#t}} \t\r\n{{x}}\r\n {{/t}}  \r  end {{#t}}{{/t}}", {{"t", true}, {"x", "  "}}},
      {"  {{#t}}  ", {{"t", true}}},
      {"  {{#t}}{{/t}}\n  {{v}}\n", {{"t", true}, {"v", "\n"}}},
      {"x{{#t}}\n{{/t}}y\n", {{"t", true}}},
      // root that is not an object
      {"[{{.}}{{a}}{{#.}}in{{/.}}]", json::array({1, 2})},
      {"[{{.}}]", "text"},
      // comments and odd spacing
      {"a{{! a comment }}b{{!}}c{{  #  t  }}T{{/t}}{{#t}}{{/  t  }}", {{"t", 1}}},
      {"{{#l}}{{#l}}x{{/l}}{{/l}}", {{"l", {1, 2}}}},
      {"{{}}", {{"", "empty name"}}},
      {"", json::object()},
      {"{{x", json::object()},
  };
  for (const auto& [text, data] : cases) {
    std::string want, got;
    bool want_throw = false, got_throw = false;
    try {
      want = kainjow_render(text, data);
    } catch (const std::exception&) {
      want_throw = true;
    }
    try {
      got = compiled_render(text, data);
    } catch (const std::exception&) {
      got_throw = true;
    }
    EXPECT_EQ(got_throw, want_throw) << text;
    EXPECT_EQ(got, want) << "template: " << text << "\ndata: " << data.dump();
  }
}

TEST(CompiledTemplates, RefuseWhatKainjowRefused) {
  for (std::string bad : {"{{#a}}", "{{/a}}", "{{#a}}{{/b}}", "{{#a}}{{#b}}{{/a}}{{/b}}", "{{a", "{{{a}}"}) {
    EXPECT_FALSE(km::mustache{bad}.is_valid()) << bad;
    EXPECT_THROW(web::Template::parse(bad), std::runtime_error) << bad;
  }
  EXPECT_THROW(web::Template::parse("{{> components/x}}"), std::runtime_error) << "partials are expanded before";
  EXPECT_THROW(web::Template::parse("{{=<% %>=}}"), std::runtime_error) << "set delimiters are not supported";
}

TEST(CompiledTemplates, RenderEveryProjectTemplateLikeKainjow) {
  // Each template with a few hundred random data sets over the names it uses.
  web::Templates compiled(resource_root() / "templates");
  size_t compared = 0;
  for (const auto& [name, text] : expanded_project_templates()) {
    DataMaker make{std::mt19937(static_cast<unsigned>(std::hash<std::string>{}(name))), names_in(text)};
    ASSERT_TRUE(compiled.has(name)) << name;
    for (int i = 0; i < 150; ++i) {
      nlohmann::json data = make.object(0);
      std::string want = kainjow_render(text, data);
      std::string got = compiled.render(name, data);
      ASSERT_EQ(got, want) << name << " with " << data.dump();
      ++compared;
    }
  }
  EXPECT_GT(compared, 3000u);
}

TEST(CompiledTemplates, RenderingAppendsAndIsRepeatable) {
  auto t = web::Template::parse("{{#l}}<{{.}}>{{/l}}");
  std::string out = "start:";
  t.render({{"l", {"a", "b"}}}, out);
  EXPECT_EQ(out, "start:<a><b>");
  std::string big(100000, 'x');
  EXPECT_EQ(t.render({{"l", {big}}}).size(), big.size() + 2);
  EXPECT_EQ(t.render({{"l", {"c"}}}), "<c>");
}
