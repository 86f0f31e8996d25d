// line-adapter: delivers alerthub jobs on {root}/jobs/line as LINE broadcast messages and
// reports a receipt per job on {root}/receipts/line.

#include <fmt/format.h>

#include "adapters/line/line_api.h"
#include "adapters/line/line_channel.h"
#include "adapters/line/line_config.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/curl_http_client.h"
#include "core/daemon.h"
#include "core/delivery_loop.h"
#include "core/delivery_store.h"
#include "core/log.h"
#include "core/paho_message_bus.h"

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

    install_stop_signals();
    auto log = get_logger("line");
    if (auto s = crypto_init(); !s) {
        log->critical("{}", s.error().message);
        return 1;
    }
    auto store = DeliveryStore::open(config->state.path, line::line_store_schema());
    if (!store) {
        log->critical("state {}: {}", config->state.path, store.error().message);
        return 1;
    }
    // Its curl_easy_init runs libcurl's global init here, before any other thread exists.
    CurlHttpClient http;
    line::LineApi api(http, config->api_base, config->channel_access_token,
                      config->request_timeout);
    SystemClock clock;
    PahoMessageBus bus(config->mqtt.settings);
    line::LineChannel channel(api);
    DeliveryLoop adapter(config->mqtt.topics, config->retry, config->state.keep_days, bus, channel,
                         *store, clock);
    if (auto s = adapter.start(); !s) {
        log->critical("start: {}", s.error().message);
        return 1;
    }
    log->info("line-adapter {} started: jobs from {}, LINE API {}", ALERTHUB_VERSION,
              config->mqtt.topics.job(line::kChannel), config->api_base);
    notify_ready();

    adapter.run([] { return stop_requested(); });
    notify_stopping();
    log->info("stopping ({} job(s) unfinished; they resume on the next start)",
              adapter.active_jobs());
    bus.stop();
    return 0;
}
