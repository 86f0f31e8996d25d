// The player loop, headless on SDL's offscreen driver, against a FakeMessageBus and a
// FakeClock: what reaches the screen, the screenshot files, acks and status.
#include "signage_player/player_app.h"

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
        app_ = std::make_unique<PlayerApp>(config_, /*headless=*/true, bus_, clock_);
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

TEST_F(PlayerAppTest, NothingChangesNothingIsDrawn) {
    int frames = app_->frames();
    app_->run_once(0ms);
    app_->run_once(0ms);
    clock_.advance(20s);  // still 10:05
    app_->run_once(0ms);
    EXPECT_EQ(app_->frames(), frames);
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

TEST_F(PlayerAppTest, MostUrgentOfSeveralIsShown) {
    Alert advisory = alert("advisory", 1);
    advisory.level = 2;
    Alert order = alert("order", 1);
    order.level = 4;
    publish(advisory);
    publish(order);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().alert_id, "order");
    EXPECT_FALSE(app_->screen().others_line.empty());
    publish_raw("order", "");  // the hub cleared it
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().alert_id, "advisory");
}

TEST_F(PlayerAppTest, ShowsTheLevelOfItsOwnAreasNotTheAlertsHighest) {
    // An L-Alert order: level 5 for Shibaura, level 3 for Takanawa, where this screen is.
    Alert order = alert("order", 1, "131032/芝浦一丁目");
    order.level = 5;
    order.severity = Severity::kExtreme;
    order.areas[0].level = 5;
    order.areas.push_back({"town", "131032/高輪一丁目", "高輪一丁目", 3});
    app_.reset();
    config_.areas = {"131032/高輪一丁目"};
    launch();
    publish(order);
    app_->run_once(0ms);
    const Screen& s = app_->screen();
    EXPECT_EQ(s.alert_id, "order");
    EXPECT_EQ(s.level, "3");
    EXPECT_EQ(s.band, "警戒レベル3 / Level 3");
    EXPECT_EQ(s.layout, AlertLayout::kLShape);
    EXPECT_EQ(s.background, alert_palette(alert_for_areas(order, config_.areas)).background);

    // The same order seen from Shibaura: level 5, the whole screen.
    app_.reset();
    config_.areas = {"131032/芝浦一丁目"};
    launch();
    publish(order);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().level, "5");
    EXPECT_EQ(app_->screen().layout, AlertLayout::kTakeover);
}

TEST_F(PlayerAppTest, AcksWhileOfflineAreSentWhenTheBrokerIsBack) {
    bus_.set_connected(false);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().connection, "○ 未接続 / Offline");
    publish(alert("evac-1", 1));
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().alert_id, "evac-1");  // shown even though offline
    EXPECT_TRUE(acks().empty());
    bus_.set_connected(true);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().connection, "● 接続中 / Online");
    ASSERT_TRUE(wait_for([&] { return acks().size() == 1; }));
    ASSERT_TRUE(wait_for([&] { return last_status() && last_status()->showing.size() == 1; }));
}

TEST_F(PlayerAppTest, ShutdownPublishesTheOfflineStatus) {
    ASSERT_TRUE(wait_for([&] { return last_status().has_value(); }));
    app_->shutdown();
    ASSERT_TRUE(last_status().has_value());
    EXPECT_FALSE(last_status()->online);
}

TEST_F(PlayerAppTest, RebootWhileOfflineShowsTheLastKnownAlertUntilTheBrokerDropsIt) {
    app_.reset();
    config_.state_file = (dir_ / "state.json").string();
    launch();
    publish(alert("evac-1", 1));
    app_->run_once(0ms);
    ASSERT_EQ(app_->screen().alert_id, "evac-1");
    ASSERT_TRUE(std::filesystem::exists(dir_ / "state.json"));

    // Power cut; the box comes back while the network is still down.
    app_.reset();
    bus_.set_connected(false);
    launch();
    EXPECT_EQ(app_->screen().alert_id, "evac-1");
    EXPECT_EQ(app_->screen().connection, "○ 未接続 / Offline");

    // The network is back but the broker no longer holds the alert (cleared meanwhile).
    bus_.set_connected(true);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().alert_id, "evac-1");  // retained messages may still be coming
    clock_.advance(PlayerApp::kRestoredGrace);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);

    // And the state file no longer brings it back.
    app_.reset();
    bus_.set_connected(false);
    launch();
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);
}

TEST_F(PlayerAppTest, RestoredAlertConfirmedByTheBrokerStays) {
    app_.reset();
    config_.state_file = (dir_ / "state.json").string();
    launch();
    publish(alert("evac-1", 1));
    app_->run_once(0ms);
    app_.reset();
    launch();
    ASSERT_EQ(app_->screen().alert_id, "evac-1");
    publish(alert("evac-1", 1));  // the retained copy, same version
    app_->run_once(0ms);
    clock_.advance(PlayerApp::kRestoredGrace + 1s);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().alert_id, "evac-1");
}

TEST_F(PlayerAppTest, DamagedStateFileIsIgnored) {
    app_.reset();
    config_.state_file = (dir_ / "state.json").string();
    alerthub::testing::write_file(dir_ / "state.json", "{\"schema\":\"alerthub.player_state/1\",");
    launch();
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);
    publish(alert("evac-1", 1));
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().alert_id, "evac-1");
}

}  // namespace
}  // namespace alerthub::player
