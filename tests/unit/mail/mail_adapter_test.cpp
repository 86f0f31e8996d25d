// The mail delivery state machine with fakes: a scripted SmtpClient, an in-memory bus and
// a FakeClock, so retries, backoff and batches run without sleeping.

#include "adapters/mail/mail_adapter.h"

#include <gtest/gtest.h>

#include <deque>
#include <mutex>

#include "core/crypto.h"
#include "core/time_format.h"
#include "tests/support/fake_message_bus.h"
#include "tests/support/test_support.h"
#include "tests/unit/mail/mime_decode.h"

namespace alerthub::mail {
namespace {

using alerthub::testing::FakeMessageBus;
using alerthub::testing::TempDir;
using std::chrono::milliseconds;

// Answers from a script (default: everyone accepted); records every message.
class ScriptedSmtpClient final : public SmtpClient {
public:
    Result<SmtpReply> send(const SmtpMessage& message) override {
        std::lock_guard lock(mu_);
        sent_.push_back(message);
        if (script_.empty()) {
            SmtpReply ok{250, "250 OK", static_cast<int>(message.recipients.size()), {}};
            return ok;
        }
        auto next = std::move(script_.front());
        script_.pop_front();
        return next;
    }
    void reply(int code, std::string text, int accepted = 0,
               std::vector<RejectedRecipient> rejected = {}) {
        std::lock_guard lock(mu_);
        script_.push_back(SmtpReply{code, std::move(text), accepted, std::move(rejected)});
    }
    void refuse_connection() {
        std::lock_guard lock(mu_);
        script_.push_back(make_error(ErrorCode::kUnavailable,
                                     "curl_easy_perform smtp://127.0.0.1:25: Couldn't connect"));
    }
    std::vector<SmtpMessage> sent() const {
        std::lock_guard lock(mu_);
        return sent_;
    }

private:
    mutable std::mutex mu_;
    std::deque<Result<SmtpReply>> script_;
    std::vector<SmtpMessage> sent_;
};

DeliveryJob make_job(std::string alert_id = "staff-0001", std::int64_t version = 1) {
    DeliveryJob job;
    job.alert.id = std::move(alert_id);
    job.alert.version = version;
    job.alert.severity = Severity::kSevere;
    job.alert.source.sent = *parse_rfc3339("2024-07-25T10:30:00+09:00");
    job.alert.headline = {{"ja", "大雨警報"}};
    job.channel = "mail";
    job.job_id = make_job_id(job.alert.id, version, "mail");
    job.idempotency_key = sha256_hex(job.job_id);
    job.created = *parse_rfc3339("2024-07-25T10:30:05+09:00");
    return job;
}

class MailAdapterTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        settings_.from_address = "bousai@city.minato.example";
        settings_.from_name = "防災情報メール";
        settings_.recipients = {"a@example.jp", "b@example.jp", "c@example.jp"};
        settings_.batch_size = 2;
        open_adapter();
    }

    void open_adapter() {
        adapter_.reset();
        store_.reset();
        auto store = JobStore::open((dir_ / "mail.db").string());
        ASSERT_TRUE(store.ok()) << store.error().message;
        store_ = std::make_unique<JobStore>(std::move(*store));
        adapter_ = std::make_unique<MailAdapter>(topics_, settings_, bus_, smtp_, *store_, clock_);
        ASSERT_TRUE(adapter_->start().ok());
    }

    void deliver(const DeliveryJob& job) { bus_.deliver({topics_.job("mail"), encode_job(job)}); }

    std::vector<Receipt> receipts() const {
        std::vector<Receipt> out;
        for (auto& m : bus_.published()) {
            EXPECT_EQ(m.topic, topics_.receipt("mail"));
            auto r = decode_receipt(m.payload);
            EXPECT_TRUE(r.ok()) << m.payload;
            if (r) out.push_back(*r);
        }
        return out;
    }

    void advance(milliseconds d) {
        clock_.advance(d);
        adapter_->poll(milliseconds(0));
    }

    TempDir dir_;
    Topics topics_{"test/v1"};
    MailSettings settings_;
    FakeClock clock_;
    FakeMessageBus bus_;
    ScriptedSmtpClient smtp_;
    std::unique_ptr<JobStore> store_;
    std::unique_ptr<MailAdapter> adapter_;
};

TEST_F(MailAdapterTest, MailsEveryRecipientInBatchesWithRecipientsOnlyInTheEnvelope) {
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    auto sent = smtp_.sent();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0].recipients, (std::vector<std::string>{"a@example.jp", "b@example.jp"}));
    EXPECT_EQ(sent[1].recipients, (std::vector<std::string>{"c@example.jp"}));
    for (auto& m : sent) {
        EXPECT_EQ(m.from, "bousai@city.minato.example");
        EXPECT_EQ(m.data.find("example.jp"), std::string::npos) << "a recipient in the headers";
        auto p = mime::parse_mail(m.data);
        EXPECT_EQ(mime::decode_rfc2047(p.header("Subject")), "【警報】大雨警報");
        EXPECT_EQ(p.header("X-Alerthub-Job"), "staff-0001/v1/mail");
    }
    EXPECT_NE(mime::parse_mail(sent[0].data).header("Message-ID"),
              mime::parse_mail(sent[1].data).header("Message-ID"));

    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].recipients, 3);
    EXPECT_EQ(rs[0].attempts, 1);
    EXPECT_EQ(rs[0].channel, "mail");
    EXPECT_NE(rs[0].detail.find("3 of 3 recipient(s) accepted in 2 messages"), std::string::npos);
}

TEST_F(MailAdapterTest, TemporaryFailuresRetryFromTheFirstUnsentBatch) {
    smtp_.reply(250, "250 OK", 2);
    smtp_.reply(451, "451 4.3.0 Try again later");
    smtp_.refuse_connection();
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    EXPECT_EQ(smtp_.sent().size(), 2u);
    EXPECT_TRUE(receipts().empty());

    advance(milliseconds(999));
    EXPECT_EQ(smtp_.sent().size(), 2u);
    advance(milliseconds(1));  // attempt 2: connection refused
    EXPECT_EQ(smtp_.sent().size(), 3u);
    advance(milliseconds(2000));  // attempt 3: accepted
    auto sent = smtp_.sent();
    ASSERT_EQ(sent.size(), 4u);
    // Batch 1 went once; batch 2 was tried three times, with the same Message-ID.
    EXPECT_EQ(sent[1].recipients, (std::vector<std::string>{"c@example.jp"}));
    EXPECT_EQ(sent[2].recipients, sent[1].recipients);
    EXPECT_EQ(sent[3].recipients, sent[1].recipients);
    EXPECT_EQ(mime::parse_mail(sent[3].data).header("Message-ID"),
              mime::parse_mail(sent[1].data).header("Message-ID"));

    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].attempts, 3);
    EXPECT_EQ(rs[0].recipients, 3);
}

TEST_F(MailAdapterTest, PermanentRefusalFailsWithoutRetry) {
    settings_.batch_size = 50;
    open_adapter();
    smtp_.reply(554, "554 5.7.1 Message rejected");
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    advance(milliseconds(120000));
    EXPECT_EQ(smtp_.sent().size(), 1u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kFailed);
    EXPECT_EQ(rs[0].recipients, 0);
    EXPECT_NE(rs[0].detail.find("554 5.7.1 Message rejected"), std::string::npos);
}

TEST_F(MailAdapterTest, OneRefusedBatchDoesNotStopTheOthers) {
    smtp_.reply(550, "550 5.1.1 All recipients refused");
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    EXPECT_EQ(smtp_.sent().size(), 2u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].recipients, 1);
    EXPECT_NE(rs[0].detail.find("batch 1: SMTP 550"), std::string::npos) << rs[0].detail;
}

TEST_F(MailAdapterTest, RefusedRecipientsAreCountedAndNotNamed) {
    smtp_.reply(250, "250 OK", 1, {{"b@example.jp", 550}});
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].recipients, 2);
    EXPECT_NE(rs[0].detail.find("1 recipient(s) refused (RCPT 550)"), std::string::npos);
    EXPECT_EQ(rs[0].detail.find("b@example.jp"), std::string::npos);
}

TEST_F(MailAdapterTest, GivesUpAfterMaxAttemptsSayingHowManyWereReached) {
    smtp_.reply(250, "250 OK", 2);
    for (int i = 0; i < 20; ++i) smtp_.reply(421, "421 4.7.0 Too busy");
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    for (int i = 0; i < 20; ++i) advance(milliseconds(60000));
    EXPECT_EQ(smtp_.sent().size(), 9u);  // batch 1 once, batch 2 in all 8 attempts
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kFailed);
    EXPECT_EQ(rs[0].attempts, 8);
    EXPECT_EQ(rs[0].recipients, 2);
    EXPECT_NE(rs[0].detail.find("gave up after 8 attempts"), std::string::npos);
    EXPECT_NE(rs[0].detail.find("2 of 3 recipient(s) reached"), std::string::npos);
}

TEST_F(MailAdapterTest, AFinishedJobRedeliveredGetsADuplicateReceiptAndNoMail) {
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    ASSERT_EQ(smtp_.sent().size(), 2u);
    open_adapter();
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    EXPECT_EQ(smtp_.sent().size(), 2u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 2u);
    EXPECT_EQ(rs[1].outcome, ReceiptOutcome::kDuplicate);
    EXPECT_NE(rs[1].detail.find("already accepted"), std::string::npos);
}

TEST_F(MailAdapterTest, ARestartResumesAfterTheLastBatchTheServerTook) {
    smtp_.reply(250, "250 OK", 2);
    smtp_.reply(451, "451 later");
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    ASSERT_EQ(smtp_.sent().size(), 2u);

    // The audience was fixed when the job arrived: a changed config does not reshuffle it.
    settings_.recipients = {"z@example.jp"};
    settings_.batch_size = 10;
    open_adapter();
    adapter_->poll(milliseconds(0));
    auto sent = smtp_.sent();
    ASSERT_EQ(sent.size(), 3u);
    EXPECT_EQ(sent[2].recipients, (std::vector<std::string>{"c@example.jp"}));
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].recipients, 3);
    EXPECT_EQ(rs[0].attempts, 2);
}

TEST_F(MailAdapterTest, ReceiptsThatCannotBePublishedAreKeptAndSentLater) {
    bus_.set_refuse_publish(true);
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    EXPECT_TRUE(bus_.published().empty());
    EXPECT_EQ(*store_->count_queued_receipts(), 1);
    bus_.set_refuse_publish(false);
    advance(milliseconds(2000));
    ASSERT_EQ(receipts().size(), 1u);
    EXPECT_EQ(*store_->count_queued_receipts(), 0);
}

TEST_F(MailAdapterTest, MalformedJobsAreSkippedWithoutHarm) {
    bus_.deliver({topics_.job("mail"), "{\"schema\":\"alerthub.job/1\"}"});
    bus_.deliver({topics_.job("mail"), std::string(100000, '[')});
    auto line_job = make_job();
    line_job.channel = "line";
    deliver(line_job);
    adapter_->poll(milliseconds(0));
    EXPECT_TRUE(smtp_.sent().empty());
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    EXPECT_EQ(smtp_.sent().size(), 2u);
}

TEST_F(MailAdapterTest, VersionsOfOneAlertGoOutInOrder) {
    settings_.batch_size = 50;
    open_adapter();
    smtp_.reply(421, "421 busy");
    deliver(make_job("a", 1));
    auto v2 = make_job("a", 2);
    v2.alert.state = AlertState::kCancelled;
    deliver(v2);
    adapter_->poll(milliseconds(0));
    ASSERT_EQ(smtp_.sent().size(), 1u);
    advance(milliseconds(1000));
    auto sent = smtp_.sent();
    ASSERT_EQ(sent.size(), 3u);
    EXPECT_EQ(mime::decode_rfc2047(mime::parse_mail(sent[1].data).header("Subject")),
              "【警報】大雨警報");
    EXPECT_EQ(mime::decode_rfc2047(mime::parse_mail(sent[2].data).header("Subject")),
              "【解除】大雨警報");
}

}  // namespace
}  // namespace alerthub::mail
