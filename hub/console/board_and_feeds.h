#pragma once
// Watching: the live board (alerts in force or recently ended, what each channel and screen
// did with them, how fresh each source is) and the public output feed (Atom, and the CAP
// document of each alert's latest version). Both read the journal through its read model
// (hub/journal/journal_reads.h) on the console's connection.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/protocol/alert.h"
#include "core/protocol/town_blocks.h"
#include "hub/console/actor.h"
#include "hub/console/console_store.h"
#include "hub/journal/journal_reads.h"

namespace alerthub::hub::console {

// A screen the alert targets that does not show what it should: for an alert in force, one
// that has not shown its latest version (an older version, nothing, or a more urgent alert
// instead); for an ended alert, one that still shows it.
struct ScreenBehind {
    std::string device_id;
    std::optional<std::int64_t> version;
    std::optional<std::string> displayed_at;
    bool online = false;
    std::string last_seen;
    std::string showing_instead;  // the alert on that screen instead ("" when none)
};

// The screens an alert targets (by the areas each screen reports, as the player decides what
// it shows; a screen that reports none counts for every alert) and how many show its latest
// version. An ended alert flags only the screens that still show it.
struct ScreensSummary {
    std::int64_t version = 0;
    int latest = 0;         // targeted screens that showed `version`
    std::size_t total = 0;  // targeted screens
    std::size_t known = 0;  // every known screen
    bool ended = false;
    std::vector<ScreenBehind> not_latest;
};

struct BoardAlert {
    std::string id;
    std::int64_t version = 0;
    AlertState state = AlertState::kActive;  // kExpired once past its expiry
    AlertStatus status = AlertStatus::kActual;
    SourceKind source = SourceKind::kCap;
    std::string origin;
    std::optional<int> level;
    Severity severity = Severity::kUnknown;
    std::string event_name;  // ja
    std::string prefix;
    std::string headline;
    std::string headline_en;
    std::string updated;
    std::optional<std::string> expires;  // RFC 3339, JST
    // Why the latest version is what it is (its routing reason); for an ended alert, why it
    // ended: expired, cancelled (取消) or lifted (解除), in the hub's words.
    std::string why;
    bool staff = false;
    std::map<std::string, ReceiptRow> receipts;  // channel -> its newest receipt
    std::map<std::string, DisplayAckRow> acks;   // device -> its newest ack
    ScreensSummary screens;
};

struct SourceFreshness {
    std::string source;  // the door
    std::string last_received;
    std::optional<std::int64_t> age_s;
    std::int64_t documents = 0;
};

// A peer's clock against the hub's (docs/operations.md, "Clocks").
struct ClockSkew {
    std::string peer;  // "device:<id>", "channel:<name>"
    std::int64_t offset_s = 0;
    std::string measured;
    bool skewed = false;  // more than kClockSkewLimit off: flagged for staff
};

// An NTP-synchronized clock is milliseconds off; a status or receipt that waited in a queue
// a few seconds reads as a clock behind. Beyond this, the clock is wrong.
inline constexpr std::chrono::seconds kClockSkewLimit{30};

struct Board {
    std::string now;
    bool training = false;
    std::vector<BoardAlert> alerts;
    std::vector<DeviceRow> devices;
    std::vector<SourceFreshness> feeds;
    std::vector<ClockSkew> clocks;
    std::int64_t pending_drafts = 0;
};

class LiveBoard {
public:
    LiveBoard(ConsoleStore& store, const TownBlocks& blocks) : store_(store), blocks_(blocks) {}
    // Alerts most urgent first: in force before ended, then by 警戒レベル, severity, newest.
    Result<Board> board(const Actor& actor);

private:
    ConsoleStore& store_;
    const TownBlocks& blocks_;
};

class OutputFeed {
public:
    explicit OutputFeed(ConsoleStore& store) : store_(store) {}
    // Active alerts, and those ended in the last day.
    Result<std::string> atom();
    // The CAP 1.2 document of an alert's latest version; kNotFound when not in the feed.
    Result<std::string> cap_document(std::string_view alert_id);

private:
    ConsoleStore& store_;
};

}  // namespace alerthub::hub::console
