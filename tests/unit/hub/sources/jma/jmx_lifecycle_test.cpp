// JMA telegrams through the ingest pipeline into the journal: EventID + Serial are the
// versions of one incident, a late older Serial never overwrites a newer one, 訂正 replaces,
// 取消 cancels, 訓練/試験 stay labelled; CAP keeps working beside them; hubctl normalizes both.

#include <gtest/gtest.h>

#include <httplib.h>

#include <mutex>
#include <sstream>

#include "hub/doors/http_ingest.h"
#include "hub/doors/spool_watcher.h"
#include "hub/hubctl.h"
#include "hub/ingest/ingest_pipeline.h"
#include "hub/sources/jma/jmx_parser.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using testing::fixtures_dir;
using testing::read_file;
using testing::TempDir;

std::string jma(std::string_view rel) {
    return read_file(fixtures_dir() / "jma" / rel);
}

std::string replace(std::string s, std::string_view from, std::string_view to) {
    auto pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) s.replace(pos, from.size(), to);
    return s;
}

// 緊急地震速報（予報） of 2024-04-17 23:14:54, Serials 1, 5, 10, 26 and the 取消 (32).
constexpr std::string_view kEew1 = "eew/36_01_01_240613_VXSE44.xml";
constexpr std::string_view kEew5 = "eew/36_01_05_240613_VXSE44.xml";
constexpr std::string_view kEew10 = "eew/36_01_10_240613_VXSE44.xml";
constexpr std::string_view kEewCancel = "eew/36_01_33_240613_VXSE44.xml";

class JmxLifecycleTest : public ::testing::Test {
protected:
    JmxLifecycleTest() : journal_(open()), pipeline_(journal_, 1 << 20, [this] { ++commits_; }) {}

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

TEST_F(JmxLifecycleTest, SerialsAreVersionsAndALateOlderSerialDoesNotOverwrite) {
    auto first = pipeline_.submit(jma(kEew1), "spool:1.xml");
    ASSERT_EQ(first.kind, IngestOutcome::kAccepted) << first.reason;
    EXPECT_TRUE(first.alert_id.starts_with("jma-"));
    auto tenth = pipeline_.submit(jma(kEew10), "spool:10.xml");
    ASSERT_EQ(tenth.kind, IngestOutcome::kAccepted) << tenth.reason;
    EXPECT_EQ(tenth.alert_id, first.alert_id);
    EXPECT_EQ(tenth.version, 2);

    // Serial 5 arrives after 10: journaled, acknowledged, not published.
    auto late = pipeline_.submit(jma(kEew5), "spool:5.xml");
    EXPECT_EQ(late.kind, IngestOutcome::kSuperseded) << late.reason;
    EXPECT_TRUE(late.acknowledged());
    EXPECT_EQ(late.version, 2);

    auto cancel = pipeline_.submit(jma(kEewCancel), "spool:33.xml");
    ASSERT_EQ(cancel.kind, IngestOutcome::kAccepted) << cancel.reason;
    EXPECT_EQ(cancel.alert_id, first.alert_id);
    EXPECT_EQ(cancel.version, 3);

    auto v = versions(first.alert_id);
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0].alert.source.identifier, "VXSE44/20240417231454#1");
    EXPECT_EQ(v[1].alert.source.identifier, "VXSE44/20240417231454#10");
    EXPECT_EQ(v[2].alert.source.identifier, "VXSE44/20240417231454#32");
    EXPECT_EQ(v[2].alert.state, AlertState::kCancelled);
    EXPECT_EQ(v[2].alert.msg_type, MsgType::kCancel);
    EXPECT_EQ(commits_, 3);

    // The same telegram again is a duplicate, not a new version.
    auto again = pipeline_.submit(jma(kEew10), "http");
    EXPECT_EQ(again.kind, IngestOutcome::kDuplicate);
    EXPECT_EQ(versions(first.alert_id).size(), 3u);
}

TEST_F(JmxLifecycleTest, SerialDecidesEvenWhenTheOlderSerialCarriesALaterClock) {
    auto tenth = pipeline_.submit(jma(kEew10), "spool:10.xml");
    ASSERT_EQ(tenth.kind, IngestOutcome::kAccepted) << tenth.reason;
    // Serial 5 re-sent with a later Control/DateTime (a relay re-stamping it).
    auto restamped = replace(jma(kEew5), "<DateTime>2024-04-17T14:14:59Z</DateTime>",
                             "<DateTime>2024-04-17T14:20:00Z</DateTime>");
    auto late = pipeline_.submit(restamped, "spool:5.xml");
    EXPECT_EQ(late.kind, IngestOutcome::kSuperseded) << late.reason;
    EXPECT_EQ(versions(tenth.alert_id).size(), 1u);
}

TEST_F(JmxLifecycleTest, AnEpisodeThatEndedLetsTheNextRestartAtSerialOne) {
    // 岡山県土砂災害警戒情報: Serial 1 (発表), 4, and 10 lifting everything, as JMA sent them.
    auto first = pipeline_.submit(jma("landslide/17_03_01_190529_VXWW50.xml"), "spool:1.xml");
    ASSERT_EQ(first.kind, IngestOutcome::kAccepted) << first.reason;
    auto lifted = pipeline_.submit(jma("landslide/17_03_10_190529_VXWW50.xml"), "spool:10.xml");
    ASSERT_EQ(lifted.kind, IngestOutcome::kAccepted) << lifted.reason;
    EXPECT_EQ(lifted.alert_id, first.alert_id);
    EXPECT_EQ(versions(first.alert_id).back().alert.event_code, "VXWW50:00");
    // Serial 4 of the ended episode, late: still kept out (it is older by the clock too).
    auto late = pipeline_.submit(jma("landslide/17_03_04_190529_VXWW50.xml"), "spool:4.xml");
    EXPECT_EQ(late.kind, IngestOutcome::kSuperseded) << late.reason;
    // Next day, a new episode starts again at Serial 1 under the same EventID.
    auto next = pipeline_.submit(replace(jma("landslide/17_03_01_190529_VXWW50.xml"),
                                         "<DateTime>2013-09-02T06:37:10Z</DateTime>",
                                         "<DateTime>2013-09-10T06:37:10Z</DateTime>"),
                                 "spool:next.xml");
    ASSERT_EQ(next.kind, IngestOutcome::kAccepted) << next.reason;
    EXPECT_EQ(next.alert_id, first.alert_id);
    EXPECT_EQ(next.version, 3);
    EXPECT_EQ(versions(first.alert_id).back().alert.level, 4);
}

TEST_F(JmxLifecycleTest, EewWarningIsCancelledByItsTorikeshi) {
    auto warning = pipeline_.submit(jma("eew/37_01_01_240613_VXSE43.xml"), "spool:a.xml");
    ASSERT_EQ(warning.kind, IngestOutcome::kAccepted) << warning.reason;
    auto cancel = pipeline_.submit(jma("eew/37_01_03_240613_VXSE43.xml"), "spool:b.xml");
    ASSERT_EQ(cancel.kind, IngestOutcome::kAccepted) << cancel.reason;
    EXPECT_EQ(cancel.alert_id, warning.alert_id);
    auto v = versions(warning.alert_id);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].alert.state, AlertState::kActive);
    EXPECT_EQ(v[1].alert.state, AlertState::kCancelled);
    // The 警報 and the 予報 of the same quake are different information: different alerts.
    auto forecast = pipeline_.submit(jma(kEew1), "spool:c.xml");
    EXPECT_NE(forecast.alert_id, warning.alert_id);
}

TEST_F(JmxLifecycleTest, WarningAndForecastOfOneSecondAreNotDuplicates) {
    // JMA sends 緊急地震速報（警報） and （予報） together: same EventID, Serial and second.
    auto warning = pipeline_.submit(jma("eew/37_01_01_240613_VXSE43.xml"), "http");
    ASSERT_EQ(warning.kind, IngestOutcome::kAccepted) << warning.reason;
    auto forecast = pipeline_.submit(
        replace(jma(kEew1), "<DateTime>2024-04-17T14:14:57Z", "<DateTime>2024-04-17T14:14:59Z"),
        "http");
    ASSERT_EQ(forecast.kind, IngestOutcome::kAccepted) << forecast.reason;
    EXPECT_NE(forecast.alert_id, warning.alert_id);
    EXPECT_EQ(forecast.version, 1);
}

TEST_F(JmxLifecycleTest, TeiseiReplacesWhatItCorrects) {
    // No supported sample carries 訂正: the real VXSE53 Serial 1 corrected ten minutes later
    // under the same Serial, as JMA does.
    const auto original = jma("earthquake/32-35_04_04_240613_VXSE53.xml");
    auto first = pipeline_.submit(original, "spool:a.xml");
    ASSERT_EQ(first.kind, IngestOutcome::kAccepted) << first.reason;
    auto sent = read_file(fixtures_dir() / "jma/earthquake/32-35_04_04_240613_VXSE53.xml");
    auto pos = sent.find("<DateTime>");
    ASSERT_NE(pos, std::string::npos);
    auto old_time = sent.substr(pos, sent.find("</DateTime>", pos) - pos);
    auto corrected =
        replace(replace(original, "<InfoType>発表</InfoType>", "<InfoType>訂正</InfoType>"),
                old_time, "<DateTime>2099-01-01T00:00:00Z");
    auto update = pipeline_.submit(corrected, "spool:b.xml");
    ASSERT_EQ(update.kind, IngestOutcome::kAccepted) << update.reason;
    EXPECT_EQ(update.alert_id, first.alert_id);
    EXPECT_EQ(update.version, 2);
    auto v = versions(first.alert_id);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[1].alert.msg_type, MsgType::kUpdate);
    EXPECT_EQ(v[1].alert.state, AlertState::kActive);
}

TEST_F(JmxLifecycleTest, DrillsAndTestsKeepTheirStatus) {
    auto drill = pipeline_.submit(jma("tsunami/32-39_12_02_250206_VTSE41.xml"), "spool:a.xml");
    ASSERT_EQ(drill.kind, IngestOutcome::kAccepted) << drill.reason;
    EXPECT_EQ(versions(drill.alert_id).at(0).alert.status, AlertStatus::kExercise);

    auto test = pipeline_.submit(replace(jma("tornado/19_02_01_111226_VPHW50.xml"),
                                         "<Status>通常</Status>", "<Status>試験</Status>"),
                                 "spool:b.xml");
    ASSERT_EQ(test.kind, IngestOutcome::kAccepted) << test.reason;
    EXPECT_EQ(versions(test.alert_id).at(0).alert.status, AlertStatus::kTest);
}

TEST_F(JmxLifecycleTest, ADrillReusingARealEventIdNeverTouchesTheRealAlert) {
    // A 訓練 取消 with the EventID of a real, active 緊急地震速報（警報）: a separate exercise
    // alert. The real warning stays active at version 1.
    auto real = pipeline_.submit(jma("eew/37_01_01_240613_VXSE43.xml"), "spool:a.xml");
    ASSERT_EQ(real.kind, IngestOutcome::kAccepted) << real.reason;
    auto drill_cancel = pipeline_.submit(replace(jma("eew/37_01_03_240613_VXSE43.xml"),
                                                 "<Status>通常</Status>", "<Status>訓練</Status>"),
                                         "spool:b.xml");
    ASSERT_EQ(drill_cancel.kind, IngestOutcome::kAccepted) << drill_cancel.reason;
    EXPECT_NE(drill_cancel.alert_id, real.alert_id);
    auto v = versions(real.alert_id);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].alert.state, AlertState::kActive);
    EXPECT_EQ(v[0].alert.status, AlertStatus::kActual);
    EXPECT_EQ(versions(drill_cancel.alert_id).at(0).alert.status, AlertStatus::kExercise);
}

TEST_F(JmxLifecycleTest, ThePipelineRoutesCapAndJmxAndRejectsOtherTelegrams) {
    auto cap = pipeline_.submit(
        read_file(fixtures_dir() / "cap/spec/Oasis_ThunderstormWarning.xml"), "http");
    ASSERT_EQ(cap.kind, IngestOutcome::kAccepted) << cap.reason;
    EXPECT_TRUE(cap.alert_id.starts_with("cap-"));
    auto jmx = pipeline_.submit(jma("landslide/17_01_01_190529_VXWW50.xml"), "http");
    ASSERT_EQ(jmx.kind, IngestOutcome::kAccepted) << jmx.reason;
    auto stored = versions(jmx.alert_id);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].alert.level, 4);
    EXPECT_EQ(stored[0].alert.source.kind, SourceKind::kJma);

    auto forecast = pipeline_.submit(jma("other/24_10_01_130906_VPFD50.xml"), "http");
    EXPECT_EQ(forecast.kind, IngestOutcome::kRejected);
    EXPECT_EQ(forecast.reason,
              "not an alerting type: 府県天気予報 (see config/jma/README.md, \"Refused types\")");
    auto doctype = pipeline_.submit(
        replace(jma(kEew1), "<Report ", "<!DOCTYPE Report SYSTEM \"x.dtd\">\n<Report "), "http");
    EXPECT_EQ(doctype.kind, IngestOutcome::kRejected);
    EXPECT_NE(doctype.reason.find("JMA telegram"), std::string::npos) << doctype.reason;
}

TEST_F(JmxLifecycleTest, TheHttpIngestEndpointTakesTelegramsToo) {
    std::mutex mu;  // the server thread is the only caller here; the lock documents it
    const SourceGrant jma_only{
        .name = "jma-relay", .sources = {SourceFormat::kJma}, .senders = {}, .reserved_sender = {}};
    HttpIngestServer server(HttpIngestOptions{.host = "127.0.0.1",
                                              .port = 0,
                                              .tokens = {make_ingest_token("secret", jma_only)},
                                              .max_document_bytes = 1 << 20,
                                              .http = {}},
                            [&](std::string body, std::optional<Replay>, const SourceGrant& grant) {
                                std::lock_guard lock(mu);
                                return pipeline_.submit(body, "http", std::nullopt, &grant);
                            });
    ASSERT_TRUE(server.start().ok());
    httplib::Client client("127.0.0.1", server.port());
    client.set_read_timeout(std::chrono::seconds(10));
    httplib::Headers headers{{"Authorization", "Bearer secret"}};
    auto ok = client.Post("/api/v1/ingest/cap", headers, jma("eew/37_01_01_240613_VXSE43.xml"),
                          "application/xml");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 202) << ok->body;
    EXPECT_NE(ok->body.find("\"alert_id\":\"jma-"), std::string::npos) << ok->body;
    auto refused = client.Post("/api/v1/ingest/cap", headers,
                               jma("other/01_01_01_091210_VGSK50.xml"), "application/xml");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 422);
    EXPECT_NE(refused->body.find("not an alerting type: 季節観測"), std::string::npos)
        << refused->body;
    // The token is a JMA relay's: a CAP document (here the ward's own Cancel) is not its to
    // send, and nothing of it is journaled.
    auto foreign = client.Post("/api/v1/ingest/cap", headers,
                               testing::read_file(testing::project_fixtures_dir() / "cap" /
                                                  "minato_evacuation_order_cancel.xml"),
                               "application/xml");
    ASSERT_TRUE(foreign);
    EXPECT_EQ(foreign->status, 403);
    EXPECT_NE(foreign->body.find("token 'jma-relay' may not submit this document: it is a CAP "
                                 "document; the token speaks for JMA only"),
              std::string::npos)
        << foreign->body;
    server.stop();
}

TEST_F(JmxLifecycleTest, TheSpoolFolderTakesTelegramsAndQuarantinesOtherTypes) {
    SpoolWatcher spool(dir_ / "spool", clock_);
    ASSERT_TRUE(spool.prepare().ok());
    testing::write_file(spool.incoming_dir() / "eew.xml", jma("eew/37_01_01_240613_VXSE43.xml"));
    testing::write_file(spool.incoming_dir() / "forecast.xml",
                        jma("other/24_10_01_130906_VPFD50.xml"));
    auto polled = spool.poll(pipeline_);
    EXPECT_EQ(polled.processed, 2);
    EXPECT_FALSE(polled.journal_failed);
    EXPECT_TRUE(std::filesystem::exists(spool.done_dir() / "eew.xml"));
    EXPECT_TRUE(std::filesystem::exists(spool.quarantine_dir() / "forecast.xml"));
    std::string reason;
    for (const auto& e : std::filesystem::directory_iterator(spool.quarantine_dir()))
        if (e.path().string().ends_with(".reason.txt")) reason = read_file(e.path());
    EXPECT_NE(reason.find("not an alerting type: 府県天気予報"), std::string::npos) << reason;
    EXPECT_EQ(commits_, 1);
    auto id = jmx_alert_id("actual", "20240417231454", "緊急地震速報（警報）");
    ASSERT_EQ(versions(id).size(), 1u);
    EXPECT_EQ(versions(id)[0].alert.event_code, "VXSE43");
}

TEST(JmxHubctlTest, NormalizeHandlesTelegramsAndNamesTheReasonForOthers) {
    std::ostringstream out, err;
    auto good = (fixtures_dir() / "jma/eew/37_01_01_240613_VXSE43.xml").string();
    auto other = (fixtures_dir() / "jma/other/01_01_01_091210_VGSK50.xml").string();
    auto cap = (fixtures_dir() / "cap/spec/Oasis_AmberAlert.xml").string();
    int status = run_hubctl({"normalize", good, other, cap}, out, err);
    EXPECT_EQ(status, kHubctlRejected);
    EXPECT_EQ(err.str(), other +
                             ": rejected: not an alerting type: 季節観測 (see "
                             "config/jma/README.md, \"Refused types\")\n");
    std::istringstream lines(out.str());
    std::string line;
    std::vector<Alert> alerts;
    while (std::getline(lines, line)) {
        auto a = decode_alert(line);
        ASSERT_TRUE(a.ok()) << a.error().message;
        alerts.push_back(*a);
    }
    ASSERT_EQ(alerts.size(), 2u);
    EXPECT_EQ(alerts[0].event_code, "VXSE43");
    EXPECT_EQ(alerts[0].source.kind, SourceKind::kJma);
    EXPECT_EQ(alerts[1].source.kind, SourceKind::kCap);
}

}  // namespace
}  // namespace alerthub::hub
