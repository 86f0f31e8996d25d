#include "hub/console/actor.h"

#include <algorithm>

namespace alerthub::hub::console {

std::string to_string(Role role) {
    switch (role) {
        case Role::kOperator:
            return "operator";
        case Role::kApprover:
            return "approver";
        case Role::kAdmin:
            return "admin";
        case Role::kFacility:
            return "facility";
    }
    return "operator";
}

std::optional<Role> parse_role(std::string_view text) {
    if (text == "operator") return Role::kOperator;
    if (text == "approver") return Role::kApprover;
    if (text == "admin") return Role::kAdmin;
    if (text == "facility") return Role::kFacility;
    return std::nullopt;
}

bool valid_user_name(std::string_view name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    });
}

}  // namespace alerthub::hub::console
