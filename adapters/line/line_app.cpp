#include "adapters/line/line_app.h"

#include <fmt/format.h>

#include "core/base/log.h"

namespace alerthub::line {

LineApp::LineApp(LineConfig config, MessageBus& bus, HttpClient& api_http, HttpClient& reply_http,
                 const Clock& clock, LineChannel::Sleep sleep)
    : config_(std::move(config)),
      bus_(bus),
      api_http_(api_http),
      reply_http_(reply_http),
      clock_(clock),
      sleep_(std::move(sleep)),
      log_(get_logger("line")) {}

LineApp::~LineApp() {
    stop();
}

Status LineApp::start() {
    auto& state = config_.state.path;
    auto store = DeliveryStore::open(state, line_store_schema());
    auto batches = LineBatchStore::open(state);
    auto subscribers = SubscriberStore::open(state);
    for (auto* error : {store ? nullptr : &store.error(), batches ? nullptr : &batches.error(),
                        subscribers ? nullptr : &subscribers.error()}) {
        if (error)
            return make_error(error->code, fmt::format("state {}: {}", state, error->message));
    }
    store_.emplace(std::move(*store));
    batches_.emplace(std::move(*batches));
    subscribers_.emplace(std::move(*subscribers));
    if (!config_.town_blocks_file.empty()) {
        auto loaded = TownBlocks::load(config_.town_blocks_file);
        if (!loaded) return loaded.error();
        blocks_ = std::move(*loaded);
    }

    api_ = std::make_unique<LineApi>(api_http_, config_.api_base, config_.channel_access_token,
                                     config_.request_timeout);
    reply_api_ = std::make_unique<LineApi>(reply_http_, config_.api_base,
                                           config_.channel_access_token, config_.request_timeout);
    channel_ = std::make_unique<LineChannel>(*api_, config_.delivery, *batches_, &*subscribers_,
                                             blocks_ ? &*blocks_ : nullptr, clock_, sleep_);
    auto metrics = DeliveryMetrics::open(state, "line", bus_);
    if (!metrics) return metrics.error();
    metrics_ = std::move(*metrics);
    metrics_->registry().declare("alerthub_line_quota_remaining", MetricType::kGauge,
                                 "Messages LINE still allows this month, as last read before a "
                                 "send (absent until then, or when the plan has no limit).");
    metrics_->registry().declare("alerthub_line_quota_limit", MetricType::kGauge,
                                 "LINE's monthly message limit, as last read.");
    channel_->report_quota_to([m = metrics_.get()](const LineQuota& q) {
        if (!q.limited) return;
        m->registry().set("alerthub_line_quota_remaining", {}, static_cast<double>(q.remaining()));
        m->registry().set("alerthub_line_quota_limit", {}, static_cast<double>(q.limit));
    });
    loop_ =
        std::make_unique<DeliveryLoop>(config_.mqtt.topics, config_.signing, config_.retry,
                                       config_.state.keep_days, bus_, *channel_, *store_, clock_);
    if (auto s = loop_->start(); !s)
        return make_error(s.error().code, fmt::format("start: {}", s.error().message));
    if (auto forgotten = batches_->forget_unknown_jobs(); !forgotten)
        log_->warn("state: cannot forget old batches: {}", forgotten.error().message);

    if (config_.webhook.enabled) {
        // load_line_config requires the town blocks with the webhook.
        webhook_ = std::make_unique<LineWebhook>(config_.webhook.channel_secret, *subscribers_,
                                                 *blocks_, clock_);
        server_ = std::make_unique<WebhookServer>(config_.webhook, *webhook_, *reply_api_);
        if (auto s = server_->start(); !s) return s;
        log_->info("webhook on http://{}:{}{}", config_.webhook.host, server_->port(),
                   config_.webhook.path);
    }
    auto subscriber_count = subscribers_->count();
    log_->info("line-adapter {} started: jobs from {}, LINE API {}, {} subscriber(s)",
               ALERTHUB_VERSION, config_.mqtt.topics.job(kChannel), config_.api_base,
               subscriber_count ? *subscriber_count : -1);
    if (config_.monitoring.listen_port != 0) {
        monitoring_ = std::make_unique<MonitoringServer>(
            metrics_->registry(), [m = metrics_.get()] { return m->health(); });
        if (auto s = monitoring_->start(config_.monitoring); !s) return s;
        log_->info("monitoring: http://{}:{}/metrics and /health", config_.monitoring.listen_host,
                   monitoring_->port());
    }
    started_ = true;
    return {};
}

void LineApp::run(const std::function<bool()>& should_stop) {
    loop_->run(should_stop);
}

void LineApp::poll(std::chrono::milliseconds max_wait) {
    loop_->poll(max_wait);
}

void LineApp::stop() {
    if (!started_) return;
    started_ = false;
    if (monitoring_) monitoring_->stop();
    if (server_) server_->stop();
    log_->info("stopping ({} job(s) unfinished; they resume on the next start)",
               loop_->active_jobs());
    bus_.stop();
}

int LineApp::webhook_port() const {
    return server_ ? server_->port() : 0;
}

std::size_t LineApp::active_jobs() const {
    return loop_ ? loop_->active_jobs() : 0;
}

int LineApp::monitoring_port() const {
    return monitoring_ ? monitoring_->port() : 0;
}

}  // namespace alerthub::line
