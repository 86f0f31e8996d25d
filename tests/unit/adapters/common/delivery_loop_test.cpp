// The delivery loop both channel adapters run, with a scripted channel, an in-memory bus and
// a FakeClock, so retries and backoff run without sleeping. The adapters' own tests
// (tests/unit/line, tests/unit/adapters/mail) run the same loop with the real channels.

#include "adapters/common/delivery_loop.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <deque>
#include <thread>

#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_message_bus.h"
#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub {
namespace {

using std::chrono::milliseconds;
using testing::FakeMessageBus;
using testing::TempDir;

constexpr std::string_view kKey = "test_key";
constexpr std::string_view kParts = "parts_done";

ChannelSchema test_schema() {
    return {{{std::string(kKey), ChannelColumn::Type::kText, /*progress=*/false},
             {std::string(kParts), ChannelColumn::Type::kInteger, /*progress=*/true}},
            {}};
}

// Answers attempts from a script (default: accepted); each answer may first deliver some
// parts. Fixes a numbered key for every job it admits.
class ScriptedChannel final : public DeliveryChannel {
public:
    struct Attempt {
        std::string job_id;
        std::string key;
        int attempt = 0;
    };

    std::string_view name() const override { return "test"; }
    ChannelFields admit(const DeliveryJob& /*job*/) override {
        return ChannelFields()
            .set_text(kKey, fmt::format("key-{}", ++keys_))
            .set_integer(kParts, 0);
    }
    AttemptResult attempt(DeliveryRecord& r, const DeliveryJob& job,
                          const std::string& /*tag*/) override {
        EXPECT_EQ(job.job_id, r.job_id);
        attempts_.push_back({r.job_id, r.channel.text(kKey), r.attempts});
        if (script_.empty()) {
            r.recipients = 1;
            return {AttemptKind::kAccepted, "accepted"};
        }
        auto [result, parts] = script_.front();
        script_.pop_front();
        r.channel.set_integer(kParts, r.channel.integer(kParts) + parts);
        return result;
    }
    std::string recorded_note(const DeliveryRecord& r) const override {
        return "recorded with " + r.channel.text(kKey);
    }
    std::string resumed_note(const DeliveryRecord& r) const override {
        return "resuming with " + r.channel.text(kKey);
    }
    std::string stopped_at(const DeliveryRecord& r) const override {
        return fmt::format("at part {}", r.channel.integer(kParts) + 1);
    }
    std::string delivered(const DeliveryRecord& r) const override {
        return fmt::format("{} part(s) delivered", r.channel.integer(kParts));
    }

    void answer(AttemptKind kind, std::string detail, int parts = 0) {
        script_.push_back({{kind, std::move(detail)}, parts});
    }
    const std::vector<Attempt>& attempts() const { return attempts_; }

private:
    std::deque<std::pair<AttemptResult, int>> script_;
    std::vector<Attempt> attempts_;
    int keys_ = 0;
};

DeliveryJob make_job(std::string alert_id = "a", std::int64_t version = 1) {
    DeliveryJob job;
    job.alert.id = std::move(alert_id);
    job.alert.version = version;
    job.channel = "test";
    job.job_id = make_job_id(job.alert.id, version, "test");
    job.idempotency_key = sha256_hex(job.job_id);
    return job;
}

class DeliveryLoopTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        retry_.max_attempts = 3;
        open_loop();
    }

    void open_loop() {
        loop_.reset();
        store_.reset();
        auto store = DeliveryStore::open((dir_ / "test.db").string(), test_schema());
        ASSERT_TRUE(store.ok()) << store.error().message;
        store_ = std::make_unique<DeliveryStore>(std::move(*store));
        loop_ = std::make_unique<DeliveryLoop>(topics_, alerthub::testing::test_verifier(), retry_,
                                               30, bus_, channel_, *store_, clock_);
        ASSERT_TRUE(loop_->start().ok());
    }

    void deliver(const DeliveryJob& job) {
        bus_.deliver({topics_.job("test"), alerthub::testing::hub_signed(encode_job(job))});
    }

    std::vector<Receipt> receipts() const {
        std::vector<Receipt> out;
        for (auto& m : bus_.published()) {
            EXPECT_EQ(m.topic, "test/v1/receipts/test");
            auto r = decode_receipt(m.payload);
            EXPECT_TRUE(r.ok()) << m.payload;
            if (r) out.push_back(*r);
        }
        return out;
    }

    void advance(milliseconds d) {
        clock_.advance(d);
        loop_->poll(milliseconds(0));
    }

    TempDir dir_;
    Topics topics_{"test/v1"};
    RetryPolicy retry_;
    FakeClock clock_;
    FakeMessageBus bus_;
    ScriptedChannel channel_;
    std::unique_ptr<DeliveryStore> store_;
    std::unique_ptr<DeliveryLoop> loop_;
};

TEST_F(DeliveryLoopTest, TakesJobsFromItsChannelsTopicAndReceiptsEach) {
    EXPECT_EQ(bus_.subscriptions(), std::vector<std::string>{"test/v1/jobs/test"});
    auto start = clock_.now();
    deliver(make_job());
    loop_->poll(milliseconds(0));
    ASSERT_EQ(channel_.attempts().size(), 1u);
    EXPECT_EQ(channel_.attempts()[0].key, "key-1");
    EXPECT_EQ(channel_.attempts()[0].attempt, 1);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].job_id, "a/v1/test");
    EXPECT_EQ(rs[0].channel, "test");
    EXPECT_EQ(rs[0].alert_id, "a");
    EXPECT_EQ(rs[0].version, 1);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].recipients, 1);
    EXPECT_EQ(rs[0].attempts, 1);
    EXPECT_EQ(rs[0].detail, "accepted");
    EXPECT_EQ(rs[0].first_attempt, start);
    EXPECT_EQ(rs[0].finished, start);
    EXPECT_EQ(loop_->active_jobs(), 0u);
}

TEST_F(DeliveryLoopTest, RetriesWithBackoffThenGivesUpSayingWhatWasDelivered) {
    channel_.answer(AttemptKind::kRetry, "busy 1", 1);
    channel_.answer(AttemptKind::kRetry, "busy 2", 1);
    channel_.answer(AttemptKind::kRetry, "busy 3");
    deliver(make_job());
    loop_->poll(milliseconds(0));
    EXPECT_EQ(channel_.attempts().size(), 1u);
    // The loop records the attempt's outcome, progress included, for a restart.
    auto stored = store_->find("a/v1/test");
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ((*stored)->attempts, 1);
    EXPECT_EQ((*stored)->channel.integer(kParts), 1);
    ASSERT_TRUE(loop_->next_attempt_due().has_value());
    EXPECT_EQ(*loop_->next_attempt_due(), clock_.steady_now() + milliseconds(1000));

    advance(milliseconds(999));
    EXPECT_EQ(channel_.attempts().size(), 1u);
    advance(milliseconds(1));
    EXPECT_EQ(channel_.attempts().size(), 2u);
    advance(milliseconds(1999));  // then 2 s
    EXPECT_EQ(channel_.attempts().size(), 2u);
    advance(milliseconds(1));
    ASSERT_EQ(channel_.attempts().size(), 3u);
    for (auto& a : channel_.attempts()) EXPECT_EQ(a.key, "key-1");

    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kFailed);
    EXPECT_EQ(rs[0].attempts, 3);
    EXPECT_EQ(rs[0].detail, "gave up after 3 attempts: busy 3; 2 part(s) delivered");
    EXPECT_EQ(rs[0].finished - rs[0].first_attempt, milliseconds(3000));
    EXPECT_EQ((*store_->find("a/v1/test"))->state, DeliveryState::kFailed);
}

TEST_F(DeliveryLoopTest, AFailedAttemptFinishesTheJobAtOnce) {
    channel_.answer(AttemptKind::kFailed, "refused for good");
    deliver(make_job());
    loop_->poll(milliseconds(0));
    advance(milliseconds(120000));
    EXPECT_EQ(channel_.attempts().size(), 1u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kFailed);
    EXPECT_EQ(rs[0].detail, "refused for good");
}

TEST_F(DeliveryLoopTest, AFinishedJobRedeliveredGetsADuplicateReceiptEvenAfterARestart) {
    deliver(make_job());
    loop_->poll(milliseconds(0));
    deliver(make_job());
    loop_->poll(milliseconds(0));
    open_loop();
    deliver(make_job());
    loop_->poll(milliseconds(0));
    EXPECT_EQ(channel_.attempts().size(), 1u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 3u);
    for (int i : {1, 2}) {
        EXPECT_EQ(rs[i].outcome, ReceiptOutcome::kDuplicate);
        EXPECT_EQ(rs[i].recipients, 0);
        EXPECT_EQ(rs[i].detail,
                  "already accepted at " + format_rfc3339_jst(rs[0].finished) + ": accepted");
    }
}

TEST_F(DeliveryLoopTest, VersionsOfOneAlertGoOutInOrderAndALateOlderOneIsNotSent) {
    channel_.answer(AttemptKind::kRetry, "busy");  // v1 has to wait 1 s
    deliver(make_job("a", 1));
    deliver(make_job("a", 2));
    deliver(make_job("b", 1));  // another alert is not held up
    loop_->poll(milliseconds(0));
    ASSERT_EQ(channel_.attempts().size(), 2u);
    EXPECT_EQ(channel_.attempts()[1].job_id, "b/v1/test");
    advance(milliseconds(1000));
    ASSERT_EQ(channel_.attempts().size(), 4u);
    EXPECT_EQ(channel_.attempts()[2].job_id, "a/v1/test");
    EXPECT_EQ(channel_.attempts()[3].job_id, "a/v2/test");

    deliver(make_job("c", 2));
    loop_->poll(milliseconds(0));
    deliver(make_job("c", 1));
    loop_->poll(milliseconds(0));
    EXPECT_EQ(channel_.attempts().size(), 5u);
    auto rs = receipts();
    EXPECT_EQ(rs.back().job_id, "c/v1/test");
    EXPECT_EQ(rs.back().outcome, ReceiptOutcome::kFailed);
    EXPECT_EQ(rs.back().detail, "superseded: version 2 of this alert came first");
}

TEST_F(DeliveryLoopTest, APendingJobResumesAfterARestartWithWhatWasFixedForIt) {
    channel_.answer(AttemptKind::kRetry, "busy", 1);
    deliver(make_job());
    loop_->poll(milliseconds(0));
    deliver(make_job());  // in progress: ignored
    loop_->poll(milliseconds(0));
    EXPECT_EQ(channel_.attempts().size(), 1u);

    open_loop();  // as after a crash
    EXPECT_EQ(loop_->active_jobs(), 1u);
    loop_->poll(milliseconds(0));
    ASSERT_EQ(channel_.attempts().size(), 2u);
    EXPECT_EQ(channel_.attempts()[1].key, "key-1");
    EXPECT_EQ(channel_.attempts()[1].attempt, 2);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].attempts, 2);
}

TEST_F(DeliveryLoopTest, AStoredJobThatCannotBeReadIsFailedAtStart) {
    ASSERT_TRUE(store_->admit(make_job(), channel_.admit(make_job()), clock_.now()).ok());
    {
        auto db = SqliteDb::open((dir_ / "test.db").string());
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->exec("UPDATE jobs SET job_json = 'not json'").ok());
    }
    open_loop();
    loop_->poll(milliseconds(0));
    EXPECT_TRUE(channel_.attempts().empty());
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kFailed);
    EXPECT_EQ(rs[0].detail, "stored job unreadable");
}

TEST_F(DeliveryLoopTest, MalformedOrMisdirectedJobsAreSkippedWithoutHarm) {
    bus_.deliver({topics_.job("test"), "not json"});
    bus_.deliver({topics_.job("test"), R"({"schema":"alerthub.job/1","job_id":5})"});
    bus_.deliver({topics_.job("test"), "{\"schema\":\"alerthub.job/1\"}"});
    bus_.deliver({topics_.job("test"), std::string("\xff\xfe{", 3)});
    bus_.deliver({topics_.job("test"), std::string(100000, '[')});
    auto other = make_job();
    other.channel = "line";
    deliver(other);
    auto incomplete = make_job();
    incomplete.idempotency_key.clear();
    deliver(incomplete);
    bus_.deliver({"test/v1/jobs/line", alerthub::testing::hub_signed(encode_job(make_job("z")))});
    loop_->poll(milliseconds(0));
    EXPECT_TRUE(channel_.attempts().empty());
    EXPECT_TRUE(bus_.published().empty());
    EXPECT_TRUE(store_->pending()->empty());

    // And the loop goes on as before.
    deliver(make_job());
    loop_->poll(milliseconds(0));
    EXPECT_EQ(channel_.attempts().size(), 1u);
    EXPECT_EQ(receipts().size(), 1u);
}

// Issue 12: a forged job on the mail channel sent mail to subscribers, and a forged job id
// from the future made the adapter skip the real update. Unsigned, forged and unknown-key
// jobs are refused before they are recorded, and counted in the next receipts.
TEST_F(DeliveryLoopTest, JobsTheHubDidNotSignAreRefusedAndCounted) {
    auto forged = make_job();
    forged.alert.version = 1LL << 53;
    forged.job_id = make_job_id(forged.alert.id, forged.alert.version, "test");
    forged.idempotency_key = forged.job_id;
    bus_.deliver({topics_.job("test"), encode_job(forged)});  // unsigned
    auto rogue = sign_payload(encode_job(forged), generate_signing_key("test-key"));
    ASSERT_TRUE(rogue.ok());
    bus_.deliver({topics_.job("test"), *rogue});  // the right key id, someone else's key
    auto other_key = sign_payload(encode_job(forged), generate_signing_key("other"));
    bus_.deliver({topics_.job("test"), *other_key});
    loop_->poll(milliseconds(0));
    EXPECT_TRUE(channel_.attempts().empty());
    EXPECT_TRUE(store_->pending()->empty());
    EXPECT_EQ(loop_->refused_jobs(), 3);

    // The real job is still sent, and its receipt says what was refused.
    deliver(make_job());
    loop_->poll(milliseconds(0));
    ASSERT_EQ(channel_.attempts().size(), 1u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].refused_jobs, 3);
    ASSERT_FALSE(rs[0].warnings.empty());
    EXPECT_NE(rs[0].warnings.back().find("3 jobs not signed by the hub"), std::string::npos);
}

TEST_F(DeliveryLoopTest, ReceiptsWaitInTheStoreUntilTheBusTakesThem) {
    bus_.set_refuse_publish(true);
    deliver(make_job());
    loop_->poll(milliseconds(0));
    EXPECT_EQ(*store_->count_queued_receipts(), 1);
    open_loop();  // they survive a restart, and the job is not attempted again
    loop_->poll(milliseconds(0));
    EXPECT_EQ(*store_->count_queued_receipts(), 1);
    advance(milliseconds(1999));
    EXPECT_TRUE(bus_.published().empty());
    bus_.set_refuse_publish(false);
    advance(milliseconds(1));  // retried every 2 s
    EXPECT_EQ(receipts().size(), 1u);
    EXPECT_EQ(receipts()[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(*store_->count_queued_receipts(), 0);
    EXPECT_EQ(channel_.attempts().size(), 1u);

    bus_.set_connected(false);
    deliver(make_job("b"));
    loop_->poll(milliseconds(0));
    EXPECT_EQ(receipts().size(), 1u);
    bus_.set_connected(true);  // the loop hears of it and flushes at once
    loop_->poll(milliseconds(0));
    EXPECT_EQ(receipts().size(), 2u);
}

TEST_F(DeliveryLoopTest, FinishedJobsAreForgottenAfterKeepDays) {
    deliver(make_job("old"));
    loop_->poll(milliseconds(0));
    channel_.answer(AttemptKind::kRetry, "busy");
    deliver(make_job("pending"));
    loop_->poll(milliseconds(0));
    clock_.advance(std::chrono::hours(24 * 31));
    open_loop();  // prunes at start
    EXPECT_FALSE(store_->find("old/v1/test")->has_value());
    EXPECT_TRUE(store_->find("pending/v1/test")->has_value());
}

TEST_F(DeliveryLoopTest, TheSameIdempotencyKeyUnderAnotherJobIdIsADuplicate) {
    deliver(make_job());
    loop_->poll(milliseconds(0));
    auto again = make_job();
    again.job_id += "-resent";
    deliver(again);
    loop_->poll(milliseconds(0));
    EXPECT_EQ(channel_.attempts().size(), 1u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 2u);
    EXPECT_EQ(rs[1].outcome, ReceiptOutcome::kDuplicate);
}

TEST_F(DeliveryLoopTest, ARedeliveryWhileInProgressIsIgnored) {
    channel_.answer(AttemptKind::kRetry, "busy");
    deliver(make_job());
    loop_->poll(milliseconds(0));
    deliver(make_job());
    loop_->poll(milliseconds(0));
    EXPECT_EQ(channel_.attempts().size(), 1u);
    EXPECT_TRUE(receipts().empty());
    advance(milliseconds(1000));
    EXPECT_EQ(channel_.attempts().size(), 2u);
    EXPECT_EQ(receipts().size(), 1u);
}

TEST_F(DeliveryLoopTest, AWaitingPollReturnsWhenWokenOrWhenAJobArrives) {
    // Nothing is due, so only a wake-up or a message can end these waits early.
    std::thread waker([&] { loop_->wake(); });
    auto start = std::chrono::steady_clock::now();
    loop_->poll(milliseconds(30000));
    waker.join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));

    std::thread sender([&] { deliver(make_job("b", 1)); });
    start = std::chrono::steady_clock::now();
    loop_->poll(milliseconds(30000));
    sender.join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(DeliveryLoopTest, RunPollsUntilToldToStop) {
    deliver(make_job());
    int checks = 0;
    loop_->run([&] { return ++checks > 1; });
    EXPECT_EQ(checks, 2);
    EXPECT_EQ(channel_.attempts().size(), 1u);
    EXPECT_EQ(receipts().size(), 1u);
}

}  // namespace
}  // namespace alerthub
