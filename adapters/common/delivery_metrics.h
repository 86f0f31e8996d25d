#pragma once
// A channel adapter's metrics and health (docs/operations.md, "Monitoring"), read from its
// state database when Prometheus scrapes, on a connection of this class's own: jobs kept by
// state, their retries, receipts waiting for the broker; the broker connection. The adapter
// adds its channel's own (LINE quota, SMTP outcomes) to registry().
// Thread-safe: scrapes and probes come from the monitoring listener's threads.

#include <memory>
#include <mutex>
#include <string>

#include "core/base/health.h"
#include "core/base/metrics.h"
#include "core/base/result.h"
#include "core/mqtt/message_bus.h"
#include "core/storage/sqlite_db.h"

namespace alerthub {

class DeliveryMetrics {
public:
    // `bus` must outlive it.
    static Result<std::unique_ptr<DeliveryMetrics>> open(const std::string& state_path,
                                                         std::string channel,
                                                         const MessageBus& bus);

    MetricsRegistry& registry() { return registry_; }
    // Ready, or degraded: broker down, state database not writable.
    Health health();
    // Runs `read` on the state connection, serialized with the scrapes (a channel's own
    // collector reading its tables).
    void with_db(const std::function<void(SqliteDb&)>& read);

private:
    DeliveryMetrics(SqliteDb db, std::string channel, const MessageBus& bus);
    void collect(MetricsRegistry& r);

    std::mutex mu_;
    SqliteDb db_;
    std::string channel_;
    const MessageBus& bus_;
    MetricsRegistry registry_;
};

}  // namespace alerthub
