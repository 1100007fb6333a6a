// The page flow on its own: the form and the answers in, the pages asked and their order out (no
// HTTP, no database). The small fixture form: setup (needs type, start date), then household
// (age, a retirement check, working situation, sheltered only for supported housing, needs, rent).
#include <gtest/gtest.h>

#include "form/definition.h"
#include "logs/flow.h"
#include "logs/urls.h"

using namespace core;
using namespace core::logs;
using nlohmann::json;

namespace {

std::shared_ptr<const form::Form> fixture() {
  static auto f = form::Form::load_checked(std::string(CORE_SOURCE_DIR) + "/tests/fixtures/forms/2099/lettings.json",
                                           std::string(CORE_SOURCE_DIR) + "/data");
  return f;
}

form::Context context() {
  form::Context c;
  c.today = util::Date{2099, 6, 1};
  return c;
}

form::Values answers(const json& a) {
  const auto& f = *fixture();
  return form::apply(f, form::Values(f.size()), form::changes_from_json(a), context()).values;
}

int page(const std::string& id) { return fixture()->page_index.at(id); }
int subsection(const std::string& id) {
  const auto& f = *fixture();
  for (size_t i = 0; i < f.subsections.size(); ++i)
    if (f.subsections[i].id == id) return int(i);
  return -1;
}

}  // namespace

TEST(Flow, PagesFollowOneAnotherAsTheAnswersRouteThem) {
  const auto& f = *fixture();
  auto general = answers({{"needstype", 1}, {"startdate", "2099-05-01"}});
  Flow g(f, general, context());
  EXPECT_EQ(next_page(g, page("needs_type"), false), page("tenancy_start_date"));
  EXPECT_EQ(next_page(g, page("tenancy_start_date"), false), -1);  // the end of setup: its check answers
  EXPECT_EQ(previous_page(g, page("needs_type")), -1);             // the first page: back to the task list
  EXPECT_EQ(next_page(g, page("lead_working"), false), page("needs"));  // general needs: no sheltered page
  EXPECT_FALSE(page_asked(g, page("sheltered")));
  EXPECT_FALSE(page_asked(g, page("lead_retired_check")));

  auto supported = answers({{"needstype", 2}, {"startdate", "2099-05-01"}});
  Flow s(f, supported, context());
  EXPECT_EQ(next_page(s, page("lead_working"), false), page("sheltered"));
  EXPECT_EQ(previous_page(s, page("needs")), page("sheltered"));
}

TEST(Flow, UnansweredPagesAreFoundAndCheckAnswersSkipsTheAnsweredOnes) {
  const auto& f = *fixture();
  auto v = answers({{"needstype", 2}, {"startdate", "2099-05-01"}, {"age1", 40}, {"ecstat1", 1}});
  Flow fl(f, v, context());
  EXPECT_EQ(first_unanswered(fl, subsection("setup")), -1);
  EXPECT_EQ(first_unanswered(fl, subsection("household")), page("sheltered"));
  EXPECT_FALSE(page_unanswered(fl, page("lead_age")));
  EXPECT_TRUE(page_unanswered(fl, page("needs")));  // a checkbox with nothing ticked
  // From check answers, "Save" goes to the next page still unanswered, not the next page.
  EXPECT_EQ(next_page(fl, page("lead_age"), true), page("sheltered"));
  EXPECT_EQ(next_page(fl, page("lead_age"), false), page("lead_working"));
  // The optional note on the sheltered page is not required; its radio is.
  const auto& sheltered = f.pages[size_t(page("sheltered"))];
  EXPECT_TRUE(required_now(fl, sheltered.questions[0]));
  EXPECT_FALSE(required_now(fl, sheltered.questions[1]));
}

TEST(Flow, AnInterruptionIsAskedWhileItsRuleHoldsAndUntilConfirmed) {
  const auto& f = *fixture();
  auto v = answers({{"needstype", 1}, {"startdate", "2099-05-01"}, {"age1", 70}, {"ecstat1", 1}});
  Flow fl(f, v, context());
  ASSERT_TRUE(page_asked(fl, page("lead_retired_check")));
  EXPECT_TRUE(page_unanswered(fl, page("lead_retired_check")));
  EXPECT_EQ(next_page(fl, page("lead_age"), false), page("lead_retired_check"));
}

TEST(Flow, AddressesAreTheKindsAndThePagesDashed) {
  Urls u{"/sales-logs"};
  EXPECT_EQ(u.log(7), "/sales-logs/7");
  EXPECT_EQ(u.page(7, "buyer_1_age"), "/sales-logs/7/buyer-1-age");
  EXPECT_EQ(u.cya(7, "household_characteristics"), "/sales-logs/7/household-characteristics/check-answers");
  auto v = answers({{"needstype", 1}});
  Flow fl(*fixture(), v, context());
  EXPECT_EQ(u.next(fl, 7, page("tenancy_start_date"), false), "/sales-logs/7/setup/check-answers");
  EXPECT_EQ(u.next(fl, 7, page("needs_type"), true), "/sales-logs/7/tenancy-start-date?referrer=check_answers");
  EXPECT_EQ(u.previous(fl, 7, page("needs_type")), "/sales-logs/7");
}
