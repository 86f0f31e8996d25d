#include "hub/hub_config.h"

#include <fmt/format.h>

#include <algorithm>

namespace alerthub::hub {

Result<HubConfig> load_hub_config(ConfigReader& c) {
    HubConfig cfg;
    cfg.mqtt = read_mqtt_config(c, "alerthub-hub");
    cfg.journal_path = c.get_path("journal.path", cfg.journal_path);
    if (cfg.journal_path.empty()) c.error("journal.path", "must not be empty");
    cfg.spool_dir = c.get_path("spool.dir", cfg.spool_dir);
    if (cfg.spool_dir.empty()) c.error("spool.dir", "must not be empty");
    cfg.spool_poll_ms = static_cast<int>(c.get_int("spool.poll_ms", cfg.spool_poll_ms, 10, 60000));
    cfg.listen_host = c.get_string("ingest.listen_host", cfg.listen_host);
    if (cfg.listen_host.empty()) c.error("ingest.listen_host", "must not be empty");
    cfg.listen_port = static_cast<int>(c.get_int("ingest.listen_port", cfg.listen_port, 1, 65535));
    if (!c.has("ingest.token_file")) {
        c.error("ingest", "ingest.token_file is required (a file holding the bearer token)");
    } else {
        cfg.ingest_token = c.get_secret("ingest.token");
        if (cfg.ingest_token.size() < kMinTokenLength)
            c.error("ingest.token_file",
                    fmt::format("the token must be at least {} characters", kMinTokenLength));
    }
    cfg.max_document_bytes = static_cast<std::size_t>(
        c.get_int("ingest.max_document_bytes", static_cast<std::int64_t>(cfg.max_document_bytes),
                  1024, 64 * 1024 * 1024));
    cfg.channels = c.get_strings("delivery.channels", cfg.channels);
    for (size_t i = 0; i < cfg.channels.size(); ++i) {
        const auto& ch = cfg.channels[i];
        if (!valid_topic_level(ch))
            c.error("delivery.channels", fmt::format("'{}' is not a valid channel name", ch));
        if (std::find(cfg.channels.begin(), cfg.channels.begin() + static_cast<long>(i), ch) !=
            cfg.channels.begin() + static_cast<long>(i))
            c.error("delivery.channels", fmt::format("'{}' is listed twice", ch));
    }
    if (auto s = c.finish(); !s) return s.error();
    return cfg;
}

}  // namespace alerthub::hub
