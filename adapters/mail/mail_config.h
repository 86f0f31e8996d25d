#pragma once
// The mail-adapter's configuration: one TOML file (config/mail.toml.example documents every
// key), read in one place into this struct.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/delivery_store.h"
#include "core/base/result.h"
#include "core/base/retry_policy.h"
#include "core/config/config.h"
#include "core/protocol/signature.h"

namespace alerthub::mail {

// STARTTLS on smtp:// URLs. kRequire (the default) fails a transaction the server cannot
// encrypt; kTry and kNever are opt-outs for a loopback test sink only (load_mail_config
// refuses them for any other host): a relay on a network must offer STARTTLS or be smtps://.
enum class StartTls { kTry, kRequire, kNever };

struct SmtpSettings {
    std::string url = "smtp://127.0.0.1:25";  // smtp:// or smtps://
    std::string username;
    std::string password;  // from smtp.password_file
    std::chrono::milliseconds timeout{10000};
    StartTls starttls = StartTls::kRequire;
};

// True when `url` (smtp:// or smtps://) names 127.0.0.0/8, ::1 or localhost.
bool smtp_url_is_loopback(std::string_view url);

// What --check-config says about the transport: "STARTTLS required", "implicit TLS
// (smtps)", or the loopback opt-out.
std::string describe_smtp_transport(const SmtpSettings& smtp);

// The resident-facing web pages: registration (double opt-in), preferences, unsubscribe.
struct WebSettings {
    bool enabled = false;  // a [web] section is present
    std::string host = "127.0.0.1";
    int port = 8025;         // 0: any free port (tests)
    std::string public_url;  // how residents reach it: "https://bousai-mail.city.example.jp"
    std::string secret;      // from web.secret_file: signs unsubscribe and preference links
    std::chrono::hours confirm_ttl{24};
    int max_mails_per_address = 3;  // registration mails per address per rate_window
    std::chrono::hours rate_window{24};
};

struct MailConfig {
    MqttConfig mqtt;
    MonitoringConfig monitoring;  // [monitoring]: /metrics and /health on loopback
    SignatureVerifier signing;    // [signing] public_keys: jobs must carry the hub's signature
    SmtpSettings smtp;
    std::string from_address;
    std::string from_name = "防災情報メール";
    std::vector<std::string> recipients;  // staff copies: every alert, in Japanese
    int batch_size = 100;                 // recipients per batch (progress, receipts)
    int connections = 2;                  // parallel SMTP connections
    int bounce_limit = 2;                 // consecutive 5xx refusals that mark a subscriber bounced
    std::string town_blocks;              // config/minato_town_blocks.tsv; empty: whole-ward only
    WebSettings web;
    RetryPolicy retry;
    DeliveryStoreSettings state{"/var/lib/alerthub/mail.db"};
};

// A bare addr-spec we are willing to put in an envelope: local@domain, no spaces, angle
// brackets, quotes or control characters.
bool plausible_address(std::string_view address);

// Reads every key and reports every problem at once (with file and line), including keys
// nobody asked for.
Result<MailConfig> load_mail_config(ConfigReader& config);

}  // namespace alerthub::mail
