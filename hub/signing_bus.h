#pragma once
// The hub's MessageBus as players and adapters must see it: every payload the hub publishes
// (alerts, jobs, content, commands) is signed with the hub's key on its way to the broker
// (docs/protocol.md, "Signatures"). Wraps the real bus; everything else passes through.
// Signing happens at publish time, so the outbox's rows stay the plain payloads and a
// republished row carries the same bytes again (Ed25519 is deterministic).

#include "core/mqtt/message_bus.h"
#include "core/protocol/signature.h"

namespace alerthub::hub {

class SigningMessageBus : public MessageBus {
public:
    // `inner` must outlive this.
    SigningMessageBus(MessageBus& inner, SigningKey key) : inner_(inner), key_(std::move(key)) {}

    void start(MessageHandler handler, ConnectionHandler on_connection) override {
        inner_.start(std::move(handler), std::move(on_connection));
    }
    void subscribe(std::string filter) override { inner_.subscribe(std::move(filter)); }
    // A payload that cannot be signed (not a JSON object) is never published unsigned: the
    // publish fails with the reason. An empty payload (clearing a retained topic) has
    // nothing to sign and goes as it is.
    Status publish(const BusMessage& message, std::chrono::milliseconds timeout) override;
    bool connected() const override { return inner_.connected(); }
    void stop() override { inner_.stop(); }

private:
    MessageBus& inner_;
    SigningKey key_;
};

}  // namespace alerthub::hub
