// HubApp against a real mosquitto (PahoMessageBus): spool and HTTP ingest end to end,
// quarantine, update/cancel chains on the retained topic, feedback from adapters and
// players, and publishing after the broker comes back.

#include "hub/hub_app.h"
#include "hub/sources/cap/cap_parser.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/base/time_format.h"
#include "core/mqtt/paho_message_bus.h"
#include "core/protocol/messages.h"
#include "tests/integration/hub/hub_app_fixture.h"
#include "tests/integration/hub/hub_test_helpers.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using alerthub::testing::fixtures_dir;
using alerthub::testing::project_fixtures_dir;
using alerthub::testing::read_file;
using alerthub::testing::wait_for;
using alerthub::testing::write_file;
using testing::healthy;
using testing::in_force_until_tomorrow;
using testing::Observer;
using testing::post_cap;
using testing::retained_payload;

constexpr const char* kToken = testing::kHubTestToken;

std::string fixture(const std::string& name) {
    return read_file(project_fixtures_dir() / "cap" / name);
}
std::string thunderstorm() {
    return read_file(fixtures_dir() / "cap/spec/Oasis_ThunderstormWarning.xml");
}

class HubAppTest : public testing::HubAppFixture {
protected:
    void SetUp() override {
        config_.mqtt.settings.keep_alive_s = 5;
        config_.max_document_bytes = 16384;
        config_.channels = {"line", "mail"};
    }

    int port() const { return config_.listen_port; }
    fs::path incoming() const { return dir_ / "spool/incoming"; }
    // Writes under a .tmp name and renames, as the spool convention asks.
    void drop(const std::string& name, const std::string& content) {
        write_file(incoming() / (name + ".tmp"), content);
        fs::rename(incoming() / (name + ".tmp"), incoming() / name);
    }
    std::optional<Alert> last_alert(Observer& o, const std::string& id) {
        auto ms = o.on("test/v1/alerts/" + id);
        if (ms.empty()) return std::nullopt;
        auto a = decode_alert(ms.back().payload);
        return a.ok() ? std::optional<Alert>(*a) : std::nullopt;
    }
    Journal reader() {
        auto j = Journal::open(config_.journal_path, JournalSettings{config_.mqtt.topics, {}},
                               system_clock_);
        if (!j.ok()) ADD_FAILURE() << "journal: " << j.error().message;
        return std::move(j).value();
    }
};

TEST_F(HubAppTest, SpoolDropPublishesTheRetainedAlertAndOneJobPerChannel) {
    start_hub();
    Observer observer(broker_.uri(), "test/v1/#");
    EXPECT_TRUE(fs::is_directory(dir_ / "spool/done"));
    EXPECT_TRUE(fs::is_directory(dir_ / "spool/quarantine"));
    ASSERT_TRUE(wait_for([&] { return observer.bus().connected() && bus_->connected(); }));

    drop("minato.xml", in_force_until_tomorrow(fixture("minato_evacuation_order.xml")));
    const std::string id =
        cap_alert_id("bousai@city.minato.tokyo.jp", "minato-bousai-20250905-0001");
    ASSERT_TRUE(wait_for([&] { return observer.on("test/v1/jobs/mail").size() == 1; }, 10s));

    auto alert = last_alert(observer, id);
    ASSERT_TRUE(alert.has_value());
    EXPECT_EQ(alert->version, 1);
    EXPECT_EQ(alert->level, 4);
    EXPECT_EQ(alert->headline.at("ja"), "【警戒レベル4】芝浦一丁目～四丁目に避難指示（高潮）");
    for (const std::string channel : {"line", "mail"}) {
        auto jobs = observer.on("test/v1/jobs/" + channel);
        ASSERT_EQ(jobs.size(), 1u) << channel;
        auto job = decode_job(jobs[0].payload);
        ASSERT_TRUE(job.ok()) << job.error().message;
        EXPECT_EQ(job->job_id, id + "/v1/" + channel);
        EXPECT_EQ(job->idempotency_key, job->job_id);
        EXPECT_EQ(job->alert, *alert);
    }
    // Retained: a screen that connects later still learns about it.
    auto retained = retained_payload(broker_.port(), "test/v1/alerts/" + id);
    ASSERT_TRUE(retained.has_value());
    EXPECT_EQ(*decode_alert(*retained), *alert);

    EXPECT_TRUE(fs::exists(dir_ / "spool/done/minato.xml"));
    EXPECT_FALSE(fs::exists(incoming() / "minato.xml"));
}

TEST_F(HubAppTest, SpoolRejectsGoToQuarantineWithAReasonFile) {
    start_hub();
    drop("xee.cap", read_file(fixtures_dir() / "cap/invalid/xee.cap"));
    auto kept = dir_ / "spool/quarantine/xee.cap.reason.txt";
    ASSERT_TRUE(wait_for([&] { return fs::exists(kept); }));
    EXPECT_NE(read_file(kept).find("<!DOCTYPE> is not allowed"), std::string::npos);
    EXPECT_TRUE(fs::exists(dir_ / "spool/quarantine/xee.cap"));
    EXPECT_FALSE(fs::exists(incoming() / "xee.cap"));
}

TEST_F(HubAppTest, HttpIngestAnswers202401413And422) {
    start_hub();
    auto health = httplib::Client("127.0.0.1", port()).Get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    EXPECT_EQ(nlohmann::json::parse(health->body), nlohmann::json({{"status", "ok"}}));

    auto no_token = post_cap(port(), thunderstorm(), "");
    ASSERT_TRUE(no_token);
    EXPECT_EQ(no_token->status, 401);
    EXPECT_EQ(no_token->get_header_value("WWW-Authenticate"), "Bearer");
    auto wrong = post_cap(port(), thunderstorm(), "test-token-0123456789abcdeX");
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 401);

    auto big = post_cap(port(), std::string(20000, ' '), kToken);
    ASSERT_TRUE(big);
    EXPECT_EQ(big->status, 413);

    auto accepted = post_cap(port(), thunderstorm(), kToken);
    ASSERT_TRUE(accepted);
    EXPECT_EQ(accepted->status, 202) << accepted->body;
    auto body = nlohmann::json::parse(accepted->body);
    const std::string id = cap_alert_id("KSTO@NWS.NOAA.GOV", "KSTO1055887203");
    EXPECT_EQ(body["alert_id"], id);
    EXPECT_EQ(body["version"], 1);
    EXPECT_EQ(body["duplicate"], false);
    // 202 means committed: the journal has it already.
    EXPECT_EQ(*reader().count_rows("documents"), 1);

    auto again = post_cap(port(), thunderstorm(), kToken);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 202);
    EXPECT_EQ(nlohmann::json::parse(again->body)["duplicate"], true);
    EXPECT_EQ(nlohmann::json::parse(again->body)["version"], 1);

    auto hostile = post_cap(port(), read_file(fixtures_dir() / "cap/invalid/xee.cap"), kToken);
    ASSERT_TRUE(hostile);
    EXPECT_EQ(hostile->status, 422);
    auto error = nlohmann::json::parse(hostile->body)["error"].get<std::string>();
    EXPECT_NE(error.find("<!DOCTYPE> is not allowed"), std::string::npos) << error;

    // The rejected body is kept for inspection with its reason beside it.
    std::vector<fs::path> kept;
    for (auto& e : fs::directory_iterator(dir_ / "spool/quarantine")) kept.push_back(e.path());
    ASSERT_EQ(kept.size(), 2u);
    std::sort(kept.begin(), kept.end());
    EXPECT_EQ(read_file(kept[0]), read_file(fixtures_dir() / "cap/invalid/xee.cap"));
    EXPECT_EQ(kept[1].string(), kept[0].string() + ".reason.txt");
    EXPECT_NE(read_file(kept[1]).find("origin: http"), std::string::npos);
    EXPECT_EQ(*reader().count_rows("documents"), 1);
}

TEST_F(HubAppTest, UpdateAndCancelReplaceTheRetainedAlert) {
    start_hub();
    Observer observer(broker_.uri(), "test/v1/alerts/#");
    const std::string id = cap_alert_id("KSTO@NWS.NOAA.GOV", "KSTO1055887203");
    ASSERT_EQ(post_cap(port(), thunderstorm(), kToken)->status, 202);
    auto update = post_cap(port(), fixture("thunderstorm_update.xml"), kToken);
    EXPECT_EQ(nlohmann::json::parse(update->body)["version"], 2);
    auto cancel = post_cap(port(), fixture("thunderstorm_cancel.xml"), kToken);
    EXPECT_EQ(nlohmann::json::parse(cancel->body)["alert_id"], id);
    EXPECT_EQ(nlohmann::json::parse(cancel->body)["version"], 3);

    ASSERT_TRUE(wait_for([&] { return observer.on("test/v1/alerts/" + id).size() >= 3; }, 10s));
    // In order; the hub's retained-state repair after its first connect may repeat one.
    auto versions = observer.on("test/v1/alerts/" + id);
    std::int64_t seen = 0;
    for (const auto& m : versions) {
        auto v = decode_alert(m.payload)->version;
        EXPECT_TRUE(v == seen || v == seen + 1) << v << " after " << seen;
        seen = v;
    }
    EXPECT_EQ(seen, 3);
    EXPECT_EQ(decode_alert(versions.back().payload)->state, AlertState::kCancelled);
    auto retained = retained_payload(broker_.port(), "test/v1/alerts/" + id);
    ASSERT_TRUE(retained.has_value());
    EXPECT_EQ(decode_alert(*retained)->version, 3);
    EXPECT_EQ(decode_alert(*retained)->state, AlertState::kCancelled);
}

TEST_F(HubAppTest, ReceiptsAcksAndDeviceStatusAreJournaledAndGarbageIsNot) {
    start_hub();
    Observer device(broker_.uri(), "test/v1/none");
    ASSERT_TRUE(wait_for([&] { return device.bus().connected() && bus_->connected(); }));
    auto now = std::chrono::system_clock::now();

    Receipt r;
    r.job_id = "cap-x/v1/line";
    r.channel = "line";
    r.alert_id = "cap-x";
    r.version = 1;
    r.recipients = 42;
    r.attempts = 1;
    r.first_attempt = now;
    r.finished = now;
    // Acks only count for a version the hub sent.
    const std::string sent_id = cap_alert_id("KSTO@NWS.NOAA.GOV", "KSTO1055887203");
    ASSERT_EQ(post_cap(port(), thunderstorm(), kToken)->status, 202);
    DisplayAck ack{"lobby-1", sent_id, 1, now};
    DisplayAck never_sent{"lobby-1", sent_id, 2, now};
    DeviceStatus status;
    status.device_id = "lobby-1";
    status.showing = {{"cap-x", 1}};
    status.software_version = "0.1.0";
    status.updated = now;
    auto send = [&](const std::string& topic, const std::string& payload, bool retained) {
        auto s = device.bus().publish({topic, payload, retained}, 5s);
        ASSERT_TRUE(s.ok()) << s.error().message;
    };
    send("test/v1/receipts/line", "{not json", false);
    send("test/v1/receipts/mail", encode_receipt(r), false);  // wrong channel for its topic
    send("test/v1/devices/lobby-2/ack", encode_display_ack(ack), false);  // wrong device
    send("test/v1/devices/lobby-1/ack", encode_display_ack(never_sent), false);
    send("test/v1/receipts/line", encode_receipt(r), false);
    send("test/v1/devices/lobby-1/ack", encode_display_ack(ack), false);
    send("test/v1/devices/lobby-1/status", encode_device_status(status), true);

    auto j = reader();
    ASSERT_TRUE(wait_for([&] {
        auto d = j.device("lobby-1");
        if (!d.ok()) ADD_FAILURE() << d.error().message;
        return d.ok() && d->has_value();
    }));
    ASSERT_TRUE(wait_for(
        [&] { return *j.count_rows("receipts") == 1 && *j.count_rows("display_acks") == 1; }));
    EXPECT_TRUE((*j.device("lobby-1"))->online);
    // The hub is still alive and well after the garbage.
    EXPECT_TRUE(healthy(port()));
    send("test/v1/devices/lobby-1/status", "", true);  // clear the retained status
}

TEST_F(HubAppTest, AlertsIngestedWhileTheBrokerIsDownGoOutWhenItReturns) {
    start_hub();
    ASSERT_TRUE(wait_for([&] { return bus_->connected(); }));
    broker_.stop();
    ASSERT_TRUE(wait_for([&] { return !bus_->connected(); }));
    auto r =
        post_cap(port(), in_force_until_tomorrow(fixture("minato_evacuation_order.xml")), kToken);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 202);  // stored, so acknowledged, even with nowhere to publish yet
    EXPECT_EQ(*reader().unpublished_count(), 3);
    broker_.start();
    const std::string id =
        cap_alert_id("bousai@city.minato.tokyo.jp", "minato-bousai-20250905-0001");
    ASSERT_TRUE(wait_for([&] { return *reader().unpublished_count() == 0; }, 15s));
    auto retained = retained_payload(broker_.port(), "test/v1/alerts/" + id);
    ASSERT_TRUE(retained.has_value());
    EXPECT_EQ(decode_alert(*retained)->level, 4);
}

TEST_F(HubAppTest, StartFailsCleanlyWhenThePortIsTaken) {
    int squatter = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(config_.listen_port));
    ASSERT_EQ(bind(squatter, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(listen(squatter, 1), 0);
    PahoMessageBus bus(config_.mqtt.settings);
    HubApp app(config_, bus, system_clock_);
    auto s = app.start();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find(std::to_string(config_.listen_port)), std::string::npos);
    close(squatter);
}

}  // namespace
}  // namespace alerthub::hub
