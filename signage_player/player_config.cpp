#include "signage_player/player_config.h"

#include <unistd.h>

#include <filesystem>

#include "core/topics.h"

namespace alerthub::player {
namespace {

void check_font(ConfigReader& config, const char* key, const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec) || access(path.c_str(), R_OK) != 0)
        config.error(key,
                     "font file '" + path + "' is missing or unreadable (install fonts-noto-cjk)");
}

}  // namespace

Result<PlayerConfig> load_player_config(ConfigReader& config) {
    PlayerConfig c;
    c.device_id = config.require_string("player.device_id");
    if (!c.device_id.empty() && !valid_topic_level(c.device_id))
        config.error("player.device_id", "must be one MQTT topic level (no '/', '+', '#')");
    // An invalid device id is reported once, above, not again as an invalid client id.
    c.mqtt =
        read_mqtt_config(config, "player-" + (valid_topic_level(c.device_id) ? c.device_id : ""));
    c.ward_name = config.get_string("player.ward_name", c.ward_name);
    c.areas = config.get_strings("player.areas", c.areas);
    if (c.areas.empty())
        config.error("player.areas", "must list at least one area code (or \"*\")");
    for (auto& area : c.areas)
        if (area.empty()) config.error("player.areas", "area codes must not be empty");
    c.state_file = config.get_path("player.state_file", c.state_file);

    c.display.width = static_cast<int>(config.get_int("display.width", c.display.width, 320, 7680));
    c.display.height =
        static_cast<int>(config.get_int("display.height", c.display.height, 240, 4320));
    c.display.fullscreen = config.get_bool("display.fullscreen", c.display.fullscreen);
    c.display.font = config.get_path("display.font", c.display.font);
    c.display.bold_font = config.get_path("display.bold_font", c.display.bold_font);
    check_font(config, "display.font", c.display.font);
    check_font(config, "display.bold_font", c.display.bold_font);

    c.screenshot_dir = config.get_path("headless.screenshot_dir", c.screenshot_dir);
    if (c.screenshot_dir.empty()) config.error("headless.screenshot_dir", "must not be empty");

    if (auto done = config.finish(); !done) return done.error();
    return c;
}

}  // namespace alerthub::player
