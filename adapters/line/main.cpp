// line-adapter: delivers alerthub jobs on {root}/jobs/line as LINE broadcast messages and
// reports a receipt per job on {root}/receipts/line.

#include <fmt/format.h>

#include <chrono>

#include "adapters/line/job_store.h"
#include "adapters/line/line_adapter.h"
#include "adapters/line/line_api.h"
#include "adapters/line/line_config.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/curl_http_client.h"
#include "core/daemon.h"
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
    auto store = line::JobStore::open(config->state_path);
    if (!store) {
        log->critical("state {}: {}", config->state_path, store.error().message);
        return 1;
    }
    // Its curl_easy_init runs libcurl's global init here, before any other thread exists.
    CurlHttpClient http;
    line::LineApi api(http, config->api_base, config->channel_access_token,
                      config->request_timeout);
    SystemClock clock;
    PahoMessageBus bus(config->mqtt.settings);
    line::LineAdapter adapter(config->mqtt.topics, config->retry, config->keep_days, bus, api,
                              *store, clock);
    if (auto s = adapter.start(); !s) {
        log->critical("start: {}", s.error().message);
        return 1;
    }
    log->info("line-adapter {} started: jobs from {}, LINE API {}", ALERTHUB_VERSION,
              config->mqtt.topics.job(line::kChannel), config->api_base);
    notify_ready();

    while (!stop_requested()) {
        adapter.poll(std::chrono::milliseconds(200));
        notify_watchdog();
    }
    notify_stopping();
    log->info("stopping ({} job(s) unfinished; they resume on the next start)",
              adapter.active_jobs());
    bus.stop();
    return 0;
}
