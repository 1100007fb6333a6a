// Every access decision in the service is made here, from the user's role and organisation and
// the relationships between organisations. Handlers ask; they never decide for themselves.
//
// Roles: support users may do everything. Coordinators manage their own organisation's users,
// details and relationships. Providers see their own account and their organisation's users.
// Logs: a non-support user reaches a log only when its owning or managing organisation is theirs.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "accounts/model.h"

namespace core::accounts::permissions {

bool is_support(const User& u);

// Organisations
bool can_list_organisations(const User& u);
bool can_create_organisation(const User& u);
bool can_view_organisation(const User& u, int64_t organisation_id);
bool can_edit_organisation(const User& u, int64_t organisation_id);
// Type, regulator number, holding stock, stock counts and the active flag: support only.
bool can_edit_organisation_admin_fields(const User& u);
// Listing, adding and removing an organisation's stock owners and managing agents. A relationship a
// coordinator adds is only a request until the other organisation accepts it.
bool can_manage_relationships(const User& u, int64_t organisation_id);
// Whether a relationship this user adds is in force at once: support, who may accept any request
// anyway. Anyone else's addition waits for the other organisation.
bool adds_relationships_in_force(const User& u);
// Accepting or declining a request: support, or a coordinator of the organisation that did not ask.
bool can_answer_relationship_request(const User& u, int64_t answering_organisation_id);
// Cancelling a request: support, or a coordinator of the organisation that asked.
bool can_cancel_relationship_request(const User& u, int64_t requesting_organisation_id);

// Users
bool can_view_users_of(const User& u, int64_t organisation_id);
bool can_invite_users_to(const User& u, int64_t organisation_id);
bool can_view_user(const User& actor, const User& target);
// Name, email and phone.
bool can_edit_user_details(const User& actor, const User& target);
// Role, DPO and key contact flags, deactivate and reactivate, resend the invitation.
bool can_administer_user(const User& actor, const User& target);
bool can_assign_role(const User& actor, Role role);
// Which organisation a new user may be put in: support anywhere, coordinators their own.
bool can_choose_user_organisation(const User& actor);

// API tokens (issue 14): support for any organisation, coordinators for their own. A token acts as
// its organisation with a coordinator's rights (api_user()).
bool can_manage_api_tokens(const User& u, int64_t organisation_id);
// The user an API token acts as: a coordinator of its organisation who is no person (id 0: the logs
// it writes name no creator, and its requests are recorded against the token).
// A token of a deactivated organisation gives an inactive user, whom can_use_api refuses.
User api_user(int64_t organisation_id, const std::string& organisation_name, const std::string& token_name, bool organisation_active);
// Whether a token's user may make requests at all (its organisation is active).
bool can_use_api(const User& token_user);

// Data sharing agreement
bool can_view_data_sharing_agreement(const User& u, int64_t organisation_id);
bool can_accept_data_sharing_agreement(const User& u, const Organisation& org);
// An organisation cannot create logs until its data sharing agreement is accepted.
bool organisation_can_create_logs(const Organisation& org);

// Logs (used from the lettings and sales issues)
struct LogOwnership {
  int64_t owning_organisation_id = 0;
  int64_t managing_organisation_id = 0;
};
bool can_access_log(const User& u, const LogOwnership& log);
// Deleting a log (while its collection is open for new logs, which the caller checks): support any,
// coordinators any they can reach, providers only logs assigned to them.
bool can_delete_log(const User& u, const LogOwnership& log, std::optional<int64_t> assigned_to_id);
// "Delete logs" on the list: support always; coordinators on a filtered or searched list;
// providers only when the list shows just the logs assigned to them.
bool can_bulk_delete_logs(const User& u, bool filtered, bool only_assigned_to_user);
// Choosing who a log is assigned to: coordinators and support.
bool can_assign_logs(const User& u);
// Duplicate logs (ADR 0013): whose sets a user is shown on /duplicate-logs and in the log lists'
// banner. Providers: the sets that hold a log assigned to them, among their organisation's logs;
// coordinators: the sets among the logs their organisation owns or manages; support: those of the
// organisation they choose (nothing until they choose one). A set's logs are listed only as far as
// can_access_log allows.
struct DuplicateScope {
  int64_t organisation_id = 0;
  std::optional<int64_t> assigned_to_id;
};
std::optional<DuplicateScope> duplicate_scope(const User& u, std::optional<int64_t> chosen_organisation_id);

// The setup answers of a log that name live records. The log pages offer exactly the candidates these
// accept (logs/options.cpp), and a posted answer is accepted only if it is among them, so a choice
// the page would not have offered is never stored.
// Owning organisation (stock owner): an active organisation that holds its own stock and is, for
// support, any; for others, their own organisation or one of its stock owners.
bool can_choose_owning_organisation(const User& u, const Organisation& candidate, bool stock_owner_of_users_organisation);
// Managing organisation: an active organisation that is the base organisation (support: the log's
// owning organisation, which must hold stock; others: their own) or one of the base's managing agents.
bool can_choose_managing_organisation(const User& u, const Organisation& candidate, int64_t base_organisation_id,
                                      bool managing_agent_of_base);
// The organisation whose managing agents a user picks from: support the log's owning one, others their own.
int64_t managing_choice_base(const User& u, std::optional<int64_t> owning_organisation_id);
// Assigned user: an active user, of the user's own organisation (coordinators), or of the log's owning
// or managing organisation (support). Providers choose nobody.
bool can_choose_assigned_user(const User& u, const User& candidate, std::optional<int64_t> owning_organisation_id,
                              std::optional<int64_t> managing_organisation_id);
// Scheme: one owned by the log's owning organisation or by one of that organisation's stock owners.
bool can_choose_scheme(int64_t scheme_owner_id, int64_t owning_organisation_id, const std::vector<int64_t>& owning_stock_owner_ids);

// Schemes and locations. `stock_owner_ids` are the stock owners of the user's organisation:
// a managing agent sees and uses its stock owners' schemes.
bool can_view_scheme(const User& u, int64_t owning_organisation_id, const std::vector<int64_t>& stock_owner_ids);
bool can_manage_scheme(const User& u, int64_t owning_organisation_id);
bool can_create_schemes(const User& u);
bool can_download_schemes(const User& u);

// The home page: whose logs it counts (support: every organisation's; coordinators: their
// organisation's, as their log list shows them; providers: only the logs assigned to them), and
// whether it counts incomplete schemes (coordinators and support, who complete them).
enum class HomeScope { AllData, Organisation, AssignedToUser };
HomeScope home_scope(const User& u);
bool home_counts_incomplete_schemes(const User& u);

// Audit trail
bool can_view_audit(const User& u);

// Bulk upload: anyone may upload for their own organisation (once it can create logs), support for
// any; an upload's results are the uploader's, their organisation's coordinators' and support's;
// the list of uploads shows support everything, others their organisation's.
bool can_bulk_upload_for(const User& u, const Organisation& org);
// Whether the user chooses the organisation an upload is for (support), rather than it being theirs.
bool chooses_upload_organisation(const User& u);
bool can_view_bulk_upload(const User& u, int64_t upload_organisation_id, int64_t uploader_id);
bool can_list_all_bulk_uploads(const User& u);

// CSV downloads of logs: anyone may download the logs their list shows, with labels; only support
// may have codes instead and the support-only columns. A big download's link opens for the person
// who asked and support, and for the coordinators of the requester's organisation only when the
// download holds no more than that organisation's logs (`of_requester_organisation`): a support
// user's download of every organisation is not their colleagues' to open.
bool can_download_codes(const User& u);
bool sees_support_columns(const User& u);
bool can_view_csv_download(const User& u, int64_t requester_organisation_id, int64_t requester_id, bool of_requester_organisation);

}  // namespace core::accounts::permissions
