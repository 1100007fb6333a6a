#include "accounts/permissions.h"

namespace core::accounts::permissions {

bool is_support(const User& u) { return u.active && u.role == Role::Support; }
static bool is_coordinator_of(const User& u, int64_t org) {
  return u.active && u.role == Role::Coordinator && u.organisation_id == org;
}
static bool member_of(const User& u, int64_t org) { return u.active && u.organisation_id == org; }

bool can_list_organisations(const User& u) { return is_support(u); }
bool can_create_organisation(const User& u) { return is_support(u); }
bool can_view_organisation(const User& u, int64_t org) { return is_support(u) || member_of(u, org); }
bool can_edit_organisation(const User& u, int64_t org) { return is_support(u) || is_coordinator_of(u, org); }
bool can_edit_organisation_admin_fields(const User& u) { return is_support(u); }
bool can_manage_relationships(const User& u, int64_t org) { return is_support(u) || is_coordinator_of(u, org); }
bool adds_relationships_in_force(const User& u) { return is_support(u); }
bool can_answer_relationship_request(const User& u, int64_t answering) {
  return is_support(u) || is_coordinator_of(u, answering);
}
bool can_cancel_relationship_request(const User& u, int64_t requesting) {
  return is_support(u) || is_coordinator_of(u, requesting);
}

bool can_view_users_of(const User& u, int64_t org) { return is_support(u) || member_of(u, org); }
bool can_invite_users_to(const User& u, int64_t org) { return is_support(u) || is_coordinator_of(u, org); }
bool can_view_user(const User& a, const User& t) { return is_support(a) || member_of(a, t.organisation_id); }
bool can_edit_user_details(const User& a, const User& t) {
  if (is_support(a)) return true;
  if (a.active && a.id == t.id) return true;
  // Coordinators cannot edit support users, even in their own organisation.
  return is_coordinator_of(a, t.organisation_id) && t.role != Role::Support;
}
bool can_administer_user(const User& a, const User& t) {
  if (is_support(a)) return a.id != t.id;
  return is_coordinator_of(a, t.organisation_id) && a.id != t.id && t.role != Role::Support;
}
bool can_assign_role(const User& a, Role r) {
  if (is_support(a)) return true;
  return a.active && a.role == Role::Coordinator && r != Role::Support;
}
bool can_choose_user_organisation(const User& a) { return is_support(a); }

bool can_view_data_sharing_agreement(const User& u, int64_t org) { return can_view_organisation(u, org); }
bool can_accept_data_sharing_agreement(const User& u, const Organisation& org) {
  return u.active && u.is_dpo && u.organisation_id == org.id && !org.dsa_accepted;
}
bool organisation_can_create_logs(const Organisation& org) { return org.active && org.dsa_accepted; }

bool can_access_log(const User& u, const LogOwnership& log) {
  if (is_support(u)) return true;
  if (!u.active) return false;
  return log.owning_organisation_id == u.organisation_id || log.managing_organisation_id == u.organisation_id;
}

bool can_delete_log(const User& u, const LogOwnership& log, std::optional<int64_t> assigned_to_id) {
  if (!can_access_log(u, log)) return false;
  if (is_support(u) || u.role == Role::Coordinator) return true;
  return assigned_to_id && *assigned_to_id == u.id;
}

bool can_bulk_delete_logs(const User& u, bool filtered, bool only_assigned_to_user) {
  if (is_support(u)) return true;
  if (!u.active) return false;
  if (u.role == Role::Coordinator) return filtered;
  return only_assigned_to_user;
}

bool can_assign_logs(const User& u) { return u.active && (is_support(u) || u.role == Role::Coordinator); }

std::optional<DuplicateScope> duplicate_scope(const User& u, std::optional<int64_t> chosen) {
  if (is_support(u)) return chosen ? std::optional<DuplicateScope>(DuplicateScope{*chosen, std::nullopt}) : std::nullopt;
  if (!u.active) return std::nullopt;
  DuplicateScope s{u.organisation_id, std::nullopt};
  if (u.role != Role::Coordinator) s.assigned_to_id = u.id;
  return s;
}

bool can_choose_owning_organisation(const User& u, const Organisation& o, bool stock_owner_of_users_organisation) {
  if (!u.active || !o.active || !o.holds_own_stock) return false;
  return is_support(u) || o.id == u.organisation_id || stock_owner_of_users_organisation;
}

int64_t managing_choice_base(const User& u, std::optional<int64_t> owning) {
  if (is_support(u)) return owning.value_or(0);
  return u.organisation_id;
}

bool can_choose_managing_organisation(const User& u, const Organisation& o, int64_t base, bool managing_agent_of_base) {
  if (!u.active || !o.active || base == 0) return false;
  if (o.id == base) return !is_support(u) || o.holds_own_stock;
  return managing_agent_of_base;
}

bool can_choose_assigned_user(const User& u, const User& candidate, std::optional<int64_t> owning, std::optional<int64_t> managing) {
  if (!can_assign_logs(u) || !candidate.active) return false;
  if (is_support(u)) return (owning && candidate.organisation_id == *owning) || (managing && candidate.organisation_id == *managing);
  return candidate.organisation_id == u.organisation_id;
}

bool can_choose_scheme(int64_t owner, int64_t owning, const std::vector<int64_t>& owning_stock_owner_ids) {
  if (owning == 0) return false;
  if (owner == owning) return true;
  for (int64_t id : owning_stock_owner_ids)
    if (id == owner) return true;
  return false;
}

bool can_view_scheme(const User& u, int64_t owner, const std::vector<int64_t>& stock_owner_ids) {
  if (is_support(u)) return true;
  if (!u.active) return false;
  if (owner == u.organisation_id) return true;
  for (int64_t id : stock_owner_ids)
    if (id == owner) return true;
  return false;
}
bool can_manage_scheme(const User& u, int64_t owner) { return is_support(u) || is_coordinator_of(u, owner); }
bool can_create_schemes(const User& u) { return is_support(u) || (u.active && u.role == Role::Coordinator); }
bool can_download_schemes(const User& u) { return u.active; }

HomeScope home_scope(const User& u) {
  if (is_support(u)) return HomeScope::AllData;
  if (u.active && u.role == Role::Coordinator) return HomeScope::Organisation;
  return HomeScope::AssignedToUser;
}
bool home_counts_incomplete_schemes(const User& u) { return home_scope(u) != HomeScope::AssignedToUser; }

bool can_view_audit(const User& u) { return is_support(u); }

bool can_bulk_upload_for(const User& u, const Organisation& org) {
  if (!u.active || !organisation_can_create_logs(org)) return false;
  return is_support(u) || u.organisation_id == org.id;
}

bool chooses_upload_organisation(const User& u) { return is_support(u); }

bool can_view_bulk_upload(const User& u, int64_t upload_organisation_id, int64_t uploader_id) {
  if (!u.active) return false;
  return is_support(u) || u.id == uploader_id || is_coordinator_of(u, upload_organisation_id);
}

bool can_list_all_bulk_uploads(const User& u) { return is_support(u); }

bool can_download_codes(const User& u) { return is_support(u); }
bool sees_support_columns(const User& u) { return is_support(u); }
bool can_view_csv_download(const User& u, int64_t requester_organisation_id, int64_t requester_id, bool of_requester_organisation) {
  if (!u.active) return false;
  return is_support(u) || u.id == requester_id || (of_requester_organisation && is_coordinator_of(u, requester_organisation_id));
}

bool can_manage_api_tokens(const User& u, int64_t organisation_id) {
  if (!u.active) return false;
  if (is_support(u)) return true;
  return u.role == Role::Coordinator && u.organisation_id == organisation_id;
}

User api_user(int64_t organisation_id, const std::string& organisation_name, const std::string& token_name, bool organisation_active) {
  User u;
  u.id = 0;
  u.organisation_id = organisation_id;
  u.organisation_name = organisation_name;
  u.name = "API token \u201c" + token_name + "\u201d";
  u.role = Role::Coordinator;
  u.active = organisation_active;
  return u;
}

bool can_use_api(const User& u) { return u.id == 0 && u.active && u.role == Role::Coordinator; }

}  // namespace core::accounts::permissions
