// Publication: an approved draft's document, retried with the same bytes.

#include "hub/console/publication.h"

#include <gtest/gtest.h>

#include "core/base/time_format.h"

#include "tests/unit/hub/console/console_fixture.h"

namespace alerthub::hub::console {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::ConsoleFixture;
using testing::kApproverPassword;
using testing::kOperatorPassword;

class PublicationTest : public ConsoleFixture {
protected:
    void SetUp() override {
        ConsoleFixture::SetUp();
        open_service();
    }
};

TEST_F(PublicationTest, AFailedPublicationIsRetriedWithTheSameDocument) {
    auto id = draft(olive(), evac_order_request());
    fail_next_publish_ = true;
    auto first = drafts().approve(april(), id);
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(first.error().code, ErrorCode::kUnavailable);
    const std::string document = last_cap_;
    EXPECT_EQ(drafts().get(april(), id)->draft.state, DraftState::kApproved);
    auto second = drafts().approve(andy(), id);
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_EQ(last_cap_, document);
    EXPECT_EQ(second->state, DraftState::kPublished);
}

}  // namespace
}  // namespace alerthub::hub::console
