// Upgrades that keep data (issue 16): every database a release wrote (tests/fixtures/db, made by
// make-fixtures from that release's own schema) opens with today's code, is migrated to today's
// schema versions and keeps its rows; a database from a newer release is refused, untouched.

#include <gtest/gtest.h>

#include "adapters/common/delivery_store.h"
#include "adapters/line/batch_store.h"
#include "adapters/line/line_channel.h"
#include "adapters/line/subscriber_store.h"
#include "adapters/mail/mail_channel.h"
#include "adapters/mail/subscriber_store.h"
#include "core/base/clock.h"
#include "core/storage/schema.h"
#include "core/storage/sqlite_db.h"
#include "hub/console/console_db.h"
#include "hub/doors/jma_feed/jma_feed_store.h"
#include "hub/journal/journal.h"
#include "tests/support/test_support.h"

namespace alerthub {
namespace {

using alerthub::testing::project_fixtures_dir;
using alerthub::testing::read_file;
using alerthub::testing::TempDir;

constexpr const char* kPrevious = "release-0.1.0";

// A database file written from the release's dump.
std::string restore_dump(const TempDir& dir, const std::string& which) {
    auto path = (dir / (which + ".db")).string();
    auto db = SqliteDb::open(path);
    EXPECT_TRUE(db.ok());
    auto dump =
        read_file(project_fixtures_dir() / "db" / (std::string(kPrevious) + "-" + which + ".sql"));
    EXPECT_FALSE(dump.empty());
    auto s = db->exec(dump);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return path;
}

std::int64_t count(const std::string& path, const std::string& table) {
    auto db = SqliteDb::open(path);
    auto q = db->prepare("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(q.ok()) << table;
    EXPECT_TRUE(*q->step());
    return q->column_int(0);
}

int version_of(const std::string& path, std::string_view component) {
    auto db = SqliteDb::open(path);
    auto v = stored_schema_version(*db, component);
    EXPECT_TRUE(v.ok());
    return *v;
}

void set_version(const std::string& path, std::string_view component, int version) {
    auto db = SqliteDb::open(path);
    auto q = db->prepare("UPDATE schema_versions SET version = ? WHERE component = ?");
    q->bind(1, static_cast<std::int64_t>(version)).bind(2, component);
    ASSERT_TRUE(q->run().ok());
}

TEST(UpgradeTest, TheHubsJournalFileOfThePreviousReleaseOpensAndKeepsItsRows) {
    TempDir dir;
    auto path = restore_dump(dir, "journal");
    SystemClock clock;
    auto journal = hub::Journal::open(path, {Topics("test/v1"), {"line", "mail"}}, clock);
    ASSERT_TRUE(journal.ok()) << journal.error().message;
    auto console = hub::console::open_console_db(path);
    ASSERT_TRUE(console.ok()) << console.error().message;
    auto feed = hub::FeedStore::open(path, clock);
    ASSERT_TRUE(feed.ok()) << feed.error().message;

    EXPECT_EQ(version_of(path, "console"), 1);
    EXPECT_EQ(version_of(path, "jma_feed"), 1);
    for (auto table : {"documents", "alert_versions", "console_users", "console_drafts",
                       "audit_log", "jma_feed_entries"})
        EXPECT_EQ(count(path, table), 1) << table;
    auto versions = journal->count_rows("alert_versions");
    ASSERT_TRUE(versions.ok()) << versions.error().message;
    EXPECT_EQ(*versions, 1);
}

// Journal schema 5: outbox rows keep their times in milliseconds. A row the previous release
// wrote keeps its second-resolution times and no milliseconds (none are made up); rows written
// from now on have both.
TEST(UpgradeTest, ThePreviousReleasesOutboxGainsMillisecondColumnsAndKeepsItsRows) {
    TempDir dir;
    auto path = restore_dump(dir, "journal");
    {
        auto db = SqliteDb::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->exec("INSERT INTO outbox (topic, payload, retained, created, published_at) "
                             "VALUES ('test/v1/alerts/a', x'7b7d', 1, "
                             "'2026-01-05T09:00:00+09:00', '2026-01-05T09:00:01+09:00')")
                        .ok());
    }
    SystemClock clock;
    auto journal = hub::Journal::open(path, {Topics("test/v1"), {"line", "mail"}}, clock);
    ASSERT_TRUE(journal.ok()) << journal.error().message;

    auto db = SqliteDb::open(path);
    auto version = db->prepare("PRAGMA user_version");
    ASSERT_TRUE(*version->step());
    EXPECT_EQ(version->column_int(0), 5);
    auto old_row = db->prepare(
        "SELECT created, published_at, created_ms IS NULL, published_ms IS NULL FROM outbox");
    ASSERT_TRUE(old_row.ok()) << old_row.error().message;
    ASSERT_TRUE(*old_row->step());
    EXPECT_EQ(old_row->column_text(0), "2026-01-05T09:00:00+09:00");
    EXPECT_EQ(old_row->column_text(1), "2026-01-05T09:00:01+09:00");
    EXPECT_EQ(old_row->column_int(2), 1);
    EXPECT_EQ(old_row->column_int(3), 1);
    EXPECT_EQ(count(path, "outbox"), 1);
}

TEST(UpgradeTest, TheLineAdaptersDatabaseOfThePreviousReleaseOpensAndKeepsItsRows) {
    TempDir dir;
    auto path = restore_dump(dir, "line");
    auto jobs = DeliveryStore::open(path, line::line_store_schema());
    ASSERT_TRUE(jobs.ok()) << jobs.error().message;
    auto batches = line::LineBatchStore::open(path);
    ASSERT_TRUE(batches.ok()) << batches.error().message;
    auto subscribers = line::SubscriberStore::open(path);
    ASSERT_TRUE(subscribers.ok()) << subscribers.error().message;

    for (auto component : {"delivery", "line_batches", "line_subscribers"})
        EXPECT_EQ(version_of(path, component), 1) << component;
    auto job = jobs->find("cap-fixture/v1/line");
    ASSERT_TRUE(job.ok() && job->has_value());
    EXPECT_EQ((*job)->state, DeliveryState::kAccepted);
    auto who = subscribers->find("U0123456789abcdef0123456789abcdef");
    ASSERT_TRUE(who.ok() && who->has_value());
    EXPECT_EQ((*who)->language, "en");
}

TEST(UpgradeTest, TheMailAdaptersDatabaseOfThePreviousReleaseOpensAndKeepsItsRows) {
    TempDir dir;
    auto path = restore_dump(dir, "mail");
    auto jobs = DeliveryStore::open(path, mail::mail_store_schema());
    ASSERT_TRUE(jobs.ok()) << jobs.error().message;
    auto subscribers = mail::SubscriberStore::open(path);
    ASSERT_TRUE(subscribers.ok()) << subscribers.error().message;

    EXPECT_EQ(version_of(path, "delivery"), 1);
    EXPECT_EQ(version_of(path, "mail_subscribers"), 1);
    auto latest = jobs->latest_version("cap-fixture");
    ASSERT_TRUE(latest.ok());
    EXPECT_EQ(*latest, std::optional<std::int64_t>(1));
    auto resident = subscribers->find_by_email("resident@example.jp");
    ASSERT_TRUE(resident.ok() && resident->has_value());
    EXPECT_EQ((*resident)->state, mail::SubscriberState::kActive);
}

TEST(UpgradeTest, ADatabaseFromANewerReleaseIsRefusedAndLeftAlone) {
    TempDir dir;
    auto path = restore_dump(dir, "mail");
    ASSERT_TRUE(mail::SubscriberStore::open(path).ok());
    set_version(path, "mail_subscribers", 7);
    auto refused = mail::SubscriberStore::open(path);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("schema version 7 was written by a newer release"),
              std::string::npos)
        << refused.error().message;
    EXPECT_NE(refused.error().message.find(path), std::string::npos) << refused.error().message;
    EXPECT_EQ(version_of(path, "mail_subscribers"), 7);
    EXPECT_EQ(count(path, "subscribers"), 1);

    // The journal keeps its version in PRAGMA user_version; the same refusal.
    auto journal_path = restore_dump(dir, "journal");
    {
        auto db = SqliteDb::open(journal_path);
        ASSERT_TRUE(db->exec("PRAGMA user_version = 99").ok());
    }
    SystemClock clock;
    auto journal = hub::Journal::open(journal_path, {Topics("test/v1"), {}}, clock);
    ASSERT_FALSE(journal.ok());
    EXPECT_NE(journal.error().message.find("schema version 99"), std::string::npos)
        << journal.error().message;
}

}  // namespace
}  // namespace alerthub
