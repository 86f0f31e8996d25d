#pragma once
// One TOML file per binary, read in one place into a typed struct. Every problem is
// reported with file and line; keys nobody asked for are errors, so a typo never silently
// falls back to a default. Secrets are never in the file: a "<key>_file" names a file
// holding them (or a systemd credential).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/health.h"
#include "core/base/result.h"
#include "core/base/retry_policy.h"
#include "core/mqtt/mqtt_settings.h"
#include "core/protocol/topics.h"

namespace alerthub {

// Exit status for bad config or CLI; units set RestartPreventExitStatus=78.
inline constexpr int kExitConfig = 78;

class ConfigReader {
public:
    // Parses `path`; a syntax error is reported with its line and column.
    static Result<ConfigReader> load(const std::string& path);
    // For tests and inline defaults.
    static Result<ConfigReader> parse(std::string_view toml, std::string source_name);

    ConfigReader(ConfigReader&&) noexcept;
    ConfigReader& operator=(ConfigReader&&) noexcept;
    ~ConfigReader();

    // Keys are dotted paths: "mqtt.uri". A present key of the wrong type is an error.
    std::string get_string(std::string_view key, std::string fallback);
    std::string require_string(std::string_view key);
    std::int64_t get_int(std::string_view key, std::int64_t fallback, std::int64_t min,
                         std::int64_t max);
    bool get_bool(std::string_view key, bool fallback);
    double get_double(std::string_view key, double fallback);
    std::vector<std::string> get_strings(std::string_view key, std::vector<std::string> fallback);
    // The contents of the file named by "<key>_file" (trailing newline trimmed), or
    // `fallback` when that key is absent. Paths are relative to the config file.
    std::string get_secret(std::string_view key, std::string fallback = "");
    // A path, resolved relative to the config file's folder.
    std::string get_path(std::string_view key, std::string fallback);
    bool has(std::string_view key) const;
    // The keys of the table at `key` in file order ("" is the root); empty when there is no
    // such table. Lets data files (the hub's phrase bank) have keys chosen by their authors.
    std::vector<std::string> table_keys(std::string_view key) const;

    // Records a problem with a key's value ("file:line: key: message").
    void error(std::string_view key, std::string_view message);

    // All problems so far plus one per unknown key; ok when there are none.
    Status finish();

private:
    struct Impl;
    explicit ConfigReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The [mqtt] section every binary shares.
struct MqttConfig {
    MqttSettings settings;
    Topics topics;
};
MqttConfig read_mqtt_config(ConfigReader& config, std::string default_client_id);

// Command line shared by every daemon: --config PATH, --check-config, --version,
// --log-level LEVEL. Exits with kExitConfig on bad usage, 0 for --version/--help.
struct DaemonArgs {
    std::string config_path;
    bool check_config = false;
    std::string log_level;           // empty: from SPDLOG_LEVEL, else info
    std::vector<std::string> flags;  // the extra flags given, e.g. "--headless"
    std::vector<std::string> rest;   // positional arguments

    bool has_flag(std::string_view flag) const;
};
DaemonArgs parse_daemon_args(int argc, char** argv, std::string_view program,
                             std::string_view default_config,
                             std::initializer_list<std::string_view> extra_flags = {});

// The [retry] section: initial_backoff_ms, max_backoff_ms, max_attempts (problems are
// recorded in `config`).
RetryPolicy read_retry_policy(ConfigReader& config);

// The [monitoring] section: listen_host (loopback only) and listen_port (0: off).
MonitoringConfig read_monitoring_config(ConfigReader& config);

}  // namespace alerthub
