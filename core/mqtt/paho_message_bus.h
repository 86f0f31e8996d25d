#pragma once
// MessageBus over Eclipse Paho MQTT C++: MQTT v5 with fallback to 3.1.1, a persistent
// session (clean_start=0 from the first connect, so it survives a broker restart),
// automatic reconnect with backoff, an optional last will, and TLS for ssl:// uris.

#include <memory>

#include "core/mqtt/message_bus.h"
#include "core/mqtt/mqtt_settings.h"

namespace alerthub {

class PahoMessageBus final : public MessageBus {
public:
    explicit PahoMessageBus(MqttSettings settings);
    ~PahoMessageBus() override;

    void start(MessageHandler handler, ConnectionHandler on_connection) override;
    void subscribe(std::string filter) override;
    Status publish(const BusMessage& message, std::chrono::milliseconds timeout) override;
    bool connected() const override;
    void stop() override;

    // Why the last connect attempt failed, with OpenSSL's reason when the TLS handshake
    // failed; "" before any failure and once connected.
    std::string last_connect_error() const;

    // 5 or 4 (3.1.1): what the current or last connection negotiated.
    int protocol_version() const;

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace alerthub
