// alerthub-hub: ingest CAP documents (spool folder, HTTP), journal them, publish alerts and
// delivery jobs over MQTT. Everything but start-up and shutdown lives in hub_lib (HubApp).
#include <iostream>

#include "core/base/crypto.h"
#include "core/base/daemon.h"
#include "core/base/log.h"
#include "core/config/config.h"
#include "core/mqtt/paho_message_bus.h"
#include "hub/hub_app.h"
#include "hub/hub_config.h"
#include "hub/signing_bus.h"

int main(int argc, char** argv) {
    using namespace alerthub;
    auto args = parse_daemon_args(argc, argv, "alerthub-hub", "/etc/alerthub/hub.toml");
    init_logging(args.log_level);
    auto log = get_logger("hub");

    auto reader = ConfigReader::load(args.config_path);
    if (!reader) {
        std::cerr << reader.error().message << "\n";
        return kExitConfig;
    }
    auto config = hub::load_hub_config(*reader);
    if (!config) {
        std::cerr << config.error().message << "\n";
        return kExitConfig;
    }
    if (auto s = hub::load_hub_data(*config); !s) {
        std::cerr << args.config_path << ": " << s.error().message << "\n";
        return kExitConfig;
    }
    if (args.check_config) {
        std::cout << args.config_path << ": ok\n";
        return 0;
    }
    if (auto s = crypto_init(); !s) {
        log->critical("{}", s.error().message);
        return 1;
    }
    install_stop_signals();

    SystemClock clock;
    PahoMessageBus paho(config->mqtt.settings);
    // Everything the hub publishes goes out signed (docs/protocol.md, "Signatures").
    hub::SigningMessageBus bus(paho, config->signing_key);
    log->info("signing what it publishes with key '{}'", config->signing_key.kid);
    hub::HubApp app(std::move(*config), bus, clock);
    if (auto s = app.start(); !s) {
        log->critical("cannot start: {}", s.error().message);
        return 1;
    }
    notify_ready();
    app.run([] { return stop_requested(); });
    notify_stopping();
    log->info("stopping");
    app.stop();
    log->info("stopped");
    return 0;
}
