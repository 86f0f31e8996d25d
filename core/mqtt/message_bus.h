#pragma once
// The only way binaries talk to each other. Implemented by PahoMessageBus (MQTT) and by
// fakes in tests. Every publish and subscription is QoS 1.
//
// Threads: the handlers run on the library's thread. They must not call domain code:
// push to the owner's queue and wake it (see docs/architecture.md).

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"

namespace alerthub {

struct BusMessage {
    std::string topic;
    std::string payload;
    bool retained = false;
};

using MessageHandler = std::function<void(BusMessage)>;
using ConnectionHandler = std::function<void(bool connected)>;

class MessageBus {
public:
    virtual ~MessageBus() = default;

    // Starts connecting and keeps reconnecting until stop(); never blocks on the broker.
    // `handler` gets every message on the subscribed filters.
    virtual void start(MessageHandler handler, ConnectionHandler on_connection) = 0;

    // Subscriptions are remembered and renewed after every reconnect.
    virtual void subscribe(std::string filter) = 0;

    // Publishes and waits for the broker's acknowledgement (PUBACK) or the timeout.
    virtual Status publish(const BusMessage& message, std::chrono::milliseconds timeout) = 0;

    virtual bool connected() const = 0;

    // Disconnects cleanly (no last will).
    virtual void stop() = 0;
};

}  // namespace alerthub
