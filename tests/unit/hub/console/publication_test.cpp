// Publication: an approved draft's document, retried with the same bytes.

#include "hub/console/publication.h"

#include <gtest/gtest.h>

#include "tests/unit/hub/console/console_fixture.h"

namespace alerthub::hub::console {
namespace {

using testing::ConsoleFixture;

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

TEST(AlertOfTest, TheDraftsContentAsTheDocumentWillCarryIt) {
    const NoticeTemplate* t = find_template("evac_order");
    ASSERT_NE(t, nullptr);
    DraftContent content;
    content.template_id = t->id;
    content.status = "exercise";
    content.expires_hours = 3;
    content.headline = {{"ja", "避難指示"}, {"en", ""}};
    content.link = "https://example.org/";
    const WallTime sent =
        std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    Alert a = alert_of(content, *t, sent);
    EXPECT_EQ(a.status, AlertStatus::kExercise);
    EXPECT_EQ(a.source.kind, SourceKind::kStaff);
    EXPECT_EQ(a.event_code, "alerthub:evac_order");
    EXPECT_EQ(a.level, t->level);
    ASSERT_TRUE(a.expires);
    EXPECT_EQ(*a.expires - sent, std::chrono::hours(3));
    EXPECT_EQ(a.headline, (LocalizedText{{"ja", "避難指示"}})) << "empty texts are left out";
    // No block chosen: the whole ward.
    ASSERT_EQ(a.areas.size(), 1u);
    EXPECT_EQ(a.areas[0].scheme, "jisx0402");
    ASSERT_EQ(a.links.size(), 1u);

    content.areas = {{"shibaura-1", "芝浦一丁目"}};
    content.expires_hours = 0;
    a = alert_of(content, *t, sent);
    ASSERT_EQ(a.areas.size(), 1u);
    EXPECT_EQ(a.areas[0].code, "shibaura-1");
    EXPECT_FALSE(a.expires);
}

}  // namespace
}  // namespace alerthub::hub::console
