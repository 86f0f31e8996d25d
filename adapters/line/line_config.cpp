#include "adapters/line/line_config.h"

#include <algorithm>
#include <filesystem>

namespace alerthub::line {

std::chrono::milliseconds RetryPolicy::backoff_after(int attempt) const {
    auto wait = initial_backoff;
    for (int i = 1; i < attempt && wait < max_backoff; ++i) wait *= 2;
    return std::min(wait, max_backoff);
}

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

    cfg.retry.initial_backoff =
        std::chrono::milliseconds(c.get_int("retry.initial_backoff_ms", 1000, 1, 3600000));
    cfg.retry.max_backoff =
        std::chrono::milliseconds(c.get_int("retry.max_backoff_ms", 60000, 1, 86400000));
    cfg.retry.max_attempts = static_cast<int>(c.get_int("retry.max_attempts", 8, 1, 1000));
    if (cfg.retry.max_backoff < cfg.retry.initial_backoff)
        c.error("retry.max_backoff_ms", "must not be less than retry.initial_backoff_ms");

    cfg.state_path = c.get_path("state.path", cfg.state_path);
    if (cfg.state_path.empty()) c.error("state.path", "must not be empty");
    cfg.keep_days = static_cast<int>(c.get_int("state.keep_days", 30, 1, 3650));

    if (auto s = c.finish(); !s) return s.error();
    return cfg;
}

}  // namespace alerthub::line
