// The draft's enums: one spelling each, stored and on the wire, read back as written.

#include "hub/console/draft.h"

#include <gtest/gtest.h>

namespace alerthub::hub::console {
namespace {

TEST(DraftStateTest, EveryStateReadsBackAsWritten) {
    for (auto state : {DraftState::kPending, DraftState::kApproved, DraftState::kPublished,
                       DraftState::kRejected, DraftState::kWithdrawn, DraftState::kFailed})
        EXPECT_EQ(parse_draft_state(to_string(state)), state) << to_string(state);
    // The spellings the journal file and the web console already hold.
    EXPECT_EQ(to_string(DraftState::kPending), "pending");
    EXPECT_EQ(to_string(DraftState::kWithdrawn), "withdrawn");
    EXPECT_EQ(parse_draft_state("Pending"), std::nullopt);
    EXPECT_EQ(parse_draft_state(""), std::nullopt);
}

TEST(DraftActionTest, EveryActionReadsBackAsWritten) {
    for (auto action : {DraftAction::kIssue, DraftAction::kUpdate, DraftAction::kCancel})
        EXPECT_EQ(parse_draft_action(to_string(action)), action) << to_string(action);
    EXPECT_EQ(to_string(DraftAction::kCancel), "cancel");
    EXPECT_EQ(parse_draft_action("delete"), std::nullopt);
}

}  // namespace
}  // namespace alerthub::hub::console
