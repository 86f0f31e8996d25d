// line-adapter: delivers alerthub jobs on {root}/jobs/line to LINE (a broadcast for the
// whole ward, multicasts by language for town blocks), serves LINE's webhook for
// subscribers, and reports a receipt per job on {root}/receipts/line.
// `line-adapter subscribers import|export FILE` moves subscribers in and out as CSV.

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <thread>

#include "adapters/common/delivery_loop.h"
#include "adapters/common/delivery_store.h"
#include "adapters/line/batch_store.h"
#include "adapters/line/http_client_pool.h"
#include "adapters/line/line_api.h"
#include "adapters/line/line_channel.h"
#include "adapters/line/line_config.h"
#include "adapters/line/line_webhook.h"
#include "adapters/line/subscriber_csv.h"
#include "adapters/line/subscriber_store.h"
#include "adapters/line/webhook_server.h"
#include "core/base/crypto.h"
#include "core/base/daemon.h"
#include "core/base/log.h"
#include "core/config/config.h"
#include "core/http/curl_http_client.h"
#include "core/mqtt/paho_message_bus.h"
#include "core/protocol/town_blocks.h"

int main(int argc, char** argv) {
    using namespace alerthub;
    auto args = parse_daemon_args(argc, argv, "line-adapter", "/etc/alerthub/line.toml");
    init_logging(args.log_level);

    auto reader = ConfigReader::load(args.config_path);
    if (!reader) {
        fmt::print(stderr, "line-adapter: {}\n", reader.error().message);
        return kExitConfig;
    }
    auto config = line::load_line_config(*reader);
    if (!config) {
        fmt::print(stderr, "{}\n", config.error().message);
        return kExitConfig;
    }
    if (args.check_config) {
        fmt::print("{}: configuration OK\n", args.config_path);
        return 0;
    }
    if (!args.rest.empty())
        return line::run_subscriber_command(args.rest, config->state.path,
                                            config->town_blocks_file);

    install_stop_signals();
    auto log = get_logger("line");
    if (auto s = crypto_init(); !s) {
        log->critical("{}", s.error().message);
        return 1;
    }
    auto store = DeliveryStore::open(config->state.path, line::line_store_schema());
    auto batches = line::LineBatchStore::open(config->state.path);
    auto subscribers = line::SubscriberStore::open(config->state.path);
    for (auto* error : {store ? nullptr : &store.error(), batches ? nullptr : &batches.error(),
                        subscribers ? nullptr : &subscribers.error()}) {
        if (!error) continue;
        log->critical("state {}: {}", config->state.path, error->message);
        return 1;
    }
    std::optional<TownBlocks> blocks;
    if (!config->town_blocks_file.empty()) {
        auto loaded = TownBlocks::load(config->town_blocks_file);
        if (!loaded) {
            log->critical("{}", loaded.error().message);
            return 1;
        }
        blocks = std::move(*loaded);
    }

    // Their curl_easy_init runs libcurl's global init here, before any other thread exists.
    // One client per thread: the delivery loop's multicasts in flight and the webhook
    // replier's.
    line::HttpClientPool http(config->delivery.max_in_flight,
                              [] { return std::make_unique<CurlHttpClient>(); });
    CurlHttpClient reply_http;
    line::LineApi api(http, config->api_base, config->channel_access_token,
                      config->request_timeout);
    line::LineApi reply_api(reply_http, config->api_base, config->channel_access_token,
                            config->request_timeout);
    SystemClock clock;
    PahoMessageBus bus(config->mqtt.settings);
    line::LineChannel channel(api, config->delivery, *batches, &*subscribers,
                              blocks ? &*blocks : nullptr, clock,
                              [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); });
    DeliveryLoop adapter(config->mqtt.topics, config->retry, config->state.keep_days, bus, channel,
                         *store, clock);
    if (auto s = adapter.start(); !s) {
        log->critical("start: {}", s.error().message);
        return 1;
    }
    if (auto forgotten = batches->forget_unknown_jobs(); !forgotten)
        log->warn("state: cannot forget old batches: {}", forgotten.error().message);

    std::optional<line::LineWebhook> webhook;
    std::optional<line::WebhookServer> server;
    if (config->webhook.enabled) {
        webhook.emplace(config->webhook.channel_secret, *subscribers, *blocks, clock);
        server.emplace(config->webhook, *webhook, reply_api);
        if (auto s = server->start(); !s) {
            log->critical("{}", s.error().message);
            return 1;
        }
        log->info("webhook on http://{}:{}{}", config->webhook.host, server->port(),
                  config->webhook.path);
    }
    auto subscriber_count = subscribers->count();
    log->info("line-adapter {} started: jobs from {}, LINE API {}, {} subscriber(s)",
              ALERTHUB_VERSION, config->mqtt.topics.job(line::kChannel), config->api_base,
              subscriber_count ? *subscriber_count : -1);
    notify_ready();

    adapter.run([] { return stop_requested(); });
    notify_stopping();
    if (server) server->stop();
    log->info("stopping ({} job(s) unfinished; they resume on the next start)",
              adapter.active_jobs());
    bus.stop();
    return 0;
}
