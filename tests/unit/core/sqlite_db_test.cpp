#include "core/storage/sqlite_db.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace alerthub {
namespace {

TEST(SqliteDbTest, TransactionCommitsOrRollsBackAsAWhole) {
    testing::TempDir dir;
    auto db = SqliteDb::open((dir / "t.db").string());
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE(db->exec("CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB)").ok());

    auto insert = [&](std::string k) {
        auto st = db->prepare("INSERT INTO t (k, v) VALUES (?, ?)");
        if (!st) return Status(st.error());
        st->bind(1, k).bind_blob(2, std::string("\0bytes", 6));
        return st->run();
    };
    ASSERT_TRUE(db->transaction([&] { return insert("a"); }).ok());
    // The second insert violates the key: the whole transaction, "b" included, is undone.
    auto failed = db->transaction([&]() -> Status {
        if (auto s = insert("b"); !s) return s;
        return insert("a");
    });
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, ErrorCode::kAlreadyExists);

    auto count = db->prepare("SELECT count(*), max(length(v)) FROM t");
    ASSERT_TRUE(count.ok());
    ASSERT_TRUE(*count->step());
    EXPECT_EQ(count->column_int(0), 1);
    EXPECT_EQ(count->column_int(1), 6);  // blobs keep embedded NULs
}

TEST(SqliteDbTest, UsesWal) {
    testing::TempDir dir;
    auto db = SqliteDb::open((dir / "w.db").string());
    ASSERT_TRUE(db.ok());
    auto st = db->prepare("PRAGMA journal_mode");
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE(*st->step());
    EXPECT_EQ(st->column_text(0), "wal");
}

TEST(SqliteDbTest, OpenFailureIsAnError) {
    auto db = SqliteDb::open("/nonexistent-dir/x/y.db");
    EXPECT_FALSE(db.ok());
}

TEST(SqliteWords, JoinAndSplitRoundTripAndSkipEmptyWords) {
    const std::vector<std::string> codes = {"shibaura-1", "131032/芝浦一丁目", "U1"};
    EXPECT_EQ(join_words(codes), "shibaura-1 131032/芝浦一丁目 U1");
    EXPECT_EQ(split_words(join_words(codes)), codes);
    EXPECT_EQ(split_words("  a  b "), (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(split_words("").empty());
    EXPECT_EQ(join_words({}), "");
}

}  // namespace
}  // namespace alerthub
