#include "hub/journal/outbox.h"

#include <algorithm>

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

void OutboxPublisher::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void OutboxPublisher::run() {
    auto backoff = options_.min_backoff;
    std::unique_lock lock(mu_);
    while (!stopping_) {
        pending_ = false;
        lock.unlock();
        Pass pass = publish_pending();
        lock.lock();
        if (stopping_) break;
        if (pass.failed) {
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
