#pragma once
// The hub's memory (SQLite, WAL): every accepted raw document, every alert version, the
// update/cancel chains, the outbox of MQTT messages still to publish, and what adapters
// and players report back. A source is acknowledged only after ingest() has committed, and
// the outbox makes publishing survive a crash between commit and PUBACK.
//
// One Journal per thread: the hub's owner loop has one, the outbox publisher opens its
// own on the same file (WAL lets them work side by side).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/mqtt/message_bus.h"
#include "core/protocol/alert.h"
#include "core/protocol/messages.h"
#include "core/protocol/topics.h"
#include "core/storage/sqlite_db.h"
#include "hub/sources/cap/cap_parser.h"

namespace alerthub::hub {

struct JournalSettings {
    Topics topics;
    std::vector<std::string> channels;  // one delivery job per channel per alert version
};

enum class IngestOutcome {
    kAccepted,    // new alert version, outbox rows written
    kDuplicate,   // a document with the same identity (CapDocument::identity) was ingested
    kSuperseded,  // kept in the journal, but older than the alert's latest version
};

struct IngestResult {
    IngestOutcome outcome = IngestOutcome::kAccepted;
    std::string alert_id;
    std::int64_t version = 0;  // the new version, or for the others the one already known
    Alert alert;               // the accepted version (kAccepted only)
    int outbox_rows = 0;
    // The routing decision recorded for the accepted version: when !sent it was journaled
    // only (out of area), with no outbox rows.
    bool sent = true;
    std::string routing_reason;
};

// Whether an alert version goes to the broker and the channels (hub/policy/area_router.h decides).
struct Routing {
    bool send = true;
    std::string reason = "no area routing configured";
};

// One recorded routing decision, for hubctl and tests.
struct RoutingRecord {
    std::string alert_id;
    std::int64_t version = 0;
    bool sent = true;
    std::string reason;
    std::string created;
    std::string event_code;
    std::string headline;  // Japanese
};

std::string to_string(IngestOutcome outcome);

struct OutboxRow {
    std::int64_t seq = 0;
    BusMessage message;
};

struct StoredVersion {
    std::int64_t version = 0;
    std::int64_t document_id = 0;
    Alert alert;
};

class Journal {
public:
    // Creates the schema when missing and migrates an older one. `clock` must outlive the
    // journal.
    static Result<Journal> open(const std::string& path, JournalSettings settings,
                                const Clock& clock);

    Journal(Journal&&) noexcept = default;
    Journal& operator=(Journal&&) noexcept = default;

    // One transaction: the raw document, the new alert version (its id resolved through the
    // chain of references), the retained alert message and one job per channel.
    // A version routed out of area (!routing.send) is stored with its reason but gets no
    // outbox rows, unless an earlier version of the same alert was sent: then it is sent too,
    // so that updates and cancels reach everyone who saw the alert.
    Result<IngestResult> ingest(const CapDocument& doc, std::string_view raw,
                                std::string_view origin, const Routing& routing = {});

    // The latest routing decisions, newest first.
    Result<std::vector<RoutingRecord>> routing_log(int limit);

    // Outbox, oldest first.
    Result<std::vector<OutboxRow>> unpublished(int limit);
    Status mark_published(std::int64_t seq);
    Result<std::int64_t> unpublished_count();

    // What adapters and players report back.
    Status record_receipt(const Receipt& receipt);
    Status record_display_ack(const DisplayAck& ack);
    // Keeps the newest status per device (a retained status replayed after a reconnect
    // never overwrites a newer one).
    Status record_device_status(const DeviceStatus& status);

    // Reads, for the console and tests.
    Result<std::vector<StoredVersion>> versions(std::string_view alert_id);
    Result<std::optional<DeviceStatus>> device(std::string_view device_id);
    Result<std::int64_t> count_rows(std::string_view table);

private:
    Journal(SqliteDb db, JournalSettings settings, const Clock& clock)
        : db_(std::move(db)), settings_(std::move(settings)), clock_(&clock) {}

    SqliteDb db_;
    JournalSettings settings_;
    const Clock* clock_;
};

}  // namespace alerthub::hub
