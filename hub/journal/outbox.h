#pragma once
// Publishes the journal's outbox in order through the MessageBus, on its own thread and
// with its own journal connection. A row is marked published only after the broker's
// PUBACK; a refused publish is retried (backoff up to max_backoff) from the same row, so
// order holds and nothing is lost across broker outages or a kill -9.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "core/mqtt/message_bus.h"
#include "hub/journal/journal.h"

namespace alerthub::hub {

struct OutboxOptions {
    std::chrono::milliseconds publish_timeout{5000};
    std::chrono::milliseconds min_backoff{100};
    std::chrono::milliseconds max_backoff{2000};
    // Rows are re-checked this often even without notify(), as a safety net.
    std::chrono::milliseconds idle_poll{1000};
    int batch = 100;
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

    void start();
    // New rows were committed, or the bus reconnected: try now.
    void notify();
    void stop();

    std::int64_t published_total() const { return published_total_.load(); }

private:
    void run();

    Journal journal_;
    MessageBus& bus_;
    OutboxOptions options_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool pending_ = false;
    bool stopping_ = false;
    int failures_in_a_row_ = 0;
    std::atomic<std::int64_t> published_total_{0};
    std::thread thread_;
};

}  // namespace alerthub::hub
