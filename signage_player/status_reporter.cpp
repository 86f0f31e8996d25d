#include "signage_player/status_reporter.h"

#include "core/base/log.h"

namespace alerthub::player {

StatusReporter::StatusReporter(MessageBus& bus, Topics topics, std::string device_id)
    : bus_(bus), topics_(std::move(topics)), device_id_(std::move(device_id)) {}

StatusReporter::~StatusReporter() {
    stop();
}

void StatusReporter::start() {
    std::lock_guard lock(mu_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void StatusReporter::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void StatusReporter::update_status(DeviceStatus status) {
    {
        std::lock_guard lock(mu_);
        status_ = std::move(status);
        status_dirty_ = true;
        kick_ = true;
    }
    cv_.notify_all();
}

void StatusReporter::ack(const std::string& alert_id, std::int64_t version, WallTime displayed_at) {
    {
        std::lock_guard lock(mu_);
        if (!acked_.emplace(alert_id, version).second) return;
        acks_.push_back({device_id_, alert_id, version, displayed_at});
        kick_ = true;
    }
    cv_.notify_all();
}

void StatusReporter::send(BusMessage message) {
    {
        std::lock_guard lock(mu_);
        replies_.push_back(std::move(message));
        while (replies_.size() > kMaxQueuedReplies) replies_.pop_front();
        kick_ = true;
    }
    cv_.notify_all();
}

void StatusReporter::resend() {
    {
        std::lock_guard lock(mu_);
        if (status_) status_dirty_ = true;
        kick_ = true;
    }
    cv_.notify_all();
}

std::size_t StatusReporter::pending_acks() const {
    std::lock_guard lock(mu_);
    return acks_.size();
}

bool StatusReporter::status_pending() const {
    std::lock_guard lock(mu_);
    return status_dirty_;
}

void StatusReporter::run() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
        bool pending = status_dirty_ || !acks_.empty() || !replies_.empty();
        if (pending && bus_.connected()) {
            kick_ = false;
            if (flush(lock)) continue;
        }
        // Idle until there is work; with work pending, retry on a timer as well, because
        // nobody may tell us the broker is back.
        auto woken = [&] { return stopping_ || kick_; };
        if (status_dirty_ || !acks_.empty() || !replies_.empty())
            cv_.wait_for(lock, kRetryInterval, woken);
        else
            cv_.wait(lock, woken);
        kick_ = false;
    }
}

bool StatusReporter::flush(std::unique_lock<std::mutex>& lock) {
    auto log = get_logger("player");
    // Acks first: each one is a fact that cannot be reconstructed; the status is always
    // rebuilt from the newest state anyway.
    while (!acks_.empty() && !stopping_) {
        DisplayAck ack = acks_.front();
        lock.unlock();
        auto sent = bus_.publish({topics_.device_ack(device_id_), encode_display_ack(ack), false},
                                 kPublishTimeout);
        lock.lock();
        if (!sent) {
            log->warn("[alert={} v={}] display ack not sent, will retry: {}", ack.alert_id,
                      ack.version, sent.error().message);
            return false;
        }
        log->debug("[alert={} v={}] display ack sent", ack.alert_id, ack.version);
        acks_.pop_front();
    }
    while (!replies_.empty() && !stopping_) {
        BusMessage reply = replies_.front();
        lock.unlock();
        auto sent = bus_.publish(reply, kPublishTimeout);
        lock.lock();
        if (!sent) {
            log->warn("{} not sent, will retry: {}", reply.topic, sent.error().message);
            return false;
        }
        if (!replies_.empty()) replies_.pop_front();
    }
    if (status_dirty_ && status_ && !stopping_) {
        DeviceStatus status = *status_;
        status_dirty_ = false;
        lock.unlock();
        auto sent =
            bus_.publish({topics_.device_status(device_id_), encode_device_status(status), true},
                         kPublishTimeout);
        lock.lock();
        if (!sent) {
            status_dirty_ = true;
            log->warn("device status not sent, will retry: {}", sent.error().message);
            return false;
        }
    }
    return true;
}

}  // namespace alerthub::player
