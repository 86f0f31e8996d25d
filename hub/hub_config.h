#pragma once
// hub.toml, read in one place (documented key by key in config/hub.toml.example).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/config/config.h"
#include "core/protocol/signature.h"
#include "hub/console/console_config.h"
#include "hub/doors/jma_feed/jma_feed_config.h"
#include "hub/policy/area_router.h"
#include "hub/policy/freshness.h"
#include "hub/policy/phrase_bank.h"
#include "hub/policy/ward_reading.h"

namespace alerthub::hub {

inline constexpr std::size_t kDefaultMaxDocumentBytes = 1048576;
inline constexpr std::size_t kMinTokenLength = 16;

struct HubConfig {
    MqttConfig mqtt;
    MonitoringConfig monitoring;  // [monitoring]: /metrics and /health on loopback
    std::string journal_path = "/var/lib/alerthub/journal.db";
    std::string spool_dir = "/var/lib/alerthub/spool";
    int spool_poll_ms = 200;
    std::string listen_host = "127.0.0.1";
    int listen_port = 8080;
    std::string ingest_token;  // from ingest.token_file; never logged
    std::size_t max_document_bytes = kDefaultMaxDocumentBytes;
    std::vector<std::string> channels = {"line", "mail"};
    // [signing] key_file: what the hub signs every published payload with (main() wraps the
    // bus in a SigningMessageBus). Empty kid only in tests that build a HubConfig by hand.
    SigningKey signing_key;
    JmaFeedConfig jma_feed;
    console::ConsoleConfig console;
    AreaSettings area;                                  // [area]
    std::string phrases_dir = "/etc/alerthub/phrases";  // [phrases] dir
    // [jma] max_age_s: a JMA telegram sent longer ago than this when it arrives is journaled,
    // not published (hub/policy/freshness.h).
    std::chrono::seconds jma_max_age = kDefaultJmaMaxAge;
    WardThresholds ward_thresholds;  // [jma] screens_intensity, everyone_intensity
    // Loaded by load_hub_data() from the two above; null in tests that build a HubConfig
    // by hand (nothing phrased, everything sent).
    std::shared_ptr<const PhraseBank> phrases;
    std::shared_ptr<const AreaRouter> router;
};

// Every problem at once (file:line: key: message), joined by newlines.
Result<HubConfig> load_hub_config(ConfigReader& config);

// Loads the data files the config names (the phrase bank, the JMA area table) and builds the
// area router. A problem here is a config error too (exit 78); --check-config checks them.
Status load_hub_data(HubConfig& config);

}  // namespace alerthub::hub
