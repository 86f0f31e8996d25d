// The spool folder: which files are picked up, and where each one ends up after ingest.

#include "hub/doors/spool_watcher.h"

#include <gtest/gtest.h>

#include "core/base/time_format.h"
#include "core/storage/sqlite_db.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

namespace fs = std::filesystem;
using testing::fixtures_dir;
using testing::project_fixtures_dir;
using testing::read_file;
using testing::TempDir;
using testing::write_file;

class SpoolWatcherTest : public ::testing::Test {
protected:
    SpoolWatcherTest()
        : journal_(Journal::open((dir_ / "journal.db").string(),
                                 JournalSettings{Topics("t"), {"line"}}, clock_)
                       .value()),
          pipeline_(journal_, 4096, [this] { ++commits_; }),
          spool_(dir_ / "spool", clock_) {
        EXPECT_TRUE(spool_.prepare().ok());
    }
    void drop(const std::string& name, std::string_view content) {
        write_file(spool_.incoming_dir() / name, content);
    }
    static std::string thunderstorm() {
        return read_file(fixtures_dir() / "cap/spec/Oasis_ThunderstormWarning.xml");
    }
    static std::vector<std::string> names(const fs::path& dir) {
        std::vector<std::string> out;
        for (auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }

    TempDir dir_;
    FakeClock clock_;
    Journal journal_;
    int commits_ = 0;
    IngestPipeline pipeline_;
    SpoolWatcher spool_;
};

TEST_F(SpoolWatcherTest, PrepareCreatesTheFolders) {
    EXPECT_TRUE(fs::is_directory(dir_ / "spool/incoming"));
    EXPECT_TRUE(fs::is_directory(dir_ / "spool/replay"));
    EXPECT_TRUE(fs::is_directory(dir_ / "spool/done"));
    EXPECT_TRUE(fs::is_directory(dir_ / "spool/quarantine"));
}

TEST_F(SpoolWatcherTest, PicksUpCompleteFilesOldestFirst) {
    drop("b.xml", "x");
    drop("a.xml", "x");
    drop("c.xml", "x");
    drop("writing.xml.tmp", "x");
    drop(".hidden.xml", "x");
    fs::create_directory(spool_.incoming_dir() / "folder");
    auto now = fs::file_time_type::clock::now();
    fs::last_write_time(spool_.incoming_dir() / "c.xml", now - std::chrono::hours(2));
    fs::last_write_time(spool_.incoming_dir() / "a.xml", now - std::chrono::hours(1));
    fs::last_write_time(spool_.incoming_dir() / "b.xml", now - std::chrono::hours(1));
    std::vector<std::string> got;
    for (auto& p : spool_.ready_files()) got.push_back(p.filename().string());
    EXPECT_EQ(got, (std::vector<std::string>{"c.xml", "a.xml", "b.xml"}));
}

TEST_F(SpoolWatcherTest, AcceptedAndDuplicateFilesMoveToDoneAfterTheCommit) {
    drop("storm.xml", thunderstorm());
    auto r = spool_.poll(pipeline_);
    EXPECT_EQ(r.processed, 1);
    EXPECT_FALSE(r.journal_failed);
    EXPECT_EQ(commits_, 1);
    EXPECT_EQ(names(spool_.done_dir()), std::vector<std::string>{"storm.xml"});
    EXPECT_TRUE(names(spool_.incoming_dir()).empty());
    EXPECT_EQ(*journal_.count_rows("documents"), 1);

    drop("storm.xml", thunderstorm());  // the same message again, same file name
    EXPECT_EQ(spool_.poll(pipeline_).processed, 1);
    EXPECT_EQ(commits_, 1);  // duplicate: nothing new to publish
    EXPECT_EQ(names(spool_.done_dir()), (std::vector<std::string>{"storm.xml", "storm.xml.1"}));
}

TEST_F(SpoolWatcherTest, RejectedFilesGoToQuarantineWithTheirReason) {
    drop("xee.cap", read_file(fixtures_dir() / "cap/invalid/xee.cap"));
    drop("huge.xml", std::string(5000, ' '));
    EXPECT_EQ(spool_.poll(pipeline_).processed, 2);
    EXPECT_EQ(names(spool_.quarantine_dir()),
              (std::vector<std::string>{"huge.xml", "huge.xml.reason.txt", "xee.cap",
                                        "xee.cap.reason.txt"}));
    auto reason = read_file(spool_.quarantine_dir() / "xee.cap.reason.txt");
    EXPECT_NE(reason.find("reason: <!DOCTYPE> is not allowed"), std::string::npos) << reason;
    EXPECT_NE(reason.find("origin: spool:xee.cap"), std::string::npos);
    auto huge = read_file(spool_.quarantine_dir() / "huge.xml.reason.txt");
    EXPECT_NE(huge.find("5000 bytes, over the limit of 4096 bytes"), std::string::npos);
    EXPECT_EQ(read_file(spool_.quarantine_dir() / "xee.cap"),
              read_file(fixtures_dir() / "cap/invalid/xee.cap"));
    EXPECT_EQ(*journal_.count_rows("documents"), 0);
    EXPECT_TRUE(names(spool_.done_dir()).empty());
}

TEST_F(SpoolWatcherTest, AFileTheJournalCannotTakeStaysInIncoming) {
    {
        auto db = SqliteDb::open((dir_ / "journal.db").string());
        ASSERT_TRUE(db->exec("CREATE TRIGGER full BEFORE INSERT ON documents "
                             "BEGIN SELECT RAISE(ABORT, 'disk full (injected)'); END")
                        .ok());
    }
    drop("storm.xml", thunderstorm());
    auto r = spool_.poll(pipeline_);
    EXPECT_TRUE(r.journal_failed);
    EXPECT_EQ(names(spool_.incoming_dir()), std::vector<std::string>{"storm.xml"});
    EXPECT_TRUE(names(spool_.done_dir()).empty());
    EXPECT_TRUE(names(spool_.quarantine_dir()).empty());

    auto db = SqliteDb::open((dir_ / "journal.db").string());
    ASSERT_TRUE(db->exec("DROP TRIGGER full").ok());
    EXPECT_EQ(spool_.poll(pipeline_).processed, 1);
    EXPECT_EQ(names(spool_.done_dir()), std::vector<std::string>{"storm.xml"});
}

// A real 緊急地震速報 of 2024 on a hub whose clock says 2026: dropped into incoming/ it is stale
// (journaled, not published); the same kind of telegram dropped into replay/ is a deliberate
// replay: published (its 取消), marked, and journaled as one.
TEST_F(SpoolWatcherTest, FilesInReplayAreReplaysOthersAreJudgedByAge) {
    clock_.set(parse_rfc3339("2026-12-05T15:45:00+09:00").value());
    pipeline_.check_freshness(clock_, std::chrono::seconds(600));
    drop("eew1.xml", read_file(fixtures_dir() / "jma/eew/36_01_01_240613_VXSE44.xml"));
    write_file(spool_.replay_dir() / "cancel.xml",
               read_file(fixtures_dir() / "jma/eew/36_01_33_240613_VXSE44.xml"));
    EXPECT_EQ(spool_.poll(pipeline_).processed, 2);
    EXPECT_EQ(names(spool_.done_dir()), (std::vector<std::string>{"cancel.xml", "eew1.xml"}));
    EXPECT_TRUE(names(spool_.replay_dir()).empty());

    auto db = SqliteDb::open((dir_ / "journal.db").string());
    auto q = db->prepare(
        "SELECT d.origin, r.sent, r.reason FROM documents d JOIN alert_versions v "
        "ON v.document_id = d.id JOIN routing r ON r.alert_id = v.alert_id AND "
        "r.version = v.version ORDER BY d.id");
    ASSERT_TRUE(q.ok()) << q.error().message;
    ASSERT_TRUE(q->step().value());
    EXPECT_EQ(q->column_text(0), "spool:eew1.xml");
    EXPECT_EQ(q->column_int(1), 0);
    EXPECT_TRUE(q->column_text(2).starts_with("stale: sent 2024-04-17 23:14 JST"))
        << q->column_text(2);
    ASSERT_TRUE(q->step().value());
    EXPECT_EQ(q->column_text(0),
              "replay:spool:replay/cancel.xml: dropped into the spool's replay/");
    EXPECT_EQ(q->column_int(1), 1);
    EXPECT_EQ(commits_, 1);  // only the replay was published
}

}  // namespace
}  // namespace alerthub::hub
