#include "core/mqtt/paho_message_bus.h"

#include <fmt/format.h>
#include <mqtt/async_client.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "core/base/log.h"

namespace alerthub {
namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kMinBackoff = std::chrono::milliseconds(100);

// MQTT v5 CONNACK 0x84 "Unsupported Protocol Version"; a 3.1.1 broker answers with the
// 3.1.1 return code 1 ("unacceptable protocol version").
bool is_protocol_version_refusal(const mqtt::exception& e) {
    return e.get_reason_code() == mqtt::ReasonCode::UNSUPPORTED_PROTOCOL_VERSION ||
           e.get_return_code() == 1;
}

// Paho says "MQTT error [135]: CONNACK return code" for a refused log-in: name the reason.
std::string describe(const mqtt::exception& e) {
    std::string what = e.what();
    // A refused CONNACK comes as the return code, other failures as the reason code.
    int code = e.get_return_code() >= 0x80 ? e.get_return_code() : e.get_reason_code();
    if (code >= 0x80) {
        auto reason = mqtt::exception::reason_code_str(code);
        if (!reason.empty() && what.find(reason) == std::string::npos) what += " (" + reason + ")";
    }
    return what;
}

}  // namespace

// Shared with Paho's callbacks through weak pointers, so a late callback after
// destruction finds nothing instead of a dangling object.
struct PahoMessageBus::State : std::enable_shared_from_this<State> {
    MqttSettings settings;
    std::shared_ptr<spdlog::logger> log = get_logger("mqtt");

    std::mutex mu;
    std::condition_variable cv;
    MessageHandler handler;
    ConnectionHandler on_connection;
    std::vector<std::string> subscriptions;
    // Replaced before every connect attempt (under `mu`); publish() and subscribe() hold a
    // copy while they use it.
    std::shared_ptr<mqtt::async_client> client;
    int version = MQTTVERSION_5;
    bool stopping = false;
    bool lost = false;  // set by the connection-lost callback, handled by the supervisor
    // OpenSSL's reason for the last failed TLS handshake ("certificate verify failed"):
    // Paho's own connect error only says "TCP/TLS connect failure".
    std::string tls_error;
    std::string last_connect_error;
    std::atomic<bool> connected{false};
    std::thread supervisor;

    // A new client for every attempt: a Paho client whose connection was lost or refused
    // sends its next CONNECT up to a second after the TCP connection is up (measured
    // against a restarting Mosquitto: the broker saw the socket at once and the CONNECT 1 s
    // later), and that second is how late screens would be after a broker restart.
    // Nothing is lost with the old one: publishes wait for their PUBACK (or fail and are
    // retried by their owner) and the session lives on the broker.
    std::shared_ptr<mqtt::async_client> make_client() {
        auto fresh = std::make_shared<mqtt::async_client>(settings.uri, settings.client_id,
                                                          mqtt::create_options(version, 1000));
        std::weak_ptr<State> weak = shared_from_this();
        fresh->set_message_callback([weak](mqtt::const_message_ptr msg) {
            if (auto self = weak.lock()) {
                MessageHandler h;
                {
                    std::lock_guard lock(self->mu);
                    h = self->handler;
                }
                if (h) h(BusMessage{msg->get_topic(), msg->to_string(), msg->is_retained()});
            }
        });
        fresh->set_connection_lost_handler([weak](const std::string& cause) {
            if (auto self = weak.lock()) {
                self->log->warn("connection to {} lost: {}", self->settings.uri,
                                cause.empty() ? "no reason given" : cause);
                {
                    std::lock_guard lock(self->mu);
                    self->lost = true;
                }
                self->cv.notify_all();
            }
        });
        return fresh;
    }

    mqtt::connect_options connect_options() {
        auto builder = mqtt::connect_options_builder()
                           .mqtt_version(version)
                           .keep_alive_interval(std::chrono::seconds(settings.keep_alive_s))
                           .connect_timeout(kConnectTimeout)
                           .automatic_reconnect(false)  // the supervisor reconnects
                           .max_inflight(1000);
        if (version == MQTTVERSION_5)
            builder.clean_start(false);  // from the first connect: mosquitto gotcha 7
        else
            builder.clean_session(false);
        if (!settings.username.empty()) builder.user_name(settings.username);
        if (!settings.password.empty()) builder.password(settings.password);
        if (settings.uri.starts_with("ssl://")) builder.ssl(ssl_options());
        if (settings.will) {
            builder.will(mqtt::message(settings.will->topic, settings.will->payload, 1,
                                       settings.will->retained));
        }
        mqtt::connect_options opts = builder.finalize();
        // Properties last, on the named object that connect() reads (Paho 1.2 copy bug).
        if (version == MQTTVERSION_5) {
            opts.set_properties(
                {{mqtt::property::SESSION_EXPIRY_INTERVAL, settings.session_expiry_s}});
        }
        return opts;
    }

    // The broker's certificate must chain to our CA and name the host of the uri (verify);
    // our own certificate and key are offered when configured.
    mqtt::ssl_options ssl_options() {
        std::weak_ptr<State> weak = shared_from_this();
        auto builder =
            mqtt::ssl_options_builder()
                .trust_store(settings.tls_ca_file)
                .enable_server_cert_auth(true)
                .verify(true)
                .error_handler([weak](const std::string& message) {
                    if (auto self = weak.lock()) {
                        std::lock_guard lock(self->mu);
                        self->tls_error = message;
                        while (!self->tls_error.empty() &&
                               std::isspace(static_cast<unsigned char>(self->tls_error.back())))
                            self->tls_error.pop_back();
                    }
                });
        if (!settings.tls_cert_file.empty()) builder.key_store(settings.tls_cert_file);
        if (!settings.tls_key_file.empty()) builder.private_key(settings.tls_key_file);
        return builder.finalize();
    }

    void record_connect_error(const std::string& what) {
        std::string message;
        {
            std::lock_guard lock(mu);
            if (!tls_error.empty())
                message = fmt::format("{} (TLS: {})", what, tls_error);
            else if (settings.uri.starts_with("ssl://") &&
                     what.find("TLS connect failure") != std::string::npos)
                // Paho checks the host name after the handshake and gives no reason.
                message = what +
                          " (the broker is unreachable, or its certificate does not name the "
                          "host in mqtt.uri)";
            else
                message = what;
            tls_error.clear();
            last_connect_error = message;
        }
        log->warn("connect to {}: {}", settings.uri, message);
    }

    // One connect attempt (blocking); subscribes on success.
    bool try_connect() {
        {
            std::lock_guard lock(mu);
            tls_error.clear();  // only this attempt's reason counts
        }
        try {
            std::shared_ptr<mqtt::async_client> old;
            {
                std::lock_guard lock(mu);
                old = std::exchange(client, nullptr);
            }
            old.reset();  // first, and outside the lock: Paho's teardown may call back into us
            auto fresh = make_client();
            {
                std::lock_guard lock(mu);
                client = fresh;
            }
            auto opts = connect_options();
            fresh->connect(opts)->wait_for(kConnectTimeout + std::chrono::seconds(1));
            if (!fresh->is_connected()) throw mqtt::exception(-1, "connect timed out");
            std::vector<std::string> filters;
            {
                std::lock_guard lock(mu);
                filters = subscriptions;
            }
            for (auto& f : filters) fresh->subscribe(f, 1)->wait_for(kConnectTimeout);
            {
                std::lock_guard lock(mu);
                last_connect_error.clear();
            }
            log->info("connected to {} as {} (MQTT {})", settings.uri, settings.client_id,
                      version == MQTTVERSION_5 ? "5" : "3.1.1");
            return true;
        } catch (const mqtt::exception& e) {
            if (version == MQTTVERSION_5 && is_protocol_version_refusal(e)) {
                log->warn("{} refused MQTT 5; falling back to 3.1.1", settings.uri);
                version = MQTTVERSION_3_1_1;
                return false;
            }
            record_connect_error(describe(e));
            return false;
        }
    }

    void set_connected(bool now) {
        if (connected.exchange(now) == now) return;
        ConnectionHandler h;
        {
            std::lock_guard lock(mu);
            h = on_connection;
        }
        if (h) h(now);
    }

    void run() {
        const auto max_backoff = std::chrono::milliseconds(settings.reconnect_max_ms);
        const auto min_backoff = std::min<std::chrono::milliseconds>(kMinBackoff, max_backoff);
        auto backoff = min_backoff;
        std::unique_lock lock(mu);
        while (!stopping) {
            if (lost) {
                lost = false;
                lock.unlock();
                set_connected(false);
                lock.lock();
                continue;
            }
            if (connected) {
                cv.wait(lock, [&] { return stopping || lost; });
                continue;
            }
            lock.unlock();
            bool ok = try_connect();
            lock.lock();
            if (ok) {
                backoff = min_backoff;
                lost = false;
                lock.unlock();
                set_connected(true);
                lock.lock();
            } else {
                cv.wait_for(lock, backoff, [&] { return stopping; });
                backoff = std::min<std::chrono::milliseconds>(backoff * 2, max_backoff);
            }
        }
    }
};

PahoMessageBus::PahoMessageBus(MqttSettings settings) : state_(std::make_shared<State>()) {
    state_->settings = std::move(settings);
}

PahoMessageBus::~PahoMessageBus() {
    stop();
}

void PahoMessageBus::start(MessageHandler handler, ConnectionHandler on_connection) {
    {
        std::lock_guard lock(state_->mu);
        if (state_->supervisor.joinable()) return;
        state_->handler = std::move(handler);
        state_->on_connection = std::move(on_connection);
        state_->stopping = false;
    }
    auto state = state_;
    state_->supervisor = std::thread([state] { state->run(); });
}

void PahoMessageBus::subscribe(std::string filter) {
    std::shared_ptr<mqtt::async_client> client;
    {
        std::lock_guard lock(state_->mu);
        if (std::find(state_->subscriptions.begin(), state_->subscriptions.end(), filter) !=
            state_->subscriptions.end())
            return;
        state_->subscriptions.push_back(filter);
        if (state_->connected) client = state_->client;
    }
    // Already connected: subscribe now; otherwise the next connect does it.
    if (client) {
        try {
            client->subscribe(filter, 1)->wait_for(kConnectTimeout);
        } catch (const mqtt::exception& e) {
            state_->log->warn("subscribe {}: {}", filter, e.what());
        }
    }
}

Status PahoMessageBus::publish(const BusMessage& message, std::chrono::milliseconds timeout) {
    std::shared_ptr<mqtt::async_client> client;
    {
        std::lock_guard lock(state_->mu);
        client = state_->client;
    }
    if (!state_->connected || !client)
        return make_error(ErrorCode::kUnavailable, "mqtt publish: not connected");
    try {
        auto msg = mqtt::make_message(message.topic, message.payload, 1, message.retained);
        auto token = client->publish(msg);
        // In slices: a PUBACK lost with its connection never comes, and the caller (the
        // hub's outbox, whose retained-state repair waits behind it) should know at once.
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!token->wait_for(std::chrono::milliseconds(50))) {
            bool same_connection;
            {
                std::lock_guard lock(state_->mu);
                same_connection = state_->connected && state_->client == client;
            }
            if (!same_connection)
                return make_error(ErrorCode::kUnavailable,
                                  fmt::format("mqtt publish {}: connection lost before the PUBACK",
                                              message.topic));
            if (std::chrono::steady_clock::now() >= deadline)
                return make_error(ErrorCode::kTimeout,
                                  fmt::format("mqtt publish {}: no PUBACK within {} ms",
                                              message.topic, timeout.count()));
        }
        return {};
    } catch (const mqtt::exception& e) {
        return make_error(ErrorCode::kUnavailable,
                          fmt::format("mqtt publish {}: {}", message.topic, e.what()));
    }
}

bool PahoMessageBus::connected() const {
    return state_->connected;
}

std::string PahoMessageBus::last_connect_error() const {
    std::lock_guard lock(state_->mu);
    return state_->last_connect_error;
}

int PahoMessageBus::protocol_version() const {
    std::lock_guard lock(state_->mu);
    return state_->version == MQTTVERSION_5 ? 5 : 4;
}

void PahoMessageBus::stop() {
    {
        std::lock_guard lock(state_->mu);
        state_->stopping = true;
    }
    state_->cv.notify_all();
    if (state_->supervisor.joinable()) state_->supervisor.join();
    if (state_->client) {
        try {
            if (state_->client->is_connected())
                state_->client->disconnect(std::chrono::milliseconds(500))
                    ->wait_for(std::chrono::seconds(2));
        } catch (const mqtt::exception& e) {
            state_->log->debug("disconnect: {}", e.what());
        }
    }
    state_->connected = false;
}

}  // namespace alerthub
