#pragma once
// The mail-adapter's configuration: one TOML file (config/mail.toml.example documents every
// key), read in one place into this struct.

#include <chrono>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/delivery_store.h"
#include "core/result.h"
#include "core/retry_policy.h"

namespace alerthub::mail {

enum class StartTls { kTry, kRequire, kNever };

struct SmtpSettings {
    std::string url = "smtp://127.0.0.1:25";  // smtp:// or smtps://
    std::string username;
    std::string password;  // from smtp.password_file
    std::chrono::milliseconds timeout{10000};
    StartTls starttls = StartTls::kTry;
};

struct MailConfig {
    MqttConfig mqtt;
    SmtpSettings smtp;
    std::string from_address;
    std::string from_name = "防災情報メール";
    std::vector<std::string> recipients;
    int batch_size = 50;  // recipients per SMTP transaction
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
