#pragma once
// MessageBus over Eclipse Paho MQTT C++: MQTT v5 with fallback to 3.1.1, a persistent
// session (clean_start=0 from the first connect, so it survives a broker restart),
// automatic reconnect with backoff, and an optional last will.

#include <memory>
#include <optional>
#include <string>

#include "core/message_bus.h"

namespace alerthub {

struct MqttSettings {
    std::string uri = "tcp://127.0.0.1:1883";
    std::string client_id;
    std::string username;
    std::string password;
    int keep_alive_s = 30;
    int session_expiry_s = 86400;  // how long the broker queues for us while we are away
    std::optional<BusMessage> will;
};

class PahoMessageBus final : public MessageBus {
public:
    explicit PahoMessageBus(MqttSettings settings);
    ~PahoMessageBus() override;

    void start(MessageHandler handler, ConnectionHandler on_connection) override;
    void subscribe(std::string filter) override;
    Status publish(const BusMessage& message, std::chrono::milliseconds timeout) override;
    bool connected() const override;
    void stop() override;

    // 5 or 4 (3.1.1): what the current or last connection negotiated.
    int protocol_version() const;

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace alerthub
