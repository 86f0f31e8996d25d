#pragma once
// What the journal shows to readers beside the hub's owner thread (the staff console's live
// board and output feed): typed rows of the journal's tables, so that only the journal
// knows its SQL. Read-only.
//
// Over a connection the caller owns and serializes (the console's, on the journal file):
// not thread-safe by itself.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/protocol/alert.h"
#include "core/storage/sqlite_db.h"

namespace alerthub::hub {

// The latest version of an alert, with when it was journaled and where its document came
// from ("jma:...", "console:april").
struct LatestAlertVersion {
    Alert alert;
    std::string created;  // RFC 3339
    std::string origin;
    // Its routing decision's reason: for an ended alert, why it ended ("expired: its end …
    // has passed", "the ward's lift: …", "withdraws version 2 …"); "" before routing rows.
    std::string reason;
};

struct EarlierVersion {
    std::int64_t version = 0;
    Alert alert;
};

// A screen, as it last reported.
struct DeviceRow {
    std::string device_id;
    bool online = false;
    std::string received;     // RFC 3339, its last status
    std::string status_json;  // that status message, as the screen sent it
};

// A peer's clock as last measured: its offset from the hub's (positive: ahead).
struct ClockOffsetRow {
    std::string peer;  // "device:<id>", "channel:<name>"
    std::int64_t offset_ms = 0;
    std::string measured;  // RFC 3339, the hub's clock
};

// One adapter's report on one alert version.
struct ReceiptRow {
    std::string channel;
    std::int64_t version = 0;
    std::string outcome;
    std::int64_t recipients = 0;
    std::int64_t attempts = 0;
    std::string detail;
    std::string finished;
};

// A screen showing an alert version.
struct DisplayAckRow {
    std::string device_id;
    std::int64_t version = 0;
    std::string displayed_at;
};

// How much arrived through one door (the origin up to its first ':'), and when last.
struct DoorActivity {
    std::string door;
    std::string last_received;
    std::int64_t documents = 0;
};

class JournalReads {
public:
    explicit JournalReads(SqliteDb& db) : db_(db) {}

    // The latest version of every alert, newest first, at most `limit`. Versions whose
    // stored alert does not decode are left out (the journal only holds what it encoded).
    Result<std::vector<LatestAlertVersion>> latest_versions(int limit);
    // The versions of `alert_id` before `version`, oldest first.
    Result<std::vector<EarlierVersion>> versions_before(std::string_view alert_id,
                                                        std::int64_t version);
    // Every known screen, by id.
    Result<std::vector<DeviceRow>> devices();
    // Oldest version first, in the order they arrived.
    Result<std::vector<ReceiptRow>> receipts(std::string_view alert_id);
    Result<std::vector<DisplayAckRow>> display_acks(std::string_view alert_id);
    // Every peer whose clock the hub measured, by name.
    Result<std::vector<ClockOffsetRow>> clock_offsets();
    // By door name.
    Result<std::vector<DoorActivity>> door_activity();

private:
    SqliteDb& db_;
};

}  // namespace alerthub::hub
