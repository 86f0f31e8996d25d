// The player loop (headless, FakeMessageBus, FakeClock) with ordinary content from a local
// HTTP server: playlists reach the screen, bad items are skipped and reported, downloads
// never hold up an alert, the playlist survives a reboot offline, the stale marker, the
// periodic status, and the screenshot command.
#include <gtest/gtest.h>

#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "core/protocol/messages.h"
#include "signage_player/player_app.h"
#include "signage_player/sdl_renderer.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_message_bus.h"
#include "tests/support/media_server.h"
#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub::player {
namespace {

using namespace std::chrono_literals;
using alerthub::testing::FakeMessageBus;
using alerthub::testing::MediaServer;
using alerthub::testing::TempDir;
using alerthub::testing::wait_for;

const WallTime kStart = parse_rfc3339("2026-11-23T10:05:10+09:00").value();

// A small real PNG (a red square) for the renderer to load.
std::string red_png(const std::filesystem::path& scratch) {
    Image image{64, 64, std::vector<std::uint8_t>(64 * 64 * 3, 0)};
    for (std::size_t i = 0; i < image.rgb.size(); i += 3) image.rgb[i] = 220;
    EXPECT_TRUE(write_png(image, scratch.string()).ok());
    return alerthub::testing::read_file(scratch);
}

class PlayerContentTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        config_.device_id = "lobby-1";
        config_.mqtt.settings.client_id = "player-lobby-1";
        config_.display.width = 640;
        config_.display.height = 360;
        config_.display.fullscreen = false;
        config_.screenshot_dir = (dir_ / "screens").string();
        config_.content.group = "lobbies";
        config_.content.cache_dir = (dir_ / "cache").string();
        config_.content.fetch_timeout_s = 30;
        config_.state_file = (dir_ / "state.json").string();
        config_.town_blocks_file =
            (alerthub::testing::project_fixtures_dir().parent_path().parent_path() / "config" /
             "minato_town_blocks.tsv")
                .string();
        config_.signing = alerthub::testing::test_verifier();
        png_ = red_png(dir_ / "red.png");
        server_.set("/red.png", {200, png_, {}});
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

    void publish_content(const std::string& items, std::int64_t version = 1) {
        bus_.deliver({config_.mqtt.topics.content("lobbies"),
                      alerthub::testing::hub_signed(
                          R"({"schema":"alerthub.content/1","group":"lobbies","version":)" +
                          std::to_string(version) + R"(,"items":[)" + items + "]}"),
                      true});
    }
    std::string image_item(const std::string& id, const std::string& path, const std::string& sha) {
        return R"({"id":")" + id + R"(","type":"image","url":")" + server_.url(path) +
               R"(","sha256":")" + sha + R"(","duration_s":10})";
    }
    static std::string text_item(const std::string& id, const std::string& ja) {
        return R"({"id":")" + id + R"(","type":"text","title":{"ja":")" + ja +
               R"(","en":"Notice"},"duration_s":10})";
    }
    void publish_alert(const Alert& a) {
        bus_.deliver({config_.mqtt.topics.alert(a.id),
                      alerthub::testing::hub_signed(encode_alert(a)), true});
    }
    Alert alert(std::string id) {
        Alert a;
        a.id = std::move(id);
        a.version = 1;
        a.level = 4;
        a.source.sender = "minato";
        a.source.identifier = a.id;
        a.source.sent = kStart;
        a.headline = {{"ja", "避難指示"}, {"en", "Evacuate"}};
        a.areas.push_back({"jisx0402", "131032", ""});
        return a;
    }
    // Turns of the loop until `pred` holds (the cache works on its own thread).
    bool run_until(const std::function<bool()>& pred) {
        return wait_for([&] {
            app_->run_once(20ms);
            return pred();
        });
    }
    std::optional<DeviceStatus> last_status() const {
        std::optional<DeviceStatus> out;
        for (auto& m : bus_.published())
            if (m.topic == config_.mqtt.topics.device_status("lobby-1") && m.retained)
                out = decode_device_status(m.payload).value();
        return out;
    }
    int status_count() const {
        int n = 0;
        for (auto& m : bus_.published())
            if (m.topic == config_.mqtt.topics.device_status("lobby-1")) ++n;
        return n;
    }
    std::string showing_title() const {
        auto& c = app_->screen().content;
        return c ? c->title : "";
    }

    TempDir dir_;
    MediaServer server_;
    PlayerConfig config_;
    FakeMessageBus bus_;
    FakeClock clock_{kStart};
    std::string png_;
    std::unique_ptr<PlayerApp> app_;
};

TEST_F(PlayerContentTest, SubscribesToItsGroupAndCommandsAndPlaysTheManifest) {
    auto subs = bus_.subscriptions();
    EXPECT_NE(std::find(subs.begin(), subs.end(), "alerthub/v1/content/lobbies"), subs.end());
    EXPECT_NE(std::find(subs.begin(), subs.end(), "alerthub/v1/devices/lobby-1/cmd"), subs.end());

    publish_content(image_item("poster", "/red.png", sha256_hex(png_)) + "," +
                    text_item("notice", "お知らせ"));
    // The image is not in the cache yet: the text plays first, then the image in turn.
    ASSERT_TRUE(run_until([&] { return showing_title() == "お知らせ / Notice"; }));
    ASSERT_TRUE(wait_for([&] {
        auto s = last_status();
        app_->run_once(20ms);
        return s && s->content && s->content->ready == 2;
    }));
    clock_.advance(10s);
    ASSERT_TRUE(run_until([&] {
        auto& c = app_->screen().content;
        return c && !c->image_path.empty();
    }));
    EXPECT_EQ(alerthub::testing::read_file(app_->screen().content->image_path), png_);
    ASSERT_TRUE(run_until([&] {
        auto s = last_status();
        return s && s->content && s->content->showing == "poster";
    }));
    auto s = last_status();
    EXPECT_EQ(s->content->group, "lobbies");
    EXPECT_EQ(s->content->version, 1);
    EXPECT_EQ(s->content->items, 2);
    EXPECT_TRUE(s->content->skipped.empty());
    EXPECT_GT(s->content->cache_bytes, 0);
}

TEST_F(PlayerContentTest, BadItemsAreSkippedAndReportedTheRestPlays) {
    publish_content(image_item("tampered", "/red.png", std::string(64, 'e')) + "," +
                    image_item("missing", "/nope.png", std::string(64, 'f')) + "," +
                    R"({"id":"odd","type":"video"},)" + text_item("notice", "お知らせ"));
    ASSERT_TRUE(run_until([&] {
        auto s = last_status();
        return s && s->content && s->content->skipped.size() == 3;
    }));
    auto s = last_status();
    std::map<std::string, std::string> reasons;
    for (auto& k : s->content->skipped) reasons[k.item_id] = k.reason;
    EXPECT_NE(reasons["tampered"].find("SHA-256 mismatch"), std::string::npos);
    EXPECT_NE(reasons["missing"].find("HTTP 404"), std::string::npos);
    EXPECT_NE(reasons["odd"].find("type"), std::string::npos);
    EXPECT_EQ(s->content->ready, 1);
    ASSERT_FALSE(s->warnings.empty());
    EXPECT_EQ(showing_title(), "お知らせ / Notice");
    for (int i = 0; i < 3; ++i) {  // whatever the rotation, only the good item plays
        clock_.advance(10s);
        app_->run_once(0ms);
        EXPECT_EQ(showing_title(), "お知らせ / Notice");
    }

    // A manifest that is wrong as a whole leaves the last good one playing.
    bus_.deliver({config_.mqtt.topics.content("lobbies"),
                  alerthub::testing::hub_signed(R"({"schema":"alerthub.content/1"})"), true});
    app_->run_once(0ms);
    EXPECT_EQ(showing_title(), "お知らせ / Notice");
    // Neither does an unsigned one, an older signed one replayed, nor a cleared topic (the hub
    // never clears it).
    bus_.deliver({config_.mqtt.topics.content("lobbies"),
                  R"({"schema":"alerthub.content/1","group":"lobbies","version":9,"items":[)" +
                      text_item("fake", "偽") + "]}",
                  true});
    publish_content(text_item("old", "古い"), 0);
    bus_.deliver({config_.mqtt.topics.content("lobbies"), "", true});
    app_->run_once(0ms);
    EXPECT_EQ(showing_title(), "お知らせ / Notice");
    ASSERT_TRUE(run_until([&] {
        auto refused = last_status();
        return refused && refused->refused_messages == 2;
    }));
}

TEST_F(PlayerContentTest, ACachedImageThatDoesNotDecodeIsSkippedAndReported) {
    // The hash matches (the publisher hashed a broken file): only decoding can tell.
    const std::string broken = std::string("\x89PNG\r\n\x1a\n", 8) + "not really a picture";
    server_.set("/broken.png", {200, broken, {}});
    publish_content(image_item("broken", "/broken.png", sha256_hex(broken)) + "," +
                    text_item("notice", "お知らせ"));
    ASSERT_TRUE(run_until([&] {
        auto s = last_status();
        return s && s->content && s->content->skipped.size() == 1;
    }));
    auto s = last_status();
    EXPECT_EQ(s->content->skipped[0].item_id, "broken");
    EXPECT_NE(s->content->skipped[0].reason.find("not decodable"), std::string::npos)
        << s->content->skipped[0].reason;
    EXPECT_EQ(s->content->ready, 1);
    EXPECT_EQ(s->content->fetching, 0);
    ASSERT_FALSE(s->warnings.empty());
    for (int i = 0; i < 3; ++i) {  // the broken picture never takes its turn
        clock_.advance(10s);
        app_->run_once(0ms);
        EXPECT_EQ(showing_title(), "お知らせ / Notice");
    }
}

TEST_F(PlayerContentTest, ASlowDownloadNeverHoldsUpAnAlert) {
    server_.set("/slow.png", {200, png_, 20s});
    publish_content(image_item("slow", "/slow.png", sha256_hex(png_)));
    app_->run_once(0ms);
    ASSERT_TRUE(wait_for([&] { return server_.requests("/slow.png") == 1; }));
    publish_alert(alert("evac-1"));
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().alert_id, "evac-1");
    ASSERT_TRUE(run_until([&] {
        auto s = last_status();
        return s && !s->showing.empty() && s->content && s->content->fetching == 1;
    }));
}

TEST_F(PlayerContentTest, RebootOfflineShowsTheLastPlaylistAlertAndTheStaleMarker) {
    publish_content(image_item("poster", "/red.png", sha256_hex(png_)));
    ASSERT_TRUE(run_until([&] {
        auto& c = app_->screen().content;
        return c && !c->image_path.empty();
    }));
    publish_alert(alert("evac-1"));
    app_->run_once(0ms);
    EXPECT_TRUE(app_->screen().stale_note.empty());

    // Power cut at 10:05:10; the box comes back at 10:30 with no network and no server.
    app_.reset();
    server_.set("/red.png", {503, "down", {}});
    bus_.set_connected(false);
    clock_.advance(25min);
    launch();
    EXPECT_EQ(app_->screen().alert_id, "evac-1");
    EXPECT_EQ(app_->screen().stale_note, "最終更新 10:05 / Last updated 10:05");
    ASSERT_TRUE(run_until([&] {
        auto& c = app_->screen().content;
        return c && !c->image_path.empty();  // from the cache, re-hashed
    }));

    // Back online: the marker goes.
    bus_.set_connected(true);
    app_->run_once(0ms);
    EXPECT_TRUE(app_->screen().stale_note.empty());
}

TEST_F(PlayerContentTest, StatusGoesOutOnChangeAndEveryThirtySeconds) {
    ASSERT_TRUE(wait_for([&] { return status_count() >= 1; }));
    int before = status_count();
    clock_.advance(10s);
    app_->run_once(0ms);
    EXPECT_EQ(status_count(), before);  // nothing changed, not yet due
    clock_.advance(PlayerApp::kStatusInterval);
    app_->run_once(0ms);
    ASSERT_TRUE(wait_for([&] { return status_count() == before + 1; }));
    publish_alert(alert("evac-1"));
    app_->run_once(0ms);
    ASSERT_TRUE(wait_for([&] { return status_count() == before + 2; }));
    EXPECT_EQ(last_status()->showing.at(0).alert_id, "evac-1");
}

TEST_F(PlayerContentTest, ScreenshotCommandIsAnsweredWithAScaledPng) {
    // An unsigned command is refused; the hub's is answered.
    bus_.deliver({config_.mqtt.topics.device_cmd("lobby-1"),
                  encode_device_command({"screenshot", "req-forged", 320}), false});
    bus_.deliver(
        {config_.mqtt.topics.device_cmd("lobby-1"),
         alerthub::testing::hub_signed(encode_device_command({"screenshot", "req-7", 320})),
         false});
    app_->run_once(0ms);
    std::string png;
    ASSERT_TRUE(wait_for([&] {
        for (auto& m : bus_.published())
            if (m.topic == "alerthub/v1/devices/lobby-1/screenshot/req-7") {
                EXPECT_FALSE(m.retained);
                png = m.payload;
            }
        return !png.empty();
    }));
    ASSERT_GT(png.size(), 24u);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    auto be32 = [&](std::size_t at) {
        return (static_cast<unsigned char>(png[at]) << 24) |
               (static_cast<unsigned char>(png[at + 1]) << 16) |
               (static_cast<unsigned char>(png[at + 2]) << 8) |
               static_cast<unsigned char>(png[at + 3]);
    };
    EXPECT_EQ(be32(16), 320);  // IHDR width: 640 scaled to at most 320
    EXPECT_EQ(be32(20), 180);

    // Malformed or unknown commands change nothing and crash nothing.
    auto published = bus_.published().size();
    bus_.deliver({config_.mqtt.topics.device_cmd("lobby-1"), "not json", false});
    bus_.deliver({config_.mqtt.topics.device_cmd("lobby-1"),
                  alerthub::testing::hub_signed(encode_device_command({"reboot", "req-8", 320})),
                  false});
    app_->run_once(0ms);
    for (auto& m : bus_.published()) {
        EXPECT_EQ(m.topic.find("req-8"), std::string::npos);
        EXPECT_EQ(m.topic.find("req-forged"), std::string::npos);
    }
    EXPECT_GE(bus_.published().size(), published);
}

TEST_F(PlayerContentTest, AnExpiredAlertLeavesAtItsExpiryEvenOffline) {
    Alert a = alert("evac-1");
    a.expires = kStart + 90s;
    publish_alert(a);
    app_->run_once(0ms);
    ASSERT_EQ(app_->screen().alert_id, "evac-1");
    bus_.set_connected(false);
    clock_.advance(89s);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().alert_id, "evac-1");
    clock_.advance(1s);
    app_->run_once(0ms);
    EXPECT_EQ(app_->screen().kind, ScreenKind::kIdle);
    EXPECT_FALSE(app_->screen().stale_note.empty());
}

}  // namespace
}  // namespace alerthub::player
