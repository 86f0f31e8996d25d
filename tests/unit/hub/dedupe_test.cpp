// Cross-source dedupe (docs/protocol.md, "Duplicates"): the same telegram arriving through
// the JMA feed, a push, the spool folder or relayed by L-Alert is stored and published once,
// however its bytes were formatted; a 訂正 or 取消 is never swallowed; a version 1 journal
// keeps its duplicates after the migration, a version 2 journal its ordering.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include <sstream>

#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "core/storage/sqlite_db.h"
#include "hub/ingest/ingest_pipeline.h"
#include "hub/sources/cap/cap_parser.h"
#include "hub/sources/jma/jmx_parser.h"
#include "hub/sources/source_reader.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using testing::fixtures_dir;
using testing::project_fixtures_dir;
using testing::read_file;
using testing::TempDir;

constexpr std::string_view kLandslide = "landslide/17_01_01_190529_VXWW50.xml";
constexpr std::string_view kQuake = "earthquake/32-35_04_04_240613_VXSE53.xml";

std::string jma(std::string_view rel) {
    return read_file(fixtures_dir() / "jma" / rel);
}

std::string replace(std::string s, std::string_view from, std::string_view to) {
    auto pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) s.replace(pos, from.size(), to);
    return s;
}

std::string without_declaration(const std::string& xml) {
    return xml.starts_with("<?xml") ? xml.substr(xml.find("?>") + 2) : xml;
}

// What another system's XML library makes of the telegram: parsed and written again,
// tab-indented, attributes and namespaces as pugixml writes them.
std::string reserialized(const std::string& xml) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(xml.c_str()));
    std::ostringstream out;
    doc.save(out, "\t", pugi::format_indent | pugi::format_no_declaration);
    return out.str();
}

// An L-Alert distribution relaying `telegram` as it is (コモンズEDXL holds PCXML or JMA XML).
std::string lalert_relay(const std::string& telegram, std::string_view status = "Actual") {
    return fmt::format(
        R"(<?xml version="1.0" encoding="UTF-8"?>
<edxlde:EDXLDistribution xmlns:edxlde="urn:oasis:names:tc:emergency:EDXL:DE:1.0"
    xmlns:commons="http://xml.publiccommons.ne.jp/xml/edxl/">
  <edxlde:distributionID>2f7c9e1a-0b3d-4c5e-8f6a-7b8c9d0e1f20</edxlde:distributionID>
  <edxlde:senderID>relay.example.lalert</edxlde:senderID>
  <edxlde:dateTimeSent>2019-05-29T10:01:00+09:00</edxlde:dateTimeSent>
  <edxlde:distributionStatus>{}</edxlde:distributionStatus>
  <edxlde:distributionType>Report</edxlde:distributionType>
  <commons:contentObject>
    <edxlde:xmlContent>
      <edxlde:embeddedXMLContent>{}</edxlde:embeddedXMLContent>
    </edxlde:xmlContent>
  </commons:contentObject>
</edxlde:EDXLDistribution>
)",
        status, without_declaration(telegram));
}

class DedupeTest : public ::testing::Test {
protected:
    DedupeTest() : journal_(open()), pipeline_(journal_, 1 << 20, [this] { ++commits_; }) {}

    Journal open() {
        auto j = Journal::open((dir_ / "journal.db").string(),
                               JournalSettings{Topics("test/v1"), {"line"}}, clock_);
        EXPECT_TRUE(j.ok()) << (j.ok() ? "" : j.error().message);
        return std::move(*j);
    }

    std::vector<StoredVersion> versions(const std::string& id) {
        auto v = journal_.versions(id);
        EXPECT_TRUE(v.ok());
        return v.ok() ? *v : std::vector<StoredVersion>{};
    }

    TempDir dir_;
    FakeClock clock_;
    Journal journal_;
    int commits_ = 0;
    IngestPipeline pipeline_;
};

TEST_F(DedupeTest, ATelegramFromTheFeedAndFromAPushIsStoredAndPublishedOnce) {
    const auto telegram = jma(kLandslide);
    auto feed = pipeline_.submit(telegram, "jma-feed:extra");
    ASSERT_EQ(feed.kind, IngestOutcome::kAccepted) << feed.reason;
    auto push = pipeline_.submit(telegram, "http");
    EXPECT_EQ(push.kind, IngestOutcome::kDuplicate);
    EXPECT_EQ(push.alert_id, feed.alert_id);
    EXPECT_EQ(push.version, 1);
    auto spool = pipeline_.submit(telegram, "spool:vxww50.xml");
    EXPECT_EQ(spool.kind, IngestOutcome::kDuplicate);
    EXPECT_EQ(commits_, 1);
    EXPECT_EQ(*journal_.count_rows("documents"), 1);
    EXPECT_EQ(*journal_.count_rows("outbox"), 2);  // one retained alert, one job
}

TEST_F(DedupeTest, TriviallyDifferentBytesAreStillTheSameTelegram) {
    const auto telegram = jma(kQuake);
    ASSERT_EQ(pipeline_.submit(telegram, "jma-feed:eqvol").kind, IngestOutcome::kAccepted);

    auto crlf = without_declaration(telegram);
    for (auto pos = crlf.find('\n'); pos != std::string::npos; pos = crlf.find('\n', pos + 2))
        crlf.replace(pos, 1, "\r\n");
    auto padded = replace(telegram, "<Title>震源・震度に関する情報</Title>",
                          "<Title>\n    震源・震度に関する情報  </Title>");
    for (const auto& [what, bytes] : std::vector<std::pair<std::string, std::string>>{
             {"no XML declaration, CRLF", crlf},
             {"whitespace around a text", padded},
             {"re-serialized", reserialized(telegram)}}) {
        ASSERT_NE(bytes, telegram) << what;
        auto again = pipeline_.submit(bytes, "http");
        EXPECT_EQ(again.kind, IngestOutcome::kDuplicate) << what << ": " << again.reason;
    }
    EXPECT_EQ(commits_, 1);
    EXPECT_EQ(*journal_.count_rows("documents"), 1);
}

TEST_F(DedupeTest, ACorrectionOfTheSameSerialAndSecondIsNeverSwallowed) {
    const auto original = jma(kQuake);
    auto first = pipeline_.submit(original, "jma-feed:eqvol");
    ASSERT_EQ(first.kind, IngestOutcome::kAccepted) << first.reason;
    // Same EventID, Serial, Control/DateTime and ReportDateTime: only InfoType differs.
    const auto corrected =
        replace(original, "<InfoType>発表</InfoType>", "<InfoType>訂正</InfoType>");
    auto correction = pipeline_.submit(corrected, "http");
    ASSERT_EQ(correction.kind, IngestOutcome::kAccepted) << correction.reason;
    EXPECT_EQ(correction.alert_id, first.alert_id);
    EXPECT_EQ(correction.version, 2);
    EXPECT_EQ(versions(first.alert_id)[1].alert.msg_type, MsgType::kUpdate);
    // The correction itself, arriving a second time, is a duplicate of the correction.
    EXPECT_EQ(pipeline_.submit(reserialized(corrected), "jma-feed:eqvol").kind,
              IngestOutcome::kDuplicate);
    EXPECT_EQ(commits_, 2);
}

TEST_F(DedupeTest, ACancelOfTheSameSerialAndSecondIsNeverSwallowed) {
    const auto original = jma(kQuake);
    auto first = pipeline_.submit(original, "http");
    ASSERT_EQ(first.kind, IngestOutcome::kAccepted) << first.reason;
    auto cancel = pipeline_.submit(
        replace(original, "<InfoType>発表</InfoType>", "<InfoType>取消</InfoType>"),
        "jma-feed:eqvol");
    ASSERT_EQ(cancel.kind, IngestOutcome::kAccepted) << cancel.reason;
    EXPECT_EQ(cancel.alert_id, first.alert_id);
    EXPECT_EQ(versions(first.alert_id).back().alert.state, AlertState::kCancelled);
}

TEST_F(DedupeTest, AnLAlertRelayOfATelegramIsTheSameAlertWhicheverComesFirst) {
    const auto telegram = jma(kLandslide);
    auto relayed = pipeline_.submit(lalert_relay(telegram), "http");
    ASSERT_EQ(relayed.kind, IngestOutcome::kAccepted) << relayed.reason;
    auto stored = versions(relayed.alert_id);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].alert.source.kind, SourceKind::kJma);
    EXPECT_EQ(stored[0].alert.level, 4);
    EXPECT_EQ(stored[0].alert.source.sha256, sha256_hex(lalert_relay(telegram)));

    auto direct = pipeline_.submit(telegram, "jma-feed:extra");
    EXPECT_EQ(direct.kind, IngestOutcome::kDuplicate);
    EXPECT_EQ(direct.alert_id, relayed.alert_id);
    // And the other way round: a relay after the feed's copy.
    auto quake = pipeline_.submit(jma(kQuake), "jma-feed:eqvol");
    ASSERT_EQ(quake.kind, IngestOutcome::kAccepted);
    auto late_relay = pipeline_.submit(lalert_relay(reserialized(jma(kQuake))), "spool:r.xml");
    EXPECT_EQ(late_relay.kind, IngestOutcome::kDuplicate) << late_relay.reason;
    EXPECT_EQ(late_relay.alert_id, quake.alert_id);
    EXPECT_EQ(commits_, 2);
}

TEST_F(DedupeTest, AnLAlertRelayWhoseStatusContradictsTheTelegramIsRefused) {
    auto drill = pipeline_.submit(lalert_relay(jma(kLandslide), "Exercise"), "http");
    EXPECT_EQ(drill.kind, IngestOutcome::kRejected);
    EXPECT_EQ(drill.reason,
              "<distributionStatus> 'Exercise' contradicts the relayed telegram's "
              "<Control/Status>");
}

TEST_F(DedupeTest, ACapCancelReusingItsAlertsIdentifierAndSentPasses) {
    const auto order = read_file(project_fixtures_dir() / "cap/minato_evacuation_order.xml");
    auto first = pipeline_.submit(order, "http");
    ASSERT_EQ(first.kind, IngestOutcome::kAccepted) << first.reason;
    auto cancel = replace(order, "<msgType>Alert</msgType>",
                          "<msgType>Cancel</msgType>\n  <references>bousai@city.minato.tokyo.jp,"
                          "minato-bousai-20250905-0001,2025-09-05T14:30:00+09:00</references>");
    auto cancelled = pipeline_.submit(cancel, "http");
    ASSERT_EQ(cancelled.kind, IngestOutcome::kAccepted) << cancelled.reason;
    EXPECT_EQ(cancelled.alert_id, first.alert_id);
    EXPECT_EQ(versions(first.alert_id).back().alert.state, AlertState::kCancelled);
    // The same CAP message again is still a duplicate.
    EXPECT_EQ(pipeline_.submit(order, "spool:again.xml").kind, IngestOutcome::kDuplicate);
}

TEST(DedupeIdentityTest, IdentitiesNameTheLifecycleStep) {
    auto a = read_source_document(jma(kQuake), 1 << 20, SourceFormat::kJma);
    ASSERT_TRUE(a.ok());
    EXPECT_TRUE(a->identity.starts_with("jma\n震源・震度に関する情報\n通常\n")) << a->identity;
    auto b = read_source_document(
        replace(jma(kQuake), "<InfoType>発表</InfoType>", "<InfoType>訂正</InfoType>"), 1 << 20,
        SourceFormat::kJma);
    ASSERT_TRUE(b.ok());
    EXPECT_NE(a->identity, b->identity);
    EXPECT_EQ(a->alert.source.identifier, b->alert.source.identifier);

    const auto sent = *parse_rfc3339("2025-09-05T05:30:00Z");
    EXPECT_EQ(cap_identity("s", "i", sent, MsgType::kAlert),
              "cap\ns\ni\n2025-09-05T14:30:00+09:00\nalert");
    EXPECT_NE(cap_identity("s", "i", sent, MsgType::kAlert),
              cap_identity("s", "i", sent, MsgType::kCancel));
}

// A journal written by the previous hub (schema 1: documents unique by sender, identifier,
// sent) is migrated in place; what it held stays a duplicate.
TEST(JournalMigrationTest, AVersionOneJournalIsMigratedAndKeepsItsDuplicates) {
    TempDir dir;
    FakeClock clock;
    const auto path = (dir / "journal.db").string();
    const auto order = read_file(project_fixtures_dir() / "cap/minato_evacuation_order.xml");
    auto parsed = read_source_document(order, 1 << 20, SourceFormat::kCap);
    ASSERT_TRUE(parsed.ok());
    Alert old = parsed->alert;
    {
        auto db = SqliteDb::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->exec(R"sql(
CREATE TABLE documents (id INTEGER PRIMARY KEY, received TEXT NOT NULL, origin TEXT NOT NULL,
    sha256 TEXT NOT NULL, bytes BLOB NOT NULL, sender TEXT NOT NULL, identifier TEXT NOT NULL,
    sent TEXT NOT NULL, UNIQUE (sender, identifier, sent));
CREATE TABLE alert_versions (alert_id TEXT NOT NULL, version INTEGER NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id), sent_ms INTEGER NOT NULL,
    state TEXT NOT NULL, created TEXT NOT NULL, alert_json TEXT NOT NULL,
    PRIMARY KEY (alert_id, version));
CREATE TABLE message_keys (sender TEXT NOT NULL, identifier TEXT NOT NULL,
    alert_id TEXT NOT NULL, PRIMARY KEY (sender, identifier));
PRAGMA user_version = 1;
)sql")
                        .ok());
        auto ins = db->prepare(
            "INSERT INTO documents (id, received, origin, sha256, bytes, sender, identifier, "
            "sent) VALUES (1, 'x', 'http', ?, ?, ?, ?, '2025-09-05T14:30:00+09:00')");
        ASSERT_TRUE(ins.ok());
        ins->bind(1, old.source.sha256)
            .bind_blob(2, order)
            .bind(3, old.source.sender)
            .bind(4, old.source.identifier);
        ASSERT_TRUE(ins->run().ok());
        auto ver = db->prepare("INSERT INTO alert_versions VALUES (?, 1, 1, 0, 'active', 'x', ?)");
        ASSERT_TRUE(ver.ok());
        ver->bind(1, old.id).bind(2, encode_alert(old));
        ASSERT_TRUE(ver->run().ok());
    }

    auto journal = Journal::open(path, JournalSettings{Topics("test/v1"), {"line"}}, clock);
    ASSERT_TRUE(journal.ok()) << journal.error().message;
    {
        auto db = SqliteDb::open(path);
        ASSERT_TRUE(db.ok());
        auto q = db->prepare("PRAGMA user_version");
        ASSERT_TRUE(q.ok());
        ASSERT_TRUE(*q->step());
        EXPECT_EQ(q->column_int(0), 5);  // migrated through 2, 3 and 4 to the current schema
    }
    IngestPipeline pipeline(*journal, 1 << 20, {});
    auto again = pipeline.submit(order, "http");
    EXPECT_EQ(again.kind, IngestOutcome::kDuplicate) << again.reason;
    EXPECT_EQ(again.alert_id, old.id);
    EXPECT_EQ(again.version, 1);
    auto quake = pipeline.submit(jma(kQuake), "jma-feed:eqvol");
    EXPECT_EQ(quake.kind, IngestOutcome::kAccepted) << quake.reason;
    EXPECT_EQ(*journal->count_rows("documents"), 2);
    ASSERT_EQ(journal->versions(old.id)->size(), 1u);

    // Opening it again (the hub's second thread, or a restart) changes nothing.
    auto reopened = Journal::open(path, JournalSettings{Topics("test/v1"), {"line"}}, clock);
    ASSERT_TRUE(reopened.ok()) << reopened.error().message;
    EXPECT_EQ(*reopened->count_rows("documents"), 2);
}

// A journal of schema 2 kept the JMA Serial and the end of an episode only inside the
// identifier ("…#10") and the event code ("VXWW50:00"): migrated, its versions carry them as
// typed facts, and the lifecycle orders what comes next exactly as before.
TEST(JournalMigrationTest, AVersionTwoJournalKeepsOrderingBySerialAndEpisode) {
    TempDir dir;
    FakeClock clock;
    const auto path = (dir / "journal.db").string();
    const JournalSettings settings{Topics("test/v1"), {"line"}};
    std::string eew_id, landslide_id;
    {
        auto journal = Journal::open(path, settings, clock);
        ASSERT_TRUE(journal.ok()) << journal.error().message;
        IngestPipeline pipeline(*journal, 1 << 20, {});
        auto tenth = pipeline.submit(jma("eew/36_01_10_240613_VXSE44.xml"), "spool:10.xml");
        ASSERT_EQ(tenth.kind, IngestOutcome::kAccepted) << tenth.reason;
        eew_id = tenth.alert_id;
        auto first = pipeline.submit(jma("landslide/17_03_01_190529_VXWW50.xml"), "spool:1.xml");
        auto lifted = pipeline.submit(jma("landslide/17_03_10_190529_VXWW50.xml"), "spool:10.xml");
        ASSERT_EQ(lifted.kind, IngestOutcome::kAccepted) << lifted.reason;
        landslide_id = first.alert_id;
    }
    {
        // Back to what schema 2 stored.
        auto db = SqliteDb::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->exec("ALTER TABLE alert_versions DROP COLUMN sequence; "
                             "ALTER TABLE alert_versions DROP COLUMN ends_episode; "
                             "ALTER TABLE alert_versions DROP COLUMN ward_fingerprint; "
                             "ALTER TABLE alert_versions DROP COLUMN ward_in_force; "
                             "ALTER TABLE alert_versions DROP COLUMN reach; "
                             "ALTER TABLE outbox DROP COLUMN created_ms; "
                             "ALTER TABLE outbox DROP COLUMN published_ms; "
                             "PRAGMA user_version = 2;")
                        .ok());
    }

    auto journal = Journal::open(path, settings, clock);
    ASSERT_TRUE(journal.ok()) << journal.error().message;
    {
        auto db = SqliteDb::open(path);
        ASSERT_TRUE(db.ok());
        auto q = db->prepare(
            "SELECT sequence, ends_episode FROM alert_versions ORDER BY alert_id = ?, version");
        ASSERT_TRUE(q.ok());
        q->bind(1, eew_id);
        std::vector<std::pair<std::int64_t, std::int64_t>> rows;
        while (*q->step()) rows.emplace_back(q->column_int(0), q->column_int(1));
        EXPECT_EQ(rows,
                  (std::vector<std::pair<std::int64_t, std::int64_t>>{{1, 0}, {10, 1}, {10, 0}}));
    }
    IngestPipeline pipeline(*journal, 1 << 20, {});
    // Serial 5 re-stamped later than Serial 10: the Serial still decides.
    auto late = pipeline.submit(
        replace(jma("eew/36_01_05_240613_VXSE44.xml"), "<DateTime>2024-04-17T14:14:59Z</DateTime>",
                "<DateTime>2024-04-17T14:20:00Z</DateTime>"),
        "spool:5.xml");
    EXPECT_EQ(late.kind, IngestOutcome::kSuperseded) << late.reason;
    // The landslide episode ended (everything lifted): the next Serial 1 starts a new one.
    auto next = pipeline.submit(replace(jma("landslide/17_03_01_190529_VXWW50.xml"),
                                        "<DateTime>2013-09-02T06:37:10Z</DateTime>",
                                        "<DateTime>2013-09-10T06:37:10Z</DateTime>"),
                                "spool:next.xml");
    EXPECT_EQ(next.kind, IngestOutcome::kAccepted) << next.reason;
    EXPECT_EQ(next.alert_id, landslide_id);
    EXPECT_EQ(next.version, 3);
}

}  // namespace
}  // namespace alerthub::hub
