// Area routing through the real pipeline and journal (SQLite): an alert for 港区 is journaled
// with its outbox rows (the retained alert and one job per channel); one for another area is
// journaled with the reason and gets none; an update or cancel of a CAP alert that went out
// goes out again whatever areas it names. JMA telegrams are read for the ward (what 港区's own
// item says), leave the pipeline in all nine languages, and their versions follow the ward.

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "core/base/clock.h"
#include "core/protocol/alert_text.h"
#include "hub/ingest/ingest_pipeline.h"
#include "hub/journal/journal.h"
#include "hub/policy/area_router.h"
#include "hub/policy/phrase_bank.h"
#include "hub/sources/source_reader.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

// Area routing alone (no ward reading, not stale).
Routing routed(bool send, std::string reason) {
    Routing routing;
    routing.send = send;
    routing.reason = std::move(reason);
    return routing;
}

using testing::fixtures_dir;
using testing::project_fixtures_dir;
using testing::read_file;
using testing::TempDir;

std::filesystem::path config_dir() {
    return project_fixtures_dir().parent_path().parent_path() / "config";
}

class AreaRoutingTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto j = Journal::open((dir_ / "journal.db").string(),
                               JournalSettings{Topics("test/v1"), {"line", "mail"}}, clock_);
        ASSERT_TRUE(j.ok()) << j.error().message;
        journal_.emplace(std::move(*j));
        auto bank = PhraseBank::load((config_dir() / "phrases").string());
        ASSERT_TRUE(bank.ok()) << bank.error().message;
        bank_.emplace(std::move(*bank));
        auto table = JmaAreaTable::load((config_dir() / "jma/areas_tokyo.tsv").string());
        ASSERT_TRUE(table.ok());
        auto router = AreaRouter::create(AreaSettings{}, std::move(*table));
        ASSERT_TRUE(router.ok()) << router.error().message;
        router_.emplace(std::move(*router));
        pipeline_.emplace(*journal_, 1 << 20, [this] { ++wakeups_; });
        pipeline_->configure(&*bank_, &*router_);
    }

    std::int64_t outbox() { return *journal_->count_rows("outbox"); }

    IngestReport submit(const std::filesystem::path& file) {
        auto report = pipeline_->submit(read_file(file), "spool:" + file.filename().string());
        EXPECT_EQ(report.kind, IngestOutcome::kAccepted) << file << ": " << report.reason;
        return report;
    }

    TempDir dir_;
    FakeClock clock_;
    std::optional<Journal> journal_;
    std::optional<PhraseBank> bank_;
    std::optional<AreaRouter> router_;
    std::optional<IngestPipeline> pipeline_;
    int wakeups_ = 0;
};

TEST_F(AreaRoutingTest, InAreaAlertsGetOutboxRowsOthersAreJournaledOnly) {
    // A CAP evacuation order for 港区 (JISX0402 131032): the alert and two jobs.
    auto minato = submit(project_fixtures_dir() / "cap/minato_evacuation_order.xml");
    EXPECT_TRUE(minato.sent);
    EXPECT_EQ(outbox(), 3);
    EXPECT_EQ(wakeups_, 1);

    // A real French CAP alert (NUTS3 codes only) and a JMA 大雨特別警報 for 奈良県 (no item for
    // 港区): journaled, no outbox rows, the publisher not even woken.
    auto france = submit(fixtures_dir() / "cap/real/multi-area.xml");
    auto nara = submit(fixtures_dir() / "jma/warning/15_08_01_130412_VPWW53.xml");
    EXPECT_FALSE(france.sent);
    EXPECT_FALSE(nara.sent);
    EXPECT_EQ(outbox(), 3);
    EXPECT_EQ(wakeups_, 1);
    EXPECT_EQ(journal_->versions(france.alert_id)->size(), 1u);
    EXPECT_EQ(journal_->versions(nara.alert_id)->size(), 1u);

    // The 2016 Tokyo telegram: its 大雨特別警報 is 小笠原村's; 港区's own item has 暴風警報 and
    // 波浪警報. Sent as that, in all nine languages.
    auto tokyo = submit(fixtures_dir() / "jma/warning/15_13_01_161226_VPWW53.xml");
    EXPECT_TRUE(tokyo.sent);
    EXPECT_EQ(outbox(), 6);
    auto stored = journal_->versions(tokyo.alert_id);
    ASSERT_TRUE(stored.ok());
    ASSERT_EQ(stored->size(), 1u);
    for (auto tag : kPhraseLanguages)
        EXPECT_FALSE(stored->front().alert.instruction[std::string(tag)].empty()) << tag;
    auto rows = journal_->unpublished(10);
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(rows->back().message.topic, "test/v1/jobs/mail");
    EXPECT_EQ(rows->back().message.payload.find("Heavy Rain Emergency Warning"), std::string::npos);
    const Alert& told = stored->front().alert;
    EXPECT_EQ(told.headline.at("ja"), "港区：暴風警報・波浪警報");
    EXPECT_EQ(told.headline.at("en"), "港区 (Minato-ku): Storm Warning, High Wave Warning");
    EXPECT_FALSE(told.level.has_value());
    EXPECT_EQ(told.severity, Severity::kSevere);

    // Every decision is recorded with its reason, newest first.
    auto log = journal_->routing_log(10);
    ASSERT_TRUE(log.ok());
    ASSERT_EQ(log->size(), 4u);
    EXPECT_EQ((*log)[0].alert_id, tokyo.alert_id);
    EXPECT_TRUE((*log)[0].sent);
    EXPECT_EQ((*log)[0].reason, "in force: 港区: 暴風警報, 波浪警報");
    EXPECT_EQ((*log)[0].event_code, "VPWW53:05");
    EXPECT_FALSE((*log)[1].sent);
    EXPECT_EQ((*log)[1].reason, "港区: VPWW53 names none of the hub's places");
    EXPECT_FALSE((*log)[2].sent);
    EXPECT_TRUE((*log)[2].reason.starts_with("out of area: no JIS X 0402 or JMA area code"));
    EXPECT_EQ((*log)[3].reason, "in area: 港区 (jisx0402 131032) is 港区");
}

// The real 2016 Tokyo telegram with 港区's own item changed to 発表警報・注意報はなし (no real
// Tokyo telegram in the corpus has it), sent `minutes` later than the original.
std::string minato_has_nothing(int minutes) {
    std::string text = read_file(fixtures_dir() / "jma/warning/15_13_01_161226_VPWW53.xml");
    const auto block = text.find("<Warning type=\"気象警報・注意報（市町村等）\">");
    const auto code = text.find("<Code>1310300</Code>", block);
    const auto item = text.rfind("<Item>", code);
    text.replace(item, text.rfind("<Area>", code) - item,
                 "<Item>\n<Kind>\n<Status>発表警報・注意報はなし</Status>\n</Kind>\n");
    auto later = [&](std::string_view from, std::string to) {
        text.replace(text.find(from), from.size(), to);
    };
    later("<DateTime>2016-12-13T11:47:23Z</DateTime>",
          fmt::format("<DateTime>2016-12-13T{:02}:{:02}:23Z</DateTime>", 11 + (47 + minutes) / 60,
                      (47 + minutes) % 60));
    later("<ReportDateTime>2016-12-13T20:45:00+09:00</ReportDateTime>",
          fmt::format("<ReportDateTime>2016-12-13T{:02}:{:02}:00+09:00</ReportDateTime>",
                      20 + (45 + minutes) / 60, (45 + minutes) % 60));
    return text;
}

// Issue 11, "once sent, always sent": version 2 says nothing is in force for 港区 (other
// municipalities still have warnings). It ends the ward's alert with a lift; version 3, the
// same again, is journaled only.
TEST_F(AreaRoutingTest, VersionsFollowTheWardNotTheTelegram) {
    auto v1 = submit(fixtures_dir() / "jma/warning/15_13_01_161226_VPWW53.xml");
    EXPECT_TRUE(v1.sent);
    EXPECT_EQ(outbox(), 3);

    auto v2 = pipeline_->submit(minato_has_nothing(30), "spool:v2.xml");
    ASSERT_EQ(v2.kind, IngestOutcome::kAccepted) << v2.reason;
    EXPECT_EQ(v2.alert_id, v1.alert_id);
    EXPECT_EQ(v2.version, 2);
    EXPECT_TRUE(v2.sent);
    EXPECT_EQ(outbox(), 6);  // to whoever version 1 reached: screens, LINE and mail
    auto versions = journal_->versions(v1.alert_id);
    ASSERT_TRUE(versions.ok());
    ASSERT_EQ(versions->size(), 2u);
    const Alert& lift = versions->back().alert;
    EXPECT_EQ(lift.state, AlertState::kLifted);
    EXPECT_EQ(lift.headline.at("ja"), "港区：警報・注意報は解除されました");
    EXPECT_FALSE(lift.level.has_value());
    EXPECT_EQ(lift.areas.front().name, "港区");  // nothing of 新宿区 or 奥多摩町 rides along
    EXPECT_EQ(lift.areas.size(), 2u);
    EXPECT_EQ(alert_subject(lift).rfind("【解除】", 0), 0u);

    auto v3 = pipeline_->submit(minato_has_nothing(60), "spool:v3.xml");
    ASSERT_EQ(v3.kind, IngestOutcome::kAccepted) << v3.reason;
    EXPECT_EQ(v3.version, 3);
    EXPECT_FALSE(v3.sent);
    EXPECT_EQ(outbox(), 6);
    auto log = journal_->routing_log(1);
    ASSERT_TRUE(log.ok());
    EXPECT_EQ(log->front().reason,
              "nothing in force for the ward, nothing to lift (nothing in force for 港区)");
}

TEST_F(AreaRoutingTest, AnUpdateOrCancelOfASentAlertGoesOutWhateverItsAreas) {
    auto alert = read_source_document(
        read_file(project_fixtures_dir() / "cap/minato_evacuation_order.xml"), 1 << 20);
    auto cancel = read_source_document(
        read_file(project_fixtures_dir() / "cap/minato_evacuation_order_cancel.xml"), 1 << 20);
    ASSERT_TRUE(alert.ok() && cancel.ok());
    auto v1 = journal_->ingest(*alert, "alert", "test", routed(true, "in area: test"));
    ASSERT_TRUE(v1.ok());
    EXPECT_EQ(v1->outbox_rows, 3);
    // The cancel names an area the router would not send to: it goes out all the same.
    auto v2 = journal_->ingest(*cancel, "cancel", "test", routed(false, "out of area: test"));
    ASSERT_TRUE(v2.ok()) << v2.error().message;
    EXPECT_EQ(v2->version, 2);
    EXPECT_TRUE(v2->sent);
    EXPECT_EQ(v2->outbox_rows, 3);
    EXPECT_EQ(v2->routing_reason, "sent: follows version 1 that was sent (out of area: test)");
    EXPECT_EQ(outbox(), 6);
}

TEST_F(AreaRoutingTest, AnAlertNeverSentStaysJournaledOnly) {
    auto alert = read_source_document(
        read_file(project_fixtures_dir() / "cap/minato_evacuation_order.xml"), 1 << 20);
    auto cancel = read_source_document(
        read_file(project_fixtures_dir() / "cap/minato_evacuation_order_cancel.xml"), 1 << 20);
    ASSERT_TRUE(alert.ok() && cancel.ok());
    ASSERT_TRUE(journal_->ingest(*alert, "alert", "test", routed(false, "out: a")).ok());
    auto v2 = journal_->ingest(*cancel, "cancel", "test", routed(false, "out: b"));
    ASSERT_TRUE(v2.ok());
    EXPECT_FALSE(v2->sent);
    EXPECT_EQ(v2->outbox_rows, 0);
    EXPECT_EQ(outbox(), 0);
    EXPECT_EQ(*journal_->count_rows("routing"), 2);
}

}  // namespace
}  // namespace alerthub::hub
