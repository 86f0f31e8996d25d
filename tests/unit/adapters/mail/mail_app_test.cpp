// MailApp, the mail-adapter's wiring, started with fakes: scripted SmtpClients, an
// in-memory bus and a FakeClock. A job on the bus must become mails and a receipt; the
// resident pages must be served and mail through their own SMTP client; run() must end
// when told to stop. The delivery rules themselves are tested in mail_adapter_test and
// tests/unit/adapters/common.

#include "adapters/mail/mail_app.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_signing.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>

#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "core/http/curl_http_client.h"
#include "tests/support/fake_message_bus.h"
#include "tests/support/scripted_smtp_client.h"
#include "tests/support/test_support.h"

namespace alerthub::mail {
namespace {

using alerthub::testing::FakeMessageBus;
using alerthub::testing::TempDir;
using std::chrono::milliseconds;

DeliveryJob make_job() {
    DeliveryJob job;
    job.alert.id = "staff-0001";
    job.alert.version = 1;
    job.alert.severity = Severity::kSevere;
    job.alert.source.sent = *parse_rfc3339("2024-07-25T10:30:00+09:00");
    job.alert.headline = {{"ja", "大雨警報"}, {"en", "Heavy rain warning"}};
    job.alert.areas = {{"JISX0402", "131032", "港区"}};
    job.channel = "mail";
    job.job_id = make_job_id(job.alert.id, job.alert.version, "mail");
    job.idempotency_key = sha256_hex(job.job_id);
    job.created = *parse_rfc3339("2024-07-25T10:30:05+09:00");
    return job;
}

class MailAppTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        config_.mqtt.topics = Topics("test/v1");
        config_.signing = alerthub::testing::test_verifier();
        config_.from_address = "bousai@city.minato.example";
        config_.batch_size = 2;
        config_.connections = 2;
        config_.state.path = (dir_ / "mail.db").string();
        auto store = SubscriberStore::open(config_.state.path);
        ASSERT_TRUE(store.ok()) << store.error().message;
        for (auto* email : {"a@example.jp", "b@example.jp", "c@example.jp"}) {
            Subscriber s;
            s.email = email;
            s.language = "ja";
            s.state = SubscriberState::kActive;
            ASSERT_TRUE(store->add(s, clock_.now()).ok());
        }
    }

    std::unique_ptr<MailApp> start_app() {
        auto app = std::make_unique<MailApp>(config_, TownBlocks(), bus_,
                                             std::vector<SmtpClient*>{&smtp_a_, &smtp_b_},
                                             &web_smtp_, clock_, [this] { return stop_.load(); });
        auto started = app->start();
        EXPECT_TRUE(started.ok()) << started.error().message;
        return started ? std::move(app) : nullptr;
    }

    std::vector<Receipt> receipts() const {
        std::vector<Receipt> out;
        for (auto& m : bus_.published()) {
            EXPECT_EQ(m.topic, config_.mqtt.topics.receipt("mail"));
            if (auto r = decode_receipt(m.payload)) out.push_back(*r);
        }
        return out;
    }

    TempDir dir_;
    MailConfig config_;
    FakeClock clock_;
    FakeMessageBus bus_;
    ScriptedSmtpClient smtp_a_;
    ScriptedSmtpClient smtp_b_;
    ScriptedSmtpClient web_smtp_;
    std::atomic<bool> stop_{false};
};

TEST_F(MailAppTest, AJobOnTheBusBecomesAMailPerSubscriberAndAnAcceptedReceipt) {
    auto app = start_app();
    ASSERT_TRUE(app);
    EXPECT_EQ(bus_.subscriptions(), std::vector<std::string>{"test/v1/jobs/mail"});
    EXPECT_EQ(app->web_port(), 0);

    bus_.deliver(
        {config_.mqtt.topics.job("mail"), alerthub::testing::hub_signed(encode_job(make_job()))});
    app->poll(milliseconds(0));

    std::multiset<std::string> to;
    for (auto* smtp : {&smtp_a_, &smtp_b_})
        for (auto& m : smtp->sent()) {
            EXPECT_EQ(m.from, "bousai@city.minato.example");
            to.insert(m.recipients.at(0));
        }
    EXPECT_EQ(to, (std::multiset<std::string>{"a@example.jp", "b@example.jp", "c@example.jp"}));
    EXPECT_TRUE(web_smtp_.sent().empty());
    auto r = receipts();
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].job_id, make_job().job_id);
    EXPECT_EQ(r[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(app->active_jobs(), 0u);
}

TEST_F(MailAppTest, RunReturnsOnceStoppingSaysSo) {
    auto app = start_app();
    ASSERT_TRUE(app);
    stop_ = true;
    app->run();  // returns at once, instead of hanging the test
    app->stop();
    EXPECT_EQ(app->active_jobs(), 0u);
}

TEST_F(MailAppTest, AStateFileThatCannotBeOpenedFailsTheStartNamingIt) {
    config_.state.path = dir_.path().string();  // a folder, not a database
    MailApp app(config_, TownBlocks(), bus_, {&smtp_a_}, nullptr, clock_, [] { return false; });
    auto started = app.start();
    ASSERT_FALSE(started.ok());
    EXPECT_NE(started.error().message.find("state " + config_.state.path + ": "), std::string::npos)
        << started.error().message;
}

TEST_F(MailAppTest, TheResidentPagesAreServedAndMailThroughTheirOwnClient) {
    config_.web.enabled = true;
    config_.web.port = 0;
    config_.web.public_url = "https://bousai.example";
    config_.web.secret = std::string(32, 'k');
    auto app = start_app();
    ASSERT_TRUE(app);
    ASSERT_GT(app->web_port(), 0);

    HttpRequest request;
    request.method = "POST";
    request.url = fmt::format("http://127.0.0.1:{}/mail/register", app->web_port());
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    request.body = "email=new%40example.jp&areas=all&language=ja";
    // Its own scope: a kept-alive connection would hold the server's stop.
    auto response = CurlHttpClient().send(request);
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->status, 200) << response->body;

    auto sent = web_smtp_.sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].recipients, std::vector<std::string>{"new@example.jp"});
    EXPECT_TRUE(smtp_a_.sent().empty());
    EXPECT_TRUE(smtp_b_.sent().empty());
    app->stop();
}

TEST(MailShutdownGrace, SmtpIsAbortedOnlyAGraceAfterTheStop) {
    std::atomic<bool> stopping{false};
    auto abort = stopping_after_grace([&] { return stopping.load(); }, milliseconds(50));
    auto copy = abort;  // each connection has a copy: they share when the stop was seen
    EXPECT_FALSE(abort());
    stopping = true;
    EXPECT_FALSE(abort());  // the grace starts now
    EXPECT_TRUE(alerthub::testing::wait_for([&] { return copy(); }));
    EXPECT_TRUE(abort());
}

}  // namespace
}  // namespace alerthub::mail
