// The journal's read model: typed rows of what the journal holds, as the console's board and
// feed read them.

#include "hub/journal/journal_reads.h"
#include "tests/support/fake_clock.h"

#include <gtest/gtest.h>

#include "hub/ingest/ingest_pipeline.h"
#include "hub/journal/journal.h"
#include "hub/output/cap_writer.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

class JournalReadsTest : public ::testing::Test {
protected:
    void SetUp() override {
        clock_.set(std::chrono::system_clock::now());
        path_ = (dir_ / "journal.db").string();
        auto journal = Journal::open(path_, {Topics("test/v1"), {"line"}}, clock_);
        ASSERT_TRUE(journal.ok()) << journal.error().message;
        journal_.emplace(std::move(*journal));
        auto db = SqliteDb::open(path_);
        ASSERT_TRUE(db.ok());
        db_.emplace(std::move(*db));
    }

    // A staff notice through the real pipeline; returns its alert id.
    std::string publish_notice() {
        Alert a;
        a.source.kind = SourceKind::kStaff;
        a.event_code = "alerthub:evac_order";
        a.event_name = {{"ja", "避難指示"}};
        a.headline = {{"ja", "避難指示"}};
        a.areas.push_back({"jisx0402", "131032", "港区"});
        const WallTime sent = std::chrono::floor<std::chrono::seconds>(clock_.now());
        a.effective = sent;
        CapEnvelope env;
        env.identifier = "journal-reads-1";
        env.sender = "test@example.org";
        env.sent = sent;
        IngestPipeline pipeline(*journal_, 1048576, nullptr);
        auto report = pipeline.submit_staff(write_cap(a, env), "console:test");
        EXPECT_TRUE(report.acknowledged()) << report.reason;
        return report.alert_id;
    }

    alerthub::testing::TempDir dir_;
    FakeClock clock_;
    std::string path_;
    std::optional<Journal> journal_;
    std::optional<SqliteDb> db_;
};

TEST_F(JournalReadsTest, AnEmptyJournalReadsEmpty) {
    JournalReads reads(*db_);
    EXPECT_TRUE(reads.latest_versions(10)->empty());
    EXPECT_TRUE(reads.devices()->empty());
    EXPECT_TRUE(reads.door_activity()->empty());
    EXPECT_TRUE(reads.receipts("x")->empty());
    EXPECT_TRUE(reads.display_acks("x")->empty());
}

TEST_F(JournalReadsTest, RowsOfAnAlertItsScreensAndItsDoor) {
    const auto id = publish_notice();
    ASSERT_FALSE(id.empty());
    for (std::int64_t version : {1, 1}) {
        DisplayAck ack;
        ack.device_id = "shiba-lobby-1";
        ack.alert_id = id;
        ack.version = version;
        ack.displayed_at = clock_.now();
        ASSERT_TRUE(journal_->record_display_ack(ack).ok());
    }
    DeviceStatus status;
    status.device_id = "shiba-lobby-1";
    status.software_version = "1.2.3";
    status.updated = clock_.now();
    ASSERT_TRUE(journal_->record_device_status(status).ok());
    Receipt receipt;
    receipt.job_id = "job-1";
    receipt.channel = "line";
    receipt.alert_id = id;
    receipt.version = 1;
    receipt.recipients = 12;
    receipt.attempts = 1;
    receipt.detail = "req-1";
    ASSERT_TRUE(journal_->record_receipt(receipt).ok());

    JournalReads reads(*db_);
    auto latest = reads.latest_versions(10);
    ASSERT_TRUE(latest.ok());
    ASSERT_EQ(latest->size(), 1u);
    EXPECT_EQ(latest->front().alert.id, id);
    EXPECT_EQ(latest->front().alert.version, 1);
    EXPECT_EQ(latest->front().origin, "console:test");
    EXPECT_FALSE(latest->front().created.empty());
    EXPECT_TRUE(reads.versions_before(id, 1)->empty());
    ASSERT_EQ(reads.versions_before(id, 2)->size(), 1u);

    auto acks = reads.display_acks(id);
    ASSERT_TRUE(acks.ok());
    ASSERT_FALSE(acks->empty());
    EXPECT_EQ(acks->back().device_id, "shiba-lobby-1");
    EXPECT_EQ(acks->back().version, 1);

    auto devices = reads.devices();
    ASSERT_TRUE(devices.ok());
    ASSERT_EQ(devices->size(), 1u);
    EXPECT_EQ(devices->front().device_id, "shiba-lobby-1");
    EXPECT_TRUE(devices->front().online);
    EXPECT_NE(devices->front().status_json.find("1.2.3"), std::string::npos);

    auto receipts = reads.receipts(id);
    ASSERT_TRUE(receipts.ok());
    ASSERT_EQ(receipts->size(), 1u);
    EXPECT_EQ(receipts->front().channel, "line");
    EXPECT_EQ(receipts->front().recipients, 12);
    EXPECT_EQ(receipts->front().outcome, to_string(ReceiptOutcome::kAccepted));

    auto doors = reads.door_activity();
    ASSERT_TRUE(doors.ok());
    ASSERT_EQ(doors->size(), 1u);
    EXPECT_EQ(doors->front().door, "console");
    EXPECT_EQ(doors->front().documents, 1);
}

}  // namespace
}  // namespace alerthub::hub
