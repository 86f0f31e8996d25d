#pragma once
// The line-adapter's configuration: one TOML file (config/line.toml.example documents every
// key), read in one place into this struct.

#include <chrono>
#include <string>

#include "core/config.h"
#include "core/result.h"

namespace alerthub::line {

// Exponential backoff between attempts of one job.
struct RetryPolicy {
    std::chrono::milliseconds initial_backoff{1000};
    std::chrono::milliseconds max_backoff{60000};
    int max_attempts = 8;

    // The wait after the `attempt`-th failed attempt (1-based): initial * 2^(attempt-1),
    // capped at max_backoff.
    std::chrono::milliseconds backoff_after(int attempt) const;
};

struct LineConfig {
    MqttConfig mqtt;
    std::string api_base = "https://api.line.me";  // no trailing '/'
    std::string channel_access_token;              // from line.channel_access_token_file
    std::chrono::milliseconds request_timeout{10000};
    RetryPolicy retry;
    std::string state_path = "/var/lib/alerthub/line.db";
    int keep_days = 30;  // finished jobs older than this are forgotten
};

// Reads every key and reports every problem at once (with file and line), including keys
// nobody asked for.
Result<LineConfig> load_line_config(ConfigReader& config);

}  // namespace alerthub::line
