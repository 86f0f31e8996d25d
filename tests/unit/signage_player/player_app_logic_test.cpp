// The player's logic on a NullRenderer: no SDL, no fonts, no display. What reaches the
// screen and when, acks, status, the state file and the window's events. The same loop on
// the real SDL renderer, with its PNG output, is player_app_test (player_sdl_test).
#include <gtest/gtest.h>

#include <algorithm>

#include "core/base/time_format.h"
#include "core/protocol/messages.h"
#include "signage_player/null_renderer.h"
#include "signage_player/player_app.h"
#include "tests/support/fake_message_bus.h"
#include "tests/support/test_support.h"

namespace alerthub::player {
namespace {

using namespace std::chrono_literals;
using alerthub::testing::FakeMessageBus;
using alerthub::testing::TempDir;
using alerthub::testing::wait_for;

const WallTime kStart = parse_rfc3339("2026-11-23T10:05:10+09:00").value();

bool frame_says(const Frame& frame, std::string_view text) {
    return std::any_of(frame.texts.begin(), frame.texts.end(),
                       [&](const FrameText& t) { return t.text.find(text) != std::string::npos; });
}

class PlayerLogicTest : public ::testing::Test {
protected:
    void SetUp() override {
        config_.device_id = "lobby-1";
        config_.display.width = 640;
        config_.display.height = 360;
        config_.display.fullscreen = false;
        config_.screenshot_dir = (dir_ / "screens").string();
        launch();
    }
    void launch() {
        app_ = std::make_unique<PlayerApp>(
            config_, /*headless=*/false, bus_, clock_,
            [this](const RendererOptions& options) -> Result<std::unique_ptr<Renderer>> {
                options_ = options;
                auto r = std::make_unique<NullRenderer>(options);
                renderer_ = r.get();
                return std::unique_ptr<Renderer>(std::move(r));
            });
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
    void publish(const Alert& a) {
        bus_.deliver({config_.mqtt.topics.alert(a.id), encode_alert(a), true});
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
    EXPECT_TRUE(frame_says(renderer_->frames().back(), "Elderly: evacuate"));
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

}  // namespace
}  // namespace alerthub::player
