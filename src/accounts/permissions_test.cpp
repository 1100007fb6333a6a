#include "accounts/permissions.h"

#include <gtest/gtest.h>

using namespace core::accounts;
namespace perm = permissions;

namespace {
User user(int64_t id, int64_t org, Role role, bool dpo = false) {
  User u;
  u.id = id;
  u.organisation_id = org;
  u.role = role;
  u.is_dpo = dpo;
  u.confirmed_at = "2026-01-01T00:00:00Z";
  return u;
}
const int64_t A = 10, B = 20;
}  // namespace

TEST(Permissions, SupportMayDoEverything) {
  auto s = user(1, 99, Role::Support);
  EXPECT_TRUE(perm::can_list_organisations(s));
  EXPECT_TRUE(perm::can_create_organisation(s));
  EXPECT_TRUE(perm::can_view_organisation(s, A));
  EXPECT_TRUE(perm::can_edit_organisation(s, B));
  EXPECT_TRUE(perm::can_edit_organisation_admin_fields(s));
  EXPECT_TRUE(perm::can_manage_relationships(s, A));
  EXPECT_TRUE(perm::can_invite_users_to(s, B));
  EXPECT_TRUE(perm::can_assign_role(s, Role::Support));
  EXPECT_TRUE(perm::can_administer_user(s, user(2, A, Role::Coordinator)));
  EXPECT_TRUE(perm::can_access_log(s, {A, B}));
}

TEST(Permissions, CoordinatorsManageTheirOwnOrganisationOnly) {
  auto c = user(2, A, Role::Coordinator);
  EXPECT_FALSE(perm::can_list_organisations(c));
  EXPECT_FALSE(perm::can_create_organisation(c));
  EXPECT_TRUE(perm::can_view_organisation(c, A));
  EXPECT_FALSE(perm::can_view_organisation(c, B));
  EXPECT_TRUE(perm::can_edit_organisation(c, A));
  EXPECT_FALSE(perm::can_edit_organisation(c, B));
  EXPECT_FALSE(perm::can_edit_organisation_admin_fields(c));
  EXPECT_TRUE(perm::can_manage_relationships(c, A));
  EXPECT_FALSE(perm::can_manage_relationships(c, B));
  EXPECT_TRUE(perm::can_invite_users_to(c, A));
  EXPECT_FALSE(perm::can_invite_users_to(c, B));
  EXPECT_TRUE(perm::can_administer_user(c, user(3, A, Role::Provider)));
  EXPECT_FALSE(perm::can_administer_user(c, user(4, B, Role::Provider)));
  EXPECT_FALSE(perm::can_administer_user(c, c)) << "not themselves";
  EXPECT_FALSE(perm::can_assign_role(c, Role::Support));
  EXPECT_TRUE(perm::can_assign_role(c, Role::Coordinator));
}

TEST(Permissions, ProvidersSeeTheirAccountAndTheirOrganisationsUsers) {
  auto p = user(3, A, Role::Provider);
  EXPECT_TRUE(perm::can_view_users_of(p, A));
  EXPECT_FALSE(perm::can_view_users_of(p, B));
  EXPECT_TRUE(perm::can_view_user(p, user(2, A, Role::Coordinator)));
  EXPECT_FALSE(perm::can_view_user(p, user(5, B, Role::Provider)));
  EXPECT_TRUE(perm::can_edit_user_details(p, p));
  EXPECT_FALSE(perm::can_edit_user_details(p, user(2, A, Role::Coordinator)));
  EXPECT_FALSE(perm::can_administer_user(p, user(6, A, Role::Provider)));
  EXPECT_FALSE(perm::can_edit_organisation(p, A));
  EXPECT_FALSE(perm::can_invite_users_to(p, A));
  EXPECT_FALSE(perm::can_manage_relationships(p, A));
}

TEST(Permissions, DeactivatedUsersMayDoNothing) {
  auto s = user(1, 99, Role::Support);
  s.active = false;
  EXPECT_FALSE(perm::can_list_organisations(s));
  EXPECT_FALSE(perm::can_view_organisation(s, 99));
  EXPECT_FALSE(perm::can_access_log(s, {99, 99}));
}

TEST(Permissions, OnlyTheOrganisationsDpoAcceptsTheAgreementAndOnlyOnce) {
  Organisation org;
  org.id = A;
  EXPECT_TRUE(perm::can_accept_data_sharing_agreement(user(7, A, Role::Provider, true), org));
  EXPECT_FALSE(perm::can_accept_data_sharing_agreement(user(8, A, Role::Coordinator, false), org));
  EXPECT_FALSE(perm::can_accept_data_sharing_agreement(user(9, B, Role::Coordinator, true), org));
  EXPECT_FALSE(perm::can_accept_data_sharing_agreement(user(1, 99, Role::Support), org));
  EXPECT_FALSE(perm::organisation_can_create_logs(org));
  org.dsa_accepted = true;
  EXPECT_TRUE(perm::organisation_can_create_logs(org));
  EXPECT_FALSE(perm::can_accept_data_sharing_agreement(user(7, A, Role::Provider, true), org));
  org.active = false;
  EXPECT_FALSE(perm::organisation_can_create_logs(org));
}

TEST(Permissions, LogsAreReachedThroughTheOwningOrManagingOrganisation) {
  auto p = user(3, A, Role::Provider);
  EXPECT_TRUE(perm::can_access_log(p, {A, B}));
  EXPECT_TRUE(perm::can_access_log(p, {B, A}));
  EXPECT_FALSE(perm::can_access_log(p, {B, B}));
  auto c = user(2, A, Role::Coordinator);
  EXPECT_TRUE(perm::can_access_log(c, {A, B}));
  EXPECT_FALSE(perm::can_access_log(c, {B, 30}));
}

TEST(Permissions, SchemesAreSeenByTheOwnerAndItsManagingAgentsAndManagedByTheOwnersCoordinators) {
  auto owner_coord = user(2, A, Role::Coordinator);
  auto owner_provider = user(3, A, Role::Provider);
  auto agent_coord = user(4, B, Role::Coordinator);  // B manages stock for A
  auto stranger = user(5, 30, Role::Coordinator);
  EXPECT_TRUE(perm::can_view_scheme(owner_coord, A, {}));
  EXPECT_TRUE(perm::can_view_scheme(owner_provider, A, {}));
  EXPECT_TRUE(perm::can_view_scheme(agent_coord, A, {A}));
  EXPECT_FALSE(perm::can_view_scheme(agent_coord, A, {}));
  EXPECT_FALSE(perm::can_view_scheme(stranger, A, {B}));
  EXPECT_TRUE(perm::can_manage_scheme(owner_coord, A));
  EXPECT_FALSE(perm::can_manage_scheme(owner_provider, A));
  EXPECT_FALSE(perm::can_manage_scheme(agent_coord, A)) << "managing agents use their stock owners' schemes, not edit them";
  EXPECT_TRUE(perm::can_manage_scheme(user(1, 99, Role::Support), A));
  EXPECT_TRUE(perm::can_create_schemes(owner_coord));
  EXPECT_FALSE(perm::can_create_schemes(owner_provider));
}

TEST(Permissions, DeletingAndAssigningLogsFollowTheRoles) {
  auto s = user(1, 99, Role::Support), c = user(2, A, Role::Coordinator), p = user(3, A, Role::Provider),
       other = user(4, B, Role::Coordinator);
  perm::LogOwnership log{A, A};
  EXPECT_TRUE(perm::can_delete_log(s, log, std::nullopt));
  EXPECT_TRUE(perm::can_delete_log(c, log, std::nullopt));
  EXPECT_FALSE(perm::can_delete_log(other, log, std::nullopt));
  EXPECT_FALSE(perm::can_delete_log(p, log, int64_t(2)));  // assigned to someone else
  EXPECT_TRUE(perm::can_delete_log(p, log, int64_t(3)));
  EXPECT_FALSE(perm::can_delete_log(p, {B, B}, int64_t(3)));  // not their organisation's log at all
  EXPECT_TRUE(perm::can_bulk_delete_logs(s, false, false));
  EXPECT_FALSE(perm::can_bulk_delete_logs(c, false, false));
  EXPECT_TRUE(perm::can_bulk_delete_logs(c, true, false));
  EXPECT_FALSE(perm::can_bulk_delete_logs(p, true, false));
  EXPECT_TRUE(perm::can_bulk_delete_logs(p, true, true));
  EXPECT_TRUE(perm::can_assign_logs(s));
  EXPECT_TRUE(perm::can_assign_logs(c));
  EXPECT_FALSE(perm::can_assign_logs(p));
  c.active = false;
  EXPECT_FALSE(perm::can_assign_logs(c));
  EXPECT_FALSE(perm::can_delete_log(c, log, std::nullopt));
}
