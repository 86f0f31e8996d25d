// mail-adapter: delivers alerthub jobs on {root}/jobs/mail as 防災情報メール over SMTP and
// reports a receipt per job on {root}/receipts/mail.

#include <fmt/format.h>

#include "adapters/mail/curl_smtp_client.h"
#include "adapters/mail/mail_channel.h"
#include "adapters/mail/mail_config.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/daemon.h"
#include "core/delivery_loop.h"
#include "core/delivery_store.h"
#include "core/log.h"
#include "core/paho_message_bus.h"

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
    if (args.check_config) {
        fmt::print("{}: configuration OK ({} recipient(s))\n", args.config_path,
                   config->recipients.size());
        return 0;
    }

    install_stop_signals();
    auto log = get_logger("mail");
    for (auto s : {crypto_init(), mail::curl_global_setup()}) {
        if (!s) {
            log->critical("{}", s.error().message);
            return 1;
        }
    }
    auto store = DeliveryStore::open(config->state.path, mail::mail_store_schema());
    if (!store) {
        log->critical("state {}: {}", config->state.path, store.error().message);
        return 1;
    }
    mail::CurlSmtpClient smtp(config->smtp, [] { return stop_requested(); });
    SystemClock clock;
    PahoMessageBus bus(config->mqtt.settings);
    mail::MailChannel channel(mail::mail_settings(*config), smtp, *store, clock);
    DeliveryLoop adapter(config->mqtt.topics, config->retry, config->state.keep_days, bus, channel,
                         *store, clock);
    if (auto s = adapter.start(); !s) {
        log->critical("start: {}", s.error().message);
        return 1;
    }
    log->info("mail-adapter {} started: jobs from {}, SMTP {}, {} recipient(s)", ALERTHUB_VERSION,
              config->mqtt.topics.job(mail::kChannel), config->smtp.url, config->recipients.size());
    notify_ready();

    adapter.run([] { return stop_requested(); });
    notify_stopping();
    log->info("stopping ({} job(s) unfinished; they resume on the next start)",
              adapter.active_jobs());
    bus.stop();
    return 0;
}
