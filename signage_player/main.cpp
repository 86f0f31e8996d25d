// signage-player: full-screen alert display for ward buildings and stations.
#include <iostream>

#include "core/base/crypto.h"
#include "core/base/daemon.h"
#include "core/base/log.h"
#include "core/config/config.h"
#include "core/http/curl_http_client.h"
#include "core/mqtt/paho_message_bus.h"
#include "signage_player/player_app.h"
#include "signage_player/player_config.h"
#include "signage_player/render_once.h"
#include "signage_player/sdl_renderer.h"

int main(int argc, char** argv) {
    using namespace alerthub;
    // One frame to a PNG and exit (the staff console's signage preview).
    if (argc > 1 && std::string_view(argv[1]) == "--render")
        return player::render_once_main(argc, argv);
    auto args = parse_daemon_args(argc, argv, "signage-player", "/etc/alerthub/player.toml",
                                  {"--headless"});
    init_logging(args.log_level);
    auto reader = ConfigReader::load(args.config_path);
    if (!reader) {
        std::cerr << reader.error().message << "\n";
        return kExitConfig;
    }
    auto config = player::load_player_config(*reader);
    if (!config) {
        std::cerr << config.error().message << "\n";
        return kExitConfig;
    }
    if (args.check_config) {
        std::cout << args.config_path << ": ok\n";
        if (config->town_blocks_file.empty())
            std::cout << "warning: player.town_blocks_file is empty: areas match by code only; "
                         "orders for town blocks reach only screens that list them by code\n";
        return 0;
    }
    install_stop_signals();
    if (auto s = crypto_init(); !s) {
        get_logger("player")->critical("{}", s.error().message);
        return 1;
    }
    // The first curl_easy_init runs libcurl's global init: here, before any other thread.
    { CurlHttpClient init_curl; }

    SystemClock clock;
    MqttSettings settings = config->mqtt.settings;
    settings.will = player::offline_status(*config, clock.now());
    PahoMessageBus bus(settings);
    player::PlayerApp app(*config, args.has_flag("--headless"), bus, clock,
                          player::SdlRenderer::make);
    if (auto started = app.start(); !started) {
        get_logger("player")->error("cannot start: {}", started.error().message);
        return 1;
    }
    notify_ready();
    app.run(stop_requested);
    notify_stopping();
    app.shutdown();
    return 0;
}
