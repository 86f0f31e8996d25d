// L-Alert documents through the ingest pipeline into the journal: revisions of one document
// are versions of one alert (a block raised to level 5, then lifted or cancelled), a late
// older revision never overwrites a newer one, bad documents are refused with their reason,
// and the spool folder and hubctl take them like any other document.

#include <gtest/gtest.h>

#include <sstream>

#include "hub/doors/spool_watcher.h"
#include "hub/hubctl.h"
#include "hub/ingest/ingest_pipeline.h"
#include "hub/sources/lalert/lalert_parser.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using testing::project_fixtures_dir;
using testing::read_file;
using testing::TempDir;

std::string fixture(std::string_view name) {
    return read_file(project_fixtures_dir() / "lalert" / name);
}

const std::string kAlertId =
    lalert_alert_id("actual", "131032", "5c2e8a41-93b7-4f0d-b6a2-8e17d4c3f9a0");

class LAlertLifecycleTest : public ::testing::Test {
protected:
    LAlertLifecycleTest()
        : journal_(open()), pipeline_(journal_, 1 << 20, [this] { ++commits_; }) {}

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

    IngestReport submit(std::string_view name) {
        return pipeline_.submit(fixture(name), std::string("spool:") + std::string(name));
    }

    TempDir dir_;
    FakeClock clock_;
    Journal journal_;
    int commits_ = 0;
    IngestPipeline pipeline_;
};

TEST_F(LAlertLifecycleTest, AnUpdateRaisesABlockToLevelFiveThenEverythingIsLifted) {
    auto issue = submit("evacuation_issue.xml");
    ASSERT_EQ(issue.kind, IngestOutcome::kAccepted) << issue.reason;
    EXPECT_EQ(issue.alert_id, kAlertId);
    EXPECT_EQ(issue.version, 1);
    auto upgrade = submit("evacuation_upgrade.xml");
    ASSERT_EQ(upgrade.kind, IngestOutcome::kAccepted) << upgrade.reason;
    EXPECT_EQ(upgrade.alert_id, kAlertId);
    EXPECT_EQ(upgrade.version, 2);
    auto lift = submit("evacuation_lift.xml");
    ASSERT_EQ(lift.kind, IngestOutcome::kAccepted) << lift.reason;
    EXPECT_EQ(lift.version, 3);

    auto v = versions(kAlertId);
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0].alert.level, 4);
    EXPECT_EQ(v[1].alert.level, 5);
    EXPECT_EQ(v[1].alert.msg_type, MsgType::kUpdate);
    const AlertArea kaigan{"town", "131032/海岸一丁目", "海岸一丁目", 5};
    EXPECT_NE(std::find(v[1].alert.areas.begin(), v[1].alert.areas.end(), kaigan),
              v[1].alert.areas.end());
    EXPECT_EQ(v[2].alert.event_code, "EvacuationOrder:lifted");
    EXPECT_EQ(v[2].alert.state, AlertState::kLifted);
    EXPECT_EQ(commits_, 3);
    // The retained alert and one job per version: 3 × (1 + 1 channel).
    EXPECT_EQ(*journal_.count_rows("outbox"), 6);
}

TEST_F(LAlertLifecycleTest, ACancelEndsTheAlert) {
    ASSERT_EQ(submit("evacuation_issue.xml").kind, IngestOutcome::kAccepted);
    ASSERT_EQ(submit("evacuation_upgrade.xml").kind, IngestOutcome::kAccepted);
    auto cancel = submit("evacuation_cancel.xml");
    ASSERT_EQ(cancel.kind, IngestOutcome::kAccepted) << cancel.reason;
    EXPECT_EQ(cancel.alert_id, kAlertId);
    EXPECT_EQ(cancel.version, 3);
    auto v = versions(kAlertId);
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[2].alert.state, AlertState::kCancelled);
    EXPECT_EQ(v[2].alert.msg_type, MsgType::kCancel);
}

TEST_F(LAlertLifecycleTest, ALateOlderRevisionDoesNotOverwriteANewerOne) {
    ASSERT_EQ(submit("evacuation_upgrade.xml").kind, IngestOutcome::kAccepted);
    auto late = submit("evacuation_issue.xml");
    EXPECT_EQ(late.kind, IngestOutcome::kSuperseded) << late.reason;
    EXPECT_TRUE(late.acknowledged());
    ASSERT_EQ(versions(kAlertId).size(), 1u);
    EXPECT_EQ(versions(kAlertId)[0].alert.level, 5);
}

TEST_F(LAlertLifecycleTest, TheSameRevisionTwiceIsADuplicateEvenReformatted) {
    ASSERT_EQ(submit("evacuation_issue.xml").kind, IngestOutcome::kAccepted);
    auto again = pipeline_.submit(fixture("evacuation_issue.xml"), "http");
    EXPECT_EQ(again.kind, IngestOutcome::kDuplicate);
    // Another distribution of the same revision: new distributionID and send time,
    // re-indented, no XML declaration.
    auto other = fixture("evacuation_issue.xml");
    other = other.substr(other.find("?>") + 2);
    for (auto pos = other.find("\n  "); pos != std::string::npos; pos = other.find("\n  ", pos + 2))
        other.replace(pos, 3, "\r\n\t");
    other.replace(other.find("0b9f3c62"), 8, "11111111");
    other.replace(other.find("2026-09-10T14:05:00+09:00</edxlde:dateTimeSent>"), 25,
                  "2026-09-10T14:06:30+09:00");
    auto resent = pipeline_.submit(other, "http");
    EXPECT_EQ(resent.kind, IngestOutcome::kDuplicate) << resent.reason;
    EXPECT_EQ(resent.alert_id, kAlertId);
    EXPECT_EQ(commits_, 1);
    EXPECT_EQ(*journal_.count_rows("documents"), 1);
}

TEST_F(LAlertLifecycleTest, SheltersAreAnAlertOfTheirOwn) {
    auto shelters = submit("shelter_open.xml");
    ASSERT_EQ(shelters.kind, IngestOutcome::kAccepted) << shelters.reason;
    EXPECT_NE(shelters.alert_id, kAlertId);
    auto v = versions(shelters.alert_id);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].alert.event_code, "Shelter");
    EXPECT_EQ(v[0].alert.source.kind, SourceKind::kLAlert);
}

TEST_F(LAlertLifecycleTest, BadDocumentsAreRejectedWithTheirReason) {
    auto malformed = submit("evacuation_malformed.xml");
    EXPECT_EQ(malformed.kind, IngestOutcome::kRejected);
    EXPECT_EQ(malformed.reason,
              "<Control/Status> '訓練' contradicts <distributionStatus> 'Actual'");
    auto doctype = fixture("evacuation_issue.xml");
    doctype.insert(doctype.find("?>") + 2, "\n<!DOCTYPE lol [<!ENTITY lol \"lol\">]>");
    auto refused = pipeline_.submit(doctype, "http");
    EXPECT_EQ(refused.kind, IngestOutcome::kRejected);
    EXPECT_NE(refused.reason.find("<!DOCTYPE> is not allowed in an L-Alert document"),
              std::string::npos)
        << refused.reason;
    EXPECT_EQ(*journal_.count_rows("documents"), 0);
    EXPECT_EQ(commits_, 0);
}

TEST_F(LAlertLifecycleTest, TheSpoolFolderTakesThemAndQuarantinesTheMalformed) {
    SpoolWatcher spool(dir_ / "spool", clock_);
    ASSERT_TRUE(spool.prepare().ok());
    testing::write_file(spool.incoming_dir() / "issue.xml", fixture("evacuation_issue.xml"));
    testing::write_file(spool.incoming_dir() / "bad.xml", fixture("evacuation_malformed.xml"));
    auto polled = spool.poll(pipeline_);
    EXPECT_EQ(polled.processed, 2);
    EXPECT_TRUE(std::filesystem::exists(spool.done_dir() / "issue.xml"));
    EXPECT_TRUE(std::filesystem::exists(spool.quarantine_dir() / "bad.xml"));
    std::string reason;
    for (const auto& e : std::filesystem::directory_iterator(spool.quarantine_dir()))
        if (e.path().string().ends_with(".reason.txt")) reason = read_file(e.path());
    EXPECT_NE(reason.find("contradicts <distributionStatus> 'Actual'"), std::string::npos)
        << reason;
    EXPECT_EQ(versions(kAlertId).size(), 1u);
}

TEST(LAlertHubctlTest, NormalizeReadsThemAndNamesTheReasonForTheMalformed) {
    std::ostringstream out, err;
    auto issue = (project_fixtures_dir() / "lalert/evacuation_issue.xml").string();
    auto shelter = (project_fixtures_dir() / "lalert/shelter_open.xml").string();
    auto bad = (project_fixtures_dir() / "lalert/evacuation_malformed.xml").string();
    int status = run_hubctl({"normalize", issue, bad, shelter}, out, err);
    EXPECT_EQ(status, kHubctlRejected);
    EXPECT_EQ(err.str(), bad +
                             ": rejected: <Control/Status> '訓練' contradicts "
                             "<distributionStatus> 'Actual'\n");
    std::istringstream lines(out.str());
    std::string line;
    std::vector<Alert> alerts;
    while (std::getline(lines, line)) {
        auto a = decode_alert(line);
        ASSERT_TRUE(a.ok()) << a.error().message;
        alerts.push_back(*a);
    }
    ASSERT_EQ(alerts.size(), 2u);
    EXPECT_EQ(alerts[0].id, kAlertId);
    EXPECT_EQ(alerts[0].areas.back().level, 3);  // survives the JSON form
    EXPECT_EQ(alerts[1].event_code, "Shelter");
}

}  // namespace
}  // namespace alerthub::hub
