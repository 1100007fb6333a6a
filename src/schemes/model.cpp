#include "schemes/model.h"

namespace core::schemes {

const std::vector<Choice>& scheme_types() {
  static const std::vector<Choice> v = {{"5", "Direct access hostel"}, {"4", "Foyer"},
                                        {"7", "Housing for older people"}, {"6", "Other supported housing"}};
  return v;
}
const std::vector<Choice>& care_act_options() {
  static const std::vector<Choice> v = {{"5", "Yes"}, {"2", "Partially – some units are registered as a care home"}, {"1", "No"}};
  return v;
}
const std::vector<Choice>& arrangement_types() {
  static const std::vector<Choice> v = {{"D", "The same organisation that owns the housing stock"},
                                        {"R", "Another registered stock owner"},
                                        {"V", "A registered charity or voluntary organisation"},
                                        {"O", "Another organisation"}};
  return v;
}
const std::vector<Choice>& client_groups() {
  static const std::vector<Choice> v = {{"O", "Homeless families with support needs"},
                                        {"H", "Offenders or people at risk of offending"},
                                        {"M", "Older people with support needs"},
                                        {"L", "People at risk of domestic violence"},
                                        {"A", "People with a physical or sensory disability"},
                                        {"G", "People with alcohol problems"},
                                        {"F", "People with drug problems"},
                                        {"B", "People with HIV or AIDS"},
                                        {"D", "People with learning disabilities"},
                                        {"E", "People with mental health problems"},
                                        {"I", "Refugees (permanent)"},
                                        {"S", "Rough sleepers"},
                                        {"N", "Single homeless people with support needs"},
                                        {"R", "Teenage parents"},
                                        {"Q", "Young people at risk"},
                                        {"P", "Young people leaving care"}};
  return v;
}
const std::vector<Choice>& support_types() {
  static const std::vector<Choice> v = {{"2", "Low level"}, {"3", "Medium level"}, {"4", "High level"}, {"6", "Floating support"}};
  return v;
}
const std::vector<Choice>& intended_stays() {
  static const std::vector<Choice> v = {{"V", "Very short stay"}, {"S", "Short stay"}, {"M", "Medium stay"}, {"P", "Permanent"}};
  return v;
}
const std::vector<Choice>& unit_types() {
  static const std::vector<Choice> v = {{"6", "Bungalow"},
                                        {"1", "Self-contained flat or bedsit"},
                                        {"2", "Self-contained flat or bedsit with common facilities"},
                                        {"7", "Self-contained house"},
                                        {"3", "Shared flat"},
                                        {"4", "Shared house or hostel"}};
  return v;
}
const std::vector<Choice>& mobility_types() {
  static const std::vector<Choice> v = {{"W", "Wheelchair-user standard"},
                                        {"A", "Fitted with equipment and adaptations"},
                                        {"M", "Property designed to accessible general standard"},
                                        {"N", "None"}};
  return v;
}

std::string label_of(const std::vector<Choice>& list, const std::string& code) {
  for (const auto& c : list)
    if (code == c.code) return c.label;
  return "";
}

}  // namespace core::schemes
