#pragma once
// The player's typed configuration (player.toml), read in one place. Every key and its
// default is documented in config/player.toml.example.

#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"

namespace alerthub::player {

inline constexpr const char* kDefaultFont =
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
inline constexpr const char* kDefaultBoldFont =
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc";

struct DisplayConfig {
    int width = 1920;
    int height = 1080;
    bool fullscreen = true;
    std::string font = kDefaultFont;
    std::string bold_font = kDefaultBoldFont;
};

struct PlayerConfig {
    MqttConfig mqtt;
    std::string device_id;
    std::string ward_name = "港区";
    std::vector<std::string> areas = {"131032"};  // JIS X 0402 code of Minato City
    std::string state_file;  // last known alerts, for a reboot while offline; empty: off
    DisplayConfig display;
    std::string screenshot_dir = "/var/lib/alerthub/player/screens";
};

// Reads every section and calls config.finish(): the error lists every problem found.
Result<PlayerConfig> load_player_config(ConfigReader& config);

}  // namespace alerthub::player
