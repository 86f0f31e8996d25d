// The job store both channel adapters keep, with a made-up channel that has one fixed and
// one progress column.

#include "adapters/common/delivery_store.h"

#include <gtest/gtest.h>

#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "core/config/config.h"
#include "tests/support/test_support.h"

namespace alerthub {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using testing::TempDir;

ChannelSchema test_schema() {
    ChannelSchema schema;
    schema.columns = {{"route", ChannelColumn::Type::kText, /*progress=*/false},
                      {"parts_done", ChannelColumn::Type::kInteger, /*progress=*/true}};
    schema.check = [](const ChannelFields& f) -> Status {
        if (f.text("route") == "unreadable")
            return make_error(ErrorCode::kInternal, "jobs.route: unreadable");
        return {};
    };
    return schema;
}

ChannelFields fields(std::string route, std::int64_t parts_done = 0) {
    return ChannelFields()
        .set_text("route", std::move(route))
        .set_integer("parts_done", parts_done);
}

DeliveryJob make_job(std::string alert_id = "a", std::int64_t version = 1) {
    DeliveryJob job;
    job.alert.id = std::move(alert_id);
    job.alert.version = version;
    job.channel = "test";
    job.job_id = make_job_id(job.alert.id, version, "test");
    job.idempotency_key = sha256_hex(job.job_id);
    return job;
}

class DeliveryStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        auto s = DeliveryStore::open((dir_ / "state" / "test.db").string(), test_schema());
        ASSERT_TRUE(s.ok()) << s.error().message;
        store_ = std::make_unique<DeliveryStore>(std::move(*s));
    }
    DeliveryRecord admit(const DeliveryJob& job, std::string route = "r1") {
        auto a = store_->admit(job, fields(std::move(route)), now_);
        EXPECT_TRUE(a.ok() && a->inserted);
        return a.ok() ? a->record : DeliveryRecord{};
    }

    TempDir dir_;
    WallTime now_ = *parse_rfc3339("2024-07-25T10:30:00+09:00");
    std::unique_ptr<DeliveryStore> store_;
};

TEST_F(DeliveryStoreTest, AdmitsAJobOnceByJobIdOrIdempotencyKey) {
    auto job = make_job();
    auto first = store_->admit(job, fields("r1"), now_);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_TRUE(first->inserted);
    EXPECT_EQ(first->record.state, DeliveryState::kPending);
    EXPECT_EQ(first->record.attempts, 0);
    EXPECT_EQ(first->record.channel.text("route"), "r1");
    EXPECT_EQ(first->record.received, now_);

    // What was fixed at admission stays: a redelivery does not overwrite it.
    auto again = store_->admit(job, fields("r2"), now_ + hours(1));
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->inserted);
    EXPECT_EQ(again->record.channel.text("route"), "r1");
    EXPECT_EQ(again->record.received, now_);

    auto renamed = job;
    renamed.job_id += "-resent";
    auto by_key = store_->admit(renamed, fields("r3"), now_);
    ASSERT_TRUE(by_key.ok());
    EXPECT_FALSE(by_key->inserted);
    EXPECT_EQ(by_key->record.job_id, job.job_id);
    EXPECT_FALSE(store_->find(renamed.job_id)->has_value());
}

TEST_F(DeliveryStoreTest, SavingProgressRewritesProgressButNotWhatWasFixed) {
    auto r = admit(make_job());
    r.attempts = 2;
    r.first_attempt = now_ + milliseconds(5);
    r.detail = "batch 1: SMTP 550";
    r.recipients = 7;
    r.channel.set_text("route", "elsewhere").set_integer("parts_done", 3);
    ASSERT_TRUE(store_->save_progress(r).ok());

    auto stored = store_->find(r.job_id);
    ASSERT_TRUE(stored.ok() && stored->has_value());
    auto& s = **stored;
    EXPECT_EQ(s.state, DeliveryState::kPending);
    EXPECT_EQ(s.attempts, 2);
    EXPECT_EQ(s.first_attempt, now_ + milliseconds(5));
    EXPECT_FALSE(s.finished.has_value());
    EXPECT_EQ(s.detail, "batch 1: SMTP 550");
    EXPECT_EQ(s.recipients, 7);
    EXPECT_EQ(s.channel.integer("parts_done"), 3);
    EXPECT_EQ(s.channel.text("route"), "r1");
    auto job = decode_job(s.job_json);
    ASSERT_TRUE(job.ok());
    EXPECT_EQ(job->job_id, r.job_id);
}

TEST_F(DeliveryStoreTest, FinishingQueuesTheReceiptWithTheOutcome) {
    auto r = admit(make_job());
    r.state = DeliveryState::kAccepted;
    r.attempts = 1;
    r.finished = now_ + milliseconds(40);
    r.detail = "ok";
    r.channel.set_integer("parts_done", 2);
    ASSERT_TRUE(store_->finish(r, "receipt-1").ok());

    auto stored = store_->find(r.job_id);
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ((*stored)->state, DeliveryState::kAccepted);
    EXPECT_EQ((*stored)->finished, now_ + milliseconds(40));
    EXPECT_EQ((*stored)->channel.integer("parts_done"), 2);
    EXPECT_TRUE(store_->pending()->empty());

    ASSERT_TRUE(store_->queue_receipt("other", "receipt-2", now_).ok());
    EXPECT_EQ(*store_->count_queued_receipts(), 2);
    auto queued = store_->queued_receipts(1);
    ASSERT_TRUE(queued.ok());
    ASSERT_EQ(queued->size(), 1u);
    EXPECT_EQ((*queued)[0].job_id, r.job_id);
    EXPECT_EQ((*queued)[0].payload, "receipt-1");
    ASSERT_TRUE(store_->remove_receipt((*queued)[0].id).ok());
    EXPECT_EQ(store_->queued_receipts(10)->front().payload, "receipt-2");
}

TEST_F(DeliveryStoreTest, PendingJobsComeOldestFirstAndTheLatestVersionIsKnown) {
    admit(make_job("a", 2));
    now_ += milliseconds(1);
    admit(make_job("b", 1));
    now_ += milliseconds(1);
    admit(make_job("a", 1));
    auto pending = store_->pending();
    ASSERT_TRUE(pending.ok());
    ASSERT_EQ(pending->size(), 3u);
    EXPECT_EQ((*pending)[0].job_id, "a/v2/test");
    EXPECT_EQ((*pending)[1].job_id, "b/v1/test");
    EXPECT_EQ((*pending)[2].job_id, "a/v1/test");
    EXPECT_EQ(**store_->latest_version("a"), 2);
    EXPECT_FALSE(store_->latest_version("c")->has_value());
}

TEST_F(DeliveryStoreTest, PruningForgetsOnlyJobsFinishedBeforeTheCutoff) {
    auto old_job = admit(make_job("old"));
    auto recent = admit(make_job("recent"));
    admit(make_job("pending"));
    for (auto* r : {&old_job, &recent}) r->state = DeliveryState::kFailed;
    old_job.finished = now_;
    recent.finished = now_ + hours(48);
    ASSERT_TRUE(store_->finish(old_job, "x").ok());
    ASSERT_TRUE(store_->finish(recent, "y").ok());

    auto pruned = store_->prune(now_ + hours(24));
    ASSERT_TRUE(pruned.ok());
    EXPECT_EQ(*pruned, 1);
    EXPECT_FALSE(store_->find(old_job.job_id)->has_value());
    EXPECT_TRUE(store_->find(recent.job_id)->has_value());
    EXPECT_TRUE(store_->find("pending/v1/test")->has_value());
}

TEST_F(DeliveryStoreTest, ARowTheChannelCannotReadFailsTheRead) {
    admit(make_job("a"), "unreadable");
    auto found = store_->find("a/v1/test");
    ASSERT_FALSE(found.ok());
    EXPECT_NE(found.error().message.find("jobs.route"), std::string::npos);
    EXPECT_FALSE(store_->pending().ok());
}

TEST_F(DeliveryStoreTest, TheChannelColumnsAreInTheTableAndSurviveReopening) {
    auto r = admit(make_job());
    store_.reset();
    auto reopened = DeliveryStore::open((dir_ / "state" / "test.db").string(), test_schema());
    ASSERT_TRUE(reopened.ok()) << reopened.error().message;
    auto stored = reopened->find(r.job_id);
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ((*stored)->channel, r.channel);

    auto db = SqliteDb::open((dir_ / "state" / "test.db").string());
    ASSERT_TRUE(db.ok());
    auto st = db->prepare("SELECT sql FROM sqlite_master WHERE name = 'jobs'");
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE(*st->step());
    auto sql = st->column_text(0);
    EXPECT_NE(sql.find("route           TEXT NOT NULL,"), std::string::npos) << sql;
    EXPECT_NE(sql.find("parts_done      INTEGER NOT NULL DEFAULT 0,"), std::string::npos) << sql;
}

TEST(DeliveryStoreSettings, ReadsTheStateSectionWithItsDefaults) {
    TempDir dir;
    testing::write_file(dir / "a.toml", "[state]\npath = \"db/x.db\"\nkeep_days = 7\n");
    auto set = ConfigReader::load((dir / "a.toml").string());
    ASSERT_TRUE(set.ok());
    auto s = read_delivery_store_settings(*set, {"/var/lib/alerthub/x.db"});
    EXPECT_TRUE(set->finish().ok());
    EXPECT_EQ(s.path, (dir / "db/x.db").string());
    EXPECT_EQ(s.keep_days, 7);

    auto empty = ConfigReader::parse("", "empty.toml");
    ASSERT_TRUE(empty.ok());
    auto d = read_delivery_store_settings(*empty, {"/var/lib/alerthub/x.db"});
    EXPECT_TRUE(empty->finish().ok());
    EXPECT_EQ(d.path, "/var/lib/alerthub/x.db");
    EXPECT_EQ(d.keep_days, 30);

    auto bad = ConfigReader::parse("[state]\npath = \"\"\nkeep_days = 0\n", "bad.toml");
    ASSERT_TRUE(bad.ok());
    (void)read_delivery_store_settings(*bad, {"/var/lib/alerthub/x.db"});
    auto status = bad->finish();
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("state.path"), std::string::npos);
    EXPECT_NE(status.error().message.find("state.keep_days"), std::string::npos);
}

}  // namespace
}  // namespace alerthub
