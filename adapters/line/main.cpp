// line-adapter: delivers alerthub jobs on {root}/jobs/line to LINE (a broadcast for the
// whole ward, multicasts by language for town blocks), serves LINE's webhook for
// subscribers, and reports a receipt per job on {root}/receipts/line.
// `line-adapter subscribers import|export FILE` moves subscribers in and out as CSV;
// `backup DIR` / `restore FILE` copy its database (core/storage/backup.h).
// Everything but start-up, the technologies and shutdown lives in line_lib (LineApp).

#include <fmt/format.h>

#include <iostream>

#include <memory>
#include <thread>

#include "adapters/line/http_client_pool.h"
#include "adapters/line/line_app.h"
#include "adapters/line/line_config.h"
#include "adapters/line/subscriber_csv.h"
#include "core/base/crypto.h"
#include "core/base/daemon.h"
#include "core/base/log.h"
#include "core/config/config.h"
#include "core/http/curl_http_client.h"
#include "core/mqtt/paho_message_bus.h"
#include "core/storage/backup.h"

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
    if (!args.rest.empty() && is_backup_command(args.rest.front())) {
        SystemClock clock;
        return run_backup_command(args.rest, config->state.path, "line-adapter", clock, std::cout,
                                  std::cerr);
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
    // Their curl_easy_init runs libcurl's global init here, before any other thread exists.
    // One client per thread: the delivery loop's multicasts in flight and the webhook
    // replier's.
    line::HttpClientPool http(config->delivery.max_in_flight,
                              [] { return std::make_unique<CurlHttpClient>(); });
    CurlHttpClient reply_http;
    SystemClock clock;
    PahoMessageBus bus(config->mqtt.settings);
    line::LineApp app(std::move(*config), bus, http, reply_http, clock,
                      [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); });
    if (auto s = app.start(); !s) {
        log->critical("{}", s.error().message);
        return 1;
    }
    notify_ready();
    app.run([] { return stop_requested(); });
    notify_stopping();
    app.stop();
    return 0;
}
