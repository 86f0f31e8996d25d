#pragma once
// hub.toml, read in one place (documented key by key in config/hub.toml.example).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"

namespace alerthub::hub {

inline constexpr std::size_t kDefaultMaxDocumentBytes = 1048576;
inline constexpr std::size_t kMinTokenLength = 16;

struct HubConfig {
    MqttConfig mqtt;
    std::string journal_path = "/var/lib/alerthub/journal.db";
    std::string spool_dir = "/var/lib/alerthub/spool";
    int spool_poll_ms = 200;
    std::string listen_host = "127.0.0.1";
    int listen_port = 8080;
    std::string ingest_token;  // from ingest.token_file; never logged
    std::size_t max_document_bytes = kDefaultMaxDocumentBytes;
    std::vector<std::string> channels = {"line", "mail"};
};

// Every problem at once (file:line: key: message), joined by newlines.
Result<HubConfig> load_hub_config(ConfigReader& config);

}  // namespace alerthub::hub
