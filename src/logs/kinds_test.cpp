// The kinds of log come from the form definitions: their addresses, names and list columns are the
// `log` description of the newest form and the labels of the questions it names.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "form/lint.h"
#include "logs/kinds.h"
#include "util/paths.h"

using namespace core;
using namespace core::logs;

TEST(Kinds, LettingsIsDescribedByItsForm) {
  const Kind* k = kind_of("lettings");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->base, "/lettings-logs");
  EXPECT_EQ(k->name, "lettings log");
  EXPECT_EQ(k->title, "Lettings logs");
  EXPECT_EQ(k->caption, "Lettings log");
  EXPECT_EQ(k->years.front(), 2026);
  EXPECT_EQ(k->category_label, "Needs type");
  ASSERT_EQ(k->categories.size(), 2u);
  EXPECT_EQ(k->category_text(1), "General needs");
  EXPECT_EQ(k->category_text(2), "Supported housing");
  EXPECT_EQ(k->category_text(3), "");
  EXPECT_EQ(k->reference_label, "Tenant code");
  EXPECT_EQ(k->property_reference_label, "Property reference");
  EXPECT_FALSE(k->date_label.empty());
  EXPECT_EQ(kind_of("nonsense"), nullptr);
}

TEST(Kinds, TheLogDescriptionIsChecked) {
  namespace fs = std::filesystem;
  std::string root = CORE_SOURCE_DIR;
  std::ifstream in(root + "/tests/fixtures/forms/2099/lettings.json");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto with_log = [&](const std::string& log) {
    std::string s = text;
    std::string from = "\"lookups\": false,";
    s.replace(s.find(from), from.size(), from + " \"log\": " + log + ",");
    auto dir = fs::temp_directory_path() / ("core-kind-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "form.json") << s;
    auto f = form::Form::load((dir / "form.json").string(), root + "/data");
    fs::remove_all(dir);
    return f;
  };
  auto mentions = [](const form::Form& f, const std::string& what) {
    for (auto& p : f.problems)
      if (p.find(what) != std::string::npos) return true;
    return false;
  };
  auto good = with_log(R"({ "path": "test-logs", "name": "test log", "date": "startdate", "category": "needstype" })");
  EXPECT_TRUE(good->problems.empty());
  EXPECT_EQ(good->log.date_slot, good->slot("startdate"));
  EXPECT_EQ(good->log.reference_slot, -1);
  Kind k = describe("test", good, {2099});
  EXPECT_EQ(k.base, "/test-logs");
  EXPECT_EQ(k.categories.size(), 2u);
  EXPECT_EQ(k.reference_label, "");
  EXPECT_TRUE(mentions(*with_log(R"({ "date": "startdat" })"), "unknown answer 'startdat'"));
  EXPECT_TRUE(mentions(*with_log(R"({ "date": "needstype" })"), "date must name a date answer"));
  EXPECT_TRUE(mentions(*with_log(R"({ "path": "../etc" })"), "lower-case letters and dashes"));
  EXPECT_TRUE(mentions(*with_log(R"({ "reference": "today" })"), "unknown answer 'today'"));  // a context value
}

TEST(Kinds, ABulkUploadTemplateSpecBesideAFormIsNotAKindOfLog) {
  // forms/2026 holds lettings-bulk-upload.json and sales-bulk-upload.json next to the forms.
  ASSERT_TRUE(std::filesystem::exists(resource_root() / "forms/2026/lettings-bulk-upload.json"));
  std::vector<std::string> types;
  for (auto& k : kinds()) types.push_back(k.type);
  EXPECT_EQ(types, (std::vector<std::string>{"lettings", "sales"}));
  EXPECT_EQ(kind_of("lettings-bulk-upload"), nullptr);
}
