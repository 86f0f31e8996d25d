// core/storage/backup: a backup is one sound, self-contained file named for the moment it was
// taken; restore puts it back in a database's place; bad input is refused with its path.

#include "core/storage/backup.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/storage/sqlite_db.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace alerthub {
namespace {

namespace fs = std::filesystem;
using alerthub::testing::TempDir;
using alerthub::testing::write_file;

std::int64_t rows(const std::string& path) {
    auto db = SqliteDb::open(path);
    auto q = db->prepare("SELECT COUNT(*) FROM t");
    EXPECT_TRUE(q.ok());
    EXPECT_TRUE(*q->step());
    return q->column_int(0);
}

TEST(BackupTest, BackupAndRestoreThroughTheCommand) {
    TempDir dir;
    const auto live = (dir / "line.db").string();
    {
        auto db = SqliteDb::open(live);
        ASSERT_TRUE(db->exec("CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3)").ok());
    }
    FakeClock clock;
    clock.set(from_epoch_ms(1788224400000));  // 2026-09-01T01:00:00Z
    std::ostringstream out, err;
    ASSERT_EQ(
        run_backup_command({"backup", (dir / "b").string()}, live, "line-adapter", clock, out, err),
        0)
        << err.str();
    const auto file = (dir / "b/line-20260901T010000Z.db").string();
    EXPECT_EQ(out.str(), file + "\n");
    EXPECT_FALSE(fs::exists(file + "-wal"));
    EXPECT_FALSE(fs::exists(file + ".partial"));
    EXPECT_EQ(rows(file), 3);

    {
        auto db = SqliteDb::open(live);
        ASSERT_TRUE(db->exec("DELETE FROM t").ok());
    }
    ASSERT_EQ(run_backup_command({"restore", file}, live, "line-adapter", clock, out, err), 0)
        << err.str();
    EXPECT_EQ(rows(live), 3);
    EXPECT_EQ(run_backup_command({"backup"}, live, "line-adapter", clock, out, err), 2);
    EXPECT_NE(err.str().find("usage: line-adapter backup DIR"), std::string::npos) << err.str();
}

TEST(BackupTest, ABrokenBackupIsNotRestored) {
    TempDir dir;
    write_file(dir / "torn.db", std::string(4096, 'x'));
    auto s = restore_database((dir / "torn.db").string(), (dir / "live.db").string());
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("torn.db"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace alerthub
