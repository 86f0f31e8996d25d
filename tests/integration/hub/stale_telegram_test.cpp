// Stale telegrams through the whole hub (HubApp, real Mosquitto, the HTTP ingest door, the
// system clock): the 2016 東京都 warning telegram of issue 11 is acknowledged (202),
// journaled with the reason and never published; posted as a replay (X-Alerthub-Replay) a
// telegram of the same age is published, marked as a replay, and journaled as one.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/protocol/messages.h"
#include "core/storage/sqlite_db.h"
#include "tests/integration/hub/hub_app_fixture.h"
#include "tests/integration/hub/hub_test_helpers.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using namespace std::chrono_literals;
using alerthub::testing::fixtures_dir;
using alerthub::testing::read_file;
using alerthub::testing::wait_for;
using testing::Observer;
using testing::post_cap;

constexpr const char* kToken = testing::kHubTestToken;

httplib::Result post_replay(int port, const std::string& body, const std::string& reason) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(std::chrono::seconds(10));
    httplib::Headers headers{{"Authorization", std::string("Bearer ") + kToken},
                             {"X-Alerthub-Replay", reason}};
    return client.Post("/api/v1/ingest/cap", headers, body, "application/xml");
}

class StaleTelegramTest : public testing::HubAppFixture {
protected:
    void SetUp() override {
        config_.mqtt.settings.client_id = "hub-freshness";
        // config_.jma_max_age: the default, as a hub.toml without [jma] has it.
        start_hub();
    }

    // What the journal says about the newest document: its origin, and whether and why its
    // version was sent.
    struct Journaled {
        std::string origin;
        bool sent = false;
        std::string reason;
    };
    Journaled last_journaled() {
        auto db = SqliteDb::open(config_.journal_path);
        auto q = db->prepare(
            "SELECT d.origin, r.sent, r.reason FROM documents d JOIN alert_versions v ON "
            "v.document_id = d.id JOIN routing r ON r.alert_id = v.alert_id AND r.version = "
            "v.version ORDER BY d.id DESC LIMIT 1");
        if (!q.ok() || !q->step().value()) return {};
        return {q->column_text(0), q->column_int(1) != 0, q->column_text(2)};
    }
};

TEST_F(StaleTelegramTest, AStaleTelegramIsJournaledNotPublishedAndAReplayIsPublishedMarked) {
    Observer observer(broker_.uri(), "test/v1/#");
    ASSERT_TRUE(wait_for([&] { return observer.bus().connected() && bus_->connected(); }));

    // The 2016 大雨特別警報 telegram for 東京都 (Control/DateTime 2016-12-13T11:47:23Z).
    auto stale =
        post_cap(config_.listen_port,
                 read_file(fixtures_dir() / "jma/warning/15_13_01_161226_VPWW53.xml"), kToken);
    ASSERT_TRUE(stale);
    EXPECT_EQ(stale->status, 202) << stale->body;
    auto stale_id = nlohmann::json::parse(stale->body).at("alert_id").get<std::string>();
    auto held = last_journaled();
    EXPECT_EQ(held.origin, "http");
    EXPECT_FALSE(held.sent);
    EXPECT_TRUE(held.reason.starts_with("stale: sent 2016-12-13 20:47 JST, ")) << held.reason;
    EXPECT_NE(held.reason.find(" min before it arrived (max_age_s 600)"), std::string::npos)
        << held.reason;

    // A replay (a 緊急地震速報 of 2024): published whatever its age, marked for residents.
    auto replay = post_replay(config_.listen_port,
                              read_file(fixtures_dir() / "jma/eew/36_01_01_240613_VXSE44.xml"),
                              "integration test");
    ASSERT_TRUE(replay);
    EXPECT_EQ(replay->status, 202) << replay->body;
    auto replay_id = nlohmann::json::parse(replay->body).at("alert_id").get<std::string>();
    ASSERT_TRUE(wait_for([&] { return !observer.on("test/v1/alerts/" + replay_id).empty(); }, 10s));
    auto alert = decode_alert(observer.on("test/v1/alerts/" + replay_id).back().payload);
    ASSERT_TRUE(alert.ok()) << alert.error().message;
    EXPECT_TRUE(alert->headline.at("ja").starts_with("【再送】")) << alert->headline.at("ja");
    EXPECT_TRUE(alert->description.at("ja").starts_with(
        "この情報は 2024-04-17 23:14 に発表されたものの再送です。"))
        << alert->description.at("ja");
    auto replayed = last_journaled();
    EXPECT_EQ(replayed.origin, "replay:http: integration test");
    EXPECT_TRUE(replayed.sent);

    // The replay went out after the stale telegram was journaled, and the outbox keeps order:
    // nothing of the stale one was ever published, neither the alert nor a job.
    EXPECT_TRUE(observer.on("test/v1/alerts/" + stale_id).empty());
    for (const auto& m : observer.all())
        EXPECT_EQ(m.payload.find(stale_id), std::string::npos) << m.topic;
}

TEST_F(StaleTelegramTest, AReplayHeaderMustCarryAReadableReason) {
    const auto eew = read_file(fixtures_dir() / "jma/eew/36_01_01_240613_VXSE44.xml");
    auto too_long = post_replay(config_.listen_port, eew, std::string(201, 'x'));
    ASSERT_TRUE(too_long);
    EXPECT_EQ(too_long->status, 400);
    EXPECT_NE(too_long->body.find("X-Alerthub-Replay header: the reason is 201 bytes, over 200"),
              std::string::npos)
        << too_long->body;
    auto db = SqliteDb::open(config_.journal_path);
    auto count = db->prepare("SELECT COUNT(*) FROM documents");
    ASSERT_TRUE(count.ok() && count->step().value());
    EXPECT_EQ(count->column_int(0), 0);

    // A header with nothing in it never reaches the hub as a header: the telegram is judged
    // by its age like any other, and held.
    auto blank = post_replay(config_.listen_port, eew, " ");
    ASSERT_TRUE(blank);
    EXPECT_EQ(blank->status, 202) << blank->body;
    auto held = last_journaled();
    EXPECT_EQ(held.origin, "http");
    EXPECT_FALSE(held.sent);
    EXPECT_TRUE(held.reason.starts_with("stale: ")) << held.reason;
}

}  // namespace
}  // namespace alerthub::hub
