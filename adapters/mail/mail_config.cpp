#include "adapters/mail/mail_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/config/signing_config.h"
#include "core/protocol/town_blocks.h"

namespace alerthub::mail {

bool plausible_address(std::string_view a) {
    auto at = a.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= a.size() ||
        a.find('@', at + 1) != std::string_view::npos || a.size() > 254)
        return false;
    return std::none_of(a.begin(), a.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f ||
               std::string_view("<>()[],;:\"\\").find(c) != std::string_view::npos;
    });
}

bool smtp_url_is_loopback(std::string_view url) {
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return false;
    auto rest = url.substr(scheme + 3);
    rest = rest.substr(0, rest.find('/'));
    if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
    std::string_view host;
    if (rest.starts_with("[")) {
        host = rest.substr(1, rest.find(']') - 1);
    } else {
        host = rest.substr(0, rest.find(':'));
    }
    const bool ipv4_literal = std::all_of(
        host.begin(), host.end(), [](char ch) { return (ch >= '0' && ch <= '9') || ch == '.'; });
    return host == "localhost" || host == "::1" || (ipv4_literal && host.starts_with("127."));
}

std::string describe_smtp_transport(const SmtpSettings& smtp) {
    if (smtp.url.starts_with("smtps://")) return "implicit TLS (smtps)";
    switch (smtp.starttls) {
        case StartTls::kRequire:
            return "STARTTLS required";
        case StartTls::kTry:
            return "STARTTLS only when offered (starttls = \"try\": loopback test sink only)";
        case StartTls::kNever:
            return "UNENCRYPTED SMTP (starttls = \"never\": loopback test sink only)";
    }
    return {};
}

Result<MailConfig> load_mail_config(ConfigReader& c) {
    MailConfig cfg;
    cfg.mqtt = read_mqtt_config(c, "alerthub-mail");
    cfg.monitoring = read_monitoring_config(c);
    cfg.signing = read_signing_config(c);

    cfg.smtp.url = c.get_string("smtp.url", cfg.smtp.url);
    if (cfg.smtp.url.rfind("smtp://", 0) != 0 && cfg.smtp.url.rfind("smtps://", 0) != 0)
        c.error("smtp.url", "must be an smtp:// or smtps:// URL");
    cfg.smtp.username = c.get_string("smtp.username", "");
    cfg.smtp.password = c.get_secret("smtp.password");
    if (!cfg.smtp.password.empty() && cfg.smtp.username.empty())
        c.error("smtp.password_file", "needs smtp.username");
    cfg.smtp.timeout = std::chrono::milliseconds(c.get_int("smtp.timeout_ms", 10000, 100, 600000));
    auto starttls = c.get_string("smtp.starttls", "require");
    if (starttls == "try")
        cfg.smtp.starttls = StartTls::kTry;
    else if (starttls == "require")
        cfg.smtp.starttls = StartTls::kRequire;
    else if (starttls == "never")
        cfg.smtp.starttls = StartTls::kNever;
    else
        c.error("smtp.starttls", "must be \"try\", \"require\" or \"never\"");
    // A relay on a network without STARTTLS would carry subscribers' addresses and the AUTH
    // password in the clear, and "try" is stripped by anyone on the path.
    if (cfg.smtp.starttls != StartTls::kRequire && cfg.smtp.url.starts_with("smtp://") &&
        !smtp_url_is_loopback(cfg.smtp.url))
        c.error("smtp.starttls",
                fmt::format("\"{}\" is allowed only for a loopback test sink (127.0.0.1, ::1, "
                            "localhost); a relay on a network must offer STARTTLS (\"require\") "
                            "or be an smtps:// URL",
                            starttls));

    cfg.from_address = c.require_string("smtp.from_address");
    if (!cfg.from_address.empty() && !plausible_address(cfg.from_address))
        c.error("smtp.from_address", "must be a plain address like bousai@city.example.jp");
    cfg.from_name = c.get_string("smtp.from_name", cfg.from_name);
    if (cfg.from_name.find_first_of("\r\n") != std::string::npos)
        c.error("smtp.from_name", "must be one line");

    // Staff copies (optional): entries by position, so addresses stay out of logs, even in
    // config errors.
    cfg.recipients = c.get_strings("smtp.recipients", {});
    std::set<std::string> seen;
    for (std::size_t i = 0; i < cfg.recipients.size(); ++i) {
        auto& r = cfg.recipients[i];
        if (!plausible_address(r))
            c.error("smtp.recipients", fmt::format("entry {} is not a plain address", i + 1));
        else if (!seen.insert(r).second)
            c.error("smtp.recipients", fmt::format("entry {} is listed twice", i + 1));
    }
    cfg.batch_size = static_cast<int>(c.get_int("smtp.batch_size", cfg.batch_size, 1, 10000));
    cfg.connections = static_cast<int>(c.get_int("smtp.connections", cfg.connections, 1, 32));
    cfg.bounce_limit =
        static_cast<int>(c.get_int("subscribers.bounce_limit", cfg.bounce_limit, 1, 100));
    cfg.town_blocks = c.get_path("subscribers.town_blocks", "");
    if (!cfg.town_blocks.empty()) {
        if (auto blocks = TownBlocks::load(cfg.town_blocks); !blocks)
            c.error("subscribers.town_blocks", blocks.error().message);
    }

    auto& w = cfg.web;
    w.enabled = c.has("web");
    if (w.enabled) {
        w.host = c.get_string("web.host", w.host);
        w.port = static_cast<int>(c.get_int("web.port", w.port, 0, 65535));
        w.public_url = c.require_string("web.public_url");
        while (!w.public_url.empty() && w.public_url.back() == '/') w.public_url.pop_back();
        if (!w.public_url.empty() && w.public_url.rfind("https://", 0) != 0 &&
            w.public_url.rfind("http://", 0) != 0)
            c.error("web.public_url", "must be an https:// URL (http:// only for tests)");
        if (!c.has("web.secret_file"))
            c.error("web.secret_file", "missing required key (a file of at least 32 random bytes)");
        w.secret = c.get_secret("web.secret");
        if (c.has("web.secret_file") && w.secret.size() < 32)
            c.error("web.secret_file", "must hold at least 32 bytes (e.g. openssl rand -hex 32)");
        w.confirm_ttl = std::chrono::hours(c.get_int("web.confirm_ttl_h", 24, 1, 24 * 14));
        w.max_mails_per_address = static_cast<int>(
            c.get_int("web.max_mails_per_address", w.max_mails_per_address, 1, 100));
        w.rate_window = std::chrono::hours(c.get_int("web.rate_window_h", 24, 1, 24 * 30));
    }
    cfg.retry = read_retry_policy(c);
    cfg.state = read_delivery_store_settings(c, cfg.state);

    if (auto s = c.finish(); !s) return s.error();
    return cfg;
}

}  // namespace alerthub::mail
