#include "adapters/common/delivery_metrics.h"

namespace alerthub {
namespace {

bool has_row(SqliteStatement& q) {
    auto row = q.step();
    return row && *row;
}

}  // namespace

Result<std::unique_ptr<DeliveryMetrics>> DeliveryMetrics::open(const std::string& state_path,
                                                               std::string channel,
                                                               const MessageBus& bus) {
    auto db = SqliteDb::open(state_path);
    if (!db) return db.error();
    std::unique_ptr<DeliveryMetrics> m(
        new DeliveryMetrics(std::move(*db), std::move(channel), bus));
    auto& r = m->registry_;
    r.declare("alerthub_delivery_jobs", MetricType::kGauge,
              "Jobs in the adapter's state (kept state.keep_days), by channel and state "
              "(pending, accepted, failed).");
    r.declare("alerthub_delivery_retries", MetricType::kGauge,
              "Attempts beyond the first, over the jobs in the adapter's state, by channel.");
    r.declare("alerthub_receipts_queued", MetricType::kGauge,
              "Receipts waiting to be published to the hub, by channel.");
    r.declare("alerthub_broker_connected", MetricType::kGauge,
              "1 while the adapter is connected to the MQTT broker.");
    r.declare("alerthub_ready", MetricType::kGauge,
              "1 when /health answers ready, 0 when degraded.");
    r.on_render([raw = m.get()](MetricsRegistry& reg) { raw->collect(reg); });
    return m;
}

DeliveryMetrics::DeliveryMetrics(SqliteDb db, std::string channel, const MessageBus& bus)
    : db_(std::move(db)), channel_(std::move(channel)), bus_(bus) {}

void DeliveryMetrics::with_db(const std::function<void(SqliteDb&)>& read) {
    std::lock_guard lock(mu_);
    read(db_);
}

Health DeliveryMetrics::health() {
    Health h;
    if (!bus_.connected()) h.problems.push_back("broker down");
    std::lock_guard lock(mu_);
    if (auto s = db_.exec("BEGIN IMMEDIATE"); !s)
        h.problems.push_back("state database not writable: " + s.error().message);
    else
        (void)db_.exec("ROLLBACK");
    return h;
}

void DeliveryMetrics::collect(MetricsRegistry& r) {
    r.set("alerthub_ready", {}, health().ready() ? 1 : 0);
    r.set("alerthub_broker_connected", {}, bus_.connected() ? 1 : 0);
    std::lock_guard lock(mu_);
    for (const char* state : {"pending", "accepted", "failed"})
        r.set("alerthub_delivery_jobs", {{"channel", channel_}, {"state", state}}, 0);
    if (auto q = db_.prepare("SELECT state, COUNT(*) FROM jobs GROUP BY state")) {
        while (has_row(*q))
            r.set("alerthub_delivery_jobs", {{"channel", channel_}, {"state", q->column_text(0)}},
                  static_cast<double>(q->column_int(1)));
    }
    if (auto q = db_.prepare("SELECT COALESCE(SUM(attempts - 1), 0) FROM jobs WHERE attempts > 1");
        q && has_row(*q))
        r.set("alerthub_delivery_retries", {{"channel", channel_}},
              static_cast<double>(q->column_int(0)));
    if (auto q = db_.prepare("SELECT COUNT(*) FROM receipt_outbox"); q && has_row(*q))
        r.set("alerthub_receipts_queued", {{"channel", channel_}},
              static_cast<double>(q->column_int(0)));
}

}  // namespace alerthub
