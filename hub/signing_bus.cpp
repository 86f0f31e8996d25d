#include "hub/signing_bus.h"

#include <fmt/format.h>

namespace alerthub::hub {

Status SigningMessageBus::publish(const BusMessage& message, std::chrono::milliseconds timeout) {
    if (message.payload.empty()) return inner_.publish(message, timeout);
    auto signed_payload = sign_payload(message.payload, key_);
    if (!signed_payload)
        return make_error(ErrorCode::kInternal,
                          fmt::format("not signed, so not published to {}: {}", message.topic,
                                      signed_payload.error().message));
    return inner_.publish({message.topic, std::move(*signed_payload), message.retained}, timeout);
}

}  // namespace alerthub::hub
