// Component schema versions: a new file gets the current tables, a first-release file (tables,
// no version) is adopted as version 1 and migrated forward step by step, a newer one refused.

#include "core/storage/schema.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace alerthub {
namespace {

using alerthub::testing::TempDir;

// Version 2 of a made-up component: notes gained a language.
ComponentSchema notes_v2() {
    return {.component = "notes",
            .version = 2,
            .marker_table = "notes",
            .create_sql =
                "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT "
                "NOT NULL, language TEXT NOT NULL DEFAULT 'ja')",
            .migrations = {{.to_version = 2,
                            .sql = "ALTER TABLE notes ADD COLUMN language TEXT NOT NULL "
                                   "DEFAULT 'ja'"}}};
}

TEST(SchemaTest, ANewFileGetsTheCurrentTablesAndVersion) {
    TempDir dir;
    auto db = SqliteDb::open((dir / "new.db").string());
    ASSERT_TRUE(apply_schema(*db, notes_v2(), "new.db").ok());
    EXPECT_EQ(*stored_schema_version(*db, "notes"), 2);
    EXPECT_TRUE(db->exec("INSERT INTO notes (text, language) VALUES ('x', 'en')").ok());
    // Opening again changes nothing.
    ASSERT_TRUE(apply_schema(*db, notes_v2(), "new.db").ok());
    EXPECT_EQ(*stored_schema_version(*db, "notes"), 2);
}

TEST(SchemaTest, AFirstReleaseFileIsMigratedAndKeepsItsRows) {
    TempDir dir;
    auto db = SqliteDb::open((dir / "old.db").string());
    ASSERT_TRUE(db->exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);"
                         "INSERT INTO notes (text) VALUES ('避難所を開設しました')")
                    .ok());
    EXPECT_EQ(*stored_schema_version(*db, "notes"), 0);
    auto s = apply_schema(*db, notes_v2(), "old.db");
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(*stored_schema_version(*db, "notes"), 2);
    auto q = db->prepare("SELECT text, language FROM notes");
    ASSERT_TRUE(*q->step());
    EXPECT_EQ(q->column_text(0), "避難所を開設しました");
    EXPECT_EQ(q->column_text(1), "ja");
}

TEST(SchemaTest, ANewerVersionIsRefusedAndNothingChanges) {
    TempDir dir;
    auto db = SqliteDb::open((dir / "newer.db").string());
    ASSERT_TRUE(apply_schema(*db, notes_v2(), "newer.db").ok());
    auto older = notes_v2();
    older.version = 1;
    older.migrations.clear();
    auto s = apply_schema(*db, older, "newer.db");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message,
              "newer.db: notes tables: schema version 2 was written by a newer release; this one "
              "knows up to 1. Downgrades are refused: run the newer release, or restore a backup "
              "taken before the upgrade");
    EXPECT_EQ(*stored_schema_version(*db, "notes"), 2);
}

TEST(SchemaTest, AFailedMigrationLeavesTheFileAsItWas) {
    TempDir dir;
    auto db = SqliteDb::open((dir / "old.db").string());
    ASSERT_TRUE(db->exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)").ok());
    auto broken = notes_v2();
    broken.migrations = {{.to_version = 2, .sql = "ALTER TABLE missing ADD COLUMN x TEXT"}};
    auto s = apply_schema(*db, broken, "old.db");
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("migrating to version 2"), std::string::npos);
    EXPECT_EQ(*stored_schema_version(*db, "notes"), 0);
}

}  // namespace
}  // namespace alerthub
