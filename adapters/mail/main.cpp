// mail-adapter: delivers alerthub jobs on {root}/jobs/mail as 防災情報メール to subscribers
// over SMTP, reports a receipt per job on {root}/receipts/mail, and serves the resident
// pages (registration, preferences, unsubscribe). `subscribers import|export|count` manage
// the list (adapters/mail/subscribers_command.h); `backup DIR` / `restore FILE` copy its database
// (core/storage/backup.h). Everything but start-up, the technologies
// and shutdown lives in mail_lib (MailApp).

#include <fmt/format.h>

#include <iostream>

#include <chrono>
#include <memory>

#include "adapters/mail/curl_smtp_client.h"
#include "adapters/mail/mail_app.h"
#include "adapters/mail/mail_config.h"
#include "adapters/mail/subscribers_command.h"
#include "core/base/crypto.h"
#include "core/base/daemon.h"
#include "core/base/log.h"
#include "core/config/config.h"
#include "core/mqtt/paho_message_bus.h"
#include "core/storage/backup.h"

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
        fmt::print("{}: configuration OK ({} town block(s), {} staff cop(ies), web {}, SMTP {})\n",
                   args.config_path, towns.size(), config->recipients.size(),
                   config->web.enabled ? "on" : "off", mail::describe_smtp_transport(config->smtp));
        return 0;
    }
    for (auto s : {crypto_init(), mail::curl_global_setup()}) {
        if (!s) {
            fmt::print(stderr, "mail-adapter: {}\n", s.error().message);
            return 1;
        }
    }
    if (!args.rest.empty() && is_backup_command(args.rest.front())) {
        SystemClock clock;
        return run_backup_command(args.rest, config->state.path, "mail-adapter", clock, std::cout,
                                  std::cerr);
    }
    if (!args.rest.empty()) return mail::run_subscribers_command(args.rest, *config, towns);

    install_stop_signals();
    auto log = get_logger("mail");
    auto stop = [] { return stop_requested(); };
    // A mail in flight at shutdown gets a second to be answered.
    auto abort_smtp = mail::stopping_after_grace(stop, std::chrono::seconds(1));
    std::vector<std::unique_ptr<mail::CurlSmtpClient>> smtp;
    std::vector<mail::SmtpClient*> connections;
    for (int i = 0; i < config->connections; ++i) {
        smtp.push_back(std::make_unique<mail::CurlSmtpClient>(config->smtp, abort_smtp));
        connections.push_back(smtp.back().get());
    }
    std::unique_ptr<mail::CurlSmtpClient> web_smtp;  // the resident pages' own connection
    if (config->web.enabled) web_smtp = std::make_unique<mail::CurlSmtpClient>(config->smtp, stop);

    SystemClock clock;
    PahoMessageBus bus(config->mqtt.settings);
    mail::MailApp app(std::move(*config), std::move(towns), bus, connections, web_smtp.get(), clock,
                      stop);
    if (auto s = app.start(); !s) {
        log->critical("{}", s.error().message);
        return 1;
    }
    notify_ready();
    app.run();
    notify_stopping();
    app.stop();
    return 0;
}
