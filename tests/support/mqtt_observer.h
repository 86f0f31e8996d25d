#pragma once
// An MQTT client on a real broker that records what it receives, and a probe of the
// retained message on a topic as a new subscriber would see it (mosquitto_sub).

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

namespace alerthub::testing {

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

}  // namespace alerthub::testing
