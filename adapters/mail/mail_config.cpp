#include "adapters/mail/mail_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

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

Result<MailConfig> load_mail_config(ConfigReader& c) {
    MailConfig cfg;
    cfg.mqtt = read_mqtt_config(c, "alerthub-mail");

    cfg.smtp.url = c.get_string("smtp.url", cfg.smtp.url);
    if (cfg.smtp.url.rfind("smtp://", 0) != 0 && cfg.smtp.url.rfind("smtps://", 0) != 0)
        c.error("smtp.url", "must be an smtp:// or smtps:// URL");
    cfg.smtp.username = c.get_string("smtp.username", "");
    cfg.smtp.password = c.get_secret("smtp.password");
    if (!cfg.smtp.password.empty() && cfg.smtp.username.empty())
        c.error("smtp.password_file", "needs smtp.username");
    cfg.smtp.timeout = std::chrono::milliseconds(c.get_int("smtp.timeout_ms", 10000, 100, 600000));
    auto starttls = c.get_string("smtp.starttls", "try");
    if (starttls == "try")
        cfg.smtp.starttls = StartTls::kTry;
    else if (starttls == "require")
        cfg.smtp.starttls = StartTls::kRequire;
    else if (starttls == "never")
        cfg.smtp.starttls = StartTls::kNever;
    else
        c.error("smtp.starttls", "must be \"try\", \"require\" or \"never\"");

    cfg.from_address = c.require_string("smtp.from_address");
    if (!cfg.from_address.empty() && !plausible_address(cfg.from_address))
        c.error("smtp.from_address", "must be a plain address like bousai@city.example.jp");
    cfg.from_name = c.get_string("smtp.from_name", cfg.from_name);
    if (cfg.from_name.find_first_of("\r\n") != std::string::npos)
        c.error("smtp.from_name", "must be one line");

    if (!c.has("smtp.recipients")) {
        c.error("smtp.recipients", "missing required key (an array of addresses)");
    } else {
        cfg.recipients = c.get_strings("smtp.recipients", {});
        if (cfg.recipients.empty()) c.error("smtp.recipients", "needs at least one address");
        // Entries by position: addresses stay out of logs, even in config errors.
        std::set<std::string> seen;
        for (std::size_t i = 0; i < cfg.recipients.size(); ++i) {
            auto& r = cfg.recipients[i];
            if (!plausible_address(r))
                c.error("smtp.recipients", fmt::format("entry {} is not a plain address", i + 1));
            else if (!seen.insert(r).second)
                c.error("smtp.recipients", fmt::format("entry {} is listed twice", i + 1));
        }
    }
    cfg.batch_size = static_cast<int>(c.get_int("smtp.batch_size", 50, 1, 1000));

    cfg.retry = read_retry_policy(c);
    cfg.state = read_delivery_store_settings(c, cfg.state);

    if (auto s = c.finish(); !s) return s.error();
    return cfg;
}

}  // namespace alerthub::mail
