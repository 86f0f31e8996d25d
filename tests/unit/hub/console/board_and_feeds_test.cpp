// The live board and the output feed over the journal's read model.

#include "hub/console/board_and_feeds.h"

#include <gtest/gtest.h>

#include "tests/unit/hub/console/console_fixture.h"

namespace alerthub::hub::console {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::ConsoleFixture;

class BoardAndFeedsTest : public ConsoleFixture {
protected:
    void SetUp() override {
        ConsoleFixture::SetUp();
        open_service();
    }
};

TEST_F(BoardAndFeedsTest, BoardAndFeedShowThePublishedNotice) {
    auto id = draft(olive(), evac_order_request());
    auto done = drafts().approve(april(), id);
    ASSERT_TRUE(done.ok());
    const std::string alert_id = done->alert_id;
    DisplayAck ack;
    ack.device_id = "shiba-lobby-1";
    ack.alert_id = alert_id;
    ack.version = 1;
    ack.displayed_at = clock_.now();
    ASSERT_TRUE(journal_->record_display_ack(ack).ok());
    auto board = service_->board().board(olive());
    ASSERT_TRUE(board.ok()) << board.error().message;
    ASSERT_EQ(board->alerts.size(), 1u);
    EXPECT_EQ(board->alerts[0].acks.at("shiba-lobby-1").version, 1);
    // The rest as the API shows it.
    const auto shown = board_json(*board);
    const auto& a = shown["alerts"][0];
    EXPECT_EQ(a["id"], alert_id);
    EXPECT_EQ(a["state"], "active");
    EXPECT_EQ(a["version"], 1);
    EXPECT_EQ(a["staff"], true);
    EXPECT_EQ(a["acks"]["shiba-lobby-1"]["version"], 1);
    EXPECT_EQ(shown["feeds"][0]["source"], "console");
    EXPECT_EQ(shown["pending_drafts"], 0);

    auto feed = service_->feed().atom();
    ASSERT_TRUE(feed.ok());
    EXPECT_NE(feed->find(alert_id), std::string::npos);
    EXPECT_NE(feed->find("避難指示"), std::string::npos);
    auto cap = service_->feed().cap_document(alert_id);
    ASSERT_TRUE(cap.ok());
    EXPECT_NE(cap->find("<msgType>Alert</msgType>"), std::string::npos);
    EXPECT_EQ(service_->feed().cap_document("staff-unknown").error().code, ErrorCode::kNotFound);
}

// Issue 13: the board says what ended and why, and whose clock is off.
TEST_F(BoardAndFeedsTest, TheBoardShowsWhatEndedAndWhyAndFlagsClockSkew) {
    auto request = evac_order_request();
    request.expires_hours = 1;
    auto done = drafts().approve(april(), draft(olive(), request));
    ASSERT_TRUE(done.ok());
    clock_.advance(std::chrono::hours(1));
    auto expired = journal_->expire_due();
    ASSERT_TRUE(expired.ok() && expired->size() == 1u);
    ASSERT_TRUE(journal_->record_clock_offset("device:shiba-lobby-1", clock_.now() + 45s).ok());
    ASSERT_TRUE(journal_->record_clock_offset("channel:line", clock_.now() - 2s).ok());

    auto board = service_->board().board(olive());
    ASSERT_TRUE(board.ok()) << board.error().message;
    ASSERT_EQ(board->alerts.size(), 1u);
    const auto shown = board_json(*board);
    const auto& a = shown["alerts"][0];
    EXPECT_EQ(a["state"], "expired");
    EXPECT_EQ(a["version"], 2);
    EXPECT_EQ(a["prefix"], "【終了】");
    EXPECT_TRUE(a["why"].get<std::string>().starts_with("expired: its end ")) << a["why"];
    ASSERT_EQ(shown["clocks"].size(), 2u);
    EXPECT_EQ(shown["clocks"][0]["peer"], "channel:line");
    EXPECT_EQ(shown["clocks"][0]["offset_s"], -2);
    EXPECT_EQ(shown["clocks"][0]["skewed"], false);
    EXPECT_EQ(shown["clocks"][1]["peer"], "device:shiba-lobby-1");
    EXPECT_EQ(shown["clocks"][1]["offset_s"], 45);
    EXPECT_EQ(shown["clocks"][1]["skewed"], true);
}

}  // namespace
}  // namespace alerthub::hub::console
