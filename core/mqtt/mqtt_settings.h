#pragma once
// How a binary connects to the broker: plain data, so that config parsing never sees Paho.

#include <optional>
#include <string>

#include "core/mqtt/message_bus.h"

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

}  // namespace alerthub
