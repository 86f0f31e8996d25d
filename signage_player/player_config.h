#pragma once
// The player's typed configuration (player.toml), read in one place. Every key and its
// default is documented in config/player.toml.example.

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/config/config.h"
#include "core/protocol/signature.h"

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
    // For words the CJK font cannot draw (Vietnamese, Nepali, Thai, ...), tried in order.
    std::vector<std::string> fallback_fonts = {
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",
    };
    // The alert text rotates through these languages (those the alert has), then the
    // alert's other languages, each for language_period_s.
    std::vector<std::string> languages = {"ja", "en", "zh-Hans", "ko", "ja-x-easy"};
    int language_period_s = 10;
};

// Ordinary content: the playlist of one device group and its media cache.
struct ContentConfig {
    std::string group;  // {root}/content/{group}; empty: no ordinary content
    std::string cache_dir = "/var/lib/alerthub/player/cache";
    std::int64_t max_cache_mb = 2048;
    std::int64_t max_item_mb = 100;
    int fetch_timeout_s = 60;
};

struct PlayerConfig {
    MqttConfig mqtt;
    std::string device_id;
    std::string ward_name = "港区";
    // Where this screen stands: a key of the hub's [site] locations_file; its QR codes lead
    // to that location's page of the alert. "": the alert's own page.
    std::string location;
    std::vector<std::string> areas = {"131032"};  // JIS X 0402 code of Minato City
    // The ward's town blocks, for matching areas by block code, name and town; empty: off
    // (only code forms match, with a warning in the log and the status).
    std::string town_blocks_file = "/etc/alerthub/minato_town_blocks.tsv";
    std::string state_file;  // last known alerts, for a reboot while offline; empty: off
    DisplayConfig display;
    ContentConfig content;
    std::string screenshot_dir = "/var/lib/alerthub/player/screens";
    // [signing] public_keys: alerts, playlists and commands must carry the hub's signature.
    SignatureVerifier signing;
};

// Reads every section and calls config.finish(): the error lists every problem found.
Result<PlayerConfig> load_player_config(ConfigReader& config);

}  // namespace alerthub::player
