#include "hub/journal/outbox.h"

#include <algorithm>
#include <utility>

#include "core/base/log.h"

namespace alerthub::hub {

OutboxPublisher::OutboxPublisher(Journal journal, MessageBus& bus, OutboxOptions options)
    : journal_(std::move(journal)), bus_(bus), options_(options) {}

OutboxPublisher::~OutboxPublisher() {
    stop();
}

OutboxPublisher::Pass OutboxPublisher::publish_pending() {
    auto log = get_logger("hub");
    Pass pass;
    for (;;) {
        auto rows = journal_.unpublished(options_.batch);
        if (!rows) {
            log->error("outbox: reading unpublished rows: {}", rows.error().message);
            pass.failed = true;
            return pass;
        }
        if (rows->empty()) return pass;
        for (const auto& row : *rows) {
            auto sent = bus_.publish(row.message, options_.publish_timeout);
            if (!sent) {
                if (failures_in_a_row_++ == 0) {
                    auto left = journal_.unpublished_count();
                    log->warn(
                        "outbox: publishing seq {} to {} failed: {}; retrying ({} rows "
                        "waiting)",
                        row.seq, row.message.topic, sent.error().message, left ? *left : -1);
                } else {
                    log->debug("outbox: seq {} still not published: {}", row.seq,
                               sent.error().message);
                }
                pass.failed = true;
                return pass;
            }
            if (failures_in_a_row_ > 0) {
                log->info("outbox: publishing again after {} failed attempts", failures_in_a_row_);
                failures_in_a_row_ = 0;
            }
            // Published but not marked (disk trouble): it goes out again later, which QoS 1
            // consumers tolerate; they dedupe on alert version and job idempotency key.
            if (auto s = journal_.mark_published(row.seq); !s) {
                log->error("outbox: marking seq {} published: {}", row.seq, s.error().message);
                pass.failed = true;
                return pass;
            }
            log->debug("outbox: published seq {} to {}{}", row.seq, row.message.topic,
                       row.message.retained ? " (retained)" : "");
            ++pass.published;
            ++published_total_;
        }
    }
}

OutboxPublisher::Pass OutboxPublisher::resend_due_jobs() {
    auto log = get_logger("hub");
    Pass pass;
    auto jobs = journal_.open_jobs(1000);
    if (!jobs) {
        log->error("outbox: reading open jobs: {}", jobs.error().message);
        pass.failed = true;
        return pass;
    }
    const WallTime now = journal_.clock().now();
    for (const auto& job : *jobs) {
        const auto open_for =
            std::chrono::duration_cast<std::chrono::seconds>(now - job.first_sent);
        if (open_for >= options_.job_give_up_after) {
            log->error(
                "job {}: no receipt {} s after it was first published ({} resends); giving up "
                "(see the log of the adapter reading {})",
                job.job_id, open_for.count(), job.resends, job.message.topic);
            if (auto s = journal_.give_up_job(job.job_id); !s)
                log->error("outbox: giving up job {}: {}", job.job_id, s.error().message);
            continue;
        }
        auto wait = options_.job_resend_after * (std::int64_t{1} << std::min(job.resends, 20));
        wait = std::min(wait, options_.job_resend_max);
        if (now < job.last_sent + wait) continue;
        if (auto sent = bus_.publish(job.message, options_.publish_timeout); !sent) {
            log->debug("outbox: resending job {}: {}", job.job_id, sent.error().message);
            pass.failed = true;
            return pass;
        }
        if (auto s = journal_.job_resent(job.job_id, now); !s)
            log->error("outbox: recording the resend of job {}: {}", job.job_id, s.error().message);
        log->warn("job {}: no receipt {} s after it was published; published again (resend {})",
                  job.job_id, open_for.count(), job.resends + 1);
        ++pass.published;
        ++resent_total_;
    }
    return pass;
}

OutboxPublisher::Audit OutboxPublisher::audit_retained(bool after_connect) {
    auto log = get_logger("hub");
    Audit audit;
    auto versions = journal_.retained_versions();
    if (!versions) {
        log->error("retained audit: reading the journal: {}", versions.error().message);
        audit.failed = true;
        return audit;
    }
    const WallTime now = journal_.clock().now();
    auto plan = plan_retained(*versions, journal_.topics(), now, after_connect, options_.retained);
    for (const auto& id : plan.unreadable)
        log->error("[alert={}] retained audit: the stored version does not decode; left alone", id);
    for (const auto& action : plan.actions) {
        if (auto sent = bus_.publish(action.message, options_.publish_timeout); !sent) {
            log->warn("retained audit: {}: {}; trying again later", action.message.topic,
                      sent.error().message);
            audit.failed = true;
            return audit;
        }
        if (action.kind == RetainedAction::Kind::kRepublish) {
            ++audit.republished;
            continue;
        }
        ++audit.cleared;
        if (auto s = journal_.record_cleared(action.alert_id, action.version, now); !s)
            log->error("[alert={}] retained audit: recording the clear: {}", action.alert_id,
                       s.error().message);
        log->info("[alert={} v={}] ended: retained topic cleared", action.alert_id, action.version);
    }
    if (after_connect)
        log->info(
            "retained state restored after connecting: {} alert(s) republished, {} topic(s) "
            "cleared",
            audit.republished, audit.cleared);
    else
        log->debug("retained audit: {} alert(s) republished, {} topic(s) cleared",
                   audit.republished, audit.cleared);
    return audit;
}

void OutboxPublisher::start() {
    std::lock_guard lock(mu_);
    if (thread_.joinable()) return;
    stopping_ = false;
    pending_ = true;  // whatever a previous run left behind goes out first
    thread_ = std::thread([this] { run(); });
}

void OutboxPublisher::notify() {
    {
        std::lock_guard lock(mu_);
        pending_ = true;
    }
    cv_.notify_all();
}

void OutboxPublisher::reconnected() {
    {
        std::lock_guard lock(mu_);
        pending_ = true;
        resync_ = true;
    }
    cv_.notify_all();
}

void OutboxPublisher::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void OutboxPublisher::run() {
    const Clock& clock = journal_.clock();
    auto backoff = options_.min_backoff;
    auto next_audit = clock.steady_now() + options_.retained_audit_interval;
    std::unique_lock lock(mu_);
    while (!stopping_) {
        pending_ = false;
        const bool resync = std::exchange(resync_, false);
        lock.unlock();
        // Follow-ups only once every row is out: nothing republished overtakes a newer row.
        bool failed = publish_pending().failed;
        bool resync_done = false;
        if (!failed && (resync || clock.steady_now() >= next_audit)) {
            failed = audit_retained(resync).failed;
            resync_done = !failed;
            if (!failed) next_audit = clock.steady_now() + options_.retained_audit_interval;
        }
        if (!failed) failed = resend_due_jobs().failed;
        lock.lock();
        if (resync && !resync_done) resync_ = true;  // the broker is still to be restored
        if (stopping_) break;
        if (failed) {
            // A notify (reconnect, new rows) cuts the wait short; order is kept either way
            // because every pass starts from the oldest unpublished row.
            cv_.wait_for(lock, backoff, [&] { return stopping_ || pending_; });
            backoff = std::min(backoff * 2, options_.max_backoff);
        } else {
            backoff = options_.min_backoff;
            cv_.wait_for(lock, options_.idle_poll, [&] { return stopping_ || pending_; });
        }
    }
}

}  // namespace alerthub::hub
