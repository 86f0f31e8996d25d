#pragma once
// Shared by the hub's integration tests: an MQTT observer, a retained-message probe and
// small HTTP helpers against the hub's ingest endpoint.

#include <httplib.h>

#include <sys/wait.h>
#include <unistd.h>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/mqtt/message_bus.h"
#include "core/mqtt/paho_message_bus.h"
#include "tests/support/test_support.h"

namespace alerthub::hub::testing {

// Collects what a bus receives (the handler runs on Paho's thread).
class Observer {
public:
    Observer(const std::string& uri, const std::string& filter) : bus_(settings(uri, this)) {
        bus_.subscribe(filter);
        bus_.start(
            [this](BusMessage m) {
                std::lock_guard lock(mu_);
                messages_.push_back(std::move(m));
            },
            nullptr);
    }
    ~Observer() { bus_.stop(); }

    MessageBus& bus() { return bus_; }
    std::vector<BusMessage> on(const std::string& topic) {
        std::lock_guard lock(mu_);
        std::vector<BusMessage> out;
        for (auto& m : messages_)
            if (m.topic == topic) out.push_back(m);
        return out;
    }
    std::vector<BusMessage> all() {
        std::lock_guard lock(mu_);
        return messages_;
    }

private:
    static MqttSettings settings(const std::string& uri, const void* self) {
        MqttSettings s;
        s.uri = uri;
        // Unique per observer without a global counter.
        s.client_id = "observer-" + std::to_string(::getpid()) + "-" +
                      std::to_string(reinterpret_cast<std::uintptr_t>(self));
        s.session_expiry_s = 0;
        s.keep_alive_s = 5;
        return s;
    }
    PahoMessageBus bus_;
    std::mutex mu_;
    std::vector<BusMessage> messages_;
};

// The retained message on `topic` as a new subscriber would get it (mosquitto_sub), or
// nullopt when there is none within a second.
inline std::optional<std::string> retained_payload(int port, const std::string& topic) {
    std::string command = "mosquitto_sub -h 127.0.0.1 -p " + std::to_string(port) + " -t '" +
                          topic + "' --retained-only -C 1 -W 1 2>/dev/null";
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return std::nullopt;
    std::string out;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    int status = pclose(pipe);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || out.empty()) return std::nullopt;
    if (out.back() == '\n') out.pop_back();
    return out;
}

inline httplib::Result post_cap(int port, const std::string& body, const std::string& token) {
    httplib::Client client("127.0.0.1", port);
    client.set_tcp_nodelay(true);
    client.set_read_timeout(std::chrono::seconds(10));
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return client.Post("/api/v1/ingest/cap", headers, body, "application/xml");
}

inline bool healthy(int port) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(std::chrono::milliseconds(200));
    auto r = client.Get("/healthz");
    return r && r->status == 200;
}

}  // namespace alerthub::hub::testing
