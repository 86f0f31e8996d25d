#include "hub/hub_app.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>

#include "core/base/crypto.h"
#include "core/base/daemon.h"
#include "core/base/log.h"
#include "core/base/time_format.h"
#include "core/http/curl_http_client.h"
#include "core/protocol/messages.h"

namespace alerthub::hub {
namespace {

constexpr auto kHttpReplyTimeout = std::chrono::seconds(30);
// After the journal refused a spool file (disk full, locked), wait before trying again.
constexpr auto kSpoolRetryAfterFailure = std::chrono::seconds(5);
constexpr auto kWatchdogInterval = std::chrono::seconds(1);
// How often the owner loop asks the journal for alerts whose end has passed (Lifecycle E1):
// a screen that is offline drops an alert at its end by itself; one that is online hears
// the `expired` version within this.
constexpr auto kExpiryInterval = std::chrono::seconds(1);

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

HubApp::HubApp(HubConfig config, MessageBus& bus, const Clock& clock)
    : config_(std::move(config)), bus_(bus), clock_(clock) {}

HubApp::~HubApp() {
    stop();
}

Status HubApp::start() {
    auto log = get_logger("hub");
    JournalSettings settings{config_.mqtt.topics, config_.channels};

    spool_ = std::make_unique<SpoolWatcher>(config_.spool_dir, clock_);
    if (auto s = spool_->prepare(); !s) return s;

    auto journal = Journal::open(config_.journal_path, settings, clock_);
    if (!journal)
        return make_error(journal.error().code, fmt::format("journal {}: {}", config_.journal_path,
                                                            journal.error().message));
    journal_.emplace(std::move(*journal));
    if (config_.site.enabled) journal_->link_site_pages(config_.site.base_url);
    auto outbox_journal = Journal::open(config_.journal_path, settings, clock_);
    if (!outbox_journal) return outbox_journal.error();
    auto waiting = journal_->unpublished_count();

    outbox_ = std::make_unique<OutboxPublisher>(std::move(*outbox_journal), bus_, config_.outbox);
    OutboxPublisher* outbox = outbox_.get();
    if (auto s = start_site(); !s) return s;
    site::SitePublisher* site = site_.get();
    pipeline_ =
        std::make_unique<IngestPipeline>(*journal_, config_.max_document_bytes, [outbox, site] {
            outbox->notify();
            if (site) site->notify();
        });
    pipeline_->configure(config_.phrases.get(), config_.router.get());
    pipeline_->check_freshness(clock_, config_.jma_max_age);
    pipeline_->refuse_future(clock_, config_.max_future);
    pipeline_->give_ends(config_.lifetimes.get());
    auto metrics = HubMetrics::open(config_, bus_, clock_);
    if (!metrics) return metrics.error();
    metrics_ = std::move(*metrics);
    pipeline_->count_into(&metrics_->registry());
    outbox_->start();
    if (config_.site.enabled && !config_.site_data->locations.empty()) {
        facility_broadcast_ = std::make_unique<site::FacilityBroadcaster>(
            config_.site_data->facilities, config_.site_data->locations, config_.journal_path, bus_,
            config_.mqtt.topics, clock_);
        if (auto s = facility_broadcast_->start(); !s) return s;
    }
    site::FacilityBroadcaster* facility_broadcast = facility_broadcast_.get();

    const Topics& topics = config_.mqtt.topics;
    bus_.subscribe(topics.all_receipts());
    bus_.subscribe(topics.all_device_acks());
    bus_.subscribe(topics.all_device_status());
    if (config_.console.enabled) {
        screenshots_ = std::make_unique<console::DeviceScreenshots>(bus_, topics);
        bus_.subscribe(topics.all_device_screenshots());
    }
    bus_.start([this](BusMessage m) { queue_.push(Event{std::move(m)}); },
               [outbox, facility_broadcast](bool connected) {
                   // The broker may have restarted without our retained state, or with an
                   // older copy of it: the journal's is put back.
                   if (connected) outbox->reconnected();
                   if (connected && facility_broadcast) facility_broadcast->republish();
               });
    bus_started_ = true;

    HttpIngestOptions http_options{.host = config_.listen_host,
                                   .port = config_.listen_port,
                                   .tokens = ingest_tokens(),
                                   .max_document_bytes = config_.max_document_bytes,
                                   .http = config_.http};
    http_ = std::make_unique<HttpIngestServer>(
        http_options,
        [this](std::string body, std::optional<Replay> replay, const SourceGrant& grant) {
            // The single token of older set-ups keeps its origin "http".
            std::string origin = grant.name == kLegacyTokenName ? "http" : "http:" + grant.name;
            return submit_from_http(std::move(body), std::move(origin), false, std::move(replay),
                                    grant);
        });
    accepting_ = true;
    if (auto s = http_->start(); !s) {
        stop();
        return s;
    }
    if (auto s = start_jma_feed(); !s) {
        stop();
        return s;
    }
    if (auto s = start_console(); !s) {
        stop();
        return s;
    }
    if (config_.monitoring.listen_port != 0) {
        monitoring_ = std::make_unique<MonitoringServer>(metrics_->registry(),
                                                         [this] { return metrics_->health(); });
        if (auto s = monitoring_->start(config_.monitoring); !s) {
            stop();
            return s;
        }
        log->info("monitoring: http://{}:{}/metrics and /health", config_.monitoring.listen_host,
                  monitoring_->port());
    }
    log->info(
        "hub started: ingest http://{}:{}/api/v1/ingest/cap, spool {}, journal {} ({} "
        "outbox rows waiting), topic root {}, channels [{}]",
        config_.listen_host, http_->port(), config_.spool_dir, config_.journal_path,
        waiting ? *waiting : -1, topics.root(), fmt::join(config_.channels, ", "));
    return {};
}

void HubApp::run(const std::function<bool()>& should_stop) {
    const auto poll = std::chrono::milliseconds(config_.spool_poll_ms);
    auto next_spool = clock_.steady_now();
    auto next_watchdog = clock_.steady_now();
    auto next_expiry = clock_.steady_now();
    while (!should_stop()) {
        auto now = clock_.steady_now();
        if (now >= next_expiry) {
            expire_due();
            next_expiry = now + kExpiryInterval;
        }
        if (now >= next_spool) {
            auto result = spool_->poll(*pipeline_);
            next_spool =
                clock_.steady_now() + (result.journal_failed
                                           ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 kSpoolRetryAfterFailure)
                                           : poll);
        }
        metrics_->owner_turned();
        if (now >= next_watchdog) {
            if (metrics_->sound()) notify_watchdog();
            next_watchdog = now + kWatchdogInterval;
        }
        auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(next_spool - clock_.steady_now());
        wait = std::clamp(wait, std::chrono::milliseconds(1), poll);
        if (auto event = queue_.pop_for(wait)) handle(*event);
    }
}

void HubApp::expire_due() {
    auto expired = journal_->expire_due();
    if (!expired) {
        get_logger("hub")->error("expiry: {}", expired.error().message);
        return;
    }
    for (const auto& e : *expired)
        get_logger("hub")->info("[alert={} v={}] {}", e.alert_id, e.version, e.reason);
    if (!expired->empty()) outbox_->notify();
}

void HubApp::stop() {
    accepting_ = false;
    if (monitoring_) monitoring_->stop();
    if (console_server_) console_server_->stop();
    if (http_) http_->stop();
    // Its submissions waiting for the owner give up now that accepting_ is false.
    if (feed_poller_) feed_poller_->stop();
    // Whatever is still queued gets an answer instead of a hung connection.
    while (auto event = queue_.pop_for(std::chrono::milliseconds(0))) {
        if (auto* req = std::get_if<HttpRequest>(&*event)) {
            IngestReport report;
            report.kind = IngestOutcome::kFailed;
            report.reason = "the hub is shutting down";
            req->reply->set_value(report);
        }
    }
    if (outbox_) outbox_->stop();
    if (site_) site_->stop();
    if (facility_broadcast_) facility_broadcast_->stop();
    if (bus_started_) {
        bus_.stop();
        bus_started_ = false;
    }
}

int HubApp::http_port() const {
    return http_ ? http_->port() : 0;
}

int HubApp::monitoring_port() const {
    return monitoring_ ? monitoring_->port() : 0;
}

int HubApp::console_port() const {
    return console_server_ ? console_server_->port() : 0;
}

Status HubApp::start_console() {
    if (!config_.console.enabled) return {};
    auto service = console::ConsoleService::open(
        config_.journal_path, config_.console, clock_, [this](std::string cap, std::string origin) {
            return submit_from_http(std::move(cap), std::move(origin), true);
        });
    if (!service) return service.error();
    console_ = std::move(*service);
    console_server_ = std::make_unique<console::ConsoleServer>(*console_, screenshots_.get());
    if (auto s = console_server_->start(); !s) return s;
    get_logger("hub")->info("console: {}://{}:{}/{}",
                            config_.console.tls_cert_file.empty() ? "http" : "https",
                            config_.console.listen_host, console_server_->port(),
                            config_.console.training ? " (training)" : "");
    return {};
}

Status HubApp::start_site() {
    if (!config_.site.enabled) return {};
    if (!config_.site_data)
        return make_error(ErrorCode::kInvalidArgument, "[site] enabled but its data not loaded");
    site_ = std::make_unique<site::SitePublisher>(config_.site, *config_.site_data,
                                                  config_.journal_path, clock_);
    return site_->start();
}

Status HubApp::start_jma_feed() {
    const auto& feed = config_.jma_feed;
    if (!feed.enabled) return {};
    auto store = FeedStore::open(config_.journal_path, clock_);
    if (!store)
        return make_error(
            store.error().code,
            fmt::format("jma feed state in {}: {}", config_.journal_path, store.error().message));
    feed_http_ = std::make_unique<CurlHttpClient>();
    feed_poller_ = std::make_unique<JmaFeedPoller>(
        feed, config_.max_document_bytes, std::move(*store), *feed_http_,
        [this](std::string raw, std::string origin) {
            return submit_from_http(std::move(raw), std::move(origin));
        },
        spool_->quarantine_dir(), clock_);
    feed_poller_->start();
    get_logger("hub")->info("jma feed: polling {} every {} s ([{}])", feed.base_url,
                            feed.interval_s, fmt::join(feed.feeds, ", "));
    return {};
}

std::vector<IngestToken> HubApp::ingest_tokens() const {
    std::vector<IngestToken> tokens = config_.ingest_tokens;
    // Whatever a source's token speaks for, never as the console: staff notices change
    // only there.
    for (auto& token : tokens) token.grant.reserved_sender = config_.console.cap_sender;
    // The single token of older set-ups speaks for everything, as it always did
    // (docs/operations.md says how to move to a token per source).
    if (!config_.ingest_token.empty())
        tokens.push_back(make_ingest_token(
            config_.ingest_token,
            SourceGrant{.name = kLegacyTokenName,
                        .sources = {SourceFormat::kJma, SourceFormat::kLAlert, SourceFormat::kCap},
                        .senders = {},
                        .reserved_sender = {}}));
    return tokens;
}

IngestReport HubApp::submit_from_http(std::string body, std::string origin, bool staff,
                                      std::optional<Replay> replay,
                                      std::optional<SourceGrant> grant) {
    IngestReport failed;
    failed.kind = IngestOutcome::kFailed;
    if (!accepting_) {
        failed.reason = "the hub is shutting down";
        return failed;
    }
    auto promise = std::make_shared<std::promise<IngestReport>>();
    auto future = promise->get_future();
    queue_.push(Event{HttpRequest{std::move(body), promise, std::move(origin), staff,
                                  std::move(replay), std::move(grant)}});
    // In slices, so that a shutdown (the owner loop has already returned) answers at once
    // instead of holding the connection, and stop(), for the full timeout.
    const auto deadline = std::chrono::steady_clock::now() + kHttpReplyTimeout;
    while (future.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
        if (!accepting_) {
            failed.reason = "the hub is shutting down";
            return failed;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            failed.reason = "the hub did not answer in time";
            return failed;
        }
    }
    return future.get();
}

void HubApp::handle(Event& event) {
    if (auto* req = std::get_if<HttpRequest>(&event))
        handle_http(*req);
    else
        handle_bus_message(std::get<BusMessage>(event));
}

void HubApp::handle_http(HttpRequest& request) {
    IngestReport report = request.staff
                              ? pipeline_->submit_staff(request.body, request.origin)
                              : pipeline_->submit(request.body, request.origin, request.replay,
                                                  request.grant ? &*request.grant : nullptr);
    if (report.kind == IngestOutcome::kRejected && request.origin.starts_with("http")) {
        Quarantine quarantine(spool_->quarantine_dir());
        auto name = fmt::format(
            "http-{}-{}.xml",
            std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch())
                .count(),
            sha256_hex(request.body).substr(0, 12));
        auto kept = quarantine.keep_bytes(name, request.body, "http", report.reason, clock_.now());
        if (!kept) get_logger("hub")->error("http ingest: {}", kept.error().message);
    }
    request.reply->set_value(std::move(report));
}

void HubApp::handle_bus_message(const BusMessage& m) {
    auto log = get_logger("hub");
    const Topics& topics = config_.mqtt.topics;
    if (m.payload.empty()) return;  // a cleared retained message
    if (auto channel = topics.id_under("receipts", m.topic); !channel.empty()) {
        auto receipt = decode_receipt(m.payload);
        if (!receipt) {
            log->warn("mqtt: malformed receipt on {}: {}", m.topic, receipt.error().message);
            return;
        }
        if (receipt->channel != channel) {
            log->warn("mqtt: receipt on {} claims channel '{}'; dropped", m.topic,
                      receipt->channel);
            return;
        }
        if (auto s = journal_->record_receipt(*receipt); !s) {
            log->error("[alert={} v={}] receipt for {}: {}", receipt->alert_id, receipt->version,
                       receipt->job_id, s.error().message);
            return;
        }
        log->debug("[alert={} v={}] {} receipt: {} ({} recipients, {} attempts)", receipt->alert_id,
                   receipt->version, channel, to_string(receipt->outcome), receipt->recipients,
                   receipt->attempts);
        if (!m.retained)  // a receipt is stamped when its job finished, then sent at once
            if (auto s = journal_->record_clock_offset("channel:" + channel, receipt->finished); !s)
                log->error("mqtt: clock of {}: {}", channel, s.error().message);
        for (auto& warning : receipt->warnings)  // for staff: e.g. LINE's monthly quota ran out
            log->warn("[alert={} v={}] {}: {}", receipt->alert_id, receipt->version, channel,
                      warning);
        return;
    }
    auto device = topics.id_under("devices", m.topic);
    if (device.empty()) {
        log->debug("mqtt: ignoring message on {}", m.topic);
        return;
    }
    if (screenshots_ && screenshots_->offer(m)) {
        // an answer to the console's screenshot command, kept for the live board
    } else if (ends_with(m.topic, "/" + device + "/ack")) {
        auto ack = decode_display_ack(m.payload);
        if (!ack) {
            log->warn("mqtt: malformed display ack on {}: {}", m.topic, ack.error().message);
            return;
        }
        if (ack->device_id != device) {
            log->warn("mqtt: display ack on {} claims device '{}'; dropped", m.topic,
                      ack->device_id);
            return;
        }
        if (auto s = journal_->record_display_ack(*ack); !s)
            log->error("[alert={} v={}] display ack from {}: {}", ack->alert_id, ack->version,
                       device, s.error().message);
        else if (!*s)
            log->warn(
                "[alert={} v={}] display ack from {} for a version the hub never "
                "published; dropped",
                ack->alert_id, ack->version, device);
        else
            log->debug("[alert={} v={}] displayed on {} at {}", ack->alert_id, ack->version, device,
                       format_rfc3339_jst(ack->displayed_at));
    } else if (ends_with(m.topic, "/" + device + "/status")) {
        auto status = decode_device_status(m.payload);
        if (!status) {
            log->warn("mqtt: malformed device status on {}: {}", m.topic, status.error().message);
            return;
        }
        if (status->device_id != device) {
            log->warn("mqtt: status on {} claims device '{}'; dropped", m.topic, status->device_id);
            return;
        }
        // A retained status is an old copy: only a live one tells the screen's clock.
        if (!m.retained && status->online)
            if (auto s = journal_->record_clock_offset("device:" + device, status->updated); !s)
                log->error("mqtt: clock of {}: {}", device, s.error().message);
        if (auto s = journal_->record_device_status(*status); !s)
            log->error("mqtt: status of {}: {}", device, s.error().message);
        else
            log->debug("device {} {}", device, status->online ? "online" : "offline");
    } else {
        log->debug("mqtt: ignoring message on {}", m.topic);
    }
}

}  // namespace alerthub::hub
