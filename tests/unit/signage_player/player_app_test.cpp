// The player loop, headless on SDL's offscreen driver, against a FakeMessageBus and a
// FakeClock: what reaches the screen, the screenshot files, acks and status. The rest of
// the player's logic runs on a NullRenderer in player_app_logic_test (player_logic_test).
#include "signage_player/player_app.h"
#include "signage_player/sdl_renderer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/base/time_format.h"
#include "core/protocol/messages.h"
#include "signage_player/alert_store.h"
#include "tests/unit/signage_player/player_app_fixture.h"

namespace alerthub::player {
namespace {

using namespace std::chrono_literals;
using alerthub::testing::wait_for;

class PlayerAppTest : public PlayerAppFixture {
protected:
    void launch() override {
        app_ = std::make_unique<PlayerApp>(config_, /*headless=*/true, bus_, clock_,
                                           SdlRenderer::make);
        start_app();
    }
    nlohmann::json latest() {
        return nlohmann::json::parse(
            alerthub::testing::read_file(dir_ / "screens" / "latest.json"));
    }
};

TEST_F(PlayerAppTest, StartsOnTheIdleScreenAndSubscribesToAlerts) {
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);
    EXPECT_EQ(app_->frames(), 1);
    // No content group configured: alerts and this device's commands only.
    EXPECT_EQ(bus_.subscriptions(), (std::vector<std::string>{"alerthub/v1/alerts/+",
                                                              "alerthub/v1/devices/lobby-1/cmd"}));
    auto j = latest();
    EXPECT_EQ(j["screen"], "idle");
    EXPECT_EQ(j["seq"], 1);
    EXPECT_TRUE(std::filesystem::exists(dir_ / "screens" / "screen-0001.png"));
    EXPECT_TRUE(std::filesystem::exists(dir_ / "screens" / "latest.png"));
    ASSERT_TRUE(wait_for([&] { return last_status().has_value(); }));
    EXPECT_TRUE(last_status()->online);
    EXPECT_TRUE(last_status()->showing.empty());
}

TEST_F(PlayerAppTest, ShowsAnAlertAndAcksItOnceAfterItWasPresented) {
    publish(alert("evac-1", 1));
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().kind, ScreenKind::kAlert);
    auto j = latest();
    EXPECT_EQ(j["screen"], "alert");
    EXPECT_EQ(j["alert_id"], "evac-1");
    EXPECT_EQ(j["version"], 1);
    EXPECT_EQ(j["seq"], 2);
    ASSERT_TRUE(wait_for([&] { return acks().size() == 1; }));
    EXPECT_EQ(acks()[0].alert_id, "evac-1");
    EXPECT_EQ(acks()[0].version, 1);
    EXPECT_EQ(acks()[0].displayed_at, kStart);
    ASSERT_TRUE(wait_for([&] { return last_status() && !last_status()->showing.empty(); }));
    EXPECT_EQ(last_status()->showing[0].alert_id, "evac-1");
    EXPECT_EQ(last_status()->last_frame, kStart);

    // The clock moves on: the screen is redrawn, but the version is not acked again.
    clock_.advance(60s);
    app_->run_once(0ms);
    EXPECT_EQ(app_->frames(), 3);
    EXPECT_EQ(latest()["seq"], 3);
    publish(alert("evac-1", 2));
    app_->run_once(0ms);
    ASSERT_TRUE(wait_for([&] { return acks().size() == 2; }));
    EXPECT_EQ(acks()[1].version, 2);
    EXPECT_EQ(acks().size(), 2u);
}

TEST_F(PlayerAppTest, MalformedPayloadNeitherCrashesNorBlanksTheScreen) {
    publish(alert("evac-1", 1));
    app_->run_once(0ms);
    int frames = app_->frames();
    publish_raw("evac-1", "{\"schema\":\"alerthub.alert/1\",\"id\":");
    publish_raw("evac-1", std::string("\0\xff", 2));
    publish_raw("other", "[1,2,3]");
    app_->run_once(0ms);
    EXPECT_EQ(app_->frames(), frames);
    EXPECT_EQ(app_->screen().alert_id, "evac-1");
    EXPECT_EQ(latest()["alert_id"], "evac-1");
}

TEST_F(PlayerAppTest, CancelReturnsToIdleAndAnotherAreaNeverShows) {
    publish(alert("chiyoda-1", 1, "131016"));
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);

    publish(alert("evac-1", 1));
    app_->run_once(0ms);
    ASSERT_EQ(app_->screen().alert_id, "evac-1");
    Alert cancel = alert("evac-1", 2);
    cancel.state = AlertState::kCancelled;
    cancel.msg_type = MsgType::kCancel;
    publish(cancel);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);
    EXPECT_EQ(latest()["screen"], "idle");
    ASSERT_TRUE(wait_for(
        [&] { return last_status() && last_status()->showing.empty() && acks().size() == 1; }));
    for (auto& a : acks()) EXPECT_NE(a.alert_id, "chiyoda-1");
}

}  // namespace
}  // namespace alerthub::player
