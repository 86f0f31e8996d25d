#include "adapters/mail/mail_app.h"

#include <fmt/format.h>

#include <atomic>

#include "core/base/log.h"

namespace alerthub::mail {

MailApp::MailApp(MailConfig config, TownBlocks towns, MessageBus& bus,
                 std::vector<SmtpClient*> connections, SmtpClient* web_smtp, const Clock& clock,
                 std::function<bool()> stopping)
    : config_(std::move(config)),
      towns_(std::move(towns)),
      bus_(bus),
      connections_(std::move(connections)),
      web_smtp_(web_smtp),
      clock_(clock),
      stopping_(std::move(stopping)),
      log_(get_logger("mail")) {}

MailApp::~MailApp() {
    stop();
}

Status MailApp::start() {
    auto& state = config_.state.path;
    auto store = DeliveryStore::open(state, mail_store_schema());
    auto subscribers = SubscriberStore::open(state);
    if (!store || !subscribers) {
        auto& error = !store ? store.error() : subscribers.error();
        return make_error(error.code, fmt::format("state {}: {}", state, error.message));
    }
    store_.emplace(std::move(*store));
    subscribers_.emplace(std::move(*subscribers));

    MailLinks links =
        config_.web.enabled ? MailLinks(config_.web.public_url, config_.web.secret) : MailLinks();
    channel_ = std::make_unique<MailChannel>(mail_settings(config_), connections_, *subscribers_,
                                             *store_, towns_, links, clock_, stopping_);
    auto metrics = DeliveryMetrics::open(state, "mail", bus_);
    if (!metrics) return metrics.error();
    metrics_ = std::move(*metrics);
    metrics_->registry().declare(
        "alerthub_smtp_recipients", MetricType::kGauge,
        "Recipients of the jobs in the adapter's state, by SMTP outcome (accepted, refused, "
        "skipped, pending).");
    metrics_->registry().on_render([m = metrics_.get()](MetricsRegistry& r) {
        m->with_db([&r](SqliteDb& db) {
            auto q = db.prepare("SELECT outcome, COUNT(*) FROM job_recipients GROUP BY outcome");
            if (!q) return;
            for (const char* outcome : {"accepted", "refused", "skipped", "pending"})
                r.set("alerthub_smtp_recipients", {{"outcome", outcome}}, 0);
            for (auto row = q->step(); row && *row; row = q->step())
                r.set("alerthub_smtp_recipients", {{"outcome", q->column_text(0)}},
                      static_cast<double>(q->column_int(1)));
        });
    });
    loop_ =
        std::make_unique<DeliveryLoop>(config_.mqtt.topics, config_.signing, config_.retry,
                                       config_.state.keep_days, bus_, *channel_, *store_, clock_);
    if (auto s = loop_->start(); !s)
        return make_error(s.error().code, fmt::format("start: {}", s.error().message));
    if (auto s = subscribers_->forget_pruned_jobs(); !s)
        log_->warn("state: cannot forget the recipients of old jobs: {}", s.error().message);
    // Also at each registration (Registration::register_address).
    if (auto gone = subscribers_->forget_unconfirmed(clock_.now()); !gone)
        log_->warn("state: cannot forget unconfirmed registrations: {}", gone.error().message);
    else if (*gone > 0)
        log_->info("{} unconfirmed registration(s) expired", *gone);

    if (config_.web.enabled) {
        if (auto s = start_web(links); !s) return s;
    } else {
        log_->warn("no [web] section: mails carry no unsubscribe link and nobody can register");
    }
    auto active = subscribers_->count(SubscriberState::kActive);
    log_->info(
        "mail-adapter {} started: jobs from {}, SMTP {} ({} connection(s)), {} subscriber(s)",
        ALERTHUB_VERSION, config_.mqtt.topics.job(kChannel), config_.smtp.url, config_.connections,
        active ? *active : -1);
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

Status MailApp::start_web(const MailLinks& links) {
    auto opened = SubscriberStore::open(config_.state.path);
    if (!opened)
        return make_error(opened.error().code,
                          fmt::format("state {}: {}", config_.state.path, opened.error().message));
    if (!web_smtp_)
        return make_error(ErrorCode::kInternal, "the resident pages need an SMTP client");
    web_store_.emplace(std::move(*opened));
    registration_ =
        std::make_unique<Registration>(config_.web, config_.from_address, config_.from_name,
                                       *web_store_, *web_smtp_, towns_, links, clock_);
    web_ = std::make_unique<WebServer>(config_.web.host, config_.web.port, *registration_);
    if (auto s = web_->start(); !s) return s;
    log_->info("resident pages on http://{}:{}/mail/ (public {}/mail/)", config_.web.host,
               web_->port(), config_.web.public_url);
    return {};
}

void MailApp::run() {
    loop_->run(stopping_);
}

void MailApp::poll(std::chrono::milliseconds max_wait) {
    loop_->poll(max_wait);
}

void MailApp::stop() {
    if (!started_) return;
    started_ = false;
    if (monitoring_) monitoring_->stop();
    log_->info("stopping ({} job(s) unfinished; they resume on the next start)",
               loop_->active_jobs());
    if (web_) web_->stop();
    bus_.stop();
}

int MailApp::web_port() const {
    return web_ ? web_->port() : 0;
}

std::size_t MailApp::active_jobs() const {
    return loop_ ? loop_->active_jobs() : 0;
}

std::function<bool()> stopping_after_grace(std::function<bool()> stopping,
                                           std::chrono::milliseconds grace) {
    auto stop_seen = std::make_shared<std::atomic<std::int64_t>>(0);
    return [stopping = std::move(stopping), grace, stop_seen] {
        if (!stopping()) return false;
        auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
        std::int64_t unset = 0;
        stop_seen->compare_exchange_strong(unset, now);
        return now - stop_seen->load() >= grace.count();
    };
}

int MailApp::monitoring_port() const {
    return monitoring_ ? monitoring_->port() : 0;
}

}  // namespace alerthub::mail
