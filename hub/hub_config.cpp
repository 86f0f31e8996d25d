#include "hub/hub_config.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <optional>
#include <string_view>

#include "core/base/crypto.h"
#include "hub/signing_key_file.h"

namespace alerthub::hub {

namespace {

bool valid_feed_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
    });
}

void read_jma_feed_config(ConfigReader& c, JmaFeedConfig& f) {
    f.enabled = c.get_bool("jma_feed.enabled", f.enabled);
    f.base_url = c.get_string("jma_feed.base_url", f.base_url);
    if (!f.base_url.starts_with("https://") && !f.base_url.starts_with("http://"))
        c.error("jma_feed.base_url", "must start with https:// or http://");
    if (!f.base_url.ends_with("/")) f.base_url += '/';
    f.feeds = c.get_strings("jma_feed.feeds", f.feeds);
    if (f.enabled && f.feeds.empty()) c.error("jma_feed.feeds", "must name at least one feed");
    for (size_t i = 0; i < f.feeds.size(); ++i) {
        const auto& name = f.feeds[i];
        if (!valid_feed_name(name))
            c.error(
                "jma_feed.feeds",
                fmt::format("'{}' is not a feed name (a-z, 0-9, '_', '-'; e.g. \"extra\")", name));
        if (std::find(f.feeds.begin(), f.feeds.begin() + static_cast<long>(i), name) !=
            f.feeds.begin() + static_cast<long>(i))
            c.error("jma_feed.feeds", fmt::format("'{}' is listed twice", name));
    }
    f.interval_s = static_cast<int>(c.get_int("jma_feed.interval_s", f.interval_s, 10, 3600));
    f.timeout_s = static_cast<int>(c.get_int("jma_feed.timeout_s", f.timeout_s, 1, 300));
    f.max_feed_bytes = static_cast<std::size_t>(
        c.get_int("jma_feed.max_feed_bytes", static_cast<std::int64_t>(f.max_feed_bytes), 65536,
                  256 * 1024 * 1024));
    f.catch_up_after_s =
        static_cast<int>(c.get_int("jma_feed.catch_up_after_s", f.catch_up_after_s, 60, 86400));
    f.retry_initial_s =
        static_cast<int>(c.get_int("jma_feed.retry_initial_s", f.retry_initial_s, 1, 3600));
    f.retry_max_s = static_cast<int>(c.get_int("jma_feed.retry_max_s", f.retry_max_s, 1, 86400));
    if (f.retry_max_s < f.retry_initial_s)
        c.error("jma_feed.retry_max_s", "must not be less than jma_feed.retry_initial_s");
    f.max_attempts = static_cast<int>(c.get_int("jma_feed.max_attempts", f.max_attempts, 1, 1000));
    f.keep_days = static_cast<int>(c.get_int("jma_feed.keep_days", f.keep_days, 2, 365));
}

// ingest.token_file (one token for every source, as before) and [ingest.tokens.<name>].
void read_ingest_tokens(ConfigReader& c, HubConfig& cfg) {
    auto check_length = [&](const std::string& key, const std::string& secret) {
        if (secret.size() < kMinTokenLength)
            c.error(key, fmt::format("the token must be at least {} characters", kMinTokenLength));
    };
    if (c.has("ingest.token_file")) {
        cfg.ingest_token = c.get_secret("ingest.token");
        check_length("ingest.token_file", cfg.ingest_token);
    }
    std::vector<std::string> seen_hashes;
    if (!cfg.ingest_token.empty()) seen_hashes.push_back(sha256_hex(cfg.ingest_token));
    for (const auto& name : c.table_keys("ingest.tokens")) {
        const std::string key = "ingest.tokens." + name;
        if (!valid_feed_name(name))
            c.error(key, "a token's name is a-z, 0-9, '_' or '-' (e.g. \"jma-relay\")");
        SourceGrant grant{.name = name, .sources = {}, .senders = {}, .reserved_sender = {}};
        if (!c.has(key + ".token_file")) c.error(key, "token_file is required");
        const std::string secret = c.get_secret(key + ".token");
        if (c.has(key + ".token_file")) check_length(key + ".token_file", secret);
        auto sources = c.get_strings(key + ".sources", {});
        if (sources.empty())
            c.error(key + ".sources",
                    "name what the token speaks for: \"jma\", \"lalert\", \"cap\"");
        for (const auto& source : sources) {
            if (source == "jma")
                grant.sources.push_back(SourceFormat::kJma);
            else if (source == "lalert")
                grant.sources.push_back(SourceFormat::kLAlert);
            else if (source == "cap")
                grant.sources.push_back(SourceFormat::kCap);
            else
                c.error(key + ".sources",
                        fmt::format("'{}' is not a source (\"jma\", \"lalert\", \"cap\")", source));
        }
        grant.senders = c.get_strings(key + ".senders", {});
        IngestToken token = make_ingest_token(secret, std::move(grant));
        if (!secret.empty() &&
            std::find(seen_hashes.begin(), seen_hashes.end(), token.sha256) != seen_hashes.end())
            c.error(key + ".token_file",
                    "the same token as another one: each source needs a token of its own");
        seen_hashes.push_back(token.sha256);
        cfg.ingest_tokens.push_back(std::move(token));
    }
    if (cfg.ingest_token.empty() && cfg.ingest_tokens.empty() && !c.has("ingest.token_file"))
        c.error("ingest",
                "a token is required: [ingest.tokens.<name>] tables (one per source) or "
                "ingest.token_file (one token for every source)");
}

void read_http_config(ConfigReader& c, HttpServerOptions& h) {
    h.request_timeout = std::chrono::seconds(c.get_int(
        "http.request_timeout_s",
        std::chrono::duration_cast<std::chrono::seconds>(h.request_timeout).count(), 1, 600));
    h.workers = static_cast<std::size_t>(
        c.get_int("http.workers", static_cast<std::int64_t>(h.workers), 2, 1024));
    h.keep_alive_timeout = std::chrono::seconds(
        c.get_int("http.keep_alive_timeout_s", h.keep_alive_timeout.count(), 1, 300));
    h.trusted_proxies = c.get_strings("http.trusted_proxies", {});
    for (const auto& proxy : h.trusted_proxies) {
        unsigned char buf[16];
        if (inet_pton(AF_INET, proxy.c_str(), buf) != 1 &&
            inet_pton(AF_INET6, proxy.c_str(), buf) != 1)
            c.error("http.trusted_proxies",
                    fmt::format("'{}' is not an IP address (one address per proxy)", proxy));
    }
}

// JMA's seismic intensity scale (震度階級), weakest first.
constexpr std::array<std::string_view, 9> kJmaIntensities = {"1",  "2",  "3",  "4", "5-",
                                                             "5+", "6-", "6+", "7"};

// The rank of a JMA intensity on that scale; nullopt when it is not one.
std::optional<std::size_t> intensity_rank(std::string_view intensity) {
    auto it = std::find(kJmaIntensities.begin(), kJmaIntensities.end(), intensity);
    if (it == kJmaIntensities.end()) return std::nullopt;
    return static_cast<std::size_t>(it - kJmaIntensities.begin());
}

void read_jma_config(ConfigReader& c, HubConfig& cfg) {
    cfg.jma_max_age = std::chrono::seconds(c.get_int("jma.max_age_s", cfg.jma_max_age.count(),
                                                     kMinJmaMaxAge.count(), kMaxJmaMaxAge.count()));
    auto& t = cfg.ward_thresholds;
    t.screens_intensity = c.get_string("jma.screens_intensity", t.screens_intensity);
    t.everyone_intensity = c.get_string("jma.everyone_intensity", t.everyone_intensity);
    auto screens = intensity_rank(t.screens_intensity);
    auto everyone = intensity_rank(t.everyone_intensity);
    constexpr std::string_view kScale = "\"1\" .. \"4\", \"5-\", \"5+\", \"6-\", \"6+\" or \"7\"";
    if (!screens)
        c.error("jma.screens_intensity",
                fmt::format("'{}' is not a JMA intensity ({})", t.screens_intensity, kScale));
    if (!everyone)
        c.error("jma.everyone_intensity",
                fmt::format("'{}' is not a JMA intensity ({})", t.everyone_intensity, kScale));
    if (screens && everyone && *everyone < *screens)
        c.error("jma.everyone_intensity",
                fmt::format("must not be below jma.screens_intensity ('{}' < '{}'): what reaches "
                            "every phone must reach the screens too",
                            t.everyone_intensity, t.screens_intensity));
    cfg.jma_lifetimes = c.get_path("jma.lifetimes", cfg.jma_lifetimes);
}

std::chrono::seconds seconds_at(ConfigReader& c, const std::string& key, std::chrono::seconds value,
                                std::int64_t min, std::int64_t max) {
    return std::chrono::seconds(c.get_int(key, value.count(), min, max));
}

void read_follow_up_config(ConfigReader& c, OutboxOptions& o) {
    o.job_resend_after = seconds_at(c, "delivery.job_resend_after_s", o.job_resend_after, 5, 3600);
    o.job_resend_max = seconds_at(c, "delivery.job_resend_max_s", o.job_resend_max, 5, 86400);
    o.job_give_up_after =
        seconds_at(c, "delivery.job_give_up_after_s", o.job_give_up_after, 60, 7 * 86400);
    if (o.job_resend_max < o.job_resend_after)
        c.error("delivery.job_resend_max_s", "must not be below delivery.job_resend_after_s");
    o.retained_audit_interval =
        seconds_at(c, "retained.audit_interval_s", o.retained_audit_interval, 1, 86400);
    o.retained.clear_after =
        seconds_at(c, "retained.clear_after_s", o.retained.clear_after, 0, 30 * 86400);
}

}  // namespace

Result<HubConfig> load_hub_config(ConfigReader& c) {
    HubConfig cfg;
    cfg.mqtt = read_mqtt_config(c, "alerthub-hub");
    cfg.monitoring = read_monitoring_config(c);
    cfg.journal_path = c.get_path("journal.path", cfg.journal_path);
    if (cfg.journal_path.empty()) c.error("journal.path", "must not be empty");
    cfg.spool_dir = c.get_path("spool.dir", cfg.spool_dir);
    if (cfg.spool_dir.empty()) c.error("spool.dir", "must not be empty");
    cfg.spool_poll_ms = static_cast<int>(c.get_int("spool.poll_ms", cfg.spool_poll_ms, 10, 60000));
    cfg.listen_host = c.get_string("ingest.listen_host", cfg.listen_host);
    if (cfg.listen_host.empty()) c.error("ingest.listen_host", "must not be empty");
    cfg.listen_port = static_cast<int>(c.get_int("ingest.listen_port", cfg.listen_port, 1, 65535));
    read_ingest_tokens(c, cfg);
    read_http_config(c, cfg.http);
    if (!c.has("signing.key_file")) {
        c.error("signing",
                "signing.key_file is required (the hub's signing key, made by "
                "`hubctl keys generate`)");
    } else {
        auto key = read_signing_key_file(c.get_path("signing.key_file", ""));
        if (key)
            cfg.signing_key = std::move(*key);
        else
            c.error("signing.key_file", key.error().message);
    }
    cfg.max_document_bytes = static_cast<std::size_t>(
        c.get_int("ingest.max_document_bytes", static_cast<std::int64_t>(cfg.max_document_bytes),
                  1024, 64 * 1024 * 1024));
    cfg.max_future = std::chrono::seconds(c.get_int("ingest.max_future_s", cfg.max_future.count(),
                                                    kMinMaxFuture.count(), kMaxMaxFuture.count()));
    cfg.channels = c.get_strings("delivery.channels", cfg.channels);
    read_follow_up_config(c, cfg.outbox);
    for (size_t i = 0; i < cfg.channels.size(); ++i) {
        const auto& ch = cfg.channels[i];
        if (!valid_topic_level(ch))
            c.error("delivery.channels", fmt::format("'{}' is not a valid channel name", ch));
        if (std::find(cfg.channels.begin(), cfg.channels.begin() + static_cast<long>(i), ch) !=
            cfg.channels.begin() + static_cast<long>(i))
            c.error("delivery.channels", fmt::format("'{}' is listed twice", ch));
    }
    read_jma_feed_config(c, cfg.jma_feed);
    cfg.area.municipality = c.get_string("area.municipality", cfg.area.municipality);
    if (jisx0402_body(cfg.area.municipality).empty())
        c.error("area.municipality",
                "must be a JIS X 0402 code (5 digits, or 6 with the check digit: 131032)");
    cfg.area.neighbours = c.get_strings("area.neighbours", cfg.area.neighbours);
    for (const auto& n : cfg.area.neighbours)
        if (jisx0402_body(n).empty())
            c.error("area.neighbours", fmt::format("'{}' is not a JIS X 0402 code", n));
    cfg.area.extra_codes = c.get_strings("area.extra_codes", cfg.area.extra_codes);
    cfg.area.send_uncoded = c.get_bool("area.send_uncoded", cfg.area.send_uncoded);
    cfg.area.jma_table = c.get_path("area.jma_table", cfg.area.jma_table);
    if (cfg.area.jma_table.empty()) c.error("area.jma_table", "must not be empty");
    cfg.phrases_dir = c.get_path("phrases.dir", cfg.phrases_dir);
    if (cfg.phrases_dir.empty()) c.error("phrases.dir", "must not be empty");
    read_jma_config(c, cfg);
    console::read_console_config(c, cfg.console);
    cfg.console.http = cfg.http;
    site::read_site_config(c, cfg.site);
    if (auto s = c.finish(); !s) return s.error();
    return cfg;
}

Status load_hub_data(HubConfig& cfg) {
    std::string errors;
    auto add = [&](std::string_view what, const Error& e) {
        errors += fmt::format("{}{}: {}", errors.empty() ? "" : "\n", what, e.message);
    };
    auto bank = PhraseBank::load(cfg.phrases_dir);
    if (bank) {
        cfg.phrases = std::make_shared<const PhraseBank>(std::move(*bank));
        cfg.console.phrases = cfg.phrases;  // the notices' texts in every language
    } else {
        add("[phrases] dir = " + cfg.phrases_dir, bank.error());
    }
    auto table = JmaAreaTable::load(cfg.area.jma_table);
    if (!table) {
        add("[area] jma_table", table.error());
    } else if (auto router = AreaRouter::create(cfg.area, std::move(*table)); !router) {
        add("[area]", router.error());
    } else {
        cfg.router = std::make_shared<const AreaRouter>(std::move(*router));
    }
    const std::string lifetimes_path =
        !cfg.jma_lifetimes.empty()
            ? cfg.jma_lifetimes
            : std::filesystem::path(cfg.area.jma_table).replace_filename("lifetimes.tsv").string();
    if (auto lifetimes = LifetimeTable::load(lifetimes_path))
        cfg.lifetimes = std::make_shared<const LifetimeTable>(std::move(*lifetimes));
    else
        add("[jma] lifetimes", lifetimes.error());
    if (cfg.site.enabled) {
        if (auto data = site::load_site_data(cfg.site)) {
            cfg.site_data = std::make_shared<const site::SiteData>(std::move(*data));
            // The console picks the same facilities and sets their status.
            cfg.console.facilities =
                std::shared_ptr<const site::Facilities>(cfg.site_data, &cfg.site_data->facilities);
        } else
            add("[site]", data.error());
    }
    if (!errors.empty()) return make_error(ErrorCode::kInvalidArgument, errors);
    return {};
}

}  // namespace alerthub::hub
