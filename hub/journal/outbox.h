#pragma once
// Publishes the journal's outbox in order through the MessageBus, on its own thread and
// with its own journal connection. A row is marked published only after the broker's
// PUBACK; a refused publish is retried (backoff up to max_backoff) from the same row, so
// order holds and nothing is lost across broker outages or a kill -9.
//
// Then it follows up, on the same thread so that nothing it republishes overtakes a newer
// row: a job no adapter has answered (no receipt) is published again after a timeout, with
// backoff; and the broker's retained alert topics are made to match the journal after
// every (re)connect and on a periodic audit (hub/journal/retained_audit.h).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "core/mqtt/message_bus.h"
#include "hub/journal/journal.h"
#include "hub/journal/retained_audit.h"

namespace alerthub::hub {

struct OutboxOptions {
    std::chrono::milliseconds publish_timeout{5000};
    std::chrono::milliseconds min_backoff{100};
    std::chrono::milliseconds max_backoff{2000};
    // Rows are re-checked this often even without notify(), as a safety net.
    std::chrono::milliseconds idle_poll{1000};
    int batch = 100;
    // [delivery]: a job without a receipt goes out again after job_resend_after, then after
    // twice that and so on up to job_resend_max; after job_give_up_after it is given up
    // (logged as an error), well before adapters forget job ids (their state.keep_days).
    std::chrono::seconds job_resend_after{60};
    std::chrono::seconds job_resend_max{900};
    std::chrono::seconds job_give_up_after{86400};
    // [retained]: how often the retained topics are checked besides every (re)connect,
    // and how long an ended alert's last version stays before its topic is cleared.
    std::chrono::seconds retained_audit_interval{300};
    RetainedAuditOptions retained;
};

class OutboxPublisher {
public:
    OutboxPublisher(Journal journal, MessageBus& bus, OutboxOptions options = {});
    ~OutboxPublisher();
    OutboxPublisher(const OutboxPublisher&) = delete;
    OutboxPublisher& operator=(const OutboxPublisher&) = delete;

    struct Pass {
        int published = 0;
        bool failed = false;  // stopped at a row that could not be published
    };
    // Publishes unpublished rows in seq order until none are left or one fails. Runs on
    // the publisher thread; call directly only when the thread is not started.
    Pass publish_pending();

    // Publishes again the open jobs whose resend is due and gives up those too old; stops
    // at the first refused publish.
    Pass resend_due_jobs();

    struct Audit {
        int republished = 0;
        int cleared = 0;
        bool failed = false;
    };
    // Makes the retained alert topics match the journal (see RetainedAuditOptions).
    Audit audit_retained(bool after_connect);

    void start();
    // New rows were committed: try now.
    void notify();
    // The bus (re)connected: publish what waits, then restore the retained state, since the
    // broker may have lost or rolled it back.
    void reconnected();
    void stop();

    std::int64_t published_total() const { return published_total_.load(); }
    std::int64_t resent_total() const { return resent_total_.load(); }

private:
    void run();

    Journal journal_;
    MessageBus& bus_;
    OutboxOptions options_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool pending_ = false;
    bool stopping_ = false;
    bool resync_ = false;  // a (re)connect asked for a full retained audit
    int failures_in_a_row_ = 0;
    std::atomic<std::int64_t> published_total_{0};
    std::atomic<std::int64_t> resent_total_{0};
    std::thread thread_;
};

}  // namespace alerthub::hub
