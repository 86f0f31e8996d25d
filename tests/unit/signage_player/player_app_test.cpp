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
#include "tests/support/fake_clock.h"
#include "tests/support/fake_message_bus.h"
#include "tests/support/test_support.h"

namespace alerthub::player {
namespace {

using namespace std::chrono_literals;
using alerthub::testing::FakeMessageBus;
using alerthub::testing::TempDir;
using alerthub::testing::wait_for;

const WallTime kStart = parse_rfc3339("2026-11-23T10:05:10+09:00").value();

class PlayerAppTest : public ::testing::Test {
protected:
    void SetUp() override {
        config_.device_id = "lobby-1";
        config_.mqtt.settings.client_id = "player-lobby-1";
        config_.display.width = 640;
        config_.display.height = 360;
        config_.display.fullscreen = false;
        config_.screenshot_dir = (dir_ / "screens").string();
        launch();
    }
    void launch() {
        app_ = std::make_unique<PlayerApp>(config_, /*headless=*/true, bus_, clock_,
                                           SdlRenderer::make);
        auto started = app_->start();
        ASSERT_TRUE(started.ok()) << started.error().message;
        app_->run_once(0ms);
    }
    void TearDown() override { app_.reset(); }

    Alert alert(std::string id, std::int64_t version, std::string area = "131032") {
        Alert a;
        a.id = std::move(id);
        a.version = version;
        a.level = 3;
        a.source.sender = "minato";
        a.source.identifier = a.id;
        a.source.sent = kStart;
        a.headline = {{"ja", "高齢者等避難"}, {"en", "Elderly: evacuate"}};
        a.areas.push_back({"jisx0402", std::move(area), ""});
        return a;
    }
    void publish(const Alert& a) { publish_raw(a.id, encode_alert(a)); }
    void publish_raw(const std::string& id, std::string payload) {
        bus_.deliver({config_.mqtt.topics.alert(id), std::move(payload), true});
    }
    nlohmann::json latest() {
        return nlohmann::json::parse(
            alerthub::testing::read_file(dir_ / "screens" / "latest.json"));
    }
    std::vector<DisplayAck> acks() const {
        std::vector<DisplayAck> out;
        for (auto& m : bus_.published())
            if (m.topic == config_.mqtt.topics.device_ack("lobby-1"))
                out.push_back(decode_display_ack(m.payload).value());
        return out;
    }
    std::optional<DeviceStatus> last_status() const {
        std::optional<DeviceStatus> out;
        for (auto& m : bus_.published())
            if (m.topic == config_.mqtt.topics.device_status("lobby-1") && m.retained)
                out = decode_device_status(m.payload).value();
        return out;
    }

    TempDir dir_;
    PlayerConfig config_;
    FakeMessageBus bus_;
    FakeClock clock_{kStart};
    std::unique_ptr<PlayerApp> app_;
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
