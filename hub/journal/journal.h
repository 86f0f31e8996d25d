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
#include "hub/policy/lifecycle.h"
#include "hub/sources/source_document.h"

namespace alerthub::hub {

struct JournalSettings {
    Topics topics;
    std::vector<std::string> channels;  // one delivery job per channel per alert version
};

// What ingest() did: the lifecycle's decision (hub/policy/lifecycle.h) and what was written
// for it.
struct IngestResult : VersionDecision {
    Alert alert;  // the accepted version (kAccepted only)
    int outbox_rows = 0;
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

struct OutboxRow {
    std::int64_t seq = 0;
    BusMessage message;
};

// A version the expiry timer published (Lifecycle E1).
struct ExpiredVersion {
    std::string alert_id;
    std::int64_t version = 0;
    std::string reason;
};

// A delivery job the broker acknowledged and no adapter has answered yet (no receipt): the
// hub publishes it again until one does (docs/protocol.md, "Jobs until their receipt").
struct OpenJob {
    std::string job_id;
    BusMessage message;  // the job's outbox row, as first published
    WallTime first_sent{};
    WallTime last_sent{};
    int resends = 0;
};

// The latest version of a chain that went out (what its retained topic must carry), for the
// retained-state audit (hub/journal/retained_audit.h).
struct RetainedVersion {
    std::string alert_id;
    std::int64_t version = 0;
    std::string alert_json;
    WallTime created{};               // when the hub journaled this version
    std::optional<WallTime> cleared;  // when the hub cleared the topic after it ended
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

    // One transaction: reads what the lifecycle rules need (the message keys, the chain's
    // latest version), asks them (choose_chain, decide_version) and writes what they decided:
    // the raw document, the new alert version with its routing decision, the retained alert
    // message and one job per channel (none when the version is journaled only).
    // Every version accepted from now on links its page of the public site first (rel
    // "site", core/protocol/site_link.h): [site] base_url. Empty: no link.
    void link_site_pages(std::string base_url) { site_url_ = std::move(base_url); }

    Result<IngestResult> ingest(const SourceDocument& doc, std::string_view raw,
                                std::string_view origin, const Routing& routing = {});

    // Lifecycle E1-E4, in one transaction: every chain whose shown version's end has passed
    // by the journal's clock gets an `expired` version (retained on its alert topic, no
    // jobs). The hub's owner loop calls it every second; at most 100 chains per call.
    Result<std::vector<ExpiredVersion>> expire_due();

    // The latest routing decisions, newest first.
    Result<std::vector<RoutingRecord>> routing_log(int limit);

    // Outbox, oldest first.
    Result<std::vector<OutboxRow>> unpublished(int limit);
    // A job row marked published is tracked as an open job until its receipt.
    Status mark_published(std::int64_t seq);
    Result<std::int64_t> unpublished_count();

    // Jobs published and not receipted, oldest first; a resend or giving up moves them on.
    Result<std::vector<OpenJob>> open_jobs(int limit);
    Status job_resent(std::string_view job_id, WallTime at);
    Status give_up_job(std::string_view job_id);

    // Every chain's latest sent version, and recording that a chain's topic was cleared.
    Result<std::vector<RetainedVersion>> retained_versions();
    Status record_cleared(std::string_view alert_id, std::int64_t version, WallTime at);

    // What adapters and players report back.
    Status record_receipt(const Receipt& receipt);
    // false (and nothing stored): the ack names a version the hub never sent.
    Result<bool> record_display_ack(const DisplayAck& ack);
    // A peer's clock (`peer`: "device:<id>", "channel:<name>") as it stamped a message that
    // arrived live (not a retained copy) just now: the offset from the hub's clock, for the
    // board's skew flag. A message that waited in a queue reads as a clock behind.
    Status record_clock_offset(std::string_view peer, WallTime peer_clock);
    // Keeps the newest status per device (a retained status replayed after a reconnect
    // never overwrites a newer one).
    Status record_device_status(const DeviceStatus& status);

    // Reads, for the console and tests.
    Result<std::vector<StoredVersion>> versions(std::string_view alert_id);
    Result<std::optional<DeviceStatus>> device(std::string_view device_id);
    Result<std::int64_t> count_rows(std::string_view table);

    const Clock& clock() const { return *clock_; }
    const Topics& topics() const { return settings_.topics; }

private:
    Journal(SqliteDb db, JournalSettings settings, const Clock& clock)
        : db_(std::move(db)), settings_(std::move(settings)), clock_(&clock) {}

    SqliteDb db_;
    JournalSettings settings_;
    std::string site_url_;
    const Clock* clock_;
};

}  // namespace alerthub::hub
