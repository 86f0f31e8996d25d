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

TEST_F(BoardAndFeedsTest, OnlyTargetedScreensCountMostUrgentFirstEndedAlertsFlagNone) {
    auto screen = [&](std::string id, std::vector<std::string> areas,
                      std::vector<ShownAlert> showing = {}) {
        DeviceStatus s;
        s.device_id = std::move(id);
        s.online = true;
        s.areas = std::move(areas);
        s.showing = std::move(showing);
        s.updated = clock_.now();
        ASSERT_TRUE(journal_->record_device_status(s).ok());
    };
    screen("shibaura-lobby", {"shibaura-1"});
    screen("daiba-lobby", {"daiba-1"});
    screen("old-lobby", {});  // an older player: counts for every alert
    auto order = drafts().approve(april(), draft(olive(), evac_order_request()));
    ASSERT_TRUE(order.ok());
    const std::string order_id = order->alert_id;
    DisplayAck ack;
    ack.device_id = "shibaura-lobby";
    ack.alert_id = order_id;
    ack.version = 1;
    ack.displayed_at = clock_.now();
    ASSERT_TRUE(journal_->record_display_ack(ack).ok());
    clock_.advance(std::chrono::seconds(60));
    DraftRequest level5;
    level5.template_id = "emergency_safety";
    level5.areas = {"daiba-1"};
    auto urgent = drafts().approve(april(), draft(olive(), level5));
    ASSERT_TRUE(urgent.ok());

    auto board = service_->board().board(olive());
    ASSERT_TRUE(board.ok());
    ASSERT_EQ(board->alerts.size(), 2u);
    EXPECT_EQ(board->alerts[0].id, urgent->alert_id) << "レベル5 before レベル4";
    EXPECT_EQ(board->alerts[0].event_name, "緊急安全確保");
    const ScreensSummary& s = board->alerts[1].screens;
    EXPECT_EQ(s.known, 3u);
    EXPECT_EQ(s.total, 2u) << "the screen in 台場 is not one of the order's";
    EXPECT_EQ(s.latest, 1);
    ASSERT_EQ(s.not_latest.size(), 1u);
    EXPECT_EQ(s.not_latest[0].device_id, "old-lobby");

    // Lifted: the screens that no longer show it are not behind; one still showing it is.
    auto cancel = draft(olive(), cancel_request(order_id, "解除"));
    ASSERT_TRUE(drafts().approve(april(), cancel).ok());
    screen("old-lobby", {}, {{order_id, 1}});
    board = service_->board().board(olive());
    ASSERT_TRUE(board.ok());
    EXPECT_EQ(board->alerts[1].id, order_id) << "an ended alert after one in force";
    EXPECT_TRUE(board->alerts[1].screens.ended);
    ASSERT_EQ(board->alerts[1].screens.not_latest.size(), 1u);
    EXPECT_EQ(board->alerts[1].screens.not_latest[0].device_id, "old-lobby");
}

}  // namespace
}  // namespace alerthub::hub::console
