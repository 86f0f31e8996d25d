// LineApp, the line-adapter's wiring, started with fakes: a recording HttpClient for LINE,
// an in-memory bus and a FakeClock. A job on the bus must become a LINE request and a
// receipt; the state must carry a job over a restart; the webhook must be served. The
// delivery rules themselves are tested in line_adapter_test and tests/unit/adapters/common.

#include "adapters/line/line_app.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_signing.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <mutex>

#include <nlohmann/json.hpp>

#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "core/http/curl_http_client.h"
#include "tests/support/fake_message_bus.h"
#include "tests/support/test_support.h"

namespace alerthub::line {
namespace {

using std::chrono::milliseconds;
using testing::FakeMessageBus;
using testing::TempDir;

// Records every request; answers 200 unless told to answer `status` next.
class RecordingHttpClient final : public HttpClient {
public:
    Result<HttpResponse> send(const HttpRequest& request) override {
        std::lock_guard lock(mu_);
        requests_.push_back(request);
        int status = 200;
        if (!statuses_.empty()) {
            status = statuses_.front();
            statuses_.pop_front();
        }
        return HttpResponse{status, {{"x-line-request-id", "req-1"}}, "{}"};
    }
    void answer_next(int status) {
        std::lock_guard lock(mu_);
        statuses_.push_back(status);
    }
    std::vector<HttpRequest> requests() const {
        std::lock_guard lock(mu_);
        return requests_;
    }

private:
    mutable std::mutex mu_;
    std::deque<int> statuses_;
    std::vector<HttpRequest> requests_;
};

DeliveryJob make_job() {
    DeliveryJob job;
    job.alert.id = "jma-VPWW53-130000";
    job.alert.version = 1;
    job.alert.severity = Severity::kSevere;
    job.alert.source.sent = *parse_rfc3339("2024-07-25T10:30:00+09:00");
    job.alert.headline = {{"ja", "大雨警報（土砂災害）"}, {"en", "Heavy rain warning"}};
    job.channel = "line";
    job.job_id = make_job_id(job.alert.id, job.alert.version, "line");
    job.idempotency_key = sha256_hex(job.job_id);
    job.created = *parse_rfc3339("2024-07-25T10:30:05+09:00");
    return job;
}

std::string town_blocks_file() {
    return (testing::project_fixtures_dir().parent_path().parent_path() / "config" /
            "minato_town_blocks.tsv")
        .string();
}

class LineAppTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        config_.mqtt.topics = Topics("test/v1");
        config_.signing = alerthub::testing::test_verifier();
        config_.api_base = "http://line.test";
        config_.channel_access_token = "token-123";
        config_.delivery.check_quota = false;
        config_.state.path = (dir_ / "line.db").string();
    }

    std::unique_ptr<LineApp> start_app() {
        auto app = std::make_unique<LineApp>(config_, bus_, api_http_, reply_http_, clock_,
                                             [this](milliseconds d) { clock_.advance(d); });
        auto started = app->start();
        EXPECT_TRUE(started.ok()) << started.error().message;
        return started ? std::move(app) : nullptr;
    }

    void deliver(const DeliveryJob& job) {
        bus_.deliver({topics().job("line"), alerthub::testing::hub_signed(encode_job(job))});
    }
    const Topics& topics() const { return config_.mqtt.topics; }

    std::vector<Receipt> receipts() const {
        std::vector<Receipt> out;
        for (auto& m : bus_.published()) {
            EXPECT_EQ(m.topic, topics().receipt("line"));
            if (auto r = decode_receipt(m.payload)) out.push_back(*r);
        }
        return out;
    }

    TempDir dir_;
    LineConfig config_;
    FakeClock clock_;
    FakeMessageBus bus_;
    RecordingHttpClient api_http_;
    RecordingHttpClient reply_http_;
};

TEST_F(LineAppTest, AJobOnTheBusBecomesABroadcastAndAnAcceptedReceipt) {
    auto app = start_app();
    ASSERT_TRUE(app);
    EXPECT_EQ(bus_.subscriptions(), std::vector<std::string>{"test/v1/jobs/line"});
    EXPECT_EQ(app->webhook_port(), 0);

    deliver(make_job());
    app->poll(milliseconds(0));

    auto requests = api_http_.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].url, "http://line.test/v2/bot/message/broadcast");
    EXPECT_NE(std::find(requests[0].headers.begin(), requests[0].headers.end(),
                        std::pair<std::string, std::string>{"Authorization", "Bearer token-123"}),
              requests[0].headers.end());
    auto r = receipts();
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].job_id, make_job().job_id);
    EXPECT_EQ(r[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(app->active_jobs(), 0u);
    EXPECT_TRUE(reply_http_.requests().empty());
}

TEST_F(LineAppTest, AJobLeftPendingIsResumedByTheNextStartFromTheStateFile) {
    {
        auto app = start_app();
        ASSERT_TRUE(app);
        api_http_.answer_next(500);
        deliver(make_job());
        app->poll(milliseconds(0));
        EXPECT_EQ(app->active_jobs(), 1u);
        app->stop();
    }
    EXPECT_TRUE(receipts().empty());

    auto app = start_app();
    ASSERT_TRUE(app);
    EXPECT_EQ(app->active_jobs(), 1u);
    clock_.advance(std::chrono::seconds(1));
    app->poll(milliseconds(0));
    auto requests = api_http_.requests();
    ASSERT_EQ(requests.size(), 2u);
    auto r = receipts();
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(r[0].attempts, 2);
}

TEST_F(LineAppTest, AStateFileThatCannotBeOpenedFailsTheStartNamingIt) {
    config_.state.path = dir_.path().string();  // a folder, not a database
    LineApp app(config_, bus_, api_http_, reply_http_, clock_, [](milliseconds) {});
    auto started = app.start();
    ASSERT_FALSE(started.ok());
    EXPECT_NE(started.error().message.find("state " + config_.state.path + ": "), std::string::npos)
        << started.error().message;
}

TEST_F(LineAppTest, TheWebhookIsServedAndRepliesGoThroughTheReplyClient) {
    config_.town_blocks_file = town_blocks_file();
    config_.webhook.enabled = true;
    config_.webhook.port = 0;
    config_.webhook.channel_secret = "webhook-secret";
    auto app = start_app();
    ASSERT_TRUE(app);
    ASSERT_GT(app->webhook_port(), 0);

    std::string user = "U" + std::string(32, 'a');
    nlohmann::json body = {{"destination", "U" + std::string(32, '0')},
                           {"events",
                            {{{"type", "follow"},
                              {"timestamp", 1700000000000},
                              {"mode", "active"},
                              {"webhookEventId", "01HABCDEFGHJKMNPQRSTVWXYZ0"},
                              {"deliveryContext", {{"isRedelivery", false}}},
                              {"source", {{"type", "user"}, {"userId", user}}},
                              {"replyToken", "reply-follow"},
                              {"follow", {{"isUnblocked", false}}}}}}};
    HttpRequest request;
    request.method = "POST";
    request.url = fmt::format("http://127.0.0.1:{}{}", app->webhook_port(), config_.webhook.path);
    request.body = body.dump();
    request.headers = {{"Content-Type", "application/json"},
                       {"x-line-signature", hmac_sha256_base64("webhook-secret", request.body)}};
    // Its own scope: a kept-alive connection would hold the server's stop.
    auto response = CurlHttpClient().send(request);
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->status, 200);

    // The reply goes out from the server's own thread.
    ASSERT_TRUE(testing::wait_for([&] { return !reply_http_.requests().empty(); }));
    EXPECT_EQ(reply_http_.requests()[0].url, "http://line.test/v2/bot/message/reply");
    EXPECT_TRUE(api_http_.requests().empty());
    app->stop();
}

}  // namespace
}  // namespace alerthub::line
