#include "hub/hub_metrics.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "core/base/time_format.h"
#include "core/protocol/messages.h"
#include "hub/journal/journal_reads.h"

namespace alerthub::hub {
namespace {

// A step that found a row; an error ends the reading like the end of the rows (a scrape shows
// what it could read).
bool has_row(SqliteStatement& q) {
    auto row = q.step();
    return row && *row;
}

double seconds_between(const std::string& from, const std::string& to) {
    auto a = parse_rfc3339(from);
    auto b = parse_rfc3339(to);
    if (!a || !b) return 0;
    return std::chrono::duration<double>(*b - *a).count();
}

void declare_all(MetricsRegistry& r) {
    r.declare("alerthub_documents_total", MetricType::kCounter,
              "Documents offered to the hub, by door (http, spool, jma-feed, console), format "
              "(CAP, JMA, L-Alert) and outcome (accepted, duplicate, superseded, rejected, "
              "failed).");
    // Buckets around the goal of under a second, up to broker outages of minutes.
    r.declare("alerthub_ingest_to_publish_seconds", MetricType::kHistogram,
              "From journaling a message to publishing it on the broker, for the outbox rows this "
              "hub process published (times in milliseconds).",
              {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 300});
    r.declare("alerthub_outbox_depth", MetricType::kGauge,
              "Outbox rows not yet published on the broker.");
    r.declare("alerthub_outbox_oldest_waiting_seconds", MetricType::kGauge,
              "Age of the oldest unpublished outbox row (0 when none waits).");
    r.declare("alerthub_alerts_in_force", MetricType::kGauge,
              "Alerts in force (active, not expired), by 警戒レベル (level \"none\" without one).");
    r.declare("alerthub_jobs_total", MetricType::kCounter,
              "Delivery jobs journaled for a channel (line, mail).");
    r.declare("alerthub_receipts_total", MetricType::kCounter,
              "Receipts from channel adapters, by channel and outcome (accepted, failed, ...).");
    r.declare("alerthub_devices", MetricType::kGauge,
              "Screens by state: online (reported within 90 s and online), stale (silent longer, "
              "or offline), showing_latest (online and showing the latest version of every alert "
              "they show).");
    r.declare("alerthub_device_showing_latest", MetricType::kGauge,
              "Per screen: 1 when it shows the latest version of every alert it shows.");
    r.declare("alerthub_device_status_age_seconds", MetricType::kGauge,
              "Per screen: seconds since its last status.");
    r.declare("alerthub_jma_feed_success_age_seconds", MetricType::kGauge,
              "Per JMA feed: seconds since its last successful poll (absent before the first).");
    r.declare("alerthub_jma_feed_consecutive_failures", MetricType::kGauge,
              "Per JMA feed: failed polls since the last success.");
    r.declare("alerthub_broker_connected", MetricType::kGauge,
              "1 while the hub is connected to the MQTT broker.");
    r.declare("alerthub_ready", MetricType::kGauge,
              "1 when /health answers ready, 0 when degraded.");
}

}  // namespace

Result<std::unique_ptr<HubMetrics>> HubMetrics::open(const HubConfig& config, const MessageBus& bus,
                                                     const Clock& clock) {
    auto db = SqliteDb::open(config.journal_path);
    if (!db) return db.error();
    std::optional<FeedStore> feed;
    if (config.jma_feed.enabled) {
        auto store = FeedStore::open(config.journal_path, clock);
        if (!store) return store.error();
        feed.emplace(std::move(*store));
    }
    // The histogram counts what this process publishes, as Prometheus expects of a process's
    // histogram: rows published before it started are not observed again.
    std::int64_t published_before = 0;
    if (auto q = db->prepare("SELECT COALESCE(MAX(seq), 0) FROM outbox "
                             "WHERE published_at IS NOT NULL")) {
        if (has_row(*q)) published_before = q->column_int(0);
    }
    std::unique_ptr<HubMetrics> m(
        new HubMetrics(config, bus, clock, std::move(*db), std::move(feed)));
    m->observed_seq_ = published_before;
    declare_all(m->registry_);
    m->registry_.on_render([raw = m.get()](MetricsRegistry& r) { raw->collect(r); });
    return m;
}

HubMetrics::HubMetrics(const HubConfig& config, const MessageBus& bus, const Clock& clock,
                       SqliteDb db, std::optional<FeedStore> feed)
    : config_(config), bus_(bus), clock_(clock), db_(std::move(db)), feed_(std::move(feed)) {
    last_turn_ms_ = epoch_ms(clock_.now());
}

std::optional<std::string> HubMetrics::journal_problem() {
    // Taking the write lock and letting it go: fails on a read-only file or folder, a file
    // held by another writer past the busy timeout, or a vanished one.
    if (auto s = db_.exec("BEGIN IMMEDIATE"); !s)
        return "journal not writable: " + s.error().message;
    (void)db_.exec("ROLLBACK");
    return std::nullopt;
}

bool HubMetrics::sound() {
    const auto now_ms = epoch_ms(clock_.now());
    if (now_ms - last_turn_ms_.load() > kOwnerStallAfter.count() * 1000) return false;
    // The owner loop asks every second; the write lock is tried only now and then, so that a
    // long write elsewhere never holds the loop for SQLite's busy timeout each turn.
    if (now_ms - last_journal_check_ms_ >= kJournalCheckEvery.count() * 1000) {
        std::lock_guard lock(mu_);
        journal_writable_ = !journal_problem();
        last_journal_check_ms_ = now_ms;
    }
    return journal_writable_;
}

Health HubMetrics::health() {
    Health h;
    const auto now = clock_.now();
    auto silent_s = (epoch_ms(now) - last_turn_ms_.load()) / 1000;
    if (silent_s > kOwnerStallAfter.count())
        h.problems.push_back(fmt::format("owner loop stalled: last turn {} s ago", silent_s));
    if (!bus_.connected()) h.problems.push_back("broker down");
    std::lock_guard lock(mu_);
    if (auto p = journal_problem()) h.problems.push_back(*p);
    auto oldest = db_.prepare("SELECT MIN(created) FROM outbox WHERE published_at IS NULL");
    if (oldest && has_row(*oldest) && !oldest->column_is_null(0)) {
        auto waited = seconds_between(oldest->column_text(0), format_rfc3339_jst(now));
        if (waited > kOutboxStuckAfter.count())
            h.problems.push_back(fmt::format("outbox stuck: oldest row waiting {:.0f} s", waited));
    }
    if (feed_) {
        // Stale after three polls' time without a success (and a minute's grace).
        const auto limit = std::chrono::seconds(3 * config_.jma_feed.interval_s + 60);
        for (const auto& name : config_.jma_feed.feeds) {
            auto s = feed_->status(name);
            if (!s) {
                h.problems.push_back(fmt::format("feed {}: {}", name, s.error().message));
                continue;
            }
            auto since = s->last_success.value_or(WallTime{});
            if (now - since > limit)
                h.problems.push_back(
                    s->last_success
                        ? fmt::format(
                              "feed {} stale: last success {} s ago", name,
                              std::chrono::duration_cast<std::chrono::seconds>(now - since).count())
                        : fmt::format("feed {} stale: no successful poll yet", name));
        }
    }
    return h;
}

void HubMetrics::collect(MetricsRegistry& r) {
    const Health h = health();
    r.set("alerthub_ready", {}, h.ready() ? 1 : 0);
    r.set("alerthub_broker_connected", {}, bus_.connected() ? 1 : 0);
    const auto now = clock_.now();
    const std::string now_text = format_rfc3339_jst(now);
    std::lock_guard lock(mu_);

    // The outbox. Rows are published in seq order, so every row up to the first unpublished
    // one is observed exactly once. Rows written before schema 5 have no milliseconds.
    if (auto q = db_.prepare("SELECT seq, created_ms, published_ms, published_at FROM outbox "
                             "WHERE seq > ? ORDER BY seq LIMIT 10000")) {
        q->bind(1, observed_seq_);
        while (has_row(*q) && !q->column_is_null(3)) {
            if (!q->column_is_null(1) && !q->column_is_null(2))
                r.observe("alerthub_ingest_to_publish_seconds", {},
                          static_cast<double>(q->column_int(2) - q->column_int(1)) / 1000.0);
            observed_seq_ = q->column_int(0);
        }
    }
    if (auto q =
            db_.prepare("SELECT COUNT(*), MIN(created) FROM outbox WHERE published_at IS NULL");
        q && has_row(*q)) {
        r.set("alerthub_outbox_depth", {}, static_cast<double>(q->column_int(0)));
        r.set("alerthub_outbox_oldest_waiting_seconds", {},
              q->column_is_null(1) ? 0 : seconds_between(q->column_text(1), now_text));
    }
    // Jobs per channel: the outbox's job topics ({root}/jobs/{channel}).
    r.clear("alerthub_jobs_total");
    if (auto q =
            db_.prepare("SELECT topic, COUNT(*) FROM outbox WHERE topic LIKE ? GROUP BY topic")) {
        q->bind(1, config_.mqtt.topics.root() + "/jobs/%");
        while (has_row(*q)) {
            auto topic = q->column_text(0);
            r.set_total("alerthub_jobs_total", {{"channel", topic.substr(topic.rfind('/') + 1)}},
                        static_cast<double>(q->column_int(1)));
        }
    }
    r.clear("alerthub_receipts_total");
    if (auto q = db_.prepare(
            "SELECT channel, outcome, COUNT(*) FROM receipts GROUP BY channel, outcome")) {
        while (has_row(*q))
            r.set_total("alerthub_receipts_total",
                        {{"channel", q->column_text(0)}, {"outcome", q->column_text(1)}},
                        static_cast<double>(q->column_int(2)));
    }

    JournalReads reads(db_);
    std::map<std::string, std::int64_t> latest;  // alert id -> latest version
    r.clear("alerthub_alerts_in_force");
    if (auto versions = reads.latest_versions(100000)) {
        std::map<std::string, int> in_force;
        for (const auto& v : *versions) {
            latest[v.alert.id] = v.alert.version;
            bool expired = v.alert.expires && *v.alert.expires <= now;
            if (v.alert.state != AlertState::kActive || expired) continue;
            ++in_force[v.alert.level ? std::to_string(*v.alert.level) : "none"];
        }
        for (const auto& [level, n] : in_force)
            r.set("alerthub_alerts_in_force", {{"level", level}}, n);
    }
    r.clear("alerthub_device_showing_latest");
    r.clear("alerthub_device_status_age_seconds");
    if (auto devices = reads.devices()) {
        int online = 0, stale = 0, showing_latest = 0;
        for (const auto& d : *devices) {
            double age = seconds_between(d.received, now_text);
            bool fresh = d.online && age <= kDeviceStaleAfter.count();
            (fresh ? online : stale) += 1;
            bool current = true;
            if (auto status = decode_device_status(d.status_json)) {
                for (const auto& shown : status->showing) {
                    auto it = latest.find(shown.alert_id);
                    if (it != latest.end() && it->second != shown.version) current = false;
                }
            }
            if (fresh && current) ++showing_latest;
            r.set("alerthub_device_showing_latest", {{"device", d.device_id}},
                  fresh && current ? 1 : 0);
            r.set("alerthub_device_status_age_seconds", {{"device", d.device_id}}, age);
        }
        r.set("alerthub_devices", {{"state", "online"}}, online);
        r.set("alerthub_devices", {{"state", "stale"}}, stale);
        r.set("alerthub_devices", {{"state", "showing_latest"}}, showing_latest);
    }
    if (feed_) {
        for (const auto& name : config_.jma_feed.feeds) {
            auto s = feed_->status(name);
            if (!s) continue;
            if (s->last_success)
                r.set("alerthub_jma_feed_success_age_seconds", {{"feed", name}},
                      std::chrono::duration<double>(now - *s->last_success).count());
            r.set("alerthub_jma_feed_consecutive_failures", {{"feed", name}},
                  s->consecutive_failures);
        }
    }
}

}  // namespace alerthub::hub
