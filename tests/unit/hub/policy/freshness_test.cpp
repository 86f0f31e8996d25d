// Lifecycle rule L7 of docs/protocol.md (freshness): the pure functions (stale_reason,
// mark_replay), then one row per case of the rule through the real pipeline and journal
// (SQLite) with real telegrams and a clock that is set by hand: a stale telegram is journaled
// with the reason and not published; a stale version of a chain that was sent still goes
// out (a late 取消 must still clear the screens); a replay goes out whatever its age, marked.

#include "hub/policy/freshness.h"

#include <gtest/gtest.h>

#include "core/base/time_format.h"
#include "core/protocol/alert_text.h"
#include "core/storage/sqlite_db.h"
#include "hub/ingest/ingest_pipeline.h"
#include "hub/journal/journal.h"
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

Alert jma_alert(WallTime sent) {
    Alert a;
    a.source.kind = SourceKind::kJma;
    a.source.sent = sent;
    return a;
}

TEST(StaleReason, AJmaTelegramOlderThanMaxAgeIsStaleWithWhenItWasSentInJst) {
    const auto sent = at("2016-12-13T11:47:23Z");
    EXPECT_EQ(stale_reason(jma_alert(sent), sent + 2h + 30s, 600s),
              "stale: sent 2016-12-13 20:47 JST, 120 min before it arrived (max_age_s 600)");
    // Ten years: still counted in minutes, as the rule says.
    EXPECT_EQ(stale_reason(jma_alert(sent), at("2026-12-05T06:45:00Z"), 600s),
              "stale: sent 2016-12-13 20:47 JST, 5247057 min before it arrived (max_age_s 600)");
}

TEST(StaleReason, UpToMaxAgeATelegramIsFresh) {
    const auto sent = at("2024-04-17T14:14:57Z");
    EXPECT_EQ(stale_reason(jma_alert(sent), sent, 600s), std::nullopt);
    EXPECT_EQ(stale_reason(jma_alert(sent), sent + 600s, 600s), std::nullopt);
    EXPECT_NE(stale_reason(jma_alert(sent), sent + 601s, 600s), std::nullopt);
    // A clock a little behind JMA's is not this rule's business (issue 13).
    EXPECT_EQ(stale_reason(jma_alert(sent), sent - 30s, 600s), std::nullopt);
}

TEST(StaleReason, OnlyJmaTelegramsAreJudgedByAge) {
    const auto sent = at("2016-12-13T11:47:23Z");
    for (auto kind : {SourceKind::kCap, SourceKind::kLAlert, SourceKind::kStaff}) {
        Alert a = jma_alert(sent);
        a.source.kind = kind;
        EXPECT_EQ(stale_reason(a, sent + 24h, 600s), std::nullopt) << to_string(kind);
    }
}

TEST(MarkReplay, EveryHeadlineAndDescriptionSaysItIsAReplayAndWhenItWasIssued) {
    Alert a = jma_alert(at("2016-12-13T11:47:23Z"));
    a.headline = {{"ja", "【特別警報（大雨）】"},
                  {"ja-x-easy", "とても つよい あめ"},
                  {"en", "Heavy Rain Emergency Warning"},
                  {"zh-Hans", "大雨特别警报"}};
    a.description = {{"ja", "東京都に特別警報を発表しています。"}, {"en", "Text."}};
    EXPECT_FALSE(is_marked_replay(a));
    mark_replay(a);
    // The mark the screens' list of other alerts looks for (core/protocol/alert_text.h).
    EXPECT_TRUE(is_marked_replay(a));
    EXPECT_EQ(a.headline["ja"], "【再送】【特別警報（大雨）】");
    EXPECT_EQ(a.headline["ja-x-easy"], "【再送】とても つよい あめ");
    EXPECT_EQ(a.headline["en"], "[REPLAY] Heavy Rain Emergency Warning");
    EXPECT_EQ(a.headline["zh-Hans"], "【重发】大雨特别警报");
    EXPECT_EQ(a.description["ja"],
              "この情報は 2016-12-13 20:47 に発表されたものの再送です。\n"
              "東京都に特別警報を発表しています。");
    EXPECT_EQ(a.description["en"],
              "This is a replay of information issued at 2016-12-13 20:47 JST.\nText.");
    // A language with a headline but no description gets the note alone.
    EXPECT_EQ(a.description["ja-x-easy"],
              "これは 2016-12-13 20:47 に でた じょうほうを もういちど おくっています。");
    // Each language in its own words (the Chinese reader gets no English line).
    EXPECT_EQ(a.description["zh-Hans"], "本信息是 2016-12-13 20:47（日本时间）发布的信息的重发。");
}

// 緊急地震速報（予報） of 2024-04-17 23:14:54 JST: Serial 1 (sent 14:14:57Z) and its 取消
// (Serial 32, sent 14:17:00Z).
constexpr const char* kEew1 = "eew/36_01_01_240613_VXSE44.xml";
constexpr const char* kEewCancel = "eew/36_01_33_240613_VXSE44.xml";

class FreshnessPipelineTest : public ::testing::Test {
protected:
    FreshnessPipelineTest() : journal_(open()), pipeline_(journal_, 1 << 20, nullptr) {
        pipeline_.check_freshness(clock_, 600s);
    }

    Journal open() {
        auto j = Journal::open((dir_ / "journal.db").string(),
                               JournalSettings{Topics("test/v1"), {"line"}}, clock_);
        EXPECT_TRUE(j.ok()) << (j.ok() ? "" : j.error().message);
        return std::move(*j);
    }
    static std::string jma(const char* rel) { return read_file(fixtures_dir() / "jma" / rel); }
    std::string origin_of_last_document() {
        auto db = SqliteDb::open((dir_ / "journal.db").string());
        auto q = db->prepare("SELECT origin FROM documents ORDER BY id DESC LIMIT 1");
        return q->step().value() ? q->column_text(0) : "";
    }
    RoutingRecord last_routing() {
        auto log = journal_.routing_log(1);
        EXPECT_TRUE(log.ok() && !log->empty());
        return log.ok() && !log->empty() ? log->front() : RoutingRecord{};
    }

    TempDir dir_;
    FakeClock clock_;
    Journal journal_;
    IngestPipeline pipeline_;
};

TEST_F(FreshnessPipelineTest, L7AStaleTelegramIsJournaledWithTheReasonAndNotPublished) {
    clock_.set(at("2024-04-17T16:14:57Z"));  // two hours after it was sent
    auto report = pipeline_.submit(jma(kEew1), "http");
    ASSERT_EQ(report.kind, IngestOutcome::kAccepted) << report.reason;
    EXPECT_TRUE(report.acknowledged());
    EXPECT_FALSE(report.sent);
    EXPECT_EQ(*journal_.count_rows("outbox"), 0);
    auto routing = last_routing();
    EXPECT_FALSE(routing.sent);
    EXPECT_EQ(routing.reason,
              "stale: sent 2024-04-17 23:14 JST, 120 min before it arrived (max_age_s 600); "
              "no area routing configured");
    // Its 取消, as stale, follows nothing that was sent: journaled only too.
    auto cancel = pipeline_.submit(jma(kEewCancel), "http");
    ASSERT_EQ(cancel.kind, IngestOutcome::kAccepted) << cancel.reason;
    EXPECT_FALSE(cancel.sent);
    EXPECT_EQ(*journal_.count_rows("outbox"), 0);
}

TEST_F(FreshnessPipelineTest, L7AFreshTelegramIsPublished) {
    clock_.set(at("2024-04-17T14:15:30Z"));
    auto report = pipeline_.submit(jma(kEew1), "http");
    ASSERT_EQ(report.kind, IngestOutcome::kAccepted) << report.reason;
    EXPECT_TRUE(report.sent);
    EXPECT_EQ(*journal_.count_rows("outbox"), 2);  // the retained alert and the line job
    EXPECT_EQ(last_routing().reason, "no area routing configured");
}

TEST_F(FreshnessPipelineTest, L7AStaleVersionOfAChainThatWasSentStillGoesOut) {
    clock_.set(at("2024-04-17T14:15:30Z"));
    ASSERT_TRUE(pipeline_.submit(jma(kEew1), "jma-feed:eqvol").sent);
    // The 取消 only arrives two hours late (an outage): the screens still show Serial 1, so
    // the withdrawal must reach them, late or not.
    clock_.set(at("2024-04-17T16:17:00Z"));
    auto cancel = pipeline_.submit(jma(kEewCancel), "jma-feed:eqvol");
    ASSERT_EQ(cancel.kind, IngestOutcome::kAccepted) << cancel.reason;
    EXPECT_EQ(cancel.version, 2);
    EXPECT_TRUE(cancel.sent);
    EXPECT_EQ(*journal_.count_rows("outbox"), 4);
    EXPECT_EQ(last_routing().reason,
              "stale: sent 2024-04-17 23:17 JST, 120 min before it arrived (max_age_s 600); "
              "no area routing configured");
}

TEST_F(FreshnessPipelineTest, L7AReplayIsPublishedWhateverItsAgeAndSaysSo) {
    clock_.set(at("2026-12-05T06:45:00Z"));
    auto report = pipeline_.submit(jma(kEew1), "http", Replay{"drill 2026-12-05"});
    ASSERT_EQ(report.kind, IngestOutcome::kAccepted) << report.reason;
    EXPECT_TRUE(report.sent);
    EXPECT_EQ(last_routing().reason, "no area routing configured");
    EXPECT_EQ(origin_of_last_document(), "replay:http: drill 2026-12-05");
    auto stored = journal_.versions(report.alert_id);
    ASSERT_TRUE(stored.ok() && stored->size() == 1u);
    const Alert& alert = stored->front().alert;
    EXPECT_TRUE(alert.headline.at("ja").starts_with("【再送】")) << alert.headline.at("ja");
    EXPECT_TRUE(alert.description.at("ja").starts_with(
        "この情報は 2024-04-17 23:14 に発表されたものの再送です。"))
        << alert.description.at("ja");
}

TEST_F(FreshnessPipelineTest, L7OtherDocumentsAreNotJudgedByAge) {
    // A CAP alert of 2025 arriving in 2026: its own expires says how long it holds.
    clock_.set(at("2026-12-05T06:45:00Z"));
    auto report = pipeline_.submit(
        read_file(project_fixtures_dir() / "cap/minato_evacuation_order.xml"), "spool:minato.xml");
    ASSERT_EQ(report.kind, IngestOutcome::kAccepted) << report.reason;
    EXPECT_TRUE(report.sent);
}

}  // namespace
}  // namespace alerthub::hub
