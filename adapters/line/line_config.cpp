#include "adapters/line/line_config.h"

#include <filesystem>

namespace alerthub::line {

Result<LineConfig> load_line_config(ConfigReader& c) {
    LineConfig cfg;
    cfg.mqtt = read_mqtt_config(c, "alerthub-line");

    cfg.api_base = c.get_string("line.api_base", cfg.api_base);
    while (!cfg.api_base.empty() && cfg.api_base.back() == '/') cfg.api_base.pop_back();
    if (cfg.api_base.rfind("https://", 0) != 0 && cfg.api_base.rfind("http://", 0) != 0)
        c.error("line.api_base", "must be an http:// or https:// URL");

    if (!c.has("line.channel_access_token_file")) {
        c.error("line.channel_access_token_file",
                "missing required key (a file holding the channel access token)");
    } else {
        auto token_path = c.get_path("line.channel_access_token_file", "");
        cfg.channel_access_token = c.get_secret("line.channel_access_token");  // reports unreadable
        std::error_code ec;
        if (cfg.channel_access_token.empty() && std::filesystem::is_regular_file(token_path, ec))
            c.error("line.channel_access_token_file", "the token file is empty");
        else if (cfg.channel_access_token.find_first_of(" \t\r\n") != std::string::npos)
            c.error("line.channel_access_token_file", "the token must be one line without spaces");
    }
    cfg.request_timeout =
        std::chrono::milliseconds(c.get_int("line.request_timeout_ms", 10000, 100, 300000));

    cfg.retry = read_retry_policy(c);
    cfg.state = read_delivery_store_settings(c, cfg.state);

    if (auto s = c.finish(); !s) return s.error();
    return cfg;
}

}  // namespace alerthub::line
