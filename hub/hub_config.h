#pragma once
// hub.toml, read in one place (documented key by key in config/hub.toml.example).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "hub/area_router.h"
#include "hub/console/console_config.h"
#include "hub/phrase_bank.h"

namespace alerthub::hub {

inline constexpr std::size_t kDefaultMaxDocumentBytes = 1048576;
inline constexpr std::size_t kMinTokenLength = 16;

// [jma_feed]: the JMA Atom feed poller (hub/jma_feed_poller.h).
struct JmaFeedConfig {
    bool enabled = false;
    // Each feed NAME is read from base_url + NAME + ".xml" (the high-frequency feed, every
    // interval) and base_url + NAME + "_l.xml" (the long feed, after an outage).
    std::string base_url = "https://www.data.jma.go.jp/developer/xml/feed/";
    std::vector<std::string> feeds = {"regular", "extra", "eqvol"};
    int interval_s = 60;
    int timeout_s = 20;
    std::size_t max_feed_bytes = 16 * 1024 * 1024;
    // A feed not read successfully for longer than this may have dropped entries off its
    // end: the long feed is read to fill the gap (JMA's high-frequency feeds list at least
    // the last 10 minutes).
    int catch_up_after_s = 600;
    int retry_initial_s = 5;
    int retry_max_s = 600;
    // An entry whose link keeps answering a definite HTTP error (404, 403...) is given up
    // after this many attempts; timeouts and 5xx are retried for as long as it is kept.
    int max_attempts = 10;
    int keep_days = 10;  // entries are remembered (and fetched) only this long
};

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
    JmaFeedConfig jma_feed;
    console::ConsoleConfig console;
    AreaSettings area;                                  // [area]
    std::string phrases_dir = "/etc/alerthub/phrases";  // [phrases] dir
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
