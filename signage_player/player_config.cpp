#include "signage_player/player_config.h"

#include <unistd.h>

#include <filesystem>

#include "core/config/signing_config.h"
#include "core/protocol/site_link.h"
#include "core/protocol/topics.h"
#include "core/protocol/town_blocks.h"

namespace alerthub::player {
namespace {

void check_font(ConfigReader& config, const char* key, const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec) || access(path.c_str(), R_OK) != 0)
        config.error(key,
                     "font file '" + path +
                         "' is missing or unreadable (install fonts-noto-cjk and fonts-noto-core)");
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
    // The broker's ACL (scripts/broker-identity) grants a screen the topics of the device
    // named like its identity: any other name could publish nothing.
    if (!c.mqtt.settings.username.empty() && c.mqtt.settings.username != c.device_id)
        config.error("mqtt.username", "must be player.device_id (the screen's broker identity)");
    c.ward_name = config.get_string("player.ward_name", c.ward_name);
    c.location = config.get_string("player.location", c.location);
    if (!c.location.empty() && !valid_location_key(c.location))
        config.error("player.location",
                     "lower-case letters, digits and '-' (a key of the hub's locations file)");
    c.areas = config.get_strings("player.areas", c.areas);
    if (c.areas.empty())
        config.error("player.areas", "must list at least one area code (or \"*\")");
    for (auto& area : c.areas)
        if (area.empty()) config.error("player.areas", "area codes must not be empty");
    c.town_blocks_file = config.get_path("player.town_blocks_file", c.town_blocks_file);
    if (!c.town_blocks_file.empty()) {
        if (auto blocks = TownBlocks::load(c.town_blocks_file); !blocks)
            config.error("player.town_blocks_file",
                         blocks.error().message +
                             " (copy config/minato_town_blocks.tsv there, or set \"\" to match "
                             "area codes only)");
    }
    c.state_file = config.get_path("player.state_file", c.state_file);

    c.display.width = static_cast<int>(config.get_int("display.width", c.display.width, 320, 7680));
    c.display.height =
        static_cast<int>(config.get_int("display.height", c.display.height, 240, 4320));
    c.display.fullscreen = config.get_bool("display.fullscreen", c.display.fullscreen);
    c.display.font = config.get_path("display.font", c.display.font);
    c.display.bold_font = config.get_path("display.bold_font", c.display.bold_font);
    check_font(config, "display.font", c.display.font);
    check_font(config, "display.bold_font", c.display.bold_font);
    c.display.fallback_fonts =
        config.get_strings("display.fallback_fonts", c.display.fallback_fonts);
    for (auto& font : c.display.fallback_fonts) check_font(config, "display.fallback_fonts", font);
    c.display.languages = config.get_strings("display.languages", c.display.languages);
    for (auto& lang : c.display.languages)
        if (lang.empty()) config.error("display.languages", "language tags must not be empty");
    c.display.language_period_s = static_cast<int>(
        config.get_int("display.language_period_s", c.display.language_period_s, 2, 600));

    c.content.group = config.get_string("content.group", c.content.group);
    if (!c.content.group.empty() && !valid_topic_level(c.content.group))
        config.error("content.group", "must be one MQTT topic level (no '/', '+', '#')");
    c.content.cache_dir = config.get_path("content.cache_dir", c.content.cache_dir);
    if (c.content.cache_dir.empty()) config.error("content.cache_dir", "must not be empty");
    c.content.max_cache_mb =
        config.get_int("content.max_cache_mb", c.content.max_cache_mb, 16, 1 << 20);
    c.content.max_item_mb = config.get_int("content.max_item_mb", c.content.max_item_mb, 1, 4096);
    c.content.fetch_timeout_s = static_cast<int>(
        config.get_int("content.fetch_timeout_s", c.content.fetch_timeout_s, 1, 3600));

    c.screenshot_dir = config.get_path("headless.screenshot_dir", c.screenshot_dir);
    if (c.screenshot_dir.empty()) config.error("headless.screenshot_dir", "must not be empty");

    c.signing = read_signing_config(config);

    if (auto done = config.finish(); !done) return done.error();
    return c;
}

}  // namespace alerthub::player
