// The journal: update/cancel chains, duplicates, superseded messages, one transaction per
// ingest (rolled back whole when any part fails), the outbox, and feedback tables.

#include "hub/journal/journal.h"
#include "hub/sources/source_reader.h"

#include <gtest/gtest.h>

#include "core/base/time_format.h"
#include "core/protocol/alert_text.h"
#include "core/protocol/messages.h"
#include "core/storage/sqlite_db.h"
#include "hub/sources/cap/cap_parser.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using testing::fixtures_dir;
using testing::project_fixtures_dir;
using testing::read_file;
using testing::TempDir;

struct Doc {
    std::string raw;
    SourceDocument parsed;
};

Doc load(const std::filesystem::path& path) {
    Doc d{read_file(path), {}};
    auto parsed = read_source_document(d.raw, 1 << 20, SourceFormat::kCap);
    EXPECT_TRUE(parsed.ok()) << path << ": " << (parsed.ok() ? "" : parsed.error().message);
    if (parsed.ok()) d.parsed = std::move(*parsed);
    return d;
}

Doc original() {
    return load(fixtures_dir() / "cap/spec/Oasis_ThunderstormWarning.xml");
}
Doc update() {
    return load(project_fixtures_dir() / "cap/thunderstorm_update.xml");
}
Doc cancel() {
    return load(project_fixtures_dir() / "cap/thunderstorm_cancel.xml");
}

const std::string kChainId = cap_alert_id("KSTO@NWS.NOAA.GOV", "KSTO1055887203");

class JournalTest : public ::testing::Test {
protected:
    Journal open() {
        auto j = Journal::open((dir_ / "journal.db").string(),
                               JournalSettings{Topics("test/v1"), {"line", "mail"}}, clock_);
        EXPECT_TRUE(j.ok()) << (j.ok() ? "" : j.error().message);
        return std::move(*j);
    }
    IngestResult ingest(Journal& j, const Doc& d, std::string_view origin = "spool:test.xml") {
        auto r = j.ingest(d.parsed, d.raw, origin);
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return r.ok() ? *r : IngestResult{};
    }
    std::int64_t count(Journal& j, std::string_view table) {
        auto n = j.count_rows(table);
        EXPECT_TRUE(n.ok());
        return n.ok() ? *n : -1;
    }

    TempDir dir_;
    FakeClock clock_;
};

TEST_F(JournalTest, AlertUpdateAndCancelBecomeVersionsOfOneAlert) {
    auto j = open();
    auto first = ingest(j, original());
    EXPECT_EQ(first.outcome, IngestOutcome::kAccepted);
    EXPECT_EQ(first.alert_id, kChainId);
    EXPECT_EQ(first.version, 1);

    auto second = ingest(j, update());
    EXPECT_EQ(second.outcome, IngestOutcome::kAccepted);
    EXPECT_EQ(second.alert_id, kChainId);
    EXPECT_EQ(second.version, 2);
    EXPECT_EQ(second.alert.msg_type, MsgType::kUpdate);
    EXPECT_EQ(second.alert.severity, Severity::kExtreme);

    auto third = ingest(j, cancel());
    EXPECT_EQ(third.outcome, IngestOutcome::kAccepted);
    EXPECT_EQ(third.alert_id, kChainId);
    EXPECT_EQ(third.version, 3);
    EXPECT_EQ(third.alert.state, AlertState::kCancelled);

    auto versions = j.versions(kChainId);
    ASSERT_TRUE(versions.ok());
    ASSERT_EQ(versions->size(), 3u);
    EXPECT_EQ((*versions)[0].alert.state, AlertState::kActive);
    EXPECT_EQ((*versions)[1].alert.source.identifier, "KSTO1055887803");
    EXPECT_EQ((*versions)[2].alert.state, AlertState::kCancelled);
    EXPECT_EQ((*versions)[2].alert.id, kChainId);
    EXPECT_EQ((*versions)[2].alert.version, 3);
}

TEST_F(JournalTest, IngestWritesDocumentVersionAndOutboxRowsTogether) {
    auto j = open();
    auto d = original();
    auto r = ingest(j, d, "http");
    EXPECT_EQ(r.outbox_rows, 3);
    EXPECT_EQ(count(j, "documents"), 1);
    EXPECT_EQ(count(j, "alert_versions"), 1);
    EXPECT_EQ(count(j, "message_keys"), 1);
    EXPECT_EQ(count(j, "outbox"), 3);

    auto rows = j.unpublished(10);
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 3u);
    const auto& alert_row = (*rows)[0].message;
    EXPECT_EQ(alert_row.topic, "test/v1/alerts/" + kChainId);
    EXPECT_TRUE(alert_row.retained);
    auto alert = decode_alert(alert_row.payload);
    ASSERT_TRUE(alert.ok());
    EXPECT_EQ(alert->id, kChainId);
    EXPECT_EQ(alert->version, 1);
    EXPECT_EQ(alert->source.sha256, d.parsed.alert.source.sha256);

    for (int i : {1, 2}) {
        const auto& m = (*rows)[static_cast<size_t>(i)].message;
        std::string channel = i == 1 ? "line" : "mail";
        EXPECT_EQ(m.topic, "test/v1/jobs/" + channel);
        EXPECT_FALSE(m.retained);
        auto job = decode_job(m.payload);
        ASSERT_TRUE(job.ok()) << job.error().message;
        EXPECT_EQ(job->job_id, kChainId + "/v1/" + channel);
        EXPECT_EQ(job->idempotency_key, job->job_id);
        EXPECT_EQ(job->channel, channel);
        EXPECT_EQ(job->alert, *alert);
        EXPECT_EQ(job->created, clock_.now());
    }
    EXPECT_LT((*rows)[0].seq, (*rows)[1].seq);
    EXPECT_LT((*rows)[1].seq, (*rows)[2].seq);

    // The raw bytes and where they came from are kept.
    auto db = SqliteDb::open((dir_ / "journal.db").string());
    ASSERT_TRUE(db.ok());
    auto q = db->prepare("SELECT bytes, origin, sha256 FROM documents");
    ASSERT_TRUE(q.ok());
    ASSERT_TRUE(*q->step());
    EXPECT_EQ(q->column_text(0), d.raw);
    EXPECT_EQ(q->column_text(1), "http");
    EXPECT_EQ(q->column_text(2), d.parsed.alert.source.sha256);
}

TEST_F(JournalTest, AFailureAnywhereRollsTheWholeIngestBack) {
    auto j = open();
    {
        // Fault injection: the last step of the transaction (outbox rows) fails.
        auto db = SqliteDb::open((dir_ / "journal.db").string());
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->exec("CREATE TRIGGER full BEFORE INSERT ON outbox "
                             "BEGIN SELECT RAISE(ABORT, 'disk full (injected)'); END")
                        .ok());
    }
    auto d = original();
    auto r = j.ingest(d.parsed, d.raw, "http");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("disk full (injected)"), std::string::npos);
    EXPECT_EQ(count(j, "documents"), 0);
    EXPECT_EQ(count(j, "alert_versions"), 0);
    EXPECT_EQ(count(j, "message_keys"), 0);
    EXPECT_EQ(count(j, "outbox"), 0);
}

TEST_F(JournalTest, DuplicateIsAcknowledgedWithTheExistingVersionAndNotRepublished) {
    auto j = open();
    ingest(j, original());
    ingest(j, update());
    auto again = ingest(j, original(), "http");
    EXPECT_EQ(again.outcome, IngestOutcome::kDuplicate);
    EXPECT_EQ(again.alert_id, kChainId);
    EXPECT_EQ(again.version, 1);
    EXPECT_EQ(again.outbox_rows, 0);
    EXPECT_EQ(count(j, "documents"), 2);
    EXPECT_EQ(count(j, "outbox"), 6);
    auto update_again = ingest(j, update());
    EXPECT_EQ(update_again.outcome, IngestOutcome::kDuplicate);
    EXPECT_EQ(update_again.version, 2);
}

TEST_F(JournalTest, UnknownReferenceStartsTheChainAtTheFirstReference) {
    auto j = open();
    auto r = ingest(j, cancel());
    EXPECT_EQ(r.outcome, IngestOutcome::kAccepted);
    EXPECT_EQ(r.alert_id, kChainId);
    EXPECT_EQ(r.version, 1);
    EXPECT_EQ(r.alert.state, AlertState::kCancelled);
}

TEST_F(JournalTest, AnOlderMessageNeverOverwritesANewerVersion) {
    auto j = open();
    ingest(j, cancel());  // the cancel overtook the original on the way in
    auto late = ingest(j, original());
    EXPECT_EQ(late.outcome, IngestOutcome::kSuperseded);
    EXPECT_EQ(late.alert_id, kChainId);
    EXPECT_EQ(late.version, 1);
    EXPECT_EQ(count(j, "documents"), 2);       // journaled
    EXPECT_EQ(count(j, "alert_versions"), 1);  // but the cancel stays the latest
    EXPECT_EQ(count(j, "outbox"), 3);
    auto again = ingest(j, original());
    EXPECT_EQ(again.outcome, IngestOutcome::kDuplicate);
    EXPECT_EQ(again.alert_id, kChainId);
    EXPECT_EQ(again.version, 1);  // the latest, the cancel's
}

TEST_F(JournalTest, AReferenceToAnyMessageOfTheChainFindsIt) {
    auto j = open();
    ingest(j, original());
    ingest(j, update());
    // A cancel that names only the update (not the original) still ends the same alert.
    Doc c = cancel();
    c.parsed.references = {{"KSTO@NWS.NOAA.GOV", "KSTO1055887803", "2003-06-17T15:07:00-07:00"}};
    auto r = ingest(j, c);
    EXPECT_EQ(r.alert_id, kChainId);
    EXPECT_EQ(r.version, 3);
}

TEST_F(JournalTest, AnExerciseReferencingARealAlertNeverTouchesIt) {
    auto j = open();
    ingest(j, original());
    // The cancel, sent as an exercise: its own chain, the real warning stays active.
    auto raw = read_file(project_fixtures_dir() / "cap/thunderstorm_cancel.xml");
    raw.replace(raw.find("<status>Actual</status>"), 23, "<status>Exercise</status>");
    auto drill = read_source_document(raw, 1 << 20, SourceFormat::kCap);
    ASSERT_TRUE(drill.ok()) << drill.error().message;
    auto r = ingest(j, Doc{raw, *drill});
    EXPECT_EQ(r.outcome, IngestOutcome::kAccepted);
    EXPECT_NE(r.alert_id, kChainId);
    EXPECT_EQ(r.alert.status, AlertStatus::kExercise);
    auto real = j.versions(kChainId);
    ASSERT_TRUE(real.ok());
    ASSERT_EQ(real->size(), 1u);
    EXPECT_EQ((*real)[0].alert.state, AlertState::kActive);
    // The real update that follows still joins the real chain.
    auto next = ingest(j, update());
    EXPECT_EQ(next.alert_id, kChainId);
    EXPECT_EQ(next.version, 2);
}

TEST_F(JournalTest, StateSurvivesReopening) {
    {
        auto j = open();
        ingest(j, original());
    }
    auto j = open();
    auto r = ingest(j, update());
    EXPECT_EQ(r.version, 2);
    auto pending = j.unpublished_count();
    ASSERT_TRUE(pending.ok());
    EXPECT_EQ(*pending, 6);
}

TEST_F(JournalTest, OutboxRowsAreMarkedPublishedOneByOne) {
    auto j = open();
    ingest(j, original());
    auto rows = j.unpublished(10);
    ASSERT_TRUE(rows.ok());
    ASSERT_TRUE(j.mark_published((*rows)[0].seq).ok());
    auto left = j.unpublished(10);
    ASSERT_TRUE(left.ok());
    ASSERT_EQ(left->size(), 2u);
    EXPECT_EQ((*left)[0].seq, (*rows)[1].seq);
    auto limited = j.unpublished(1);
    ASSERT_TRUE(limited.ok());
    EXPECT_EQ(limited->size(), 1u);
}

TEST_F(JournalTest, RecordsReceiptsAcksAndTheNewestDeviceStatus) {
    auto j = open();
    Receipt r;
    r.job_id = kChainId + "/v1/line";
    r.channel = "line";
    r.alert_id = kChainId;
    r.version = 1;
    r.outcome = ReceiptOutcome::kAccepted;
    r.recipients = 120;
    r.attempts = 1;
    r.first_attempt = clock_.now();
    r.finished = clock_.now();
    ASSERT_TRUE(j.record_receipt(r).ok());
    ASSERT_TRUE(j.record_receipt(r).ok());  // QoS 1 redelivery
    EXPECT_EQ(count(j, "receipts"), 1);

    // Per-batch receipts and warnings for staff are kept with it, once.
    Receipt batched = r;
    batched.job_id = kChainId + "/v2/line";
    batched.version = 2;
    batched.batches = {{1, "multicast", "ja", 500, 500, 0, clock_.now(), clock_.now(), "rid-1"},
                       {2, "multicast", "en", 20, 0, 20, std::nullopt, std::nullopt, "quota"}};
    batched.warnings = {"LINEの月間メッセージ上限に達しました"};
    ASSERT_TRUE(j.record_receipt(batched).ok());
    ASSERT_TRUE(j.record_receipt(batched).ok());
    EXPECT_EQ(count(j, "receipts"), 2);
    EXPECT_EQ(count(j, "receipt_batches"), 2);
    EXPECT_EQ(count(j, "receipt_warnings"), 1);

    ingest(j, original());  // acks only count for a version the hub sent
    DisplayAck ack{"lobby-1", kChainId, 1, clock_.now()};
    EXPECT_EQ(j.record_display_ack(ack).value(), true);
    ASSERT_TRUE(j.record_display_ack(ack).ok());
    EXPECT_EQ(count(j, "display_acks"), 1);
    // An ack of a version or an alert the hub never sent is a forgery: not stored.
    EXPECT_EQ(j.record_display_ack({"lobby-1", kChainId, 9007199254740992, clock_.now()}).value(),
              false);
    EXPECT_EQ(j.record_display_ack({"lobby-1", "forged", 1, clock_.now()}).value(), false);
    EXPECT_EQ(count(j, "display_acks"), 1);

    DeviceStatus newer;
    newer.device_id = "lobby-1";
    newer.online = true;
    newer.showing = {{kChainId, 1}};
    newer.software_version = "0.1.0";
    newer.updated = clock_.now();
    DeviceStatus older = newer;
    older.online = false;
    older.showing.clear();
    older.updated = clock_.now() - std::chrono::minutes(5);
    ASSERT_TRUE(j.record_device_status(newer).ok());
    ASSERT_TRUE(j.record_device_status(older).ok());  // a stale retained replay
    auto stored = j.device("lobby-1");
    ASSERT_TRUE(stored.ok());
    ASSERT_TRUE(stored->has_value());
    EXPECT_TRUE((*stored)->online);
    ASSERT_EQ((*stored)->showing.size(), 1u);

    DeviceStatus offline = newer;
    offline.online = false;
    offline.updated = clock_.now() + std::chrono::minutes(1);
    ASSERT_TRUE(j.record_device_status(offline).ok());
    EXPECT_FALSE((*j.device("lobby-1"))->online);
    EXPECT_FALSE(j.device("nobody")->has_value());
}

// A CAP Cancel with no <info> of its own (the thunderstorm cancel with its <info> taken out):
// published saying what it cancels, not as a bare 【取消】.
TEST_F(JournalTest, ACancelWithoutInfoCarriesWhatItCancels) {
    auto j = open();
    ingest(j, original());
    Doc bare = cancel();
    const auto from = bare.raw.find("<info>");
    const auto to = bare.raw.rfind("</info>") + std::string("</info>").size();
    bare.raw.erase(from, to - from);
    auto parsed = read_source_document(bare.raw, 1 << 20, SourceFormat::kCap);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    bare.parsed = std::move(*parsed);
    ASSERT_TRUE(bare.parsed.alert.headline.empty());
    auto r = ingest(j, bare);
    EXPECT_EQ(r.version, 2);
    EXPECT_EQ(r.alert.state, AlertState::kCancelled);
    EXPECT_EQ(r.alert.headline, original().parsed.alert.headline);
    EXPECT_EQ(r.alert.event_name, original().parsed.alert.event_name);
    EXPECT_EQ(r.alert.areas, original().parsed.alert.areas);
    EXPECT_EQ(alert_subject(r.alert).rfind("【取消】", 0), 0u) << alert_subject(r.alert);
}

// Reach kScreens publishes the alert (retained) and writes no delivery job.
TEST_F(JournalTest, AVersionForScreensOnlyGetsNoJobs) {
    auto j = open();
    Routing screens;
    screens.reason = "advisories only";
    screens.ward =
        WardRouting{WardVerdict::kInForce, Reach::kScreens, "in_force\n1310300=VPWW53:14"};
    auto d = original();
    auto r = j.ingest(d.parsed, d.raw, "http", screens);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->sent);
    EXPECT_EQ(r->outbox_rows, 1);
    auto rows = j.unpublished(10);
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_TRUE(rows->front().message.retained);
}

// Schema 3 kept no ward reading: its sent versions read as in force and told to everyone, so
// the ward's lift or a withdrawal after the upgrade reaches whoever they reached.
TEST_F(JournalTest, ASchemaThreeJournalIsMigratedAndItsSentVersionsCount) {
    {
        auto j = open();
        ingest(j, original());
    }
    const auto path = (dir_ / "journal.db").string();
    {
        auto db = SqliteDb::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->exec("ALTER TABLE alert_versions DROP COLUMN ward_fingerprint; "
                             "ALTER TABLE alert_versions DROP COLUMN ward_in_force; "
                             "ALTER TABLE alert_versions DROP COLUMN reach; "
                             "ALTER TABLE outbox DROP COLUMN created_ms; "
                             "ALTER TABLE outbox DROP COLUMN published_ms; "
                             "PRAGMA user_version = 3;")
                        .ok());
    }
    auto j = open();
    {
        auto db = SqliteDb::open(path);
        ASSERT_TRUE(db.ok());
        auto q = db->prepare("SELECT reach IS NULL FROM alert_versions");
        ASSERT_TRUE(q.ok());
        ASSERT_TRUE(*q->step());
        EXPECT_EQ(q->column_int(0), 1);  // the column exists, the old row has no reading
        auto v = db->prepare("PRAGMA user_version");
        ASSERT_TRUE(v.ok());
        ASSERT_TRUE(*v->step());
        EXPECT_EQ(v->column_int(0), 5);
    }
    auto d = update();
    Routing nothing;
    nothing.send = false;
    nothing.reason = "nothing in force";
    nothing.ward = WardRouting{WardVerdict::kNothingInForce, Reach::kNone, "n"};
    auto lift = j.ingest(d.parsed, d.raw, "http", nothing);
    ASSERT_TRUE(lift.ok()) << lift.error().message;
    EXPECT_EQ(lift->version, 2);
    EXPECT_TRUE(lift->sent);
    EXPECT_EQ(lift->outbox_rows, 3);  // everyone: the retained alert and a job per channel
    EXPECT_EQ(lift->routing_reason, "the ward's lift: version 1 was in force (nothing in force)");
}

}  // namespace
}  // namespace alerthub::hub
