#pragma once
// The LINE adapter daemon: the delivery loop with the LINE channel on {root}/jobs/line,
// receipts on {root}/receipts/line, and LINE's webhook for subscribers. main() chooses
// the technologies (Paho, curl, the system clock) and hands them in; tests give fakes.
//
// Threads: run() is the delivery loop's owner thread; the webhook server has its own.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "adapters/common/delivery_loop.h"
#include "adapters/common/delivery_metrics.h"
#include "adapters/common/delivery_store.h"
#include "adapters/line/batch_store.h"
#include "adapters/line/line_api.h"
#include "adapters/line/line_channel.h"
#include "adapters/line/line_config.h"
#include "adapters/line/line_webhook.h"
#include "adapters/line/subscriber_store.h"
#include "adapters/line/webhook_server.h"
#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/http/http_client.h"
#include "core/http/monitoring_server.h"
#include "core/mqtt/message_bus.h"
#include "core/protocol/town_blocks.h"

namespace alerthub::line {

class LineApp {
public:
    // `api_http` carries the delivery's requests (up to delivery.max_in_flight at once:
    // thread-safe, e.g. an HttpClientPool); `reply_http` only the webhook's replies, from the
    // server's reply thread. `bus`, both clients and `clock` must outlive the app. `sleep`
    // waits for a rate-limit slot.
    LineApp(LineConfig config, MessageBus& bus, HttpClient& api_http, HttpClient& reply_http,
            const Clock& clock, LineChannel::Sleep sleep);
    ~LineApp();
    LineApp(const LineApp&) = delete;
    LineApp& operator=(const LineApp&) = delete;

    // Opens the state and the town blocks, resumes pending jobs and starts the bus and the
    // webhook server. Fails (logged by the caller) on the first problem.
    Status start();

    // The delivery loop until `should_stop` says so (pinging the systemd watchdog).
    void run(const std::function<bool()>& should_stop);
    // One turn of it, for tests.
    void poll(std::chrono::milliseconds max_wait);

    // After run(): stops the webhook server and the bus. Unfinished jobs resume next start.
    void stop();

    int webhook_port() const;     // 0 when the webhook is off
    int monitoring_port() const;  // 0 when [monitoring] is off
    std::size_t active_jobs() const;

private:
    LineConfig config_;
    MessageBus& bus_;
    HttpClient& api_http_;
    HttpClient& reply_http_;
    const Clock& clock_;
    LineChannel::Sleep sleep_;
    std::shared_ptr<spdlog::logger> log_;

    std::optional<DeliveryStore> store_;
    std::optional<LineBatchStore> batches_;
    std::optional<SubscriberStore> subscribers_;
    std::optional<TownBlocks> blocks_;
    std::unique_ptr<LineApi> api_;
    std::unique_ptr<LineApi> reply_api_;
    std::unique_ptr<LineChannel> channel_;
    std::unique_ptr<DeliveryLoop> loop_;
    std::unique_ptr<LineWebhook> webhook_;
    std::unique_ptr<WebhookServer> server_;
    bool started_ = false;
    std::unique_ptr<DeliveryMetrics> metrics_;
    std::unique_ptr<MonitoringServer> monitoring_;
};

}  // namespace alerthub::line
