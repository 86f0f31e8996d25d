// The real line-adapter binary against a real Mosquitto and the LINE API stand-in
// (tests/support/line_standin.py), which checks every request against LINE's OpenAPI.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "core/http/curl_http_client.h"
#include "core/mqtt/paho_message_bus.h"
#include "core/protocol/messages.h"
#include "core/protocol/topics.h"
#include "core/protocol/town_blocks.h"
#include "core/storage/sqlite_db.h"
#include "tests/support/monitoring_probe.h"
#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::ChildProcess;
using testing::monitoring_get;
using testing::MosquittoBroker;
using testing::promtool_problems;
using testing::TempDir;
using testing::wait_for;

constexpr const char* kToken = "it-channel-access-token";

DeliveryJob make_job(std::string alert_id, std::int64_t version = 1) {
    DeliveryJob job;
    job.alert.id = std::move(alert_id);
    job.alert.version = version;
    job.alert.level = 4;
    job.alert.source.sent = *parse_rfc3339("2024-07-25T10:30:00+09:00");
    job.alert.headline = {{"ja", "港区に避難指示"}, {"en", "Evacuation order: Minato"}};
    job.alert.instruction = {{"ja", "直ちに避難してください。"}};
    job.channel = "line";
    job.job_id = make_job_id(job.alert.id, version, "line");
    job.idempotency_key = sha256_hex(job.job_id);
    job.created = *parse_rfc3339("2024-07-25T10:30:05+09:00");
    return job;
}

// The LINE stand-in as a child process, and its control API.
class LineStandin {
public:
    explicit LineStandin(const TempDir& dir) : port_(testing::free_port()) {
        auto script = testing::project_fixtures_dir().parent_path() / "support" / "line_standin.py";
        auto spec = testing::fixtures_dir() / "line" / "messaging-api.yml";
        log_ = dir / "standin.log";
        process_ = std::make_unique<ChildProcess>(
            std::vector<std::string>{"/usr/bin/python3", script.string(), "--port",
                                     std::to_string(port_), "--token", kToken, "--spec",
                                     spec.string()},
            log_);
        bool up = wait_for([&] {
            std::error_code ec;
            return std::filesystem::exists(log_, ec) &&
                   testing::read_file(log_).find("PORT ") != std::string::npos;
        });
        if (!up) throw std::runtime_error("line stand-in did not start");
    }
    std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

    json get(const std::string& path) {
        auto r = http_.send({"GET", base() + path, {}, "", milliseconds(5000)});
        if (!r || r->status != 200) throw std::runtime_error("stand-in GET " + path + " failed");
        return json::parse(r->body);
    }
    void post(const std::string& path, const json& body) {
        auto r = http_.send({"POST",
                             base() + path,
                             {{"Content-Type", "application/json"}},
                             body.dump(),
                             milliseconds(5000)});
        if (!r || r->status != 200) throw std::runtime_error("stand-in POST " + path + " failed");
    }
    void clear_faults() {
        auto r = http_.send({"DELETE", base() + "/__standin/faults", {}, "", milliseconds(5000)});
        if (!r || r->status != 200) throw std::runtime_error("stand-in DELETE faults failed");
    }
    // The sending requests; the month's quota is read before every job (all_requests()).
    json requests() {
        json out = json::array();
        for (auto& r : all_requests())
            if (r["path"].get<std::string>().rfind("/v2/bot/message/quota", 0) != 0)
                out.push_back(r);
        return out;
    }
    json all_requests() { return get("/__standin/requests"); }
    json violations() { return get("/__standin/violations"); }

private:
    int port_;
    std::filesystem::path log_;
    std::unique_ptr<ChildProcess> process_;
    CurlHttpClient http_;
};

class LineAdapterIntegrationTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        standin_ = std::make_unique<LineStandin>(dir_);
        testing::write_file(dir_ / "token", std::string(kToken) + "\n");

        MqttSettings s;
        s.uri = broker_.uri();
        s.client_id = "it-hub";
        hub_ = std::make_unique<PahoMessageBus>(s);
        hub_->subscribe(topics_.receipt("line"));
        hub_->start(
            [this](BusMessage m) {
                auto r = decode_receipt(m.payload);
                std::lock_guard lock(mu_);
                if (r) receipts_.push_back(*r);
            },
            {});
        ASSERT_TRUE(wait_for([&] { return hub_->connected(); }));
    }

    void TearDown() override {
        adapter_.reset();
        hub_->stop();
    }

    void write_config(int initial_backoff_ms, const std::string& extra = "") {
        testing::write_file(
            dir_ / "line.toml",
            extra + fmt::format(R"(
[mqtt]
uri = "{}"
client_id = "it-line-adapter"
topic_root = "it/v1"
[line]
api_base = "{}"
channel_access_token_file = "token"
request_timeout_ms = 3000
[retry]
initial_backoff_ms = {}
max_backoff_ms = {}
max_attempts = 5
[state]
path = "state/line.db"
[signing]
public_keys = ["{}"]
)",
                                broker_.uri(), standin_->base(), initial_backoff_ms,
                                initial_backoff_ms * 4, testing::test_public_key_line()));
    }

    // Starts the adapter and waits until it is subscribed (its log says it connected).
    void start_adapter() {
        auto log = dir_ / "adapter.log";
        auto before = adapter_log().size();
        adapter_ = std::make_unique<ChildProcess>(
            std::vector<std::string>{(testing::binary_dir() / "line-adapter").string(), "--config",
                                     (dir_ / "line.toml").string(), "--log-level", "debug"},
            log);
        ASSERT_TRUE(wait_for([&] {
            return adapter_log().find("connected to", before) != std::string::npos;
        })) << adapter_log();
    }

    // write_config() with the ward's town blocks and `line_extra` in [line] (area targeting),
    // then `sections` at the end.
    void write_targeting_config(const std::string& line_extra, const std::string& sections) {
        auto blocks = (testing::project_fixtures_dir().parent_path().parent_path() / "config" /
                       "minato_town_blocks.tsv")
                          .string();
        write_config(50);
        auto config = testing::read_file(dir_ / "line.toml");
        config.replace(config.find("[line]\n"), 7,
                       fmt::format("[line]\ntown_blocks_file = \"{}\"\n{}", blocks, line_extra));
        testing::write_file(dir_ / "line.toml", config + sections);
    }

    // `line-adapter --config CONFIG ARGS...` to the end; its exit status, output in `out`.
    int run_cli(const std::filesystem::path& config, std::vector<std::string> args,
                std::string* out = nullptr) {
        std::vector<std::string> argv = {(testing::binary_dir() / "line-adapter").string(),
                                         "--config", config.string()};
        argv.insert(argv.end(), args.begin(), args.end());
        auto log = dir_ / "cli.log";
        std::error_code ec;
        std::filesystem::remove(log, ec);
        ChildProcess p(argv, log);
        EXPECT_TRUE(wait_for([&] { return !p.running(); }, seconds(30)));
        if (out) *out = testing::read_file(log);
        return p.stop();
    }

    // `count` subscribers of 芝浦四丁目 in English, by made-up LINE user ids.
    std::vector<std::string> import_subscribers(int count) {
        std::vector<std::string> ids;
        std::string csv = "user_id,language,areas\n";
        for (int i = 0; i < count; ++i) {
            ids.push_back(fmt::format("U{:032x}", 0xabc000 + i));
            csv += ids.back() + ",en,芝浦四丁目\n";
        }
        testing::write_file(dir_ / "subscribers.csv", csv);
        std::string out;
        EXPECT_EQ(run_cli(dir_ / "line.toml",
                          {"subscribers", "import", (dir_ / "subscribers.csv").string()}, &out),
                  0)
            << out;
        return ids;
    }

    std::string adapter_log() {
        std::error_code ec;
        return std::filesystem::exists(dir_ / "adapter.log", ec)
                   ? testing::read_file(dir_ / "adapter.log")
                   : "";
    }

    void publish(const DeliveryJob& job) {
        ASSERT_TRUE(hub_->publish({topics_.job("line"),
                                   alerthub::testing::hub_signed(encode_job(job)), false},
                                  seconds(5))
                        .ok());
    }

    std::vector<Receipt> receipts() {
        std::lock_guard lock(mu_);
        return receipts_;
    }

    TempDir dir_;
    MosquittoBroker broker_;
    Topics topics_{"it/v1"};
    std::unique_ptr<LineStandin> standin_;
    std::unique_ptr<PahoMessageBus> hub_;
    std::unique_ptr<ChildProcess> adapter_;
    std::mutex mu_;
    std::vector<Receipt> receipts_;
};

TEST_F(LineAdapterIntegrationTest, OneJobBecomesOneValidBroadcastAndAnAcceptedReceipt) {
    write_config(50);
    start_adapter();
    auto job = make_job("staff-0001");
    publish(job);
    ASSERT_TRUE(wait_for([&] { return !receipts().empty(); })) << adapter_log();

    auto requests = standin_->requests();
    ASSERT_EQ(requests.size(), 1u) << requests.dump(2);
    auto& r = requests[0];
    EXPECT_EQ(r["path"], "/v2/bot/message/broadcast");
    EXPECT_EQ(r["status"], 200);
    EXPECT_EQ(r["headers"]["authorization"], std::string("Bearer ") + kToken);
    // 警戒レベル4: a Flex message; its altText is the notification line.
    auto& m = r["body"]["messages"][0];
    EXPECT_EQ(m["type"], "flex");
    EXPECT_EQ(m["altText"], "【緊急】港区に避難指示");
    EXPECT_EQ(m["contents"]["body"]["contents"][0]["text"],
              "【緊急】港区に避難指示\n直ちに避難してください。\n発表: 2024-07-25 10:30 (JST)\n\n"
              "Evacuation order: Minato");
    EXPECT_EQ(standin_->violations(), json::array()) << standin_->violations().dump(2);

    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].job_id, job.job_id);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].attempts, 1);
    EXPECT_NE(rs[0].detail.find(r["request_id"].get<std::string>()), std::string::npos);

    // The same job again (the hub re-sends it): no second broadcast, a duplicate receipt.
    publish(job);
    ASSERT_TRUE(wait_for([&] { return receipts().size() == 2; })) << adapter_log();
    EXPECT_EQ(receipts()[1].outcome, ReceiptOutcome::kDuplicate);
    EXPECT_EQ(standin_->requests().size(), 1u);

    EXPECT_EQ(adapter_->stop(seconds(5)), 0) << adapter_log();
}

TEST_F(LineAdapterIntegrationTest, ServerErrorsAreRetriedWithTheSameRetryKey) {
    write_config(50);
    start_adapter();
    standin_->post("/__standin/faults",
                   {{"status", 500}, {"count", 2}, {"operation", "broadcast"}});
    publish(make_job("staff-0002"));
    ASSERT_TRUE(wait_for([&] { return !receipts().empty(); })) << adapter_log();

    auto requests = standin_->requests();
    ASSERT_EQ(requests.size(), 3u) << requests.dump(2);
    EXPECT_EQ(requests[0]["status"], 500);
    EXPECT_EQ(requests[1]["status"], 500);
    EXPECT_EQ(requests[2]["status"], 200);
    auto key = requests[0]["headers"]["x-line-retry-key"];
    EXPECT_EQ(requests[1]["headers"]["x-line-retry-key"], key);
    EXPECT_EQ(requests[2]["headers"]["x-line-retry-key"], key);
    EXPECT_EQ(standin_->violations(), json::array());
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].attempts, 3);
}

TEST_F(LineAdapterIntegrationTest, JobsQueuedWhileTheAdapterIsAwayArriveWhenItReturns) {
    write_config(50);
    start_adapter();
    EXPECT_EQ(adapter_->stop(seconds(5)), 0) << adapter_log();
    publish(make_job("staff-0003"));
    start_adapter();
    ASSERT_TRUE(wait_for([&] { return !receipts().empty(); })) << adapter_log();
    EXPECT_EQ(receipts()[0].job_id, make_job("staff-0003").job_id);
    EXPECT_EQ(standin_->requests().size(), 1u);
}

TEST_F(LineAdapterIntegrationTest, ACrashMidJobResumesWithTheSameKeyAndNeverSendsTwice) {
    write_config(60000);  // after the first attempt the adapter would wait a minute
    start_adapter();
    // LINE takes the message but the answer is lost (500), then the adapter is killed.
    standin_->post("/__standin/faults",
                   {{"status", 500}, {"count", 1}, {"accept", true}, {"operation", "broadcast"}});
    publish(make_job("staff-0004"));
    ASSERT_TRUE(wait_for([&] { return standin_->requests().size() == 1; })) << adapter_log();
    ASSERT_TRUE(wait_for([&] { return adapter_log().find("retrying in") != std::string::npos; }));
    adapter_->kill9();

    start_adapter();  // resumes the pending job at once, with the key it stored
    ASSERT_TRUE(wait_for([&] { return !receipts().empty(); })) << adapter_log();
    auto requests = standin_->requests();
    ASSERT_EQ(requests.size(), 2u) << requests.dump(2);
    EXPECT_EQ(requests[1]["headers"]["x-line-retry-key"],
              requests[0]["headers"]["x-line-retry-key"]);
    EXPECT_EQ(requests[1]["status"], 409);
    auto rs = receipts();
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].attempts, 2);
    EXPECT_NE(rs[0].detail.find(requests[0]["request_id"].get<std::string>()), std::string::npos);
}

TEST_F(LineAdapterIntegrationTest, CheckConfigAndBadConfig) {
    write_config(50);
    ChildProcess ok({(testing::binary_dir() / "line-adapter").string(), "--config",
                     (dir_ / "line.toml").string(), "--check-config"},
                    dir_ / "check.log");
    ASSERT_TRUE(wait_for([&] { return !ok.running(); }));
    EXPECT_EQ(ok.stop(), 0) << testing::read_file(dir_ / "check.log");

    testing::write_file(dir_ / "bad.toml", "[line]\napi_base = 5\n");
    ChildProcess bad({(testing::binary_dir() / "line-adapter").string(), "--config",
                      (dir_ / "bad.toml").string()},
                     dir_ / "bad.log");
    ASSERT_TRUE(wait_for([&] { return !bad.running(); }));
    EXPECT_EQ(bad.stop(), 78);
    auto log = testing::read_file(dir_ / "bad.log");
    EXPECT_NE(log.find("line.api_base"), std::string::npos) << log;
    EXPECT_NE(log.find("channel_access_token_file"), std::string::npos) << log;
}

// The webhook and area targeting: a resident follows and picks 芝浦四丁目 in the menu; an
// alert for 芝浦 blocks reaches them as a multicast; every request (replies included) is
// valid against LINE's OpenAPI; a forged webhook call is refused and changes nothing.
TEST_F(LineAdapterIntegrationTest, WebhookSubscribersGetTownBlockAlertsAsValidMulticasts) {
    int port = testing::free_port();
    testing::write_file(dir_ / "secret", "it-channel-secret\n");
    auto blocks = (testing::project_fixtures_dir().parent_path().parent_path() / "config" /
                   "minato_town_blocks.tsv")
                      .string();
    // Top-level keys must come before the first table: the extra sections go last.
    write_config(50);
    auto config = testing::read_file(dir_ / "line.toml");
    config.replace(config.find("[line]\n"), 7,
                   fmt::format("[line]\ntown_blocks_file = \"{}\"\n", blocks));
    config += fmt::format(
        "[webhook]\nenabled = true\nport = {}\nchannel_secret_file = \"secret\"\n", port);
    testing::write_file(dir_ / "line.toml", config);
    start_adapter();

    CurlHttpClient http;
    auto user = "U" + std::string(32, 'c');
    auto call = [&](const std::vector<json>& events, const std::string& secret) {
        json body = {{"destination", "U" + std::string(32, '0')}, {"events", json(events)}};
        auto text = body.dump();
        auto r = http.send({"POST",
                            fmt::format("http://127.0.0.1:{}/line/webhook", port),
                            {{"Content-Type", "application/json"},
                             {"X-Line-Signature", hmac_sha256_base64(secret, text)}},
                            text,
                            milliseconds(5000)});
        return r ? r->status : -1;
    };
    auto event = [&](const std::string& type, json extra) {
        json e = {{"type", type},
                  {"timestamp", 1700000000000},
                  {"mode", "active"},
                  {"webhookEventId", "01HABCDEFGHJKMNPQRSTVWXYZ" + type.substr(0, 1)},
                  {"deliveryContext", {{"isRedelivery", false}}},
                  {"source", {{"type", "user"}, {"userId", user}}},
                  {"replyToken", "token-" + type}};
        e.update(extra);
        return e;
    };
    EXPECT_EQ(call({event("follow", {{"follow", {{"isUnblocked", false}}}})}, "forged"), 401);
    EXPECT_EQ(call({event("follow", {{"follow", {{"isUnblocked", false}}}})}, "it-channel-secret"),
              200);
    EXPECT_EQ(call({event("postback", {{"postback", {{"data", "a=add&c=shibaura-4"}}}})},
                   "it-channel-secret"),
              200);
    ASSERT_TRUE(wait_for([&] { return standin_->requests().size() == 2; })) << adapter_log();
    for (auto& r : standin_->requests()) {
        EXPECT_EQ(r["path"], "/v2/bot/message/reply");
        EXPECT_EQ(r["status"], 200);
    }

    auto job = make_job("staff-0005");
    job.alert.areas = {{"", "", "芝浦三丁目～四丁目"}};
    job.alert.links = {{"web", "https://www.city.minato.tokyo.jp/", {}}};
    publish(job);  // level 4: a Flex message
    ASSERT_TRUE(wait_for([&] { return !receipts().empty(); })) << adapter_log();
    auto requests = standin_->requests();
    ASSERT_EQ(requests.size(), 3u) << requests.dump(2);  // 2 replies, 1 multicast
    auto& m = requests[2];
    EXPECT_EQ(m["path"], "/v2/bot/message/multicast");
    EXPECT_EQ(m["body"]["to"], json::array({user}));
    EXPECT_EQ(m["body"]["messages"][0]["type"], "flex");
    EXPECT_EQ(standin_->violations(), json::array()) << standin_->violations().dump(2);
    auto rs = receipts();
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].recipients, 1);
    ASSERT_EQ(rs[0].batches.size(), 1u);
    EXPECT_EQ(rs[0].batches[0].kind, "multicast");
    // The user id is personal data: never in the log.
    EXPECT_EQ(adapter_log().find(user), std::string::npos);
}

// Subscribers moved in from CSV; the month's quota is short: the receipt warns staff and
// LINE's monthly-limit 429 stops the job without a retry loop.
TEST_F(LineAdapterIntegrationTest, CsvImportAndAShortQuotaGiveAReceiptWithAWarning) {
    auto blocks = (testing::project_fixtures_dir().parent_path().parent_path() / "config" /
                   "minato_town_blocks.tsv")
                      .string();
    write_config(50);
    auto config = testing::read_file(dir_ / "line.toml");
    config.replace(config.find("[line]\n"), 7,
                   // One at a time: which batch meets the monthly limit is then known.
                   fmt::format("[line]\ntown_blocks_file = \"{}\"\nbatch_size = 2\n"
                               "max_in_flight = 1\n",
                               blocks));
    testing::write_file(dir_ / "line.toml", config);
    std::string csv = "user_id,language,areas\n";
    for (int i = 0; i < 5; ++i) csv += fmt::format("U{:032x},en,芝浦四丁目\n", i + 1);
    testing::write_file(dir_ / "in.csv", csv);
    auto run_cli = [&](std::vector<std::string> args) {
        std::vector<std::string> argv = {(testing::binary_dir() / "line-adapter").string(),
                                         "--config", (dir_ / "line.toml").string()};
        argv.insert(argv.end(), args.begin(), args.end());
        ChildProcess p(argv, dir_ / "cli.log");
        EXPECT_TRUE(wait_for([&] { return !p.running(); }));
        return p.stop();
    };
    ASSERT_EQ(run_cli({"subscribers", "import", (dir_ / "in.csv").string()}), 0)
        << testing::read_file(dir_ / "cli.log");
    ASSERT_EQ(run_cli({"subscribers", "export", (dir_ / "out.csv").string()}), 0);
    EXPECT_EQ(testing::read_file(dir_ / "out.csv"), [&] {
        std::string expected = "user_id,language,areas\n";
        for (int i = 0; i < 5; ++i) expected += fmt::format("U{:032x},en,shibaura-4\n", i + 1);
        return expected;
    }());
    testing::write_file(dir_ / "bad.csv", "user_id,language,areas\nUnope,en,\n");
    EXPECT_EQ(run_cli({"subscribers", "import", (dir_ / "bad.csv").string()}), 1);
    EXPECT_NE(testing::read_file(dir_ / "cli.log").find("line 2: user_id"), std::string::npos);

    standin_->post("/__standin/quota", {{"type", "limited"}, {"value", 103}, {"totalUsage", 100}});
    start_adapter();
    auto job = make_job("staff-0006");
    job.alert.level = 3;
    job.alert.areas = {{"town", "shibaura-4", "芝浦四丁目"}};
    publish(job);
    ASSERT_TRUE(wait_for([&] { return !receipts().empty(); })) << adapter_log();
    auto rs = receipts();
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].recipients, 2);  // the first multicast of 2; the second does not fit
    ASSERT_EQ(rs[0].batches.size(), 3u);
    EXPECT_EQ(rs[0].batches[1].failed, 2);
    EXPECT_EQ(rs[0].warnings.size(), 2u);  // short before sending; limit reached while sending
    auto requests = standin_->all_requests();
    ASSERT_EQ(requests.size(), 4u) << requests.dump(2);  // quota x2, 200, 429; no retries
    EXPECT_EQ(requests[0]["path"], "/v2/bot/message/quota");
    EXPECT_EQ(requests[3]["status"], 429);
    EXPECT_EQ(standin_->violations(), json::array());
}

// A job for the subscribers of 芝浦四丁目 (multicasts to their user ids).
DeliveryJob shibaura_job(std::string alert_id) {
    auto job = make_job(std::move(alert_id));
    job.alert.level = 3;
    job.alert.areas = {{"town", "shibaura-4", "芝浦四丁目"}};
    return job;
}

// The monitoring listener (issue 16): /health is ready, degraded with "broker down" while the
// broker is away and ready again when it is back; /metrics passes promtool and counts the
// jobs accepted, failed and retried and LINE's quota, with no user id in it.
TEST_F(LineAdapterIntegrationTest, HealthFollowsTheBrokerAndMetricsCountDeliveries) {
    const int monitoring = testing::free_port();
    write_targeting_config("", fmt::format("[monitoring]\nlisten_port = {}\n", monitoring));
    auto users = import_subscribers(3);
    standin_->post("/__standin/quota", {{"type", "limited"}, {"value", 1000}, {"totalUsage", 100}});
    start_adapter();
    ASSERT_TRUE(wait_for([&] {
        return monitoring_get(monitoring, "/health") ==
               std::pair<int, std::string>{200, R"({"status":"ready"})"};
    })) << monitoring_get(monitoring, "/health").second;

    // One job accepted after two server errors (two retries), one refused for good (400).
    standin_->post("/__standin/faults",
                   {{"status", 500}, {"count", 2}, {"operation", "multicast"}});
    publish(shibaura_job("staff-mon-1"));
    ASSERT_TRUE(wait_for([&] { return receipts().size() == 1; })) << adapter_log();
    standin_->post("/__standin/faults",
                   {{"status", 400}, {"count", 1}, {"operation", "multicast"}});
    publish(shibaura_job("staff-mon-2"));
    ASSERT_TRUE(wait_for([&] { return receipts().size() == 2; })) << adapter_log();
    EXPECT_EQ(receipts()[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(receipts()[0].attempts, 3);
    EXPECT_EQ(receipts()[1].outcome, ReceiptOutcome::kFailed);

    std::string metrics;
    ASSERT_TRUE(wait_for([&] {
        metrics = monitoring_get(monitoring, "/metrics").second;
        return metrics.find("alerthub_receipts_queued{channel=\"line\"} 0\n") != std::string::npos;
    })) << metrics;
    for (const char* line : {
             "alerthub_delivery_jobs{channel=\"line\",state=\"accepted\"} 1\n",
             "alerthub_delivery_jobs{channel=\"line\",state=\"failed\"} 1\n",
             "alerthub_delivery_jobs{channel=\"line\",state=\"pending\"} 0\n",
             "alerthub_delivery_retries{channel=\"line\"} 2\n",
             // Read before each job; the stand-in counts only what it accepted: 3 messages.
             "alerthub_line_quota_limit 1000\n",
             "alerthub_line_quota_remaining 897\n",
             "alerthub_broker_connected 1\n",
             "alerthub_ready 1\n",
         })
        EXPECT_NE(metrics.find(line), std::string::npos) << line << "\n" << metrics;
    EXPECT_EQ(promtool_problems(dir_, metrics), "");
    for (const auto& user : users) EXPECT_EQ(metrics.find(user), std::string::npos) << user;
    EXPECT_EQ(metrics.find("staff-mon"), std::string::npos) << "no alert or job ids either";

    testing::expect_health_follows_broker(broker_, monitoring);
    EXPECT_EQ(adapter_->stop(seconds(5)), 0) << adapter_log();
}

// What one line.db holds, read straight from its tables.
struct LineState {
    std::set<std::string> subscribers;       // "user_id language areas"
    std::set<std::string> accepted_jobs;     // job ids
    std::set<std::string> all_jobs;          // job ids, any state
    std::set<std::string> accepted_batches;  // "job_id #index"
    std::set<std::string> plans;             // job ids with a stored plan
};

LineState read_line_state(const std::string& path) {
    LineState s;
    auto db = SqliteDb::open(path);
    if (!db.ok()) {
        ADD_FAILURE() << db.error().message;
        return s;
    }
    auto each = [&](const char* sql, const std::function<void(SqliteStatement&)>& row) {
        auto q = db->prepare(sql);
        if (!q.ok()) {
            ADD_FAILURE() << sql << ": " << q.error().message;
            return;
        }
        for (auto r = q->step(); r.ok() && *r; r = q->step()) row(*q);
    };
    each("SELECT user_id, language, areas FROM line_subscribers", [&](SqliteStatement& q) {
        s.subscribers.insert(q.column_text(0) + " " + q.column_text(1) + " " + q.column_text(2));
    });
    each("SELECT job_id, state FROM jobs", [&](SqliteStatement& q) {
        s.all_jobs.insert(q.column_text(0));
        if (q.column_text(1) == "accepted") s.accepted_jobs.insert(q.column_text(0));
    });
    each("SELECT job_id, batch_index FROM line_batches WHERE state = 'accepted'",
         [&](SqliteStatement& q) {
             s.accepted_batches.insert(q.column_text(0) + " #" + std::to_string(q.column_int(1)));
         });
    each("SELECT job_id FROM line_job_plans",
         [&](SqliteStatement& q) { s.plans.insert(q.column_text(0)); });
    return s;
}

// Backups that restore (issue 16): `line-adapter backup` copies line.db while the adapter
// sends multicasts batch after batch; `line-adapter restore` puts the copy in a fresh
// adapter's place, which has every subscriber and every job and batch done before the backup,
// resumes the unfinished jobs without anyone getting a message twice, and answers a job it
// knows as a duplicate.
TEST_F(LineAdapterIntegrationTest, ABackupTakenWhileDeliveringRestoresIntoAFreshAdapter) {
    // 200 subscribers in batches of 5: 40 multicasts per job, one at a time, 60 a second.
    write_targeting_config("batch_size = 5\nmax_in_flight = 1\n",
                           "[rate_limits]\nmulticast_per_second = 60\n");
    auto users = import_subscribers(200);
    start_adapter();
    constexpr int kJobs = 12;
    constexpr size_t kBatches = kJobs * 40;
    for (int i = 0; i < kJobs; ++i) publish(shibaura_job(fmt::format("staff-load-{:02}", i)));
    // The backup once about a third of the multicasts have gone out.
    ASSERT_TRUE(wait_for([&] { return standin_->requests().size() >= kBatches / 3; }, seconds(60)))
        << adapter_log();

    const std::string db_path = (dir_ / "state" / "line.db").string();
    const LineState before = read_line_state(db_path);
    std::string out;
    ASSERT_EQ(run_cli(dir_ / "line.toml", {"backup", (dir_ / "backups").string()}, &out), 0) << out;
    const LineState after_backup = read_line_state(db_path);
    EXPECT_LT(after_backup.accepted_batches.size(), kBatches) << "the backup ran during delivery";
    const std::string file = out.substr(0, out.find('\n'));
    EXPECT_TRUE(file.starts_with((dir_ / "backups" / "line-").string())) << out;
    EXPECT_FALSE(std::filesystem::exists(file + "-wal")) << "a backup is one self-contained file";
    ASSERT_TRUE(wait_for([&] { return receipts().size() == kJobs; }, seconds(90))) << adapter_log();
    const LineState final_state = read_line_state(db_path);
    EXPECT_EQ(final_state.accepted_batches.size(), kBatches);
    EXPECT_EQ(standin_->violations(), json::array());

    // A fresh adapter's place, elsewhere: the backup restored into it.
    TempDir fresh;
    testing::write_file(fresh / "token", std::string(kToken) + "\n");
    testing::write_file(fresh / "line.toml", testing::read_file(dir_ / "line.toml"));
    ASSERT_EQ(run_cli(fresh / "line.toml", {"restore", file}, &out), 0) << out;
    const LineState restored = read_line_state((fresh / "state" / "line.db").string());

    EXPECT_EQ(restored.subscribers, before.subscribers);
    EXPECT_EQ(restored.subscribers.size(), users.size());
    // Everything done before the backup began is in it; nothing done after it ended.
    for (const auto& b : before.accepted_batches)
        EXPECT_TRUE(restored.accepted_batches.count(b)) << b;
    for (const auto& b : restored.accepted_batches)
        EXPECT_TRUE(after_backup.accepted_batches.count(b)) << b;
    for (const auto& job : before.accepted_jobs)
        EXPECT_TRUE(restored.accepted_jobs.count(job)) << job;
    for (const auto& job : restored.accepted_jobs)
        EXPECT_TRUE(after_backup.accepted_jobs.count(job)) << job;
    for (const auto& job : before.all_jobs) EXPECT_TRUE(restored.all_jobs.count(job)) << job;
    for (const auto& job : restored.all_jobs) EXPECT_TRUE(final_state.all_jobs.count(job)) << job;
    // Consistent: an accepted job has its plan and all 40 batches (1..40) accepted.
    for (const auto& job : restored.accepted_jobs) {
        EXPECT_TRUE(restored.plans.count(job)) << job;
        for (int i = 1; i <= 40; ++i)
            EXPECT_TRUE(restored.accepted_batches.count(job + " #" + std::to_string(i)))
                << job << " #" << i;
    }

    // The fresh adapter runs on it. The jobs unfinished at the backup resume, each with its
    // receipt, with their stored retry keys: LINE took those batches already and refuses every
    // resend (409), so nobody gets a message twice.
    EXPECT_EQ(adapter_->stop(seconds(5)), 0) << adapter_log();
    const auto requests_before = standin_->requests().size();
    adapter_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{(testing::binary_dir() / "line-adapter").string(), "--config",
                                 (fresh / "line.toml").string()},
        fresh / "adapter.log");
    // (Receipts the backup still held unpublished go out again too: the hub dedupes them.)
    std::set<std::string> unfinished;
    for (const auto& job : restored.all_jobs)
        if (!restored.accepted_jobs.count(job)) unfinished.insert(job);
    EXPECT_FALSE(unfinished.empty());
    auto fresh_receipts = [&](ReceiptOutcome outcome) {
        std::set<std::string> jobs;
        auto rs = receipts();
        for (size_t i = kJobs; i < rs.size(); ++i)
            if (rs[i].outcome == outcome) jobs.insert(rs[i].job_id);
        return jobs;
    };
    ASSERT_TRUE(wait_for(
        [&] {
            auto done = fresh_receipts(ReceiptOutcome::kAccepted);
            return std::includes(done.begin(), done.end(), unfinished.begin(), unfinished.end());
        },
        seconds(60)))
        << testing::read_file(fresh / "adapter.log");
    auto requests = standin_->requests();
    EXPECT_GT(requests.size(), requests_before);
    for (size_t i = requests_before; i < requests.size(); ++i)
        EXPECT_EQ(requests[i]["status"], 409) << requests[i].dump();

    // The hub sends a job again: the restored file knows it, a duplicate, nothing sent.
    auto again = shibaura_job("staff-load-00");
    ASSERT_TRUE(restored.all_jobs.count(again.job_id));
    publish(again);
    ASSERT_TRUE(wait_for([&] {
        return fresh_receipts(ReceiptOutcome::kDuplicate).count(again.job_id) == 1;
    })) << testing::read_file(fresh / "adapter.log");
    EXPECT_EQ(standin_->requests().size(), requests.size());
}

}  // namespace
}  // namespace alerthub
