// Clock skew through the whole hub (HubApp on a FakeClock, real Mosquitto, the HTTP ingest
// door), the faults of issue 13 with the figures it asks for:
// - a sender whose clock is in 2099: its update is refused (422) and the real cancel that
//   follows is published (before issue 13: 202, then the cancel "superseded", never sent);
// - time passing on the hub's clock alone: an earthquake early warning without an end gets
//   its default lifetime and its `expired` version is published, retained, when it passes;
// - a screen and an adapter whose clocks are off: the hub measures their offsets from their
//   live messages (the board flags them).

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/base/time_format.h"
#include "core/protocol/messages.h"
#include "core/storage/sqlite_db.h"
#include "tests/integration/hub/hub_app_fixture.h"
#include "tests/integration/hub/hub_test_helpers.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using namespace std::chrono_literals;
using alerthub::testing::fixtures_dir;
using alerthub::testing::project_fixtures_dir;
using alerthub::testing::read_file;
using alerthub::testing::retained_payload;
using alerthub::testing::wait_for;
using testing::Observer;
using testing::post_cap;

constexpr const char* kToken = testing::kHubTestToken;

WallTime at(const char* rfc3339) {
    return parse_rfc3339(rfc3339).value();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
    auto i = text.find(from);
    EXPECT_NE(i, std::string::npos) << from;
    if (i != std::string::npos) text.replace(i, from.size(), to);
    return text;
}

class ClockSkewTest : public testing::HubAppFixture {
protected:
    void SetUp() override {
        config_.mqtt.settings.client_id = "hub-clock-skew";
        auto lifetimes = LifetimeTable::load(
            (project_fixtures_dir().parent_path().parent_path() / "config/jma/lifetimes.tsv")
                .string());
        ASSERT_TRUE(lifetimes.ok()) << lifetimes.error().message;
        config_.lifetimes = std::make_shared<const LifetimeTable>(std::move(*lifetimes));
    }
    // The hub, on a clock that reads `now` until the test moves it.
    void start(WallTime now) {
        clock_.set(now);
        start_hub(clock_);
    }
    std::int64_t status_of(const httplib::Result& r) { return r ? r->status : -1; }
    std::optional<std::int64_t> offset_ms(const std::string& peer) {
        auto db = SqliteDb::open(config_.journal_path);
        auto q = db->prepare("SELECT offset_ms FROM clock_offsets WHERE peer = ?");
        q->bind(1, peer);
        if (!q->step().value()) return std::nullopt;
        return q->column_int(0);
    }

    FakeClock clock_;
};

TEST_F(ClockSkewTest, ASenderIn2099CannotSupersedeTheRealCancel) {
    start(at("2003-06-17T22:30:00Z"));  // after the three were sent
    Observer observer(broker_.uri(), "test/v1/alerts/#");
    ASSERT_TRUE(wait_for([&] { return observer.bus().connected() && bus_->connected(); }));

    auto first =
        post_cap(config_.listen_port,
                 read_file(fixtures_dir() / "cap/spec/Oasis_ThunderstormWarning.xml"), kToken);
    ASSERT_EQ(status_of(first), 202);
    const auto id = nlohmann::json::parse(first->body).at("alert_id").get<std::string>();
    auto update = post_cap(
        config_.listen_port,
        replace(read_file(project_fixtures_dir() / "cap/thunderstorm_update.xml"),
                "<sent>2003-06-17T15:07:00-07:00</sent>", "<sent>2099-06-17T15:07:00-07:00</sent>"),
        kToken);
    ASSERT_EQ(status_of(update), 422);
    EXPECT_NE(update->body.find("ahead of the hub's clock"), std::string::npos) << update->body;
    auto cancel =
        post_cap(config_.listen_port,
                 read_file(project_fixtures_dir() / "cap/thunderstorm_cancel.xml"), kToken);
    ASSERT_EQ(status_of(cancel), 202);
    EXPECT_EQ(nlohmann::json::parse(cancel->body).at("version").get<int>(), 2);

    ASSERT_TRUE(wait_for([&] { return observer.on("test/v1/alerts/" + id).size() >= 2; }, 10s));
    auto published = decode_alert(observer.on("test/v1/alerts/" + id).back().payload).value();
    EXPECT_EQ(published.state, AlertState::kCancelled);
    EXPECT_EQ(published.version, 2);
    // The refused update is in quarantine with its reason, nothing of it in the journal.
    EXPECT_FALSE(std::filesystem::is_empty(dir_ / "spool" / "quarantine"));
    std::printf(
        "[figures] clock skew (sender +96 years): accepted 2, refused 1, cancel published "
        "yes, superseded 0\n");
}

TEST_F(ClockSkewTest, AnAlertWithoutAnEndExpiresOnTheHubsClockAndTheScreensAreTold) {
    // 緊急地震速報（予報） of 2024-04-17, Serial 1, 33 s after it was sent.
    start(at("2024-04-17T14:15:30Z"));
    Observer observer(broker_.uri(), "test/v1/#");
    ASSERT_TRUE(wait_for([&] { return observer.bus().connected() && bus_->connected(); }));
    auto eew = post_cap(config_.listen_port,
                        read_file(fixtures_dir() / "jma/eew/36_01_01_240613_VXSE44.xml"), kToken);
    ASSERT_EQ(status_of(eew), 202);
    const auto id = nlohmann::json::parse(eew->body).at("alert_id").get<std::string>();
    const auto topic = "test/v1/alerts/" + id;
    ASSERT_TRUE(wait_for([&] { return observer.on(topic).size() == 1; }, 10s));
    auto shown = decode_alert(observer.on(topic).back().payload).value();
    ASSERT_TRUE(shown.expires.has_value());
    EXPECT_EQ(*shown.expires, *shown.effective + 10min);

    // The hub's retained-state audit may republish version 1 meanwhile; what must not come
    // before the end is a new version.
    auto latest = [&] { return decode_alert(observer.on(topic).back().payload); };
    clock_.advance(9min);
    std::this_thread::sleep_for(300ms);  // the owner loop runs
    ASSERT_TRUE(latest().ok());
    EXPECT_EQ(latest()->version, 1);
    EXPECT_EQ(latest()->state, AlertState::kActive);
    clock_.advance(2min);
    ASSERT_TRUE(wait_for(
        [&] {
            auto a = latest();
            return a.ok() && a->state == AlertState::kExpired;
        },
        10s));
    auto expired = latest().value();
    EXPECT_EQ(expired.state, AlertState::kExpired);
    EXPECT_EQ(expired.version, 2);
    auto retained = retained_payload(broker_.port(), topic);
    ASSERT_TRUE(retained.has_value());
    EXPECT_EQ(decode_alert(*retained).value().state, AlertState::kExpired);
    // Only version 1's delivery job (the hub resends it while no adapter answers): phones
    // were told the end with the alert.
    const auto jobs = observer.on("test/v1/jobs/line");
    ASSERT_FALSE(jobs.empty());
    for (const auto& job : jobs)
        EXPECT_NE(job.payload.find(id + "/v1/line"), std::string::npos) << job.payload;
}

TEST_F(ClockSkewTest, TheHubMeasuresTheClocksOfScreensAndAdaptersFromTheirLiveMessages) {
    start(at("2026-12-05T01:00:00Z"));
    ASSERT_TRUE(wait_for([&] { return bus_->connected(); }));
    Observer peer(broker_.uri(), "test/v1/none");
    ASSERT_TRUE(wait_for([&] { return peer.bus().connected(); }));

    DeviceStatus status;
    status.device_id = "lobby-1";
    status.updated = clock_.now() + 5min;  // the screen's clock runs five minutes ahead
    ASSERT_TRUE(peer.bus()
                    .publish({config_.mqtt.topics.device_status("lobby-1"),
                              encode_device_status(status), false},
                             5s)
                    .ok());
    ASSERT_TRUE(wait_for([&] { return offset_ms("device:lobby-1").has_value(); }, 10s));
    EXPECT_EQ(*offset_ms("device:lobby-1"), 300'000);
}

}  // namespace
}  // namespace alerthub::hub
