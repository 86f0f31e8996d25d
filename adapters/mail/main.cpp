// mail-adapter: delivers alerthub jobs on {root}/jobs/mail as 防災情報メール to subscribers
// over SMTP, reports a receipt per job on {root}/receipts/mail, and serves the resident
// pages (registration, preferences, unsubscribe). `subscribers import|export|count` manage
// the list (adapters/mail/subscribers_command.h).

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <memory>

#include "adapters/common/delivery_loop.h"
#include "adapters/common/delivery_store.h"
#include "adapters/mail/curl_smtp_client.h"
#include "adapters/mail/mail_channel.h"
#include "adapters/mail/mail_config.h"
#include "adapters/mail/registration.h"
#include "adapters/mail/subscribers_command.h"
#include "adapters/mail/web_server.h"
#include "core/base/crypto.h"
#include "core/base/daemon.h"
#include "core/base/log.h"
#include "core/config/config.h"
#include "core/mqtt/paho_message_bus.h"

int main(int argc, char** argv) {
    using namespace alerthub;
    auto args = parse_daemon_args(argc, argv, "mail-adapter", "/etc/alerthub/mail.toml");
    init_logging(args.log_level);

    auto reader = ConfigReader::load(args.config_path);
    if (!reader) {
        fmt::print(stderr, "mail-adapter: {}\n", reader.error().message);
        return kExitConfig;
    }
    auto config = mail::load_mail_config(*reader);
    if (!config) {
        fmt::print(stderr, "{}\n", config.error().message);
        return kExitConfig;
    }
    TownBlocks towns;  // checked by load_mail_config
    if (!config->town_blocks.empty()) towns = *TownBlocks::load(config->town_blocks);
    if (args.check_config) {
        fmt::print("{}: configuration OK ({} town block(s), {} staff cop(ies), web {})\n",
                   args.config_path, towns.size(), config->recipients.size(),
                   config->web.enabled ? "on" : "off");
        return 0;
    }
    for (auto s : {crypto_init(), mail::curl_global_setup()}) {
        if (!s) {
            fmt::print(stderr, "mail-adapter: {}\n", s.error().message);
            return 1;
        }
    }
    if (!args.rest.empty()) return mail::run_subscribers_command(args.rest, *config, towns);

    install_stop_signals();
    auto log = get_logger("mail");
    auto store = DeliveryStore::open(config->state.path, mail::mail_store_schema());
    auto subscribers = mail::SubscriberStore::open(config->state.path);
    if (!store || !subscribers) {
        log->critical("state {}: {}", config->state.path,
                      (!store ? store.error() : subscribers.error()).message);
        return 1;
    }
    auto stop = [] { return stop_requested(); };
    // At shutdown a mail in flight gets a second to be answered (aborted, it would be sent
    // again after the restart); a silent server does not hold the shutdown longer.
    auto stop_seen = std::make_shared<std::atomic<std::int64_t>>(0);
    auto abort_smtp = [stop_seen] {
        if (!stop_requested()) return false;
        auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
        std::int64_t unset = 0;
        stop_seen->compare_exchange_strong(unset, now);
        return now - stop_seen->load() >= 1000;
    };
    std::vector<std::unique_ptr<mail::CurlSmtpClient>> smtp;
    std::vector<mail::SmtpClient*> connections;
    for (int i = 0; i < config->connections; ++i) {
        smtp.push_back(std::make_unique<mail::CurlSmtpClient>(config->smtp, abort_smtp));
        connections.push_back(smtp.back().get());
    }
    mail::MailLinks links = config->web.enabled
                                ? mail::MailLinks(config->web.public_url, config->web.secret)
                                : mail::MailLinks();
    SystemClock clock;
    PahoMessageBus bus(config->mqtt.settings);
    mail::MailChannel channel(mail::mail_settings(*config), connections, *subscribers, *store,
                              towns, links, clock, stop);
    DeliveryLoop adapter(config->mqtt.topics, config->retry, config->state.keep_days, bus, channel,
                         *store, clock);
    if (auto s = adapter.start(); !s) {
        log->critical("start: {}", s.error().message);
        return 1;
    }
    if (auto s = subscribers->forget_pruned_jobs(); !s)
        log->warn("state: cannot forget the recipients of old jobs: {}", s.error().message);
    // Also at each registration (Registration::register_address).
    if (auto gone = subscribers->forget_unconfirmed(clock.now()); !gone)
        log->warn("state: cannot forget unconfirmed registrations: {}", gone.error().message);
    else if (*gone > 0)
        log->info("{} unconfirmed registration(s) expired", *gone);

    // The resident pages: their own SQLite and SMTP connections, off the delivery thread.
    std::unique_ptr<mail::SubscriberStore> web_store;
    std::unique_ptr<mail::CurlSmtpClient> web_smtp;
    std::unique_ptr<mail::Registration> registration;
    std::unique_ptr<mail::WebServer> web;
    if (config->web.enabled) {
        auto opened = mail::SubscriberStore::open(config->state.path);
        if (!opened) {
            log->critical("state {}: {}", config->state.path, opened.error().message);
            return 1;
        }
        web_store = std::make_unique<mail::SubscriberStore>(std::move(*opened));
        web_smtp = std::make_unique<mail::CurlSmtpClient>(config->smtp, stop);
        registration = std::make_unique<mail::Registration>(config->web, config->from_address,
                                                            config->from_name, *web_store,
                                                            *web_smtp, towns, links, clock);
        web = std::make_unique<mail::WebServer>(config->web.host, config->web.port, *registration);
        if (auto s = web->start(); !s) {
            log->critical("{}", s.error().message);
            return 1;
        }
        log->info("resident pages on http://{}:{}/mail/ (public {}/mail/)", config->web.host,
                  web->port(), config->web.public_url);
    } else {
        log->warn("no [web] section: mails carry no unsubscribe link and nobody can register");
    }
    auto active = subscribers->count(mail::SubscriberState::kActive);
    log->info("mail-adapter {} started: jobs from {}, SMTP {} ({} connection(s)), {} subscriber(s)",
              ALERTHUB_VERSION, config->mqtt.topics.job(mail::kChannel), config->smtp.url,
              config->connections, active ? *active : -1);
    notify_ready();

    adapter.run(stop);
    notify_stopping();
    log->info("stopping ({} job(s) unfinished; they resume on the next start)",
              adapter.active_jobs());
    if (web) web->stop();
    bus.stop();
    return 0;
}
