// The column mapper for landlords' own spreadsheets (bulk/mapper.h): its measure on the alpha's
// sample file (tests/fixtures/alpha/), and its rules: one-to-one, the threshold, person numbers,
// value mapping, and bad input.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unistd.h>

#include "bulk/mapper.h"
#include "bulk/mapper_measure.h"
#include "util/text.h"

using namespace core;
using namespace core::bulk;

namespace {

std::string root() {
  const char* r = std::getenv("CORE_ROOT");
  return r && *r ? r : CORE_SOURCE_DIR;
}

const form::Form& lettings() {
  static auto f = form::Form::load_checked(root() + "/forms/2026/lettings.json", root() + "/data");
  return *f;
}

const ColumnMapper& mapper() {
  static auto m = [] {
    std::string err;
    auto p = ColumnMapper::build(lettings(), root() + "/data", &err);
    if (!p) ADD_FAILURE() << err;
    return p;
  }();
  return *m;
}

std::vector<ExpectedColumn> alpha_sample() {
  std::vector<ExpectedColumn> e;
  std::string err;
  EXPECT_TRUE(load_alpha_sample(root() + "/tests/fixtures/alpha", e, &err)) << err;
  return e;
}

ColumnProposal one(const std::string& header) { return mapper().propose({header})[0]; }

// Value proposals by value.
std::map<std::string, ValueProposal> values(const std::string& attribute, const std::vector<std::string>& vs) {
  std::map<std::string, ValueProposal> out;
  for (auto& p : mapper().propose_values(attribute, vs)) out[p.value] = p;
  return out;
}

}  // namespace

TEST(ColumnMapper, AlphaSampleMeetsTheTargets) {
  auto expected = alpha_sample();
  ASSERT_EQ(expected.size(), 63u);  // 62 named columns and the empty one a trailing comma makes
  int should_map = 0;
  for (auto& e : expected) should_map += !e.attributes.empty();
  // 62 named columns, 4 of them fields the 2026 form does not ask (expected-columns.csv).
  EXPECT_EQ(should_map, 58);
  auto m = measure_mapper(mapper(), expected);
  for (auto& c : m.columns)
    if (!c.correct && !(c.proposal.attribute.empty() && c.expected.attributes.empty()))
      std::printf("  %s: proposed \"%s\" (%s)\n", c.expected.header.c_str(), c.proposal.attribute.c_str(), c.proposal.reason.c_str());
  std::printf("  precision %.3f (%d/%d), recall %.3f (%d/%d)\n", m.precision, m.correct, m.proposed, m.recall, m.correct, m.should_map);
  EXPECT_GE(m.precision, 0.95);
  EXPECT_GE(m.recall, 0.90);
}

TEST(ColumnMapper, VocabularyIsNotACopyOfTheMeasuredHeaders) {
  // The measure would say nothing if the vocabulary simply listed the sample's headers, or those of
  // the provider extract kept as a check.
  std::set<std::string> headers;
  for (auto& e : alpha_sample())
    if (!e.header.empty()) headers.insert(fold_header(e.header));
  auto extract = control_headers(root() + "/tests/fixtures/alpha", "landlord extract");
  ASSERT_EQ(extract.size(), 43u);
  for (auto& h : extract) headers.insert(fold_header(h));
  ASSERT_GT(headers.size(), 90u);
  auto syn = mapper().synonyms();
  ASSERT_GT(syn.size(), 100u);
  for (auto& [attr, text] : syn) EXPECT_FALSE(headers.count(fold_header(text))) << attr << ": \"" << text << "\"";
}

TEST(ColumnMapper, EveryNameInTheVocabularyIsAnAnswer) {
  // The vocabulary is written for the lettings form: a misspelt attribute would be left aside.
  EXPECT_EQ(mapper().unknown_attributes(), std::vector<std::string>{});
  // The sales form can use the same vocabulary.
  auto sales = form::Form::load_checked(root() + "/forms/2026/sales.json", root() + "/data");
  std::string err;
  auto m = ColumnMapper::build(*sales, root() + "/data", &err);
  ASSERT_TRUE(m) << err;
  EXPECT_EQ(m->propose({"Purchaser code"})[0].attribute, "purchid");
}

TEST(ColumnMapper, ProposesEachAnswerForOneColumnOnly) {
  auto ps = mapper().propose({"Tenant code", "Tenancy reference", "tenancycode", "Age", "Lead tenant age"});
  std::set<std::string> seen;
  int tenancycode = 0;
  for (auto& p : ps) {
    if (p.attribute.empty()) continue;
    EXPECT_TRUE(seen.insert(p.attribute).second) << p.attribute;
    tenancycode += p.attribute == "tenancycode";
  }
  EXPECT_EQ(tenancycode, 1);
  // The field's own name is the strongest evidence, so that column gets it.
  EXPECT_EQ(ps[2].attribute, "tenancycode");
  EXPECT_EQ(ps[2].evidence, Evidence::AttributeId);
  EXPECT_EQ(ps[0].attribute, "");
  EXPECT_EQ(ps[0].runner_up, "tenancycode");
  EXPECT_NE(ps[0].reason.find("matched better by column 3"), std::string::npos) << ps[0].reason;
  // Two columns for the lead tenant's age: one of them gets it.
  EXPECT_NE(ps[3].attribute == "age1", ps[4].attribute == "age1");

  // Across the whole sample too.
  std::vector<std::string> headers;
  for (auto& e : alpha_sample()) headers.push_back(e.header);
  seen.clear();
  for (auto& p : mapper().propose(headers)) {
    if (!p.attribute.empty()) {
      EXPECT_TRUE(seen.insert(p.attribute).second) << p.attribute;
    }
  }
}

TEST(ColumnMapper, LeavesAColumnUnmappedRatherThanGuess) {
  for (const char* h : {"Favourite colour", "Notes", "Letting type", "Mgmnt group", "Company (AO)", "Data protection question"}) {
    auto p = one(h);
    EXPECT_EQ(p.attribute, "") << h << " -> " << p.attribute << " " << p.score;
    EXPECT_FALSE(p.reason.empty());
  }
  // It is the threshold that keeps "Letting type" out: with none, something is proposed.
  auto p = one("Letting type");
  ASSERT_GT(p.score, 0);
  EXPECT_LT(p.score, MapperOptions{}.threshold);
  EXPECT_NE(mapper().propose({"Letting type"}, MapperOptions{0.01})[0].attribute, "");
  // Every proposal is at or above the threshold.
  std::vector<std::string> headers;
  for (auto& e : alpha_sample()) headers.push_back(e.header);
  for (auto& q : mapper().propose(headers)) {
    if (!q.attribute.empty()) {
      EXPECT_GE(q.score, MapperOptions{}.threshold) << q.attribute;
    }
  }
}

TEST(ColumnMapper, PersonNumbersMustAgree) {
  EXPECT_EQ(one("Person 3 age").attribute, "age3");
  EXPECT_EQ(one("Age of person 7").attribute, "age7");
  EXPECT_EQ(one("P2 sex").attribute, "sexrab2");
  EXPECT_EQ(one("Tenant 4 gender").attribute, "sexrab4");
  EXPECT_EQ(one("Person 5 relationship to person 1").attribute, "relat5");
  // Without a number, a person's answer is the lead tenant's.
  EXPECT_EQ(one("Gender").attribute, "sexrab1");
  EXPECT_EQ(one("Lead tenant's age").attribute, "age1");
  EXPECT_EQ(one("Economic status").attribute, "ecstat1");
  // Person 3's header never fills another person's answer.
  for (int n = 1; n <= 8; ++n) {
    if (n == 3) continue;
    EXPECT_EQ(mapper().score("Person 3 age", "age" + std::to_string(n)).score, 0) << n;
  }
}

TEST(ColumnMapper, ExplainsEachProposal) {
  auto p = one("Tenant code");
  EXPECT_EQ(p.attribute, "tenancycode");
  EXPECT_EQ(p.evidence, Evidence::Label);
  EXPECT_EQ(p.reason, "Matched the check answers label \xE2\x80\x9CTenant code\xE2\x80\x9D");
  EXPECT_DOUBLE_EQ(p.score, 1);
  p = one("How many bedrooms does the property have?");
  EXPECT_EQ(p.attribute, "beds");
  EXPECT_EQ(p.evidence, Evidence::Question);
  EXPECT_EQ(p.reason, "Matched the question text \xE2\x80\x9CHow many bedrooms does the property have?\xE2\x80\x9D");
  p = one("DOB");  // not asked: the form asks ages
  EXPECT_EQ(p.attribute, "");
  p = one("Postcode");
  EXPECT_EQ(p.attribute, "postcode_full");
  p = one("Tenancy ref");
  EXPECT_EQ(p.attribute, "tenancycode");
  EXPECT_EQ(p.evidence, Evidence::Synonym);
  p = one("CHR letting");
  EXPECT_EQ(p.attribute, "chr");
  EXPECT_EQ(p.matched, "Common housing register (CHR)");  // the abbreviation, shown with what it stands for
}

TEST(ColumnMapper, SampleValuesThatDoNotFitCount) {
  // "Start" alone is a date column by its header; with dates in it, it stays mapped.
  std::vector<std::string> headers = {"Start date", "Joint tenancy", "Bedrooms"};
  std::vector<std::vector<std::string>> fitting = {{"01/04/2026", "2026-04-02", "3.4.26"}, {"Y", "N", "Don't know"}, {"1", "2", "3"}};
  auto ps = mapper().propose(headers, {}, &fitting);
  EXPECT_EQ(ps[0].attribute, "startdate");
  EXPECT_EQ(ps[1].attribute, "joint");
  EXPECT_EQ(ps[2].attribute, "beds");
  auto plain = mapper().propose(headers);
  for (size_t i = 0; i < headers.size(); ++i) EXPECT_DOUBLE_EQ(ps[i].score, plain[i].score) << headers[i];
  // Values that are none of the answers lower the score.
  std::vector<std::vector<std::string>> wrong = {{"soon", "later", "never"}, {"aa", "bb", "cc"}, {"many", "few", "some"}};
  auto pw = mapper().propose(headers, {}, &wrong);
  for (size_t i = 0; i < headers.size(); ++i) EXPECT_LT(pw[i].score, plain[i].score) << headers[i];
  // Too few values say nothing.
  std::vector<std::vector<std::string>> few = {{"soon"}, {"", "aa"}, {}};
  auto pf = mapper().propose(headers, {}, &few);
  for (size_t i = 0; i < headers.size(); ++i) EXPECT_DOUBLE_EQ(pf[i].score, plain[i].score) << headers[i];
}

TEST(ColumnMapper, ExtraEvidenceCounts) {
  std::string err;
  auto m = ColumnMapper::build(lettings(), root() + "/data", &err);
  ASSERT_TRUE(m) << err;
  EXPECT_EQ(m->propose({"Field 13 TCODE"})[0].attribute, "");
  m->add_evidence("tenancycode", "Field 13 TCODE");
  m->add_evidence("no_such_answer", "whatever");  // ignored
  auto p = m->propose({"Field 13 TCODE"})[0];
  EXPECT_EQ(p.attribute, "tenancycode");
  EXPECT_EQ(p.evidence, Evidence::Extra);
}

TEST(ColumnMapper, MapsValuesToAnswerOptions) {
  auto sex = values("sexrab1", {"M", "Male", "female", "f", "Refused", "Prefer not to say", "X", "M"});
  ASSERT_EQ(sex.size(), 7u);  // each value once
  EXPECT_EQ(sex["M"].code.debug(), "\"M\"");
  EXPECT_EQ(sex["M"].reason, "Matched the answer code");
  EXPECT_EQ(sex["Male"].code.debug(), "\"M\"");
  EXPECT_EQ(sex["Male"].reason, "Matched the answer text");
  EXPECT_EQ(sex["female"].code.debug(), "\"F\"");
  EXPECT_EQ(sex["f"].code.debug(), "\"F\"");
  EXPECT_EQ(sex["Refused"].code.debug(), "\"R\"");
  EXPECT_EQ(sex["Prefer not to say"].code.debug(), "\"R\"");
  EXPECT_TRUE(sex["X"].code.null());
  EXPECT_EQ(sex["X"].reason, "No answer of this question matches");

  auto renewal = values("renewal", {"Y", "Yes", "1", "N", "no", "0", "Maybe"});
  for (const char* v : {"Y", "Yes", "1"}) EXPECT_EQ(renewal[v].code.debug(), "1") << v;
  for (const char* v : {"N", "no", "0"}) EXPECT_EQ(renewal[v].code.debug(), "0") << v;
  EXPECT_TRUE(renewal["Maybe"].code.null());
  EXPECT_EQ(renewal["Yes"].label, "Yes");

  auto period = values("period", {"Weekly", "Monthly", "Fortnightly", "Every 4 weeks", "Weekly for 48 weeks", "Quarterly"});
  EXPECT_EQ(period["Weekly"].code.debug(), "1");
  EXPECT_EQ(period["Monthly"].code.debug(), "4");
  EXPECT_EQ(period["Fortnightly"].code.debug(), "2");
  EXPECT_EQ(period["Every 4 weeks"].code.debug(), "3");
  EXPECT_EQ(period["Weekly for 48 weeks"].code.debug(), "7");
  EXPECT_TRUE(period["Quarterly"].code.null());

  // A checkbox option is ticked or not.
  auto cbl = values("cbl", {"Yes", "x", "No", "1", "0"});
  EXPECT_EQ(cbl["Yes"].code.debug(), "1");
  EXPECT_EQ(cbl["x"].code.debug(), "1");
  EXPECT_EQ(cbl["No"].code.debug(), "0");
  EXPECT_EQ(cbl["0"].code.debug(), "0");

  // Codes win over words: for "Do you know the lead tenant's age?" 0 is Yes and 1 is No.
  auto known = values("age1_known", {"1", "Yes"});
  EXPECT_EQ(known["1"].code.debug(), "1");
  EXPECT_EQ(known["Yes"].code.debug(), "0");

  // Two answers that fit equally well: left for the user.
  auto ecstat = values("ecstat1", {"Full time", "Retired", "Full-time student", "Tenant prefers not to say"});
  EXPECT_TRUE(ecstat["Full time"].code.null());
  EXPECT_EQ(ecstat["Retired"].code.debug(), "5");
  EXPECT_EQ(ecstat["Full-time student"].code.debug(), "7");
  EXPECT_EQ(ecstat["Tenant prefers not to say"].code.debug(), "10");

  auto tenancy = values("tenancy", {"AST", "Secure lifetime", "Licence"});
  EXPECT_EQ(tenancy["AST"].code.debug(), "4");
  EXPECT_EQ(tenancy["Secure lifetime"].code.debug(), "7");
  EXPECT_EQ(tenancy["Licence"].code.debug(), "5");

  // Not coded: nothing to map.
  EXPECT_TRUE(mapper().propose_values("tenancycode", {"ABC1"}).empty());
  EXPECT_TRUE(mapper().propose_values("startdate", {"2026-04-01"}).empty());
  EXPECT_TRUE(mapper().propose_values("no_such_answer", {"1"}).empty());
  // Blank values are not proposed.
  EXPECT_TRUE(mapper().propose_values("renewal", {"", "  "}).empty());
}

TEST(ColumnMapper, BadHeadersAreReadSafely) {
  EXPECT_TRUE(mapper().propose({}).empty());

  auto p = mapper().propose({"", "   ", "\xff\xfe\xfd", "\xffTenant code\xc3"});
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].attribute, "");
  EXPECT_EQ(p[0].reason, "The column has no header");
  EXPECT_EQ(p[1].reason, "The column has no header");
  EXPECT_EQ(p[2].attribute, "");
  EXPECT_EQ(p[2].reason, "The column header has no words to match");
  EXPECT_EQ(p[3].attribute, "tenancycode");  // the invalid bytes only separate words
  for (auto& q : p) EXPECT_TRUE(util::valid_utf8(q.reason)) << q.reason;

  // 10,000 headers: one proposal each; those after the limit are not read.
  std::vector<std::string> many;
  for (int i = 0; i < 10000; ++i) many.push_back(i == 9000 ? "Tenant code" : "Column " + std::to_string(i) + " x" + std::to_string(i));
  auto ps = mapper().propose(many);
  ASSERT_EQ(ps.size(), many.size());
  EXPECT_EQ(ps[9000].attribute, "");
  EXPECT_NE(ps[9000].reason.find("only the first 2000 columns"), std::string::npos) << ps[9000].reason;
  int mapped = 0;
  for (auto& q : ps) mapped += !q.attribute.empty();
  EXPECT_LT(mapped, 10);

  // A 1 MB header, with and without spaces, and one with a real name at its start.
  std::string huge(1 << 20, 'a');
  std::string spaced = huge;
  for (size_t i = 0; i < spaced.size(); i += 5) spaced[i] = ' ';
  auto h = mapper().propose({huge, spaced, "Tenant code " + huge});
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].attribute, "");
  EXPECT_EQ(h[1].attribute, "");
  EXPECT_EQ(h[2].attribute, "");  // the rest of the header is not a tenant code
  for (auto& q : h) EXPECT_LT(q.reason.size(), 2000u);

  // Values: huge, invalid UTF-8, many.
  std::vector<std::string> vs = {huge, "\xff\xfeM", "M\xc3"};
  for (int i = 0; i < 5000; ++i) vs.push_back("v" + std::to_string(i));
  auto v = mapper().propose_values("sexrab1", vs);
  EXPECT_EQ(v.size(), kMapperMaxValues);
  for (auto& q : v) {
    EXPECT_LE(q.value.size(), kMapperMaxValueBytes);
    EXPECT_TRUE(util::valid_utf8(q.value));
  }
}

TEST(ColumnMapper, RefusesABrokenVocabulary) {
  std::string err;
  EXPECT_FALSE(ColumnMapper::build(lettings(), "/nonexistent", &err));
  EXPECT_NE(err.find("column-synonyms.csv"), std::string::npos) << err;

  auto dir = std::filesystem::temp_directory_path() / ("mapper_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(root() + "/data/value-synonyms.csv", dir / "value-synonyms.csv",
                             std::filesystem::copy_options::overwrite_existing);
  {
    std::ofstream f(dir / "column-synonyms.csv");
    f << "kind,from,to\nfield,no_such_answer,whatever\nfield,tenancycode,tcode\nterm,tc,tenant code\n";
  }
  err.clear();
  auto m = ColumnMapper::build(lettings(), dir.string(), &err);
  ASSERT_TRUE(m) << err;  // a name for another form's answer is left aside
  EXPECT_EQ(m->unknown_attributes(), std::vector<std::string>{"no_such_answer"});
  EXPECT_EQ(m->propose({"TCODE"})[0].attribute, "tenancycode");
  {
    std::ofstream f(dir / "column-synonyms.csv");
    f << "kind,from,to\nsynonym,tenancycode,tcode\n";
  }
  err.clear();
  EXPECT_FALSE(ColumnMapper::build(lettings(), dir.string(), &err));
  EXPECT_NE(err.find("unknown kind synonym"), std::string::npos) << err;
  {
    std::ofstream f(dir / "column-synonyms.csv");
    f << "kind,from,to\nfield,tenancycode\n";
  }
  err.clear();
  EXPECT_FALSE(ColumnMapper::build(lettings(), dir.string(), &err));
  EXPECT_NE(err.find("line 2"), std::string::npos) << err;
  std::filesystem::remove_all(dir);
}
