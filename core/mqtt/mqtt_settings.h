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
    // TLS, used when the uri is ssl://: the CA that signed the broker's certificate (the
    // broker's name in the uri is checked against it), and optionally our own certificate
    // and key for brokers that ask for one. PEM files.
    std::string tls_ca_file;
    std::string tls_cert_file;
    std::string tls_key_file;
    int keep_alive_s = 30;
    int session_expiry_s = 86400;  // how long the broker queues for us while we are away
    // The longest wait between reconnect attempts (they start at 100 ms and double): how late
    // at most a client comes back after the broker does (docs/operations.md).
    int reconnect_max_ms = 500;
    std::optional<BusMessage> will;
};

}  // namespace alerthub
