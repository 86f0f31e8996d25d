// The mail adapter (the delivery loop with the mail channel) with fakes: scripted
// SmtpClients, an in-memory bus and a FakeClock, so retries, backoff, batches and parallel
// connections run without sleeping. Subscribers are real (SQLite in a temp dir). What the
// loop does for every channel (duplicates, receipts, ordering, malformed jobs) is tested
// once, in tests/unit/adapters/common.

#include "adapters/mail/mail_channel.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "adapters/common/delivery_loop.h"
#include "adapters/common/delivery_store.h"
#include "adapters/mail/subscriber_store.h"
#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "core/protocol/town_blocks.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_message_bus.h"
#include "tests/support/mime_decode.h"
#include "tests/support/scripted_smtp_client.h"
#include "tests/support/table_layout.h"
#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub::mail {
namespace {

using alerthub::testing::FakeMessageBus;
using alerthub::testing::TempDir;
using std::chrono::milliseconds;

// The job table as the mail-adapter created it before its store moved to core
// (adapters/common/delivery_store.h). State files from then must keep working.
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

constexpr const char* kTowns =
    "shibaura-4\t芝浦四丁目\t芝浦\t4\n"
    "mita-1\t三田一丁目\t三田\t1\n"
    "daiba-1\t台場一丁目\t台場\t1\n";

DeliveryJob make_job(std::string alert_id = "staff-0001", std::int64_t version = 1) {
    DeliveryJob job;
    job.alert.id = std::move(alert_id);
    job.alert.version = version;
    job.alert.severity = Severity::kSevere;
    job.alert.source.sent = *parse_rfc3339("2024-07-25T10:30:00+09:00");
    job.alert.headline = {{"ja", "大雨警報"}, {"en", "Heavy rain warning"}};
    job.alert.areas = {{"JISX0402", "131032", "港区"}};
    job.channel = "mail";
    job.job_id = make_job_id(job.alert.id, version, "mail");
    job.idempotency_key = sha256_hex(job.job_id);
    job.created = *parse_rfc3339("2024-07-25T10:30:05+09:00");
    return job;
}

std::string to_of(const SmtpMessage& m) {
    return m.recipients.at(0);
}

class MailAdapterTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        settings_.from_address = "bousai@city.minato.example";
        settings_.from_name = "防災情報メール";
        settings_.batch_size = 2;
        towns_ = *TownBlocks::parse(kTowns);
        open_adapter();
        subscribe("a@example.jp", {}, "ja");
        subscribe("b@example.jp", {}, "en");
        subscribe("c@example.jp", {}, "ko");
    }

    std::int64_t subscribe(const std::string& email, std::vector<std::string> areas,
                           const std::string& language,
                           SubscriberState state = SubscriberState::kActive) {
        Subscriber s;
        s.email = email;
        s.areas = std::move(areas);
        s.language = language;
        s.state = state;
        auto id = subscribers_->add(s, clock_.now());
        EXPECT_TRUE(id.ok());
        return id ? *id : 0;
    }

    Subscriber subscriber(const std::string& email) {
        auto s = subscribers_->find_by_email(email);
        EXPECT_TRUE(s.ok() && s->has_value());
        return s.ok() && s->has_value() ? **s : Subscriber{};
    }

    void open_adapter(std::vector<SmtpClient*> connections = {}) {
        adapter_.reset();
        channel_.reset();
        store_.reset();
        subscribers_.reset();
        auto path = (dir_ / "mail.db").string();
        auto store = DeliveryStore::open(path, mail_store_schema());
        ASSERT_TRUE(store.ok()) << store.error().message;
        store_ = std::make_unique<DeliveryStore>(std::move(*store));
        auto subscribers = SubscriberStore::open(path);
        ASSERT_TRUE(subscribers.ok()) << subscribers.error().message;
        subscribers_ = std::make_unique<SubscriberStore>(std::move(*subscribers));
        if (connections.empty()) connections = {&smtp_};
        channel_ = std::make_unique<MailChannel>(settings_, connections, *subscribers_, *store_,
                                                 towns_, links_, clock_);
        adapter_ = std::make_unique<DeliveryLoop>(topics_, alerthub::testing::test_verifier(),
                                                  retry_, 30, bus_, *channel_, *store_, clock_);
        ASSERT_TRUE(adapter_->start().ok());
    }

    void deliver(const DeliveryJob& job) {
        bus_.deliver({topics_.job("mail"), alerthub::testing::hub_signed(encode_job(job))});
    }

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

    std::vector<std::string> recipients_sent() const {
        std::vector<std::string> out;
        for (auto& m : smtp_.sent()) out.push_back(to_of(m));
        return out;
    }

    void advance(milliseconds d) {
        clock_.advance(d);
        adapter_->poll(milliseconds(0));
    }

    TempDir dir_;
    Topics topics_{"test/v1"};
    MailSettings settings_;
    TownBlocks towns_;
    MailLinks links_{"https://bousai.example", std::string(32, 'k')};
    RetryPolicy retry_;  // defaults: 1 s doubling to 60 s, 8 attempts
    FakeClock clock_;
    FakeMessageBus bus_;
    ScriptedSmtpClient smtp_;
    std::unique_ptr<DeliveryStore> store_;
    std::unique_ptr<SubscriberStore> subscribers_;
    std::unique_ptr<MailChannel> channel_;
    std::unique_ptr<DeliveryLoop> adapter_;
};

TEST_F(MailAdapterTest, EverySubscriberGetsAMailOfTheirOwnInTheirLanguageWithTheirLinks) {
    settings_.staff_recipients = {"staff@city.minato.example"};
    open_adapter();
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    auto sent = smtp_.sent();
    ASSERT_EQ(sent.size(), 4u);
    EXPECT_EQ(recipients_sent(),
              (std::vector<std::string>{"a@example.jp", "b@example.jp", "c@example.jp",
                                        "staff@city.minato.example"}));
    std::set<std::string> message_ids;
    for (auto& m : sent) {
        ASSERT_EQ(m.recipients.size(), 1u);
        EXPECT_EQ(m.from, "bousai@city.minato.example");
        auto p = mime::parse_mail(m.data);
        EXPECT_EQ(p.header("To"), "<" + to_of(m) + ">");
        // Nobody else's address anywhere in the mail.
        for (auto& other : {"a@example.jp", "b@example.jp", "c@example.jp"})
            if (other != to_of(m)) {
                EXPECT_EQ(m.data.find(other), std::string::npos);
            }
        EXPECT_EQ(p.header("X-Alerthub-Job"), "staff-0001/v1/mail");
        message_ids.insert(p.header("Message-ID"));
    }
    EXPECT_EQ(message_ids.size(), 4u);

    auto subject = [&](int i) {
        return mime::decode_rfc2047(mime::parse_mail(sent[i].data).header("Subject"));
    };
    EXPECT_EQ(subject(0), "【警報】大雨警報");
    // The prefix in the subscriber's language; no Korean text: the Japanese headline.
    EXPECT_EQ(subject(1), "[WARNING] Heavy rain warning");
    EXPECT_EQ(subject(2), "[경보] 大雨警報");
    EXPECT_EQ(subject(3), "【警報】大雨警報");

    // Subscribers' mails carry their own signed one-click link; the staff copy none.
    for (int i = 0; i < 3; ++i) {
        auto p = mime::parse_mail(sent[i].data);
        auto link = mime::unfold(p.header("List-Unsubscribe"));
        ASSERT_EQ(link.rfind("<https://bousai.example/mail/unsubscribe?t=", 0), 0u) << link;
        auto token = link.substr(link.find("t=") + 2);
        token.pop_back();
        EXPECT_EQ(links_.verify(token), subscriber(to_of(sent[i])).id);
        EXPECT_EQ(p.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
    }
    EXPECT_EQ(mime::parse_mail(sent[3].data).headers.count("List-Unsubscribe"), 0u);

    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].recipients, 4);
    EXPECT_EQ(rs[0].attempts, 1);
    EXPECT_NE(rs[0].detail.find("4 of 4 recipient(s) accepted"), std::string::npos);
    ASSERT_EQ(rs[0].batches.size(), 2u);
    for (auto& b : rs[0].batches) {
        EXPECT_EQ(b.kind, "smtp");
        EXPECT_EQ(b.recipients, 2);
        EXPECT_EQ(b.accepted, 2);
        EXPECT_EQ(b.failed, 0);
        ASSERT_TRUE(b.first_send && b.last_send);
        EXPECT_LE(*b.first_send, *b.last_send);
    }
    EXPECT_EQ(rs[0].batches[0].index, 1);
    EXPECT_EQ(rs[0].batches[1].index, 2);
}

TEST_F(MailAdapterTest, ExercisesAreLabelledInSubjectAndBody) {
    auto job = make_job();
    job.alert.status = AlertStatus::kExercise;
    deliver(job);
    adapter_->poll(milliseconds(0));
    auto sent = smtp_.sent();
    ASSERT_FALSE(sent.empty());
    auto p = mime::parse_mail(sent[0].data);
    EXPECT_EQ(mime::decode_rfc2047(p.header("Subject")), "【訓練】大雨警報");
    auto parts =
        mime::split_multipart(p.body, mime::boundary_of(mime::unfold(p.header("Content-Type"))));
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(mime::base64_decode(parts[0].body).rfind("【訓練】大雨警報", 0), 0u);
    EXPECT_NE(mime::base64_decode(parts[1].body).find("【訓練】大雨警報"), std::string::npos);
}

TEST_F(MailAdapterTest, TownBlockAlertsGoToThoseBlocksAndToWholeWardSubscribers) {
    subscribe("shibaura@example.jp", {"shibaura-4"}, "ja");
    subscribe("mita@example.jp", {"mita-1"}, "ja");
    subscribe("both@example.jp", {"daiba-1", "shibaura-4"}, "ja");
    subscribe("pending@example.jp", {}, "ja", SubscriberState::kPending);
    auto job = make_job();
    job.alert.areas = {{"town", "shibaura-4", "芝浦四丁目"}};
    deliver(job);
    adapter_->poll(milliseconds(0));
    auto got = recipients_sent();
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"a@example.jp", "b@example.jp", "both@example.jp",
                                             "c@example.jp", "shibaura@example.jp"}));
}

TEST_F(MailAdapterTest, A4xxIsRetriedForThatRecipientOnly) {
    smtp_.answer("b@example.jp", 451);
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    EXPECT_EQ(smtp_.sent().size(), 3u);
    EXPECT_TRUE(receipts().empty());

    smtp_.answer("b@example.jp", 250);
    advance(milliseconds(999));
    EXPECT_EQ(smtp_.sent().size(), 3u);
    advance(milliseconds(1));
    EXPECT_EQ(recipients_sent(), (std::vector<std::string>{"a@example.jp", "b@example.jp",
                                                           "c@example.jp", "b@example.jp"}));
    // The retry is the same mail: same Message-ID.
    auto sent = smtp_.sent();
    EXPECT_EQ(mime::parse_mail(sent[3].data).header("Message-ID"),
              mime::parse_mail(sent[1].data).header("Message-ID"));
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].attempts, 2);
    EXPECT_EQ(rs[0].recipients, 3);
}

TEST_F(MailAdapterTest, A5xxIsFinalAndMarksTheSubscriberBouncedAfterTheLimit) {
    settings_.bounce_limit = 2;
    open_adapter();
    smtp_.answer("b@example.jp", 550);
    deliver(make_job("a1"));
    adapter_->poll(milliseconds(0));
    advance(milliseconds(120000));
    EXPECT_EQ(smtp_.sent().size(), 3u);  // no retry of a 5xx
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].recipients, 2);
    EXPECT_NE(rs[0].detail.find("1 refused"), std::string::npos) << rs[0].detail;
    EXPECT_EQ(rs[0].detail.find("b@example.jp"), std::string::npos);
    EXPECT_EQ(rs[0].batches[0].failed, 1);
    EXPECT_EQ(subscriber("b@example.jp").state, SubscriberState::kActive);
    EXPECT_EQ(subscriber("b@example.jp").hard_bounces, 1);

    deliver(make_job("a2"));
    adapter_->poll(milliseconds(0));
    EXPECT_EQ(subscriber("b@example.jp").state, SubscriberState::kBounced);

    deliver(make_job("a3"));
    adapter_->poll(milliseconds(0));
    auto sent = recipients_sent();
    EXPECT_EQ(std::count(sent.begin(), sent.end(), "b@example.jp"), 2);
    EXPECT_EQ(sent.size(), 8u);
}

TEST_F(MailAdapterTest, AcceptedMailResetsTheBounceCount) {
    smtp_.answer("b@example.jp", 550);
    deliver(make_job("a1"));
    adapter_->poll(milliseconds(0));
    EXPECT_EQ(subscriber("b@example.jp").hard_bounces, 1);
    smtp_.answer("b@example.jp", 250);
    deliver(make_job("a2"));
    adapter_->poll(milliseconds(0));
    EXPECT_EQ(subscriber("b@example.jp").hard_bounces, 0);
}

TEST_F(MailAdapterTest, AllRefusedIsAFailedJob) {
    for (auto a : {"a@example.jp", "b@example.jp", "c@example.jp"}) smtp_.answer(a, 554);
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kFailed);
    EXPECT_EQ(rs[0].recipients, 0);
}

TEST_F(MailAdapterTest, ARefusedConnectionLeavesTheRestPendingForTheRetry) {
    smtp_.reply(250, "250 OK", 1);
    smtp_.refuse_connection();
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    EXPECT_EQ(smtp_.sent().size(), 2u);  // a accepted, b: no connection; c not tried
    advance(milliseconds(1000));
    EXPECT_EQ(recipients_sent(), (std::vector<std::string>{"a@example.jp", "b@example.jp",
                                                           "b@example.jp", "c@example.jp"}));
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].recipients, 3);
    EXPECT_EQ(rs[0].attempts, 2);
}

TEST_F(MailAdapterTest, GivesUpAfterMaxAttemptsSayingHowManyWereReached) {
    smtp_.answer("c@example.jp", 421);
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    for (int i = 0; i < 20; ++i) advance(milliseconds(60000));
    auto sent = recipients_sent();
    EXPECT_EQ(std::count(sent.begin(), sent.end(), "c@example.jp"), 8);
    EXPECT_EQ(std::count(sent.begin(), sent.end(), "a@example.jp"), 1);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kFailed);
    EXPECT_EQ(rs[0].attempts, 8);
    EXPECT_EQ(rs[0].recipients, 2);
    EXPECT_NE(rs[0].detail.find("gave up after 8 attempts"), std::string::npos);
    EXPECT_NE(rs[0].detail.find("2 of 3 recipient(s) reached"), std::string::npos);
    EXPECT_NE(rs[0].batches[1].detail.find("1 never accepted"), std::string::npos);
}

TEST_F(MailAdapterTest, ARestartResumesWithThePendingRecipientsOnly) {
    smtp_.answer("c@example.jp", 451);
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    ASSERT_EQ(smtp_.sent().size(), 3u);

    // The audience was fixed when the job arrived: a new subscriber does not join it.
    subscribe("late@example.jp", {}, "ja");
    smtp_.answer("c@example.jp", 250);
    open_adapter();
    adapter_->poll(milliseconds(0));
    EXPECT_EQ(recipients_sent(), (std::vector<std::string>{"a@example.jp", "b@example.jp",
                                                           "c@example.jp", "c@example.jp"}));
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].recipients, 3);
    EXPECT_EQ(rs[0].attempts, 2);
}

TEST_F(MailAdapterTest, SomeoneWhoUnsubscribesMidJobGetsNothingMore) {
    smtp_.answer("c@example.jp", 451);
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    auto c = subscriber("c@example.jp");
    c.state = SubscriberState::kUnsubscribed;
    ASSERT_TRUE(subscribers_->update(c).ok());
    advance(milliseconds(1000));
    EXPECT_EQ(smtp_.sent().size(), 3u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_NE(rs[0].detail.find("1 unsubscribed since"), std::string::npos) << rs[0].detail;
}

TEST_F(MailAdapterTest, ParallelConnectionsShareTheBatchesAndMailEachRecipientOnce) {
    for (int i = 0; i < 17; ++i) subscribe(fmt::format("s{}@example.jp", i), {}, "ja");
    ScriptedSmtpClient second;
    open_adapter({&smtp_, &second});
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    std::multiset<std::string> all;
    for (auto* c : {&smtp_, &second})
        for (auto& m : c->sent()) all.insert(to_of(m));
    EXPECT_EQ(all.size(), 20u);
    EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 20u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].recipients, 20);
    EXPECT_EQ(rs[0].batches.size(), 10u);
}

TEST_F(MailAdapterTest, ANewStateFileKeepsTheJobLayoutOfThePreviousVersion) {
    auto jobs_only = DeliveryStore::open((dir_ / "jobs.db").string(), mail_store_schema());
    ASSERT_TRUE(jobs_only.ok());
    auto previous = SqliteDb::open((dir_ / "previous.db").string());
    ASSERT_TRUE(previous.ok());
    ASSERT_TRUE(previous->exec(kPreviousSchema).ok());
    // The job layout is the previous version's; what is new is the schema version of each
    // component (core/storage/schema.h).
    auto now = alerthub::testing::table_layout((dir_ / "jobs.db").string());
    std::erase_if(now, [](const std::string& c) { return c.starts_with("schema_versions."); });
    EXPECT_EQ(now, alerthub::testing::table_layout((dir_ / "previous.db").string()));
}

TEST_F(MailAdapterTest, APendingJobOfAPreviousVersionResumesAtItsNextBatch) {
    adapter_.reset();
    channel_.reset();
    store_.reset();
    subscribers_.reset();
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
            .bind(5, R"(["x@example.jp","y@example.jp","z@example.jp"])")
            .bind(6, encode_job(job));
        ASSERT_TRUE(st->run().ok());
    }
    open_adapter();
    EXPECT_EQ(adapter_->active_jobs(), 1u);
    adapter_->poll(milliseconds(0));
    EXPECT_EQ(recipients_sent(), (std::vector<std::string>{"z@example.jp"}));
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].recipients, 3);
    EXPECT_EQ(rs[0].attempts, 2);
}

TEST_F(MailAdapterTest, VersionsOfOneAlertGoOutInOrder) {
    smtp_.reply(421, "421 busy");
    deliver(make_job("a", 1));
    auto v2 = make_job("a", 2);
    v2.alert.state = AlertState::kLifted;
    deliver(v2);
    adapter_->poll(milliseconds(0));
    ASSERT_EQ(smtp_.sent().size(), 1u);  // 421: the connection closes, v2 waits for v1
    advance(milliseconds(1000));
    auto sent = smtp_.sent();
    ASSERT_EQ(sent.size(), 7u);
    for (int i = 1; i < 4; ++i) {
        // 【警報】, [WARNING] or [경보]: the warning's word in the subscriber's language.
        auto s = mime::decode_rfc2047(mime::parse_mail(sent[i].data).header("Subject"));
        EXPECT_TRUE(s.starts_with("【警報】") || s.starts_with("[WARNING] ") ||
                    s.starts_with("[경보] "))
            << s;
    }
    for (int i = 4; i < 7; ++i) {
        auto s = mime::decode_rfc2047(mime::parse_mail(sent[i].data).header("Subject"));
        EXPECT_TRUE(s.starts_with("【解除】") || s.starts_with("[LIFTED] ") ||
                    s.starts_with("[해제] "))
            << s;
    }
}

}  // namespace
}  // namespace alerthub::mail
