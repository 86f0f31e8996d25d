#include "adapters/line/line_config.h"

#include <filesystem>

#include "core/config/signing_config.h"

namespace alerthub::line {

Result<LineConfig> load_line_config(ConfigReader& c) {
    LineConfig cfg;
    cfg.mqtt = read_mqtt_config(c, "alerthub-line");
    cfg.monitoring = read_monitoring_config(c);
    cfg.signing = read_signing_config(c);

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
    cfg.town_blocks_file = c.get_path("line.town_blocks_file", "");
    if (!cfg.town_blocks_file.empty()) {
        if (auto blocks = TownBlocks::load(cfg.town_blocks_file); !blocks)
            c.error("line.town_blocks_file", blocks.error().message);
    }
    auto& d = cfg.delivery;
    d.batch_size = static_cast<int>(
        c.get_int("line.batch_size", kMulticastMaxRecipients, 1, kMulticastMaxRecipients));
    d.check_quota = c.get_bool("line.check_quota", true);
    d.max_rate_wait = std::chrono::milliseconds(c.get_int("line.max_rate_wait_ms", 2000, 0, 60000));
    d.max_in_flight = static_cast<int>(c.get_int("line.max_in_flight", d.max_in_flight, 1, 32));
    d.rate_limits.broadcast_per_hour = static_cast<int>(
        c.get_int("rate_limits.broadcast_per_hour", d.rate_limits.broadcast_per_hour, 1, 1000000));
    d.rate_limits.multicast_per_second = static_cast<int>(c.get_int(
        "rate_limits.multicast_per_second", d.rate_limits.multicast_per_second, 1, 1000000));

    auto& w = cfg.webhook;
    w.enabled = c.get_bool("webhook.enabled", false);
    w.host = c.get_string("webhook.listen_address", w.host);
    w.port = static_cast<int>(c.get_int("webhook.port", 8091, 0, 65535));
    w.path = c.get_string("webhook.path", w.path);
    if (w.path.empty() || w.path[0] != '/') c.error("webhook.path", "must start with '/'");
    w.max_body_bytes =
        static_cast<std::size_t>(c.get_int("webhook.max_body_bytes", 1048576, 1024, 67108864));
    w.reply_per_second =
        static_cast<int>(c.get_int("rate_limits.reply_per_second", w.reply_per_second, 1, 1000000));
    w.channel_secret = c.get_secret("webhook.channel_secret");
    if (w.enabled) {
        if (!c.has("webhook.channel_secret_file"))
            c.error("webhook.channel_secret_file",
                    "missing required key (a file holding the channel secret) when the webhook "
                    "is enabled");
        if (c.has("webhook.channel_secret_file") && w.channel_secret.empty())
            c.error("webhook.channel_secret_file", "the channel secret file is empty");
        if (cfg.town_blocks_file.empty())
            c.error("line.town_blocks_file",
                    "required when the webhook is enabled (subscribers choose town blocks)");
    }

    cfg.retry = read_retry_policy(c);
    cfg.state = read_delivery_store_settings(c, cfg.state);

    if (auto s = c.finish(); !s) return s.error();
    return cfg;
}

}  // namespace alerthub::line
