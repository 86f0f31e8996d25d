#pragma once
// The hub daemon: one owner thread (run()) holds the journal and does all domain work;
// library threads only hand it work through a queue. Around it: the spool folder (polled
// by the owner), the HTTP ingest server, the outbox publisher thread, and the MessageBus
// delivering receipts, display acks and device status.

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "core/base/blocking_queue.h"
#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/http/http_client.h"
#include "core/http/monitoring_server.h"
#include "core/mqtt/message_bus.h"
#include "hub/console/console_server.h"
#include "hub/console/console_service.h"
#include "hub/doors/http_ingest.h"
#include "hub/doors/jma_feed/jma_feed_poller.h"
#include "hub/doors/quarantine.h"
#include "hub/doors/spool_watcher.h"
#include "hub/hub_config.h"
#include "hub/hub_metrics.h"
#include "hub/ingest/ingest_pipeline.h"
#include "hub/journal/journal.h"
#include "hub/journal/outbox.h"
#include "hub/site/facility_broadcast.h"

namespace alerthub::hub {

class HubApp {
public:
    // `bus` and `clock` must outlive the app.
    HubApp(HubConfig config, MessageBus& bus, const Clock& clock);
    ~HubApp();
    HubApp(const HubApp&) = delete;
    HubApp& operator=(const HubApp&) = delete;

    // Opens the journal, creates the spool folders, starts the outbox, the bus and the
    // HTTP server. Fails (and leaves nothing running) on the first problem.
    Status start();

    // The owner loop, until `should_stop` returns true (checked at least every poll).
    void run(const std::function<bool()>& should_stop);

    // After run() has returned: stops everything start() started; HTTP requests still
    // waiting are answered 503.
    void stop();

    int http_port() const;
    int console_port() const;     // 0 when the console is off
    int monitoring_port() const;  // 0 when [monitoring] is off

private:
    // A document from another thread: the HTTP ingest, or the JMA feed poller
    // (origin "jma-feed:<feed>", which keeps its own rejects for inspection).
    struct HttpRequest {
        std::string body;
        std::shared_ptr<std::promise<IngestReport>> reply;
        std::string origin = "http";
        bool staff = false;                // from the staff console: IngestPipeline::submit_staff
        std::optional<Replay> replay;      // the ingest door's X-Alerthub-Replay header
        std::optional<SourceGrant> grant;  // the ingest token's: what it may speak for
    };
    using Event = std::variant<HttpRequest, BusMessage>;

    // The name under which ingest.token_file's single token is granted every source.
    static constexpr const char* kLegacyTokenName = "ingest.token_file";

    IngestReport submit_from_http(std::string body, std::string origin = "http", bool staff = false,
                                  std::optional<Replay> replay = std::nullopt,
                                  std::optional<SourceGrant> grant = std::nullopt);
    // The configured tokens, each barred from the console's sender, and the single token of
    // ingest.token_file (every source, every sender).
    std::vector<IngestToken> ingest_tokens() const;
    Status start_jma_feed();
    Status start_console();
    Status start_site();
    void handle(Event& event);
    // Publishes the `expired` version of every alert whose end has passed (Lifecycle E1).
    void expire_due();
    void handle_http(HttpRequest& request);
    void handle_bus_message(const BusMessage& message);

    HubConfig config_;
    MessageBus& bus_;
    const Clock& clock_;

    BlockingQueue<Event> queue_;
    std::atomic<bool> accepting_{false};
    std::optional<Journal> journal_;
    std::unique_ptr<IngestPipeline> pipeline_;
    std::unique_ptr<SpoolWatcher> spool_;
    std::unique_ptr<OutboxPublisher> outbox_;
    std::unique_ptr<HttpIngestServer> http_;
    std::unique_ptr<HttpClient> feed_http_;
    std::unique_ptr<JmaFeedPoller> feed_poller_;
    std::unique_ptr<console::ConsoleService> console_;
    std::unique_ptr<console::DeviceScreenshots> screenshots_;
    std::unique_ptr<console::ConsoleServer> console_server_;
    std::unique_ptr<site::SitePublisher> site_;
    // The screens' facilities ({root}/facilities/{location}); with [site] and its locations.
    std::unique_ptr<site::FacilityBroadcaster> facility_broadcast_;
    bool bus_started_ = false;
    std::unique_ptr<HubMetrics> metrics_;
    std::unique_ptr<MonitoringServer> monitoring_;
};

}  // namespace alerthub::hub
