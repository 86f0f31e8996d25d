#pragma once
// An in-memory MessageBus: records publishes, can refuse them (fault injection), and
// lets a test deliver messages as if the broker had sent them.

#include <mutex>
#include <vector>

#include "core/mqtt/message_bus.h"

namespace alerthub::testing {

class FakeMessageBus final : public MessageBus {
public:
    void start(MessageHandler handler, ConnectionHandler on_connection) override {
        std::lock_guard lock(mu_);
        handler_ = std::move(handler);
        on_connection_ = std::move(on_connection);
        if (on_connection_) on_connection_(connected_);
    }
    void subscribe(std::string filter) override {
        std::lock_guard lock(mu_);
        subscriptions_.push_back(std::move(filter));
    }
    Status publish(const BusMessage& message, std::chrono::milliseconds) override {
        std::lock_guard lock(mu_);
        if (!connected_ || refuse_publish_)
            return make_error(ErrorCode::kUnavailable, "fake bus: publish refused");
        published_.push_back(message);
        return {};
    }
    bool connected() const override {
        std::lock_guard lock(mu_);
        return connected_;
    }
    void stop() override {}

    // Test controls.
    void deliver(BusMessage message) {
        MessageHandler h;
        {
            std::lock_guard lock(mu_);
            h = handler_;
        }
        if (h) h(std::move(message));
    }
    void set_connected(bool connected) {
        ConnectionHandler h;
        {
            std::lock_guard lock(mu_);
            connected_ = connected;
            h = on_connection_;
        }
        if (h) h(connected);
    }
    void set_refuse_publish(bool refuse) {
        std::lock_guard lock(mu_);
        refuse_publish_ = refuse;
    }
    std::vector<BusMessage> published() const {
        std::lock_guard lock(mu_);
        return published_;
    }
    std::vector<std::string> subscriptions() const {
        std::lock_guard lock(mu_);
        return subscriptions_;
    }

private:
    mutable std::mutex mu_;
    MessageHandler handler_;
    ConnectionHandler on_connection_;
    std::vector<BusMessage> published_;
    std::vector<std::string> subscriptions_;
    bool connected_ = true;
    bool refuse_publish_ = false;
};

}  // namespace alerthub::testing
