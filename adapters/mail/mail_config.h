#pragma once
// The mail-adapter's configuration: one TOML file (config/mail.toml.example documents every
// key), read in one place into this struct.

#include <chrono>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"

namespace alerthub::mail {

// Exponential backoff between attempts of one job.
struct RetryPolicy {
    std::chrono::milliseconds initial_backoff{1000};
    std::chrono::milliseconds max_backoff{60000};
    int max_attempts = 8;

    // The wait after the `attempt`-th failed attempt (1-based): initial * 2^(attempt-1),
    // capped at max_backoff.
    std::chrono::milliseconds backoff_after(int attempt) const;
};

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
    std::string state_path = "/var/lib/alerthub/mail.db";
    int keep_days = 30;  // finished jobs older than this are forgotten
};

// A bare addr-spec we are willing to put in an envelope: local@domain, no spaces, angle
// brackets, quotes or control characters.
bool plausible_address(std::string_view address);

// Reads every key and reports every problem at once (with file and line), including keys
// nobody asked for.
Result<MailConfig> load_mail_config(ConfigReader& config);

}  // namespace alerthub::mail
