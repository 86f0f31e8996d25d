#pragma once
// The line-adapter's configuration: one TOML file (config/line.toml.example documents every
// key), read in one place into this struct.

#include <chrono>
#include <string>

#include "adapters/common/delivery_store.h"
#include "adapters/line/line_channel.h"
#include "adapters/line/webhook_server.h"
#include "core/base/result.h"
#include "core/base/retry_policy.h"
#include "core/config/config.h"
#include "core/protocol/signature.h"

namespace alerthub::line {

struct LineConfig {
    MqttConfig mqtt;
    MonitoringConfig monitoring;  // [monitoring]: /metrics and /health on loopback
    SignatureVerifier signing;    // [signing] public_keys: jobs must carry the hub's signature
    std::string api_base = "https://api.line.me";  // no trailing '/'
    std::string channel_access_token;              // from line.channel_access_token_file
    std::chrono::milliseconds request_timeout{10000};
    // The ward's town blocks (config/minato_town_blocks.tsv); "" sends every job as a
    // broadcast.
    std::string town_blocks_file;
    LineSettings delivery;
    WebhookSettings webhook;
    RetryPolicy retry;
    DeliveryStoreSettings state{"/var/lib/alerthub/line.db"};
};

// Reads every key and reports every problem at once (with file and line), including keys
// nobody asked for.
Result<LineConfig> load_line_config(ConfigReader& config);

}  // namespace alerthub::line
