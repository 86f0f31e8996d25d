#pragma once
// What the JMA feed poller remembers, in the hub's journal file (its own tables, its own
// connection: the poller runs on its own thread). Every feed entry ever seen is a row keyed
// by its telegram URL, so a telegram is fetched once across restarts; each feed has a
// status row with its HTTP validators and its freshness, which the staff console reads:
//
//   jma_feed_entries  link, feed, entry_id, title, author, updated, state, attempts,
//                     next_attempt_ms, detail (alert id, reason or last error), finished
//   jma_feed_status   feed, url, validators, last_poll/last_success/last_new_entry times,
//                     last_error(+_at), consecutive_failures, catch_up_until, last_catch_up

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/sqlite_db.h"

namespace alerthub::hub {

enum class FeedEntryState {
    kPending,   // to be fetched (again, after next_attempt)
    kDone,      // fetched and acknowledged by the ingest pipeline
    kRejected,  // fetched, refused by the parser (kept in quarantine)
    kFailed,    // given up: the link kept failing, or the entry grew too old
    kSkipped,   // a telegram kind the hub does not parse: never fetched
};
std::string to_string(FeedEntryState state);

struct FeedEntryRecord {
    std::string link;
    std::string feed;
    std::string entry_id;
    std::string title;
    std::string author;
    WallTime updated;
    FeedEntryState state = FeedEntryState::kPending;
    int attempts = 0;
    WallTime next_attempt;
    std::string detail;
};

struct FeedStatus {
    std::string feed;
    std::string url;
    // HTTP validators of the high-frequency feed and of the long feed.
    std::string last_modified;
    std::string etag;
    std::string long_last_modified;
    std::string long_etag;
    std::optional<WallTime> last_poll;
    std::optional<WallTime> last_success;
    std::optional<WallTime> last_new_entry;
    std::optional<WallTime> last_error_at;
    std::string last_error;
    int consecutive_failures = 0;
    // Set while a gap is being filled from the long feed: it must have been read up to here.
    std::optional<WallTime> catch_up_until;
    std::optional<WallTime> last_catch_up;
};

class FeedStore {
public:
    // Creates the tables when missing. `clock` must outlive the store.
    static Result<FeedStore> open(const std::string& journal_path, const Clock& clock);

    FeedStore(FeedStore&&) noexcept = default;
    FeedStore& operator=(FeedStore&&) noexcept = default;

    // The stored status, or a fresh one (only `feed` set) for a feed never polled.
    Result<FeedStatus> status(std::string_view feed);
    Status save_status(const FeedStatus& status);
    Result<std::vector<FeedStatus>> statuses();

    Result<bool> known(std::string_view link);
    // Inserts the entries not seen before (as they are: pending or skipped) in one
    // transaction; returns how many were new.
    Result<int> add(const std::vector<FeedEntryRecord>& entries);

    // Pending entries whose next attempt is due, oldest entry first.
    Result<std::vector<FeedEntryRecord>> due(WallTime now, int limit);
    // When the earliest pending entry is due; nullopt when none is pending.
    Result<std::optional<WallTime>> next_due();
    Status finish(std::string_view link, FeedEntryState state, std::string_view detail);
    Status retry_later(std::string_view link, int attempts, WallTime next_attempt,
                       std::string_view detail);
    // Forgets finished entries published before `cutoff`; returns how many.
    Result<int> forget_before(WallTime cutoff);

    // For the console and tests: one feed's entries, oldest first.
    Result<std::vector<FeedEntryRecord>> entries(std::string_view feed);

private:
    FeedStore(SqliteDb db, const Clock& clock) : db_(std::move(db)), clock_(&clock) {}
    Result<std::vector<FeedEntryRecord>> select_entries(SqliteStatement& q);

    SqliteDb db_;
    const Clock* clock_;
};

}  // namespace alerthub::hub
