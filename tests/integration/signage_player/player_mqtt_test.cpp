// The signage-player binary, headless, against a real Mosquitto: retained alerts reach the
// screen, acks and status reach the broker, and the last will marks a killed player offline.
#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "core/base/time_format.h"
#include "core/mqtt/paho_message_bus.h"
#include "core/protocol/alert.h"
#include "core/protocol/messages.h"
#include "core/protocol/topics.h"
#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub::player {
namespace {

using namespace std::chrono_literals;
using alerthub::testing::ChildProcess;
using alerthub::testing::MosquittoBroker;
using alerthub::testing::TempDir;
using alerthub::testing::wait_for;

constexpr const char* kDevice = "it-lobby-1";
const Topics kTopics;

Alert minato_alert(std::int64_t version, AlertState state = AlertState::kActive) {
    Alert a;
    a.id = "minato-evac-it-1";
    a.version = version;
    a.state = state;
    a.msg_type = state == AlertState::kActive ? MsgType::kAlert : MsgType::kCancel;
    a.source.kind = SourceKind::kStaff;
    a.source.sender = "minato-bousai";
    a.source.identifier = "N-" + std::to_string(version);
    a.source.sent = std::chrono::system_clock::now();
    a.level = 4;
    a.severity = Severity::kSevere;
    a.event_name = {{"ja", "避難指示"}, {"en", "Evacuation order"}};
    a.headline = {{"ja", "芝浦地区に避難指示"}, {"en", "Evacuation order for Shibaura"}};
    a.areas.push_back({"jisx0402", "131032", "港区"});
    return a;
}

// The ward's table as shipped (config/minato_town_blocks.tsv).
std::string town_blocks() {
    return (alerthub::testing::project_fixtures_dir().parent_path().parent_path() / "config" /
            "minato_town_blocks.tsv")
        .string();
}

class PlayerMqttTest : public ::testing::Test {
protected:
    void SetUp() override {
        alerthub::testing::write_file(
            dir_ / "player.toml",
            "[mqtt]\nuri = \"" + broker_.uri() + "\"\n" + "[player]\ndevice_id = \"" + kDevice +
                "\"\nareas = [\"131032\"]\n" + "state_file = \"" + (dir_ / "state.json").string() +
                "\"\ntown_blocks_file = \"" + town_blocks() + "\"\n" +
                "[display]\nwidth = 640\nheight = 360\nfullscreen = false\n" +
                "[headless]\nscreenshot_dir = \"" + (dir_ / "screens").string() + "\"\n" +
                "[signing]\npublic_keys = [\"" + alerthub::testing::test_public_key_line() +
                "\"]\n");
        MqttSettings settings;
        settings.uri = broker_.uri();
        settings.client_id = "it-observer";
        observer_ = std::make_unique<PahoMessageBus>(settings);
        observer_->subscribe(kTopics.root() + "/devices/#");
        observer_->start(
            [this](BusMessage m) {
                std::lock_guard lock(mu_);
                seen_.push_back(std::move(m));
            },
            nullptr);
        ASSERT_TRUE(wait_for([&] { return observer_->connected(); }));
    }

    void TearDown() override {
        player_.reset();
        observer_->stop();
    }

    void start_player() {
        player_ = std::make_unique<ChildProcess>(
            std::vector<std::string>{(alerthub::testing::binary_dir() / "signage-player").string(),
                                     "--config", (dir_ / "player.toml").string(), "--headless"},
            dir_ / "player.log");
    }

    // As the hub publishes it: signed.
    void publish(const Alert& a) {
        auto st = observer_->publish(
            {kTopics.alert(a.id), alerthub::testing::hub_signed(encode_alert(a)), true}, 5s);
        ASSERT_TRUE(st.ok()) << st.error().message;
    }

    nlohmann::json latest() {
        auto path = dir_ / "screens" / "latest.json";
        if (!std::filesystem::exists(path)) return {};
        return nlohmann::json::parse(alerthub::testing::read_file(path), nullptr, false);
    }
    bool showing(const std::string& screen, std::int64_t version = 0) {
        auto j = latest();
        if (!j.is_object() || j["screen"] != screen) return false;
        return screen == "idle" || (j["alert_id"] == "minato-evac-it-1" && j["version"] == version);
    }

    std::vector<DisplayAck> acks() {
        std::lock_guard lock(mu_);
        std::vector<DisplayAck> out;
        for (auto& m : seen_)
            if (m.topic == kTopics.device_ack(kDevice))
                out.push_back(decode_display_ack(m.payload).value());
        return out;
    }
    std::vector<DeviceStatus> statuses() {
        std::lock_guard lock(mu_);
        std::vector<DeviceStatus> out;
        for (auto& m : seen_)
            if (m.topic == kTopics.device_status(kDevice))
                out.push_back(decode_device_status(m.payload).value());
        return out;
    }

    // What a new subscriber gets for the status topic: the retained message.
    std::optional<DeviceStatus> retained_status() {
        auto out = dir_ / "retained.txt";
        std::filesystem::remove(out);
        ChildProcess sub({"mosquitto_sub", "-p", std::to_string(broker_.port()), "-t",
                          kTopics.device_status(kDevice), "-C", "1", "-W", "3"},
                         out);
        wait_for([&] { return !sub.running(); }, 5s);
        auto text = alerthub::testing::read_file(out);
        auto status = decode_device_status(text.substr(0, text.find('\n')));
        if (!status) return std::nullopt;
        return *status;
    }

    std::string player_log() { return alerthub::testing::read_file(dir_ / "player.log"); }

    MosquittoBroker broker_;
    TempDir dir_;
    std::unique_ptr<PahoMessageBus> observer_;
    std::unique_ptr<ChildProcess> player_;
    std::mutex mu_;
    std::vector<BusMessage> seen_;
};

TEST_F(PlayerMqttTest, RetainedAlertIsShownAndAckedAndItsCancelReturnsToIdle) {
    start_player();
    ASSERT_TRUE(wait_for([&] { return showing("idle"); }, 10s)) << player_log();
    ASSERT_TRUE(wait_for([&] {
        auto s = statuses();
        return !s.empty() && s.back().online;
    })) << player_log();
    auto retained = retained_status();
    ASSERT_TRUE(retained.has_value());
    EXPECT_TRUE(retained->online);
    EXPECT_EQ(retained->device_id, kDevice);
    EXPECT_EQ(retained->software_version, ALERTHUB_VERSION);

    auto before = std::chrono::system_clock::now();
    publish(minato_alert(1));
    ASSERT_TRUE(wait_for([&] { return showing("alert", 1); })) << player_log();
    ASSERT_TRUE(wait_for([&] { return !acks().empty(); })) << player_log();
    auto ack = acks().front();
    EXPECT_EQ(ack.device_id, kDevice);
    EXPECT_EQ(ack.alert_id, "minato-evac-it-1");
    EXPECT_EQ(ack.version, 1);
    EXPECT_GE(ack.displayed_at, std::chrono::floor<std::chrono::milliseconds>(before));
    ASSERT_TRUE(wait_for([&] {
        auto s = retained_status();
        return s && s->online && s->showing.size() == 1 && s->showing[0].version == 1;
    }));

    publish(minato_alert(2, AlertState::kCancelled));
    ASSERT_TRUE(wait_for([&] { return showing("idle"); })) << player_log();
    ASSERT_TRUE(wait_for([&] {
        auto s = retained_status();
        return s && s->online && s->showing.empty();
    }));
    EXPECT_EQ(acks().size(), 1u);  // the cancelled version is never displayed, so never acked

    // A clean stop says goodbye with a retained offline status.
    EXPECT_EQ(player_->stop(), 0);
    auto last = retained_status();
    ASSERT_TRUE(last.has_value());
    EXPECT_FALSE(last->online);
}

// Issue 11: a screen configured with the ward's code (the example's "131032") shows the
// console's order for town blocks (scheme "town", the table's codes) and a JMA alert coded
// only with JMA's code of the ward.
TEST_F(PlayerMqttTest, AWardScreenShowsTheConsolesBlockOrderAndAJmaCodedAlert) {
    start_player();
    ASSERT_TRUE(wait_for([&] { return showing("idle"); }, 10s)) << player_log();
    Alert order = minato_alert(1);
    order.areas = {{"town", "shibaura-1", "芝浦一丁目"}, {"town", "daiba-1", "台場一丁目"}};
    publish(order);
    ASSERT_TRUE(wait_for([&] { return showing("alert", 1); })) << player_log();
    ASSERT_TRUE(wait_for([&] { return !acks().empty(); })) << player_log();

    Alert jma = minato_alert(2);
    jma.areas = {{"jma", "1310300", "港区"}};
    publish(jma);
    ASSERT_TRUE(wait_for([&] { return showing("alert", 2); })) << player_log();

    // Elsewhere in Tokyo: not ours, the screen goes back to idle.
    Alert chiyoda = minato_alert(3);
    chiyoda.areas = {{"jma", "1310100", "千代田区"}, {"jisx0402", "131016", "千代田区"}};
    publish(chiyoda);
    ASSERT_TRUE(wait_for([&] { return showing("idle"); })) << player_log();
}

TEST_F(PlayerMqttTest, RebootRelearnsFromRetainedAndKillLeavesTheLastWill) {
    publish(minato_alert(1));
    start_player();
    ASSERT_TRUE(wait_for([&] { return showing("alert", 1); }, 10s)) << player_log();
    ASSERT_TRUE(wait_for([&] { return acks().size() == 1; })) << player_log();
    ASSERT_TRUE(wait_for([&] {
        auto s = retained_status();
        return s && s->online;
    }));

    player_->kill9();
    ASSERT_TRUE(wait_for(
        [&] {
            auto s = statuses();
            return !s.empty() && !s.back().online;
        },
        5s));
    auto will = retained_status();
    ASSERT_TRUE(will.has_value());
    EXPECT_FALSE(will->online);
    EXPECT_EQ(will->device_id, kDevice);

    // The same box comes back: it shows the alert again and says it is online.
    std::filesystem::remove(dir_ / "screens" / "latest.json");
    start_player();
    ASSERT_TRUE(wait_for([&] { return showing("alert", 1); }, 10s)) << player_log();
    ASSERT_TRUE(wait_for([&] {
        auto s = retained_status();
        return s && s->online && s->showing.size() == 1;
    }));
}

TEST_F(PlayerMqttTest, SurvivesABrokerRestartAndKeepsTheScreen) {
    start_player();
    ASSERT_TRUE(wait_for([&] { return showing("idle"); }, 10s)) << player_log();
    publish(minato_alert(1));
    ASSERT_TRUE(wait_for([&] { return showing("alert", 1) && acks().size() == 1; }))
        << player_log();

    broker_.stop();
    // Offline, the alert stays on screen and says it is not connected.
    ASSERT_TRUE(wait_for([&] { return latest()["online"] == false; })) << player_log();
    EXPECT_TRUE(showing("alert", 1));
    broker_.start();

    ASSERT_TRUE(wait_for([&] { return latest()["online"] == true; }, 15s)) << player_log();
    ASSERT_TRUE(wait_for([&] { return observer_->connected(); }, 15s));
    publish(minato_alert(2));
    ASSERT_TRUE(wait_for([&] { return showing("alert", 2); })) << player_log();
    ASSERT_TRUE(wait_for([&] { return acks().size() == 2; })) << player_log();
    EXPECT_EQ(acks().back().version, 2);
    ASSERT_TRUE(wait_for([&] {
        auto s = retained_status();
        return s && s->online && s->showing.size() == 1 && s->showing[0].version == 2;
    }));
}

TEST_F(PlayerMqttTest, MalformedRetainedPayloadIsIgnored) {
    publish(minato_alert(1));
    auto st = observer_->publish(
        {kTopics.alert("broken-1"), "{\"schema\":\"alerthub.alert/1\"", true}, 5s);
    ASSERT_TRUE(st.ok());
    start_player();
    ASSERT_TRUE(wait_for([&] { return showing("alert", 1); }, 10s)) << player_log();
    EXPECT_TRUE(player_->running());
    EXPECT_NE(player_log().find("refused a message on alerthub/v1/alerts/broken-1"),
              std::string::npos)
        << player_log();
}

// Issue 12: a client with no credentials published a レベル5 alert and it was on screen in
// 1.05 s. Now only what the hub signed is shown; the rest is counted in the status.
TEST_F(PlayerMqttTest, AnUnsignedAlertFromARogueClientIsNotShownAndIsCounted) {
    start_player();
    ASSERT_TRUE(wait_for([&] { return showing("idle"); }, 10s)) << player_log();
    Alert fake = minato_alert(1);
    fake.id = "fake-l5";
    fake.level = 5;
    fake.severity = Severity::kExtreme;
    ChildProcess rogue({"mosquitto_pub", "-p", std::to_string(broker_.port()), "-i", "rogue", "-q",
                        "1", "-r", "-t", kTopics.alert(fake.id), "-m", encode_alert(fake)},
                       dir_ / "rogue.log");
    ASSERT_TRUE(wait_for([&] { return !rogue.running(); }));
    ASSERT_TRUE(wait_for([&] {
        for (auto& s : statuses())
            if (s.refused_messages == 1) return true;
        return false;
    })) << player_log();
    EXPECT_TRUE(showing("idle"));
    auto s = retained_status();
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->refused_messages, 1);
    EXPECT_EQ(s->last_refusal, kTopics.alert("fake-l5") + ": unsigned");

    // The hub's own alert still gets through.
    publish(minato_alert(1));
    ASSERT_TRUE(wait_for([&] { return showing("alert", 1); }, 10s)) << player_log();
}

// Issue 12: 5,000 junk retained alerts made the player refuse the next real レベル5. Even
// signed ones (a replay of old ended alerts) only make it drop the ended ones.
TEST_F(PlayerMqttTest, AFullStoreStillTakesTheNextRealLevel5) {
    for (int i = 0; i < 5000; ++i) {
        Alert junk = minato_alert(1);
        junk.id = "junk-" + std::to_string(i);
        junk.level = 1;
        junk.severity = Severity::kMinor;
        junk.expires =
            std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - 1h;
        publish(junk);
    }
    start_player();
    ASSERT_TRUE(wait_for(
        [&] {
            auto s = statuses();
            return !s.empty() && s.back().online;
        },
        20s))
        << player_log();
    Alert real = minato_alert(1);
    real.level = 5;
    real.severity = Severity::kExtreme;
    publish(real);
    ASSERT_TRUE(wait_for([&] { return showing("alert", 1); }, 20s)) << player_log();
    ASSERT_TRUE(wait_for(
        [&] {
            auto s = retained_status();
            return s && s->evicted_alerts >= 1;
        },
        10s))
        << player_log();
}

TEST_F(PlayerMqttTest, RestartedWithTheBrokerDownItShowsTheSameAlertMarkedStale) {
    publish(minato_alert(1));
    start_player();
    // (The first frame may come before the connection is reported; the next one is fresh.)
    ASSERT_TRUE(wait_for([&] { return showing("alert", 1) && latest()["stale_note"] == ""; }, 10s))
        << player_log();
    ASSERT_TRUE(wait_for([&] { return acks().size() == 1; })) << player_log();

    broker_.stop();
    ASSERT_TRUE(wait_for([&] { return latest()["online"] == false; })) << player_log();
    // While running, the marker says when the broker was last heard.
    std::string note = latest()["stale_note"];
    EXPECT_EQ(note.rfind("最終更新 ", 0), 0u) << note;
    EXPECT_NE(note.find("/ Last updated "), std::string::npos) << note;

    // The box reboots while the broker is still down.
    EXPECT_EQ(player_->stop(), 0);
    std::filesystem::remove(dir_ / "screens" / "latest.json");
    start_player();
    ASSERT_TRUE(wait_for([&] { return showing("alert", 1); }, 10s)) << player_log();
    EXPECT_EQ(latest()["online"], false);
    EXPECT_EQ(latest()["stale_note"], note);  // the same last-confirmed minute, from the file

    // The broker is back and still holds the alert: confirmed, the marker goes.
    broker_.start();
    ASSERT_TRUE(wait_for([&] { return latest()["online"] == true; }, 15s)) << player_log();
    EXPECT_TRUE(showing("alert", 1));
    EXPECT_EQ(latest()["stale_note"], "");
}

TEST_F(PlayerMqttTest, AnAlertExpiresOnTimeWhileTheBrokerIsDown) {
    Alert a = minato_alert(1);
    // Expiry is carried to the second; far enough ahead to be shown first.
    a.expires = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + 4s;
    publish(a);
    start_player();
    ASSERT_TRUE(wait_for([&] { return showing("alert", 1); }, 10s)) << player_log();
    broker_.stop();
    ASSERT_TRUE(wait_for([&] { return latest()["online"] == false; })) << player_log();
    // Not at the next minute's redraw: at the expiry itself (plus a little).
    ASSERT_TRUE(wait_for([&] { return showing("idle"); }, 8s)) << player_log();
    auto left = parse_rfc3339(latest()["rendered_at"].get<std::string>());
    ASSERT_TRUE(left.ok());
    EXPECT_GE(*left, *a.expires);
    EXPECT_FALSE(latest()["stale_note"].get<std::string>().empty());
}

TEST_F(PlayerMqttTest, ScreenshotCommandRoundTrip) {
    start_player();
    ASSERT_TRUE(wait_for([&] { return showing("idle"); }, 10s)) << player_log();
    ASSERT_TRUE(wait_for([&] { return !statuses().empty(); })) << player_log();
    auto st = observer_->publish(
        {kTopics.device_cmd(kDevice),
         alerthub::testing::hub_signed(encode_device_command({"screenshot", "it-shot-1", 320})),
         false},
        5s);
    ASSERT_TRUE(st.ok()) << st.error().message;
    std::string png;
    ASSERT_TRUE(wait_for([&] {
        std::lock_guard lock(mu_);
        for (auto& m : seen_)
            if (m.topic == kTopics.device_screenshot(kDevice, "it-shot-1")) png = m.payload;
        return !png.empty();
    })) << player_log();
    ASSERT_GT(png.size(), 24u);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(static_cast<unsigned char>(png[18]) * 256 + static_cast<unsigned char>(png[19]),
              320);  // IHDR width: the 640 px screen scaled to the requested 320
    alerthub::testing::write_file(dir_ / "shot.png", png);
}

}  // namespace
}  // namespace alerthub::player
