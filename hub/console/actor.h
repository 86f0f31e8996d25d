#pragma once
// Who acts in the console: a user with a role, and through what. Every part of the console
// (accounts, drafts, publication, board, audit) authorizes and records by an Actor.

#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.h"

namespace alerthub::hub::console {

// kFacility (施設担当): a facility's own staff, who only say whether it is open, full or
// closed and how many it took in (FacilityDesk); never drafts or approves a notice.
enum class Role { kOperator, kApprover, kAdmin, kFacility };
std::string to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

// [a-z0-9._-]{1,64}: part of the document origin "console:<name>" and of audit entries.
bool valid_user_name(std::string_view name);

// Who acts, for authorization and the audit log. `via` says through what ("web
// 192.0.2.1", "hubctl").
struct Actor {
    std::string user;
    Role role = Role::kOperator;
    std::string via;
};

// The two-person rule's second person.
inline bool may_approve(Role r) {
    return r == Role::kApprover || r == Role::kAdmin;
}

// Who drafts notices: everyone but a facility's staff.
inline bool may_compose(Role r) {
    return r != Role::kFacility;
}

// The console's refusals; its HTTP edge answers them 422, 403 and 409.
inline Error invalid_request(std::string message) {
    return make_error(ErrorCode::kInvalidArgument, std::move(message));
}
inline Error denied(std::string message) {
    return make_error(ErrorCode::kPermissionDenied, std::move(message));
}
inline Error conflict(std::string message) {
    return make_error(ErrorCode::kAlreadyExists, std::move(message));
}

}  // namespace alerthub::hub::console
