#include "core/config/config.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

namespace alerthub {

struct ConfigReader::Impl {
    toml::table root;
    std::string source;
    std::filesystem::path base_dir;
    std::set<std::string> used;
    std::vector<std::string> errors;

    const toml::node* find(std::string_view key) {
        used.insert(std::string(key));
        return root.at_path(key).node();
    }
    std::string where(std::string_view key) {
        const toml::node* n = root.at_path(key).node();
        if (n && n->source().begin.line)
            return fmt::format("{}:{}", source, n->source().begin.line);
        return source;
    }
    void type_error(std::string_view key, std::string_view expected) {
        errors.push_back(fmt::format("{}: {}: expected {}", where(key), key, expected));
    }
    void collect_unknown(const toml::table& table, const std::string& prefix) {
        for (auto& [k, v] : table) {
            std::string key =
                prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
            if (auto* sub = v.as_table(); sub && !used.count(key)) {
                collect_unknown(*sub, key);
            } else if (!used.count(key)) {
                errors.push_back(
                    fmt::format("{}:{}: unknown key '{}'", source, v.source().begin.line, key));
            }
        }
    }
};

ConfigReader::ConfigReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ConfigReader::ConfigReader(ConfigReader&&) noexcept = default;
ConfigReader& ConfigReader::operator=(ConfigReader&&) noexcept = default;
ConfigReader::~ConfigReader() = default;

Result<ConfigReader> ConfigReader::parse(std::string_view text, std::string source_name) {
    auto impl = std::make_unique<Impl>();
    impl->source = std::move(source_name);
    try {
        impl->root = toml::parse(text, impl->source);
    } catch (const toml::parse_error& e) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("{}:{}:{}: {}", impl->source, e.source().begin.line,
                                      e.source().begin.column, e.description()));
    }
    return ConfigReader(std::move(impl));
}

Result<ConfigReader> ConfigReader::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::kNotFound, fmt::format("{}: cannot open", path));
    std::stringstream buf;
    buf << in.rdbuf();
    auto reader = parse(buf.str(), path);
    if (reader) reader->impl_->base_dir = std::filesystem::path(path).parent_path();
    return reader;
}

bool ConfigReader::has(std::string_view key) const {
    return impl_->root.at_path(key).node() != nullptr;
}

std::vector<std::string> ConfigReader::table_keys(std::string_view key) const {
    const toml::table* table = key.empty() ? &impl_->root : impl_->root.at_path(key).as_table();
    std::vector<std::string> out;
    if (!table) return out;
    std::vector<std::pair<toml::source_position, std::string>> keyed;
    for (auto& [k, v] : *table) keyed.emplace_back(v.source().begin, std::string(k.str()));
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [pos, k] : keyed) out.push_back(std::move(k));
    return out;
}

std::string ConfigReader::get_string(std::string_view key, std::string fallback) {
    auto* n = impl_->find(key);
    if (!n) return fallback;
    if (auto v = n->value<std::string>(); v && n->is_string()) return *v;
    impl_->type_error(key, "a string");
    return fallback;
}

std::string ConfigReader::require_string(std::string_view key) {
    if (!impl_->find(key)) {
        impl_->errors.push_back(fmt::format("{}: missing required key '{}'", impl_->source, key));
        return {};
    }
    auto v = get_string(key, "");
    if (v.empty()) error(key, "must not be empty");
    return v;
}

std::int64_t ConfigReader::get_int(std::string_view key, std::int64_t fallback, std::int64_t min,
                                   std::int64_t max) {
    auto* n = impl_->find(key);
    if (!n) return fallback;
    if (!n->is_integer()) {
        impl_->type_error(key, "an integer");
        return fallback;
    }
    auto v = *n->value<std::int64_t>();
    if (v < min || v > max) {
        error(key, fmt::format("must be between {} and {}", min, max));
        return fallback;
    }
    return v;
}

bool ConfigReader::get_bool(std::string_view key, bool fallback) {
    auto* n = impl_->find(key);
    if (!n) return fallback;
    if (!n->is_boolean()) {
        impl_->type_error(key, "true or false");
        return fallback;
    }
    return *n->value<bool>();
}

double ConfigReader::get_double(std::string_view key, double fallback) {
    auto* n = impl_->find(key);
    if (!n) return fallback;
    if (!n->is_number()) {
        impl_->type_error(key, "a number");
        return fallback;
    }
    return *n->value<double>();
}

std::vector<std::string> ConfigReader::get_strings(std::string_view key,
                                                   std::vector<std::string> fallback) {
    auto* n = impl_->find(key);
    if (!n) return fallback;
    auto* arr = n->as_array();
    if (!arr) {
        impl_->type_error(key, "an array of strings");
        return fallback;
    }
    std::vector<std::string> out;
    for (auto& item : *arr) {
        if (!item.is_string()) {
            impl_->type_error(key, "an array of strings");
            return fallback;
        }
        out.push_back(*item.value<std::string>());
    }
    return out;
}

std::string ConfigReader::get_path(std::string_view key, std::string fallback) {
    auto v = get_string(key, std::move(fallback));
    if (v.empty()) return v;
    std::filesystem::path p(v);
    if (p.is_relative() && !impl_->base_dir.empty()) p = impl_->base_dir / p;
    return p.lexically_normal().string();
}

std::string ConfigReader::get_secret(std::string_view key, std::string fallback) {
    std::string file_key = std::string(key) + "_file";
    if (!impl_->find(file_key)) return fallback;
    auto path = get_path(file_key, "");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error(file_key, fmt::format("cannot read '{}'", path));
        return fallback;
    }
    std::stringstream buf;
    buf << in.rdbuf();
    auto s = buf.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

void ConfigReader::error(std::string_view key, std::string_view message) {
    impl_->errors.push_back(fmt::format("{}: {}: {}", impl_->where(key), key, message));
}

Status ConfigReader::finish() {
    impl_->collect_unknown(impl_->root, "");
    if (impl_->errors.empty()) return {};
    std::string all;
    for (auto& e : impl_->errors) all += (all.empty() ? "" : "\n") + e;
    return make_error(ErrorCode::kInvalidArgument, all);
}

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

// A PEM file the TLS set-up names: readable and holding `marker` (e.g. "CERTIFICATE-----"),
// so that a wrong or empty file is reported by --check-config, not by every connect.
void check_pem_file(ConfigReader& c, std::string_view key, const std::string& path,
                    std::string_view marker, std::string_view what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        c.error(key, fmt::format("cannot read '{}'", path));
        return;
    }
    std::stringstream buf;
    buf << in.rdbuf();
    if (buf.str().find(marker) == std::string::npos)
        c.error(key, fmt::format("'{}' holds no PEM {}", path, what));
}

bool pem_file_holds(const std::string& path, std::string_view marker) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    return buf.str().find(marker) != std::string::npos;
}

// TLS settings that cannot work are config errors: Paho would only fail at every connect.
void check_mqtt_tls(ConfigReader& c, const MqttSettings& s) {
    bool tls = starts_with(s.uri, "ssl://");
    if (!tls && !starts_with(s.uri, "tcp://")) {
        c.error("mqtt.uri", "must start with tcp:// or ssl://");
        return;
    }
    if (!tls) {
        for (auto key : {"mqtt.tls_ca_file", "mqtt.tls_cert_file", "mqtt.tls_key_file"})
            if (c.has(key))
                c.error(key,
                        "is set but mqtt.uri is tcp://: the connection would not be "
                        "encrypted (use ssl://)");
        return;
    }
    if (s.tls_ca_file.empty())
        c.error("mqtt.uri",
                "ssl:// needs mqtt.tls_ca_file (the CA certificate that signed the broker's)");
    else
        check_pem_file(c, "mqtt.tls_ca_file", s.tls_ca_file, "CERTIFICATE-----", "certificate");
    if (!s.tls_cert_file.empty())
        check_pem_file(c, "mqtt.tls_cert_file", s.tls_cert_file, "CERTIFICATE-----", "certificate");
    if (!s.tls_key_file.empty()) {
        if (s.tls_cert_file.empty())
            c.error("mqtt.tls_key_file", "needs mqtt.tls_cert_file (the certificate of this key)");
        check_pem_file(c, "mqtt.tls_key_file", s.tls_key_file, "PRIVATE KEY-----", "private key");
    } else if (!s.tls_cert_file.empty() && !pem_file_holds(s.tls_cert_file, "PRIVATE KEY-----")) {
        c.error("mqtt.tls_cert_file",
                "needs mqtt.tls_key_file (or the key in the same file as the certificate)");
    }
}

}  // namespace

MqttConfig read_mqtt_config(ConfigReader& c, std::string default_client_id) {
    MqttConfig m;
    m.settings.uri = c.get_string("mqtt.uri", "tcp://127.0.0.1:1883");
    m.settings.username = c.get_string("mqtt.username", "");
    // A broker that binds client ids to identities (use_username_as_clientid) sees the
    // username anyway; the same id here keeps our logs and the broker's in agreement.
    if (!m.settings.username.empty()) default_client_id = m.settings.username;
    m.settings.client_id = c.get_string("mqtt.client_id", std::move(default_client_id));
    m.settings.password = c.get_secret("mqtt.password");
    if (c.has("mqtt.password_file") && m.settings.username.empty())
        c.error("mqtt.password_file", "needs mqtt.username");
    m.settings.tls_ca_file = c.get_path("mqtt.tls_ca_file", "");
    m.settings.tls_cert_file = c.get_path("mqtt.tls_cert_file", "");
    m.settings.tls_key_file = c.get_path("mqtt.tls_key_file", "");
    check_mqtt_tls(c, m.settings);
    m.settings.keep_alive_s = static_cast<int>(c.get_int("mqtt.keep_alive_s", 30, 5, 3600));
    m.settings.session_expiry_s =
        static_cast<int>(c.get_int("mqtt.session_expiry_s", 86400, 0, 30 * 86400));
    m.settings.reconnect_max_ms = static_cast<int>(
        c.get_int("mqtt.reconnect_max_ms", m.settings.reconnect_max_ms, 50, 60000));
    auto root = c.get_string("mqtt.topic_root", std::string(kDefaultTopicRoot));
    if (root.empty() || root.back() == '/' || root.find_first_of("+#") != std::string::npos)
        c.error("mqtt.topic_root", "must be a topic prefix without wildcards or trailing '/'");
    if (!valid_topic_level(m.settings.client_id)) c.error("mqtt.client_id", "invalid client id");
    m.topics = Topics(root);
    return m;
}

bool DaemonArgs::has_flag(std::string_view flag) const {
    for (auto& f : flags)
        if (f == flag) return true;
    return false;
}

DaemonArgs parse_daemon_args(int argc, char** argv, std::string_view program,
                             std::string_view default_config,
                             std::initializer_list<std::string_view> extra_flags) {
    DaemonArgs args;
    args.config_path = std::string(default_config);
    auto usage = [&](int code) {
        auto& out = code ? std::cerr : std::cout;
        out << "usage: " << program << " [--config FILE] [--check-config] [--log-level LEVEL]";
        for (auto f : extra_flags) out << " [" << f << "]";
        out << " [--version]\n";
        std::exit(code);
    };
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << program << ": " << a << " needs a value\n";
                usage(kExitConfig);
            }
            return argv[++i];
        };
        if (a == "--config" || a == "-c") {
            args.config_path = value();
        } else if (a == "--check-config") {
            args.check_config = true;
        } else if (a == "--log-level") {
            args.log_level = value();
        } else if (a == "--version") {
            std::cout << program << " " << ALERTHUB_VERSION << "\n";
            std::exit(0);
        } else if (a == "--help" || a == "-h") {
            usage(0);
        } else if (std::find(extra_flags.begin(), extra_flags.end(), a) != extra_flags.end()) {
            args.flags.emplace_back(a);
        } else if (a.size() > 1 && a[0] == '-') {
            std::cerr << program << ": unknown option " << a << "\n";
            usage(kExitConfig);
        } else {
            args.rest.emplace_back(a);
        }
    }
    return args;
}

RetryPolicy read_retry_policy(ConfigReader& c) {
    RetryPolicy retry;
    retry.initial_backoff = std::chrono::milliseconds(
        c.get_int("retry.initial_backoff_ms", retry.initial_backoff.count(), 1, 3600000));
    retry.max_backoff = std::chrono::milliseconds(
        c.get_int("retry.max_backoff_ms", retry.max_backoff.count(), 1, 86400000));
    retry.max_attempts =
        static_cast<int>(c.get_int("retry.max_attempts", retry.max_attempts, 1, 1000));
    if (retry.max_backoff < retry.initial_backoff)
        c.error("retry.max_backoff_ms", "must not be less than retry.initial_backoff_ms");
    return retry;
}

MonitoringConfig read_monitoring_config(ConfigReader& c) {
    MonitoringConfig m;
    m.listen_host = c.get_string("monitoring.listen_host", m.listen_host);
    m.listen_port = static_cast<int>(c.get_int("monitoring.listen_port", 0, 0, 65535));
    bool loopback =
        m.listen_host == "localhost" || m.listen_host == "::1" || m.listen_host.starts_with("127.");
    if (!loopback)
        c.error("monitoring.listen_host",
                "must be a loopback address (127.0.0.1, ::1): metrics and health stay on the host");
    return m;
}

}  // namespace alerthub
