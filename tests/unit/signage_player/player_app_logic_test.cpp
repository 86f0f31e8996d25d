// The player's logic on a NullRenderer: no SDL, no fonts, no display. What reaches the
// screen and when, acks, status, the state file and the window's events. The same loop on
// the real SDL renderer, headless with its PNG and JSON output, is player_app_test
// (player_sdl_test).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/base/time_format.h"
#include "core/protocol/messages.h"
#include "signage_player/alert_store.h"
#include "signage_player/null_renderer.h"
#include "signage_player/player_app.h"
#include "signage_player/screen.h"
#include "tests/unit/signage_player/player_app_fixture.h"

namespace alerthub::player {
namespace {

using namespace std::chrono_literals;
using alerthub::testing::wait_for;

bool frame_says(const Frame& frame, std::string_view text) {
    return std::any_of(frame.texts.begin(), frame.texts.end(),
                       [&](const FrameText& t) { return t.text.find(text) != std::string::npos; });
}

class PlayerLogicTest : public PlayerAppFixture {
protected:
    void launch() override {
        app_ = std::make_unique<PlayerApp>(
            config_, /*headless=*/false, bus_, clock_,
            [this](const RendererOptions& options) -> Result<std::unique_ptr<Renderer>> {
                options_ = options;
                auto r = std::make_unique<NullRenderer>(options);
                renderer_ = r.get();
                return std::unique_ptr<Renderer>(std::move(r));
            });
        start_app();
    }

    NullRenderer* renderer_ = nullptr;  // owned by app_
    RendererOptions options_;
};

TEST_F(PlayerLogicTest, TheRendererIsMadeFromTheDisplaySettingsAndDrawsTheIdleScreen) {
    EXPECT_EQ(options_.width, 640);
    EXPECT_EQ(options_.height, 360);
    EXPECT_FALSE(options_.fullscreen);
    EXPECT_FALSE(options_.offscreen);  // only headless asks for the offscreen driver
    ASSERT_EQ(renderer_->frames().size(), 1u);
    EXPECT_EQ(renderer_->presented(), 1);
    EXPECT_EQ(renderer_->frames()[0].width, 640);
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);
    EXPECT_EQ(app_->frames(), 1);
    // Not headless: no files.
    EXPECT_FALSE(std::filesystem::exists(dir_ / "screens" / "latest.json"));
}

TEST_F(PlayerLogicTest, AnAlertIsDrawnPresentedAndAckedOnceThenCancelled) {
    publish(alert("evac-1", 1));
    EXPECT_GE(renderer_->wakes(), 1);  // the bus's thread woke the loop through the renderer
    app_->run_once(0ms);
    ASSERT_EQ(renderer_->frames().size(), 2u);
    EXPECT_TRUE(frame_says(renderer_->frames().back(), "警戒レベル3"));
    EXPECT_TRUE(frame_says(renderer_->frames().back(), "高齢者等避難"));  // Japanese first
    EXPECT_EQ(app_->screen().alert_id, "evac-1");
    ASSERT_TRUE(wait_for([&] { return acks().size() == 1; }));
    EXPECT_EQ(acks()[0].displayed_at, kStart);

    clock_.advance(60s);  // the clock's minute: drawn again, not acked again
    app_->run_once(0ms);
    EXPECT_EQ(renderer_->frames().size(), 3u);

    Alert cancel = alert("evac-1", 2);
    cancel.state = AlertState::kCancelled;
    cancel.msg_type = MsgType::kCancel;
    publish(cancel);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);
    ASSERT_TRUE(wait_for([&] { return last_status() && last_status()->showing.empty(); }));
    EXPECT_EQ(acks().size(), 1u);
}

TEST_F(PlayerLogicTest, NothingChangesNothingIsDrawnUntilTheWindowAsks) {
    app_->run_once(0ms);
    clock_.advance(20s);  // still 10:05
    app_->run_once(0ms);
    EXPECT_EQ(renderer_->frames().size(), 1u);

    // Exposed or resized: drawn again, at the new size.
    renderer_->resize(800, 480);
    renderer_->queue_events({.closed = false, .redraw = true});
    app_->run_once(0ms);
    ASSERT_EQ(renderer_->frames().size(), 2u);
    EXPECT_EQ(renderer_->frames().back().width, 800);
    EXPECT_EQ(renderer_->frames().back().height, 480);
}

TEST_F(PlayerLogicTest, ClosingTheWindowEndsTheLoop) {
    renderer_->queue_events({.closed = true, .redraw = false});
    EXPECT_FALSE(app_->run_once(0ms));
    EXPECT_FALSE(app_->run_once(0ms));
}

TEST_F(PlayerLogicTest, StatusSaysWhatIsShownAndShutdownSaysOffline) {
    publish(alert("evac-1", 1));
    app_->run_once(0ms);
    ASSERT_TRUE(wait_for([&] { return last_status() && last_status()->showing.size() == 1; }));
    EXPECT_TRUE(last_status()->online);
    EXPECT_EQ(last_status()->showing[0].alert_id, "evac-1");
    EXPECT_EQ(last_status()->last_frame, kStart);
    app_->shutdown();
    EXPECT_FALSE(last_status()->online);
}

TEST_F(PlayerLogicTest, TheStateFileBringsTheLastAlertBackWhileOfflineWithTheStaleNote) {
    app_.reset();
    config_.state_file = (dir_ / "state.json").string();
    launch();
    publish(alert("evac-1", 1));
    app_->run_once(0ms);
    ASSERT_TRUE(std::filesystem::exists(dir_ / "state.json"));

    app_.reset();
    bus_.set_connected(false);
    launch();
    EXPECT_EQ(app_->screen().alert_id, "evac-1");
    EXPECT_EQ(app_->screen().stale_note, "最終更新 10:05 / Last updated 10:05");
    EXPECT_TRUE(frame_says(renderer_->frames().back(), "Last updated 10:05"));

    // Back online, but the broker no longer has it: dropped after the grace period.
    bus_.set_connected(true);
    app_->run_once(0ms);
    clock_.advance(PlayerApp::kRestoredGrace);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);
}

TEST_F(PlayerLogicTest, NothingChangesNothingIsDrawn) {
    int frames = app_->frames();
    app_->run_once(0ms);
    app_->run_once(0ms);
    clock_.advance(20s);  // still 10:05
    app_->run_once(0ms);
    EXPECT_EQ(app_->frames(), frames);
}

TEST_F(PlayerLogicTest, MostUrgentOfSeveralIsShown) {
    Alert advisory = alert("advisory", 1);
    advisory.level = 2;
    Alert order = alert("order", 1);
    order.level = 4;
    publish(advisory);
    publish(order);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().alert_id, "order");
    EXPECT_FALSE(app_->screen().others_line.empty());
    Alert cancel = alert("order", 2);
    cancel.state = AlertState::kCancelled;
    publish(cancel);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().alert_id, "advisory");
}

TEST_F(PlayerLogicTest, UnsignedForgedAndClearedMessagesChangeNothingAndAreCounted) {
    publish(alert("order", 1));
    app_->run_once(0ms);
    ASSERT_EQ(app_->screen().alert_id, "order");

    Alert fake = alert("fake", 1);
    fake.level = 5;
    publish_raw("fake", encode_alert(fake));  // unsigned
    auto forged = sign_payload(encode_alert(fake), generate_signing_key("test-key"));
    ASSERT_TRUE(forged.ok());
    publish_raw("fake", *forged);              // the right key id, someone else's key
    Alert jammed = alert("order", 1LL << 53);  // the real alert's id, a version from the future
    publish_raw("order", encode_alert(jammed));
    publish_raw("order", "");  // a cleared topic cannot take down an alert in force
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().alert_id, "order");
    EXPECT_EQ(app_->screen().version, 1);

    ASSERT_TRUE(wait_for([&] { return last_status() && last_status()->refused_messages == 4; }));
    auto status = last_status();
    EXPECT_NE(status->last_refusal.find("cleared topic"), std::string::npos);
    ASSERT_FALSE(status->warnings.empty());
    EXPECT_NE(status->warnings.back().find("4 messages refused"), std::string::npos);

    // The hub's own cancel still ends it.
    Alert cancel = alert("order", 2);
    cancel.state = AlertState::kCancelled;
    publish(cancel);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);
}

TEST_F(PlayerLogicTest, AReplayedOlderSignedVersionCannotRollBackACancel) {
    Alert v1 = alert("order", 1);
    auto v1_signed = alerthub::testing::hub_signed(encode_alert(v1));
    publish_raw("order", v1_signed);
    app_->run_once(0ms);
    ASSERT_EQ(app_->screen().alert_id, "order");
    Alert cancel = alert("order", 2);
    cancel.state = AlertState::kCancelled;
    publish(cancel);
    app_->run_once(0ms);
    ASSERT_EQ(app_->screen().kind, ScreenKind::kIdle);
    publish_raw("order", v1_signed);  // the real, signed version 1, recorded and replayed
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);
    // Signed for another alert's topic: refused, so it cannot displace what that topic holds.
    publish_raw("other", v1_signed);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);
    EXPECT_TRUE(wait_for([&] { return last_status() && last_status()->refused_messages == 1; }));
}

TEST_F(PlayerLogicTest, AfterARestartACancelledAlertStillKeepsItsOlderVersionOut) {
    app_.reset();
    config_.state_file = (dir_ / "state.json").string();
    launch();
    auto v1_signed = alerthub::testing::hub_signed(encode_alert(alert("order", 1)));
    publish_raw("order", v1_signed);
    Alert cancel = alert("order", 2);
    cancel.state = AlertState::kCancelled;
    publish(cancel);
    app_->run_once(0ms);
    ASSERT_EQ(app_->screen().kind, ScreenKind::kIdle);

    // Restarted; the broker no longer retains the alert (someone cleared it), then the
    // recorded version 1 is replayed.
    app_.reset();
    launch();
    clock_.advance(PlayerApp::kRestoredGrace + 1s);
    app_->run_once(0ms);
    publish_raw("order", v1_signed);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);
}

TEST_F(PlayerLogicTest, AStateFileShowsOnlyWhatTheHubSigned) {
    app_.reset();
    config_.state_file = (dir_ / "state.json").string();
    Alert fake = alert("fake", 1);
    fake.level = 5;
    Alert real = alert("real", 1);
    auto real_signed = nlohmann::json::parse(alerthub::testing::hub_signed(encode_alert(real)));
    real_signed["version"] = 1LL << 53;  // jammed after signing
    nlohmann::json state = {{"schema", "alerthub.player_state/1"},
                            {"saved_at", "2026-11-23T10:05:00+09:00"},
                            {"confirmed_at", nullptr},
                            {"alerts", {nlohmann::json::parse(encode_alert(fake)), real_signed}}};
    alerthub::testing::write_file(dir_ / "state.json", state.dump());
    bus_.set_connected(false);
    launch();
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);
    bus_.set_connected(true);
    app_->run_once(0ms);
    ASSERT_TRUE(wait_for([&] { return last_status() && last_status()->refused_messages == 2; }));
    EXPECT_NE(last_status()->last_refusal.find("state.json"), std::string::npos);
}

TEST_F(PlayerLogicTest, ShowsTheLevelOfItsOwnAreasNotTheAlertsHighest) {
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
    EXPECT_EQ(
        s.background,
        alert_palette(alert_for_areas(order, ConfiguredAreas(config_.areas, nullptr))).background);

    // The same order seen from Shibaura: level 5, the whole screen.
    app_.reset();
    config_.areas = {"131032/芝浦一丁目"};
    launch();
    publish(order);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().level, "5");
    EXPECT_EQ(app_->screen().layout, AlertLayout::kTakeover);
}

// The console's order for blocks (hub/console/publication.cpp: scheme "town", the ward's
// block codes) reaches a screen configured for the ward, and only the blocks' own screens.
TEST_F(PlayerLogicTest, TheConsolesOrderForBlocksShowsOnTheWardsScreens) {
    Alert order = alert("console-1", 1);
    order.level = 4;
    order.areas = {{"town", "shibaura-1", "芝浦一丁目"}, {"town", "daiba-1", "台場一丁目"}};
    for (auto [areas, shown] : {std::pair<std::vector<std::string>, bool>{{"131032"}, true},
                                {{"1310300"}, true},
                                {{"台場"}, true},
                                {{"shibaura-1"}, true},
                                {{"konan-1"}, false},
                                {{"131016"}, false}}) {
        SCOPED_TRACE(areas[0]);
        app_.reset();
        config_.areas = areas;
        launch();
        publish(order);
        app_->run_once(0ms);
        EXPECT_EQ(app_->screen().alert_id, shown ? "console-1" : "");
    }
    // A JMA alert for the ward, coded only by JMA, reaches a block's screen.
    app_.reset();
    config_.areas = {"shibaura-1"};
    launch();
    Alert jma = alert("jma-1", 1);
    jma.areas = {{"jma", "1310300", "港区"}};
    publish(jma);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().alert_id, "jma-1");
}

TEST_F(PlayerLogicTest, WithoutTheTownBlockTableOnlyCodesMatchAndTheStatusSaysSo) {
    app_.reset();
    config_.town_blocks_file = "";
    launch();
    Alert order = alert("console-1", 1);
    order.areas = {{"town", "shibaura-1", "芝浦一丁目"}};
    publish(order);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);
    // The first app's statuses are on the bus too: wait for this one's, which says so.
    EXPECT_TRUE(wait_for([&] {
        auto status = last_status();
        return status && std::any_of(status->warnings.begin(), status->warnings.end(), [](auto& w) {
                   return w.find("town-block table") != std::string::npos;
               });
    }));
    // A missing table is a start-up error, not a silent fallback.
    config_.town_blocks_file = (dir_ / "nowhere.tsv").string();
    PlayerApp broken(config_, false, bus_, clock_, [](const RendererOptions& options) {
        return Result<std::unique_ptr<Renderer>>(std::make_unique<NullRenderer>(options));
    });
    auto started = broken.start();
    ASSERT_FALSE(started.ok());
    EXPECT_NE(started.error().message.find("nowhere.tsv"), std::string::npos);
}

// Whatever the clock, a new alert on screen speaks Japanese first; a version that changes
// nothing shown keeps the rotation going.
TEST_F(PlayerLogicTest, ANewAlertStartsItsLanguageRotationInJapanese) {
    clock_.advance(13s);  // the epoch clock's rotation would be on another language now
    publish(alert("a", 1));
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().language, "ja");
    clock_.advance(10s);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().language, "en");
    Alert later = alert("a", 2);
    later.expires = kStart + 2h;  // nothing on screen changes
    publish(later);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().language, "en");
    Alert changed = alert("a", 3);
    changed.headline["ja"] = "高齢者等避難（更新）";
    publish(changed);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().language, "ja");
    clock_.advance(10s);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().language, "en");
    Alert other = alert("b", 1);
    other.level = 5;
    publish(other);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().alert_id, "b");
    EXPECT_EQ(app_->screen().language, "ja");
}

TEST_F(PlayerLogicTest, AcksWhileOfflineAreSentWhenTheBrokerIsBack) {
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

// Issue 13: an alert ends at its `expires` on the player's own clock, with no word from the
// hub (the hub's `expired` version may never come while the network is down), also when the
// state file brings it back after a reboot.
TEST_F(PlayerLogicTest, AnAlertLeavesTheScreenAtItsEndWhileOffline) {
    app_.reset();
    config_.state_file = (dir_ / "state.json").string();
    launch();
    Alert quake = alert("quake-1", 1);
    quake.expires = kStart + 60min;  // the hub's default end of a 震度速報
    publish(quake);
    app_->run_once(0ms);
    ASSERT_EQ(app_->screen().alert_id, "quake-1");

    bus_.set_connected(false);
    app_->run_once(0ms);
    clock_.advance(59min);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().alert_id, "quake-1");
    clock_.advance(1min);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);

    // Rebooted, still offline: the state file does not bring an ended alert back.
    app_.reset();
    launch();
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);
}

TEST_F(PlayerLogicTest, ShutdownPublishesTheOfflineStatus) {
    ASSERT_TRUE(wait_for([&] { return last_status().has_value(); }));
    app_->shutdown();
    ASSERT_TRUE(last_status().has_value());
    EXPECT_FALSE(last_status()->online);
}

TEST_F(PlayerLogicTest, RebootWhileOfflineShowsTheLastKnownAlertUntilTheBrokerDropsIt) {
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

TEST_F(PlayerLogicTest, RestoredAlertConfirmedByTheBrokerStays) {
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

TEST_F(PlayerLogicTest, DamagedStateFileIsIgnored) {
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
