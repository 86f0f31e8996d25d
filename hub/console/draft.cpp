#include "hub/console/draft.h"

#include <array>
#include <utility>

namespace alerthub::hub::console {
namespace {

constexpr std::array<std::pair<DraftState, std::string_view>, 6> kStates = {{
    {DraftState::kPending, "pending"},
    {DraftState::kApproved, "approved"},
    {DraftState::kPublished, "published"},
    {DraftState::kRejected, "rejected"},
    {DraftState::kWithdrawn, "withdrawn"},
    {DraftState::kFailed, "failed"},
}};

constexpr std::array<std::pair<DraftAction, std::string_view>, 3> kActions = {{
    {DraftAction::kIssue, "issue"},
    {DraftAction::kUpdate, "update"},
    {DraftAction::kCancel, "cancel"},
}};

template <typename E, std::size_t N>
std::string name_of(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
    for (const auto& [v, name] : names)
        if (v == value) return std::string(name);
    return std::string(names.front().second);
}

template <typename E, std::size_t N>
std::optional<E> value_of(const std::array<std::pair<E, std::string_view>, N>& names,
                          std::string_view text) {
    for (const auto& [v, name] : names)
        if (name == text) return v;
    return std::nullopt;
}

}  // namespace

std::string to_string(DraftState state) {
    return name_of(kStates, state);
}

std::optional<DraftState> parse_draft_state(std::string_view text) {
    return value_of(kStates, text);
}

std::string to_string(DraftAction action) {
    return name_of(kActions, action);
}

std::optional<DraftAction> parse_draft_action(std::string_view text) {
    return value_of(kActions, text);
}

bool DraftChanges::any() const {
    return template_before != template_after || level_before != level_after ||
           whole_ward_before != whole_ward_after || !areas_added.empty() ||
           !areas_removed.empty() || hazard_before != hazard_after || !shelters_added.empty() ||
           !shelters_removed.empty() || link_before != link_after ||
           expires_hours_before != expires_hours_after || !texts_changed.empty();
}

}  // namespace alerthub::hub::console
