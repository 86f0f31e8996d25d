#pragma once
// Publishes the device status (retained) and display acks from a small thread of its own,
// so a slow or absent broker never stalls rendering. What could not be sent is kept and
// sent once the broker is back: the newest status, and every ack not yet delivered.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "core/mqtt/message_bus.h"
#include "core/protocol/messages.h"
#include "core/protocol/topics.h"

namespace alerthub::player {

class StatusReporter {
public:
    static constexpr std::chrono::milliseconds kPublishTimeout{2000};
    static constexpr std::chrono::milliseconds kRetryInterval{1000};

    StatusReporter(MessageBus& bus, Topics topics, std::string device_id);
    ~StatusReporter();
    StatusReporter(const StatusReporter&) = delete;
    StatusReporter& operator=(const StatusReporter&) = delete;

    void start();
    // Stops the thread; anything unsent stays unsent.
    void stop();

    // The newest status replaces one not yet sent.
    void update_status(DeviceStatus status);
    // Queues the ack for (alert, version) unless one was already queued or sent: exactly
    // one per version, however often it is redrawn.
    void ack(const std::string& alert_id, std::int64_t version, WallTime displayed_at);
    // Queues a one-off message (a screenshot answer); the oldest is dropped beyond
    // kMaxQueuedReplies, since a late screenshot is worth less than a fresh one.
    void send(BusMessage message);
    static constexpr std::size_t kMaxQueuedReplies = 4;
    // Tries again now, e.g. after a reconnect; re-sends the status because the broker has
    // published our last will (online=false) in between.
    void resend();

    std::size_t pending_acks() const;
    bool status_pending() const;

private:
    void run();
    // One pass over everything pending; false when something failed.
    bool flush(std::unique_lock<std::mutex>& lock);

    MessageBus& bus_;
    Topics topics_;
    std::string device_id_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::optional<DeviceStatus> status_;  // the newest status (kept to resend)
    bool status_dirty_ = false;
    std::deque<DisplayAck> acks_;
    std::deque<BusMessage> replies_;
    std::set<std::pair<std::string, std::int64_t>> acked_;
    bool stopping_ = false;
    bool kick_ = false;
    std::thread thread_;
};

}  // namespace alerthub::player
