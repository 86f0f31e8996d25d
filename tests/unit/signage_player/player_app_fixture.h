#pragma once
// What the player's loop tests share, whichever renderer they run on: a PlayerApp for
// device "lobby-1" on a FakeMessageBus and a FakeClock, alerts to publish, and the acks and
// status it published. A test fixture derives and says how the app is made (launch()).

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/time_format.h"
#include "core/protocol/messages.h"
#include "signage_player/player_app.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_message_bus.h"
#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub::player {

inline const WallTime kStart = parse_rfc3339("2026-11-23T10:05:10+09:00").value();

class PlayerAppFixture : public ::testing::Test {
protected:
    void SetUp() override {
        config_.device_id = "lobby-1";
        config_.mqtt.settings.client_id = "player-lobby-1";
        config_.display.width = 640;
        config_.display.height = 360;
        config_.display.fullscreen = false;
        config_.screenshot_dir = (dir_ / "screens").string();
        config_.town_blocks_file =
            (alerthub::testing::project_fixtures_dir().parent_path().parent_path() / "config" /
             "minato_town_blocks.tsv")
                .string();
        config_.signing = alerthub::testing::test_verifier();
        launch();
    }
    void TearDown() override { app_.reset(); }

    // Makes app_, starts it and draws its first frame.
    virtual void launch() = 0;
    void start_app() {
        auto started = app_->start();
        ASSERT_TRUE(started.ok()) << started.error().message;
        app_->run_once(std::chrono::milliseconds(0));
    }

    // A レベル3 alert for the ward (or `area`).
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
    // As the hub publishes it: signed.
    void publish(const Alert& a) {
        publish_raw(a.id, alerthub::testing::hub_signed(encode_alert(a)));
    }
    void publish_raw(const std::string& id, std::string payload) {
        bus_.deliver({config_.mqtt.topics.alert(id), std::move(payload), true});
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

    alerthub::testing::TempDir dir_;
    PlayerConfig config_;
    alerthub::testing::FakeMessageBus bus_;
    FakeClock clock_{kStart};
    std::unique_ptr<PlayerApp> app_;
};

}  // namespace alerthub::player
