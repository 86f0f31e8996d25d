// The mail adapter (the delivery loop with the mail channel) with fakes: a scripted
// SmtpClient, an in-memory bus and a FakeClock, so retries, backoff and batches run without
// sleeping.

#include "adapters/mail/mail_channel.h"

#include <gtest/gtest.h>

#include <deque>
#include <mutex>

#include "core/crypto.h"
#include "core/delivery_loop.h"
#include "core/delivery_store.h"
#include "core/time_format.h"
#include "tests/support/fake_message_bus.h"
#include "tests/support/test_support.h"
#include "tests/unit/core/table_layout.h"
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

// The job table as the mail-adapter created it before its store moved to core
// (core/delivery_store.h). State files from then must keep working.
constexpr const char* kPreviousSchema = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
    job_id          TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL,
    alert_id        TEXT NOT NULL,
    version         INTEGER NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    first_attempt_ms INTEGER,
    finished_ms     INTEGER,
    detail          TEXT NOT NULL DEFAULT '',
    audience_json   TEXT NOT NULL,
    batch_size      INTEGER NOT NULL,
    batches_done    INTEGER NOT NULL DEFAULT 0,
    recipients      INTEGER NOT NULL DEFAULT 0,
    rejected        INTEGER NOT NULL DEFAULT 0,
    job_json        TEXT NOT NULL,
    received_ms     INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_idempotency_key ON jobs (idempotency_key);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
CREATE INDEX IF NOT EXISTS jobs_alert ON jobs (alert_id, version);
CREATE TABLE IF NOT EXISTS receipt_outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id     TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
)sql";

std::int64_t to_ms(WallTime t) {
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

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
        channel_.reset();
        store_.reset();
        auto store = DeliveryStore::open((dir_ / "mail.db").string(), mail_store_schema());
        ASSERT_TRUE(store.ok()) << store.error().message;
        store_ = std::make_unique<DeliveryStore>(std::move(*store));
        channel_ = std::make_unique<MailChannel>(settings_, smtp_, *store_, clock_);
        adapter_ =
            std::make_unique<DeliveryLoop>(topics_, retry_, 30, bus_, *channel_, *store_, clock_);
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
    RetryPolicy retry_;  // defaults: 1 s doubling to 60 s, 8 attempts
    FakeClock clock_;
    FakeMessageBus bus_;
    ScriptedSmtpClient smtp_;
    std::unique_ptr<DeliveryStore> store_;
    std::unique_ptr<MailChannel> channel_;
    std::unique_ptr<DeliveryLoop> adapter_;
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

TEST_F(MailAdapterTest, ANewStateFileHasTheLayoutOfThePreviousVersion) {
    auto previous = SqliteDb::open((dir_ / "previous.db").string());
    ASSERT_TRUE(previous.ok());
    ASSERT_TRUE(previous->exec(kPreviousSchema).ok());
    EXPECT_EQ(alerthub::testing::table_layout((dir_ / "mail.db").string()),
              alerthub::testing::table_layout((dir_ / "previous.db").string()));
}

TEST_F(MailAdapterTest, APendingJobInAPreviousVersionsStateFileResumesAtItsNextBatch) {
    adapter_.reset();
    channel_.reset();
    store_.reset();
    auto path = (dir_ / "mail.db").string();
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    {
        auto db = SqliteDb::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->exec(kPreviousSchema).ok());
        auto job = make_job();
        auto st = db->prepare(
            "INSERT INTO jobs (job_id, idempotency_key, alert_id, version, state, attempts, "
            "first_attempt_ms, finished_ms, detail, audience_json, batch_size, batches_done, "
            "recipients, rejected, job_json, received_ms) VALUES (?1, ?2, ?3, 1, 'pending', 1, "
            "?4, NULL, '', ?5, 2, 1, 2, 0, ?6, ?4)");
        ASSERT_TRUE(st.ok());
        st->bind(1, job.job_id)
            .bind(2, job.idempotency_key)
            .bind(3, job.alert.id)
            .bind(4, to_ms(clock_.now()))
            .bind(5, R"(["a@example.jp","b@example.jp","c@example.jp"])")
            .bind(6, encode_job(job));
        ASSERT_TRUE(st->run().ok());
    }
    settings_.recipients = {"z@example.jp"};  // the stored audience wins
    open_adapter();
    EXPECT_EQ(adapter_->active_jobs(), 1u);
    adapter_->poll(milliseconds(0));
    auto sent = smtp_.sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].recipients, (std::vector<std::string>{"c@example.jp"}));
    EXPECT_NE(mime::parse_mail(sent[0].data).header("Message-ID").find(".b2."), std::string::npos);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
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
