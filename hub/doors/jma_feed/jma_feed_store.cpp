#include "hub/doors/jma_feed/jma_feed_store.h"

#include <fmt/format.h>

#include <chrono>

#include "core/base/clock.h"
#include "core/base/time_format.h"
#include "core/storage/schema.h"

namespace alerthub::hub {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS jma_feed_entries (
    link TEXT PRIMARY KEY,
    feed TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    title TEXT NOT NULL,
    author TEXT NOT NULL,
    updated TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '',
    finished TEXT
);
CREATE INDEX IF NOT EXISTS jma_feed_entries_pending
    ON jma_feed_entries(next_attempt_ms) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS jma_feed_entries_feed ON jma_feed_entries(feed, updated_ms);
CREATE TABLE IF NOT EXISTS jma_feed_status (
    feed TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    last_modified TEXT NOT NULL,
    etag TEXT NOT NULL,
    long_last_modified TEXT NOT NULL,
    long_etag TEXT NOT NULL,
    last_poll TEXT,
    last_success TEXT,
    last_new_entry TEXT,
    last_error TEXT NOT NULL,
    last_error_at TEXT,
    consecutive_failures INTEGER NOT NULL,
    catch_up_until TEXT,
    last_catch_up TEXT
);
)sql";

constexpr std::string_view kEntryColumns =
    "link, feed, entry_id, title, author, updated_ms, state, attempts, next_attempt_ms, detail";

std::optional<WallTime> optional_time(const SqliteStatement& q, int column) {
    if (q.column_is_null(column)) return std::nullopt;
    auto t = parse_rfc3339(q.column_text(column));
    return t ? std::optional<WallTime>(*t) : std::nullopt;
}

void bind_time(SqliteStatement& q, int index, const std::optional<WallTime>& t) {
    if (t)
        q.bind(index, format_rfc3339_jst(*t));
    else
        q.bind_null(index);
}

std::optional<FeedEntryState> state_from(std::string_view s) {
    for (auto state : {FeedEntryState::kPending, FeedEntryState::kDone, FeedEntryState::kRejected,
                       FeedEntryState::kFailed, FeedEntryState::kSkipped})
        if (to_string(state) == s) return state;
    return std::nullopt;
}

}  // namespace

std::string to_string(FeedEntryState state) {
    switch (state) {
        case FeedEntryState::kPending:
            return "pending";
        case FeedEntryState::kDone:
            return "done";
        case FeedEntryState::kRejected:
            return "rejected";
        case FeedEntryState::kFailed:
            return "failed";
        case FeedEntryState::kSkipped:
            return "skipped";
    }
    return "unknown";
}

Result<FeedStore> FeedStore::open(const std::string& journal_path, const Clock& clock) {
    auto db = SqliteDb::open(journal_path);
    if (!db) return db.error();
    ComponentSchema schema{.component = "jma_feed",
                           .version = 1,
                           .marker_table = "jma_feed_entries",
                           .create_sql = std::string(kSchema),
                           .migrations = {}};
    if (auto s = apply_schema(*db, schema, journal_path); !s) return s.error();
    return FeedStore(std::move(*db), clock);
}

Result<FeedStatus> FeedStore::status(std::string_view feed) {
    auto q = db_.prepare(
        "SELECT url, last_modified, etag, long_last_modified, long_etag, last_poll, "
        "last_success, last_new_entry, last_error, last_error_at, consecutive_failures, "
        "catch_up_until, last_catch_up FROM jma_feed_status WHERE feed = ?");
    if (!q) return q.error();
    q->bind(1, feed);
    auto row = q->step();
    if (!row) return row.error();
    FeedStatus s;
    s.feed = std::string(feed);
    if (!*row) return s;
    s.url = q->column_text(0);
    s.last_modified = q->column_text(1);
    s.etag = q->column_text(2);
    s.long_last_modified = q->column_text(3);
    s.long_etag = q->column_text(4);
    s.last_poll = optional_time(*q, 5);
    s.last_success = optional_time(*q, 6);
    s.last_new_entry = optional_time(*q, 7);
    s.last_error = q->column_text(8);
    s.last_error_at = optional_time(*q, 9);
    s.consecutive_failures = static_cast<int>(q->column_int(10));
    s.catch_up_until = optional_time(*q, 11);
    s.last_catch_up = optional_time(*q, 12);
    return s;
}

Status FeedStore::save_status(const FeedStatus& s) {
    auto q = db_.prepare(
        "INSERT OR REPLACE INTO jma_feed_status (feed, url, last_modified, etag, "
        "long_last_modified, long_etag, last_poll, last_success, last_new_entry, last_error, "
        "last_error_at, consecutive_failures, catch_up_until, last_catch_up) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q) return q.error();
    q->bind(1, s.feed).bind(2, s.url).bind(3, s.last_modified).bind(4, s.etag);
    q->bind(5, s.long_last_modified).bind(6, s.long_etag);
    bind_time(*q, 7, s.last_poll);
    bind_time(*q, 8, s.last_success);
    bind_time(*q, 9, s.last_new_entry);
    q->bind(10, s.last_error);
    bind_time(*q, 11, s.last_error_at);
    q->bind(12, static_cast<std::int64_t>(s.consecutive_failures));
    bind_time(*q, 13, s.catch_up_until);
    bind_time(*q, 14, s.last_catch_up);
    return q->run();
}

Result<std::vector<FeedStatus>> FeedStore::statuses() {
    std::vector<std::string> feeds;
    {
        auto q = db_.prepare("SELECT feed FROM jma_feed_status ORDER BY feed");
        if (!q) return q.error();
        for (;;) {
            auto row = q->step();
            if (!row) return row.error();
            if (!*row) break;
            feeds.push_back(q->column_text(0));
        }
    }
    std::vector<FeedStatus> out;
    for (const auto& f : feeds) {
        auto s = status(f);
        if (!s) return s.error();
        out.push_back(std::move(*s));
    }
    return out;
}

Result<bool> FeedStore::known(std::string_view link) {
    auto q = db_.prepare("SELECT 1 FROM jma_feed_entries WHERE link = ?");
    if (!q) return q.error();
    q->bind(1, link);
    return q->step();
}

Result<int> FeedStore::add(const std::vector<FeedEntryRecord>& entries) {
    int added = 0;
    const std::string now = format_rfc3339_jst(clock_->now());
    auto s = db_.transaction([&]() -> Status {
        for (const auto& e : entries) {
            auto q = db_.prepare(
                "INSERT OR IGNORE INTO jma_feed_entries (link, feed, entry_id, title, author, "
                "updated, updated_ms, first_seen, state, attempts, next_attempt_ms, detail, "
                "finished) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)");
            if (!q) return q.error();
            q->bind(1, e.link).bind(2, e.feed).bind(3, e.entry_id).bind(4, e.title);
            q->bind(5, e.author).bind(6, format_rfc3339_jst(e.updated));
            q->bind(7, epoch_ms(e.updated)).bind(8, now).bind(9, to_string(e.state));
            q->bind(10, epoch_ms(e.next_attempt)).bind(11, e.detail);
            if (e.state == FeedEntryState::kPending)
                q->bind_null(12);
            else
                q->bind(12, now);
            if (auto r = q->run(); !r) return r;
            added += db_.changes();
        }
        return {};
    });
    if (!s) return s.error();
    return added;
}

Result<std::vector<FeedEntryRecord>> FeedStore::select_entries(SqliteStatement& q) {
    std::vector<FeedEntryRecord> out;
    for (;;) {
        auto row = q.step();
        if (!row) return row.error();
        if (!*row) break;
        FeedEntryRecord e;
        e.link = q.column_text(0);
        e.feed = q.column_text(1);
        e.entry_id = q.column_text(2);
        e.title = q.column_text(3);
        e.author = q.column_text(4);
        e.updated = from_epoch_ms(q.column_int(5));
        auto state = state_from(q.column_text(6));
        if (!state)
            return make_error(ErrorCode::kInternal,
                              fmt::format("jma_feed_entries: unknown state '{}' of {}",
                                          q.column_text(6), e.link));
        e.state = *state;
        e.attempts = static_cast<int>(q.column_int(7));
        e.next_attempt = from_epoch_ms(q.column_int(8));
        e.detail = q.column_text(9);
        out.push_back(std::move(e));
    }
    return out;
}

Result<std::vector<FeedEntryRecord>> FeedStore::due(WallTime now, int limit) {
    auto q = db_.prepare(fmt::format(
        "SELECT {} FROM jma_feed_entries WHERE state = 'pending' AND next_attempt_ms <= ? "
        "ORDER BY updated_ms, link LIMIT ?",
        kEntryColumns));
    if (!q) return q.error();
    q->bind(1, epoch_ms(now)).bind(2, static_cast<std::int64_t>(limit));
    return select_entries(*q);
}

Result<std::optional<WallTime>> FeedStore::next_due() {
    auto q =
        db_.prepare("SELECT MIN(next_attempt_ms) FROM jma_feed_entries WHERE state = 'pending'");
    if (!q) return q.error();
    auto row = q->step();
    if (!row) return row.error();
    if (!*row || q->column_is_null(0)) return std::optional<WallTime>();
    return std::optional<WallTime>(from_epoch_ms(q->column_int(0)));
}

Status FeedStore::finish(std::string_view link, FeedEntryState state, std::string_view detail) {
    auto q = db_.prepare(
        "UPDATE jma_feed_entries SET state = ?, attempts = attempts + 1, detail = ?, "
        "finished = ? WHERE link = ?");
    if (!q) return q.error();
    q->bind(1, to_string(state)).bind(2, detail).bind(3, format_rfc3339_jst(clock_->now()));
    q->bind(4, link);
    return q->run();
}

Status FeedStore::retry_later(std::string_view link, int attempts, WallTime next_attempt,
                              std::string_view detail) {
    auto q = db_.prepare(
        "UPDATE jma_feed_entries SET attempts = ?, next_attempt_ms = ?, detail = ? "
        "WHERE link = ?");
    if (!q) return q.error();
    q->bind(1, static_cast<std::int64_t>(attempts)).bind(2, epoch_ms(next_attempt));
    q->bind(3, detail).bind(4, link);
    return q->run();
}

Result<int> FeedStore::forget_before(WallTime cutoff) {
    auto q =
        db_.prepare("DELETE FROM jma_feed_entries WHERE state != 'pending' AND updated_ms < ?");
    if (!q) return q.error();
    q->bind(1, epoch_ms(cutoff));
    if (auto s = q->run(); !s) return s.error();
    return db_.changes();
}

Result<std::vector<FeedEntryRecord>> FeedStore::entries(std::string_view feed) {
    auto q = db_.prepare(fmt::format(
        "SELECT {} FROM jma_feed_entries WHERE feed = ? ORDER BY updated_ms, link", kEntryColumns));
    if (!q) return q.error();
    q->bind(1, feed);
    return select_entries(*q);
}

}  // namespace alerthub::hub
