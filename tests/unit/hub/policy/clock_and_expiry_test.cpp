// Issue 13 through the real pipeline and journal (SQLite), real documents and a clock set by
// hand: a `sent` from the future is refused (L8: the 2099 update), every alert ends
// (E0: the default lifetime of a JMA type; E1-E4: the expiry timer publishes the `expired`
// version), and what the hub accepts fits a screen (the 1 MB CAP document).

#include <gtest/gtest.h>

#include <string>

#include "core/base/time_format.h"
#include "core/protocol/messages.h"
#include "core/protocol/payload_limits.h"
#include "hub/ingest/ingest_pipeline.h"
#include "hub/journal/journal.h"
#include "hub/policy/lifecycle.h"
#include "hub/policy/lifetimes.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using namespace std::chrono_literals;
using testing::fixtures_dir;
using testing::project_fixtures_dir;
using testing::read_file;
using testing::TempDir;

WallTime at(const char* rfc3339) {
    return parse_rfc3339(rfc3339).value();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
    auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
    return text;
}

// The OASIS thunderstorm warning (sent 2003-06-17T14:57:00-07:00), its update and its cancel.
std::string thunderstorm() {
    return read_file(fixtures_dir() / "cap/spec/Oasis_ThunderstormWarning.xml");
}
std::string thunderstorm_update_sent_2099() {
    return replace(read_file(project_fixtures_dir() / "cap/thunderstorm_update.xml"),
                   "<sent>2003-06-17T15:07:00-07:00</sent>",
                   "<sent>2099-06-17T15:07:00-07:00</sent>");
}
std::string thunderstorm_cancel() {
    return read_file(project_fixtures_dir() / "cap/thunderstorm_cancel.xml");
}

class ClockAndExpiryTest : public ::testing::Test {
protected:
    ClockAndExpiryTest() : journal_(open()), pipeline_(journal_, 1 << 20, nullptr) {}

    Journal open() {
        auto j = Journal::open((dir_ / "journal.db").string(),
                               JournalSettings{Topics("test/v1"), {"line"}}, clock_);
        EXPECT_TRUE(j.ok()) << (j.ok() ? "" : j.error().message);
        return std::move(*j);
    }
    LifetimeTable shipped_lifetimes() {
        auto t = LifetimeTable::load(
            (project_fixtures_dir().parent_path().parent_path() / "config/jma/lifetimes.tsv")
                .string());
        EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
        return t.ok() ? std::move(*t) : LifetimeTable{};
    }
    std::vector<BusMessage> unpublished() {
        std::vector<BusMessage> out;
        auto rows = journal_.unpublished(100);
        EXPECT_TRUE(rows.ok());
        if (rows.ok())
            for (auto& row : *rows) out.push_back(row.message);
        return out;
    }

    TempDir dir_;
    FakeClock clock_;
    Journal journal_;
    IngestPipeline pipeline_;
};

// Before issue 13 (no clock check): the update sent "in 2099" orders the chain from the
// future, and the real cancel that follows is superseded: acknowledged, never published.
TEST_F(ClockAndExpiryTest, WithoutTheClockCheckA2099UpdateSupersedesTheRealCancel) {
    clock_.set(at("2003-06-17T22:30:00Z"));  // after all three were sent
    ASSERT_EQ(pipeline_.submit(thunderstorm(), "http").kind, IngestOutcome::kAccepted);
    ASSERT_EQ(pipeline_.submit(thunderstorm_update_sent_2099(), "http").kind,
              IngestOutcome::kAccepted);
    EXPECT_EQ(pipeline_.submit(thunderstorm_cancel(), "http").kind, IngestOutcome::kSuperseded);
}

TEST_F(ClockAndExpiryTest, L8TheUpdateSentIn2099IsRefusedAndTheRealCancelIsPublished) {
    pipeline_.refuse_future(clock_, kDefaultMaxFuture);
    clock_.set(at("2003-06-17T22:30:00Z"));  // after all three were sent
    auto first = pipeline_.submit(thunderstorm(), "http");
    ASSERT_EQ(first.kind, IngestOutcome::kAccepted) << first.reason;

    auto update = pipeline_.submit(thunderstorm_update_sent_2099(), "http");
    EXPECT_EQ(update.kind, IngestOutcome::kRejected);
    EXPECT_FALSE(update.acknowledged());  // the door answers 422 and quarantines it
    EXPECT_EQ(update.code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(update.reason.starts_with("sent 2099-06-18 07:07 JST is "));
    EXPECT_NE(update.reason.find("ahead of the hub's clock (2003-06-18 07:30 JST; [ingest] "
                                 "max_future_s 120)"),
              std::string::npos)
        << update.reason;

    auto cancel = pipeline_.submit(thunderstorm_cancel(), "http");
    ASSERT_EQ(cancel.kind, IngestOutcome::kAccepted) << cancel.reason;
    EXPECT_EQ(cancel.alert_id, first.alert_id);
    EXPECT_EQ(cancel.version, 2);
    EXPECT_TRUE(cancel.sent);
    auto versions = journal_.versions(first.alert_id).value();
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(versions.back().alert.state, AlertState::kCancelled);
}

TEST_F(ClockAndExpiryTest, L8ASenderAMinuteAheadIsStillBelieved) {
    pipeline_.refuse_future(clock_, kDefaultMaxFuture);
    clock_.set(at("2003-06-17T21:56:00Z"));  // the document says 21:57Z
    EXPECT_EQ(pipeline_.submit(thunderstorm(), "http").kind, IngestOutcome::kAccepted);
}

// 緊急地震速報（予報） of 2024-04-17 23:14:54 JST, Serial 1: no Head/ValidDateTime.
constexpr const char* kEew1 = "eew/36_01_01_240613_VXSE44.xml";

TEST_F(ClockAndExpiryTest, E0AndE1AnEarthquakeEarlyWarningEndsAndTheScreensAreToldSo) {
    auto lifetimes = shipped_lifetimes();
    pipeline_.give_ends(&lifetimes);
    clock_.set(at("2024-04-17T14:15:30Z"));
    auto report = pipeline_.submit(read_file(fixtures_dir() / "jma" / kEew1), "jma-feed:eqvol");
    ASSERT_EQ(report.kind, IngestOutcome::kAccepted) << report.reason;
    const Alert shown = journal_.versions(report.alert_id).value().back().alert;
    ASSERT_TRUE(shown.expires.has_value());  // before issue 13: null
    EXPECT_EQ(*shown.expires, *shown.effective + 10min);
    auto rows = journal_.unpublished(100);
    ASSERT_TRUE(rows.ok());
    for (auto& row : *rows) ASSERT_TRUE(journal_.mark_published(row.seq).ok());

    // E2: not yet.
    clock_.set(*shown.expires - 1s);
    EXPECT_TRUE(journal_.expire_due().value().empty());

    // E1: at its end, version 2 says it expired; retained for the screens, no job.
    clock_.set(*shown.expires);
    auto expired = journal_.expire_due().value();
    ASSERT_EQ(expired.size(), 1u);
    EXPECT_EQ(expired[0].alert_id, report.alert_id);
    EXPECT_EQ(expired[0].version, 2);
    EXPECT_EQ(expired[0].reason, "expired: its end 2024-04-17 23:24 JST has passed");
    auto out = unpublished();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].topic, "test/v1/alerts/" + report.alert_id);
    EXPECT_TRUE(out[0].retained);
    auto published = decode_alert(out[0].payload).value();
    EXPECT_EQ(published.state, AlertState::kExpired);
    EXPECT_EQ(published.version, 2);
    EXPECT_EQ(published.headline, shown.headline);  // it says what ended
    auto log = journal_.routing_log(1).value();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_TRUE(log[0].sent);
    EXPECT_EQ(log[0].reason, expired[0].reason);

    // E3: once.
    clock_.advance(1h);
    EXPECT_TRUE(journal_.expire_due().value().empty());
    EXPECT_EQ(journal_.versions(report.alert_id).value().size(), 2u);
}

TEST_F(ClockAndExpiryTest, E0AReplayIsShownForItsLifetimeFromWhenItArrives) {
    auto lifetimes = shipped_lifetimes();
    pipeline_.give_ends(&lifetimes);
    pipeline_.check_freshness(clock_, 600s);
    const WallTime drill = at("2026-12-05T01:00:00Z");
    clock_.set(drill);
    auto report = pipeline_.submit(read_file(fixtures_dir() / "jma" / kEew1), "http",
                                   Replay{"drill 2026-12-05"});
    ASSERT_EQ(report.kind, IngestOutcome::kAccepted) << report.reason;
    ASSERT_TRUE(report.sent);
    EXPECT_EQ(journal_.versions(report.alert_id).value().back().alert.expires, drill + 10min);
}

TEST_F(ClockAndExpiryTest, E3ACancelledAlertDoesNotExpireAgain) {
    clock_.set(at("2003-06-17T22:30:00Z"));  // after all three were sent
    ASSERT_EQ(pipeline_.submit(thunderstorm(), "http").kind, IngestOutcome::kAccepted);
    ASSERT_EQ(pipeline_.submit(thunderstorm_cancel(), "http").kind, IngestOutcome::kAccepted);
    clock_.set(at("2003-06-18T00:00:00Z"));  // after both ends (16:00-07:00)
    EXPECT_TRUE(journal_.expire_due().value().empty());
    EXPECT_EQ(*journal_.count_rows("expiries"), 0);
}

TEST_F(ClockAndExpiryTest, E4AnAlertNeverSentHasNothingToExpire) {
    auto lifetimes = shipped_lifetimes();
    pipeline_.give_ends(&lifetimes);
    pipeline_.check_freshness(clock_, 600s);
    clock_.set(at("2024-04-17T16:15:30Z"));  // two hours late: stale, journaled only (L7)
    auto report = pipeline_.submit(read_file(fixtures_dir() / "jma" / kEew1), "http");
    ASSERT_EQ(report.kind, IngestOutcome::kAccepted) << report.reason;
    ASSERT_FALSE(report.sent);
    clock_.advance(24h);
    EXPECT_TRUE(journal_.expire_due().value().empty());
}

// A CAP document of about 1 MB (the ingest limit): before issue 13 it was accepted (202) and
// published as an alert no signage player takes (over its 1 MiB payload limit).
std::string cap_with_description_of(std::size_t bytes, char fill = 'A') {
    return replace(thunderstorm(),
                   "<instruction>TAKE COVER IN A SUBSTANTIAL SHELTER UNTIL THE STORM "
                   "PASSES.</instruction>",
                   "<instruction>" + std::string(bytes, fill) + "</instruction>");
}

TEST_F(ClockAndExpiryTest, ADocumentWhoseAlertWouldNotFitAScreenIsRefusedWithTheReason) {
    clock_.set(at("2003-06-17T22:30:00Z"));  // after all three were sent
    const std::string big = cap_with_description_of(1'045'000);
    ASSERT_LT(big.size(), std::size_t{1} << 20);  // within the ingest limit
    auto report = pipeline_.submit(big, "http");
    EXPECT_EQ(report.kind, IngestOutcome::kRejected);
    EXPECT_EQ(report.code, ErrorCode::kResourceExhausted);  // HTTP 413, quarantined
    EXPECT_NE(report.reason.find("over the 1048576 bytes a signage player takes"),
              std::string::npos)
        << report.reason;
    EXPECT_EQ(*journal_.count_rows("documents"), 0);
    EXPECT_EQ(*journal_.count_rows("outbox"), 0);

    // The case: a document well within the ingest limit whose alert grows in JSON
    // (every '"' is written '\"'): 0.9 MB of CAP, 1.8 MB of alert.
    const std::string quoted = cap_with_description_of(900'000, '"');
    ASSERT_LT(quoted.size(), std::size_t{1} << 20);
    auto grown = pipeline_.submit(quoted, "http");
    EXPECT_EQ(grown.kind, IngestOutcome::kRejected);
    EXPECT_EQ(grown.code, ErrorCode::kResourceExhausted);
    EXPECT_TRUE(grown.reason.starts_with("its alert would be 180")) << grown.reason;
    EXPECT_EQ(*journal_.count_rows("documents"), 0);
}

TEST_F(ClockAndExpiryTest, ALargeDocumentThatFitsIsAcceptedWhole) {
    clock_.set(at("2003-06-17T22:30:00Z"));  // after all three were sent
    auto report = pipeline_.submit(cap_with_description_of(900'000), "http");
    ASSERT_EQ(report.kind, IngestOutcome::kAccepted) << report.reason;
    for (const auto& m : unpublished())
        if (m.retained) {
            EXPECT_LE(m.payload.size() + IngestPipeline::kPayloadHeadroom, kMaxAlertPayloadBytes);
        }
}

}  // namespace
}  // namespace alerthub::hub
