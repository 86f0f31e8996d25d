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
#include "core/http/http_server.h"
#include "core/protocol/signature.h"
#include "hub/console/console_config.h"
#include "hub/doors/http_ingest.h"
#include "hub/doors/jma_feed/jma_feed_config.h"
#include "hub/journal/outbox.h"
#include "hub/policy/area_router.h"
#include "hub/policy/freshness.h"
#include "hub/policy/lifecycle.h"
#include "hub/policy/lifetimes.h"
#include "hub/policy/phrase_bank.h"
#include "hub/policy/ward_reading.h"
#include "hub/site/site_config.h"
#include "hub/site/site_publisher.h"

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
    // ingest.token_file: the single token of older set-ups, which speaks for every source
    // (HubApp grants it JMA, L-Alert and CAP, any sender but the console's). Never logged.
    std::string ingest_token;
    // [ingest.tokens.<name>]: a token per source, each with what it may speak for.
    std::vector<IngestToken> ingest_tokens;
    // [http]: every HTTP listener of the hub (ingest, console): the request deadline,
    // workers, keep-alive, trusted reverse proxies.
    HttpServerOptions http;
    std::size_t max_document_bytes = kDefaultMaxDocumentBytes;
    std::vector<std::string> channels = {"line", "mail"};
    // [delivery] job_resend_*, [retained]: how the outbox follows up what it published.
    OutboxOptions outbox;
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
    // [jma] lifetimes: each JMA type's default lifetime (hub/policy/lifetimes.h); empty: the
    // lifetimes.tsv beside [area] jma_table.
    std::string jma_lifetimes;
    // [ingest] max_future_s: a document sent further ahead of the hub's clock is refused (L8).
    std::chrono::seconds max_future = kDefaultMaxFuture;
    // Loaded by load_hub_data() from the two above; null in tests that build a HubConfig
    // by hand (nothing phrased, everything sent).
    std::shared_ptr<const PhraseBank> phrases;
    std::shared_ptr<const AreaRouter> router;
    std::shared_ptr<const LifetimeTable> lifetimes;  // null: no default ends (tests)
    site::SiteConfig site;                           // [site]: the public static site
    // Loaded by load_hub_data() when [site] is enabled.
    std::shared_ptr<const site::SiteData> site_data;
};

// Every problem at once (file:line: key: message), joined by newlines.
Result<HubConfig> load_hub_config(ConfigReader& config);

// Loads the data files the config names (the phrase bank, the JMA area table) and builds the
// area router. A problem here is a config error too (exit 78); --check-config checks them.
Status load_hub_data(HubConfig& config);

}  // namespace alerthub::hub
