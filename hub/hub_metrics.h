#pragma once
// The hub's metrics and health (docs/operations.md, "Monitoring"). Counters that happen on the
// owner thread (documents by door, format and outcome) are counted by the IngestPipeline; the
// rest is read from the journal file when Prometheus scrapes, on a connection of this class's
// own: outbox depth and the ingest-to-publish latency, alerts in force by level, jobs and
// receipts per channel, screens online / stale / showing the latest version, JMA feed freshness.
// Thread-safe: scrapes and probes come from the monitoring listener's threads.

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

#include "core/base/clock.h"
#include "core/base/health.h"
#include "core/base/metrics.h"
#include "core/base/result.h"
#include "core/mqtt/message_bus.h"
#include "core/storage/sqlite_db.h"
#include "hub/doors/jma_feed/jma_feed_store.h"
#include "hub/hub_config.h"

namespace alerthub::hub {

// A screen whose last status is older than this is stale (players report every 30 s).
inline constexpr std::chrono::seconds kDeviceStaleAfter{90};
// The owner loop turns at least every spool poll; this long without a turn is a stall.
inline constexpr std::chrono::seconds kOwnerStallAfter{15};
// The oldest unpublished outbox row waiting this long means publishing is stuck.
inline constexpr std::chrono::seconds kOutboxStuckAfter{60};
// How often sound() tries the journal's write lock.
inline constexpr std::chrono::seconds kJournalCheckEvery{30};

class HubMetrics {
public:
    // `bus` and `clock` must outlive it.
    static Result<std::unique_ptr<HubMetrics>> open(const HubConfig& config, const MessageBus& bus,
                                                    const Clock& clock);

    MetricsRegistry& registry() { return registry_; }
    // Ready, or degraded: owner loop stalled, journal not writable, broker down, outbox stuck,
    // a JMA feed stale.
    Health health();
    // What systemd's watchdog hears about: the process itself is sound (its loop turns and the
    // journal takes writes). A broker outage or a stale feed is degraded, not a reason for
    // systemd to restart the hub, which would not bring the broker back.
    bool sound();
    // The owner loop calls this every turn.
    void owner_turned() { last_turn_ms_ = epoch_ms(clock_.now()); }

private:
    HubMetrics(const HubConfig& config, const MessageBus& bus, const Clock& clock, SqliteDb db,
               std::optional<FeedStore> feed);
    void collect(MetricsRegistry& r);
    std::optional<std::string> journal_problem();

    const HubConfig& config_;
    const MessageBus& bus_;
    const Clock& clock_;
    MetricsRegistry registry_;
    std::mutex mu_;  // the connection and the cursor below
    SqliteDb db_;
    std::optional<FeedStore> feed_;
    std::int64_t observed_seq_ = 0;  // outbox rows up to here are in the latency histogram
    std::atomic<std::int64_t> last_turn_ms_{0};
    std::int64_t last_journal_check_ms_ = 0;  // sound()'s, on the owner thread
    bool journal_writable_ = true;
};

}  // namespace alerthub::hub
