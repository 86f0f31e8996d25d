#pragma once

#include <functional>
#include <memory>

#include "adapters/mail/mail_config.h"
#include "adapters/mail/smtp_client.h"

namespace alerthub::mail {

// libcurl's global set-up, for main() (libcurl's headers stay in curl_smtp_client.cpp).
Status curl_global_setup();

// SMTP over libcurl. One easy handle, kept for its connection cache: consecutive messages
// reuse the connection (no new TCP/TLS/EHLO/AUTH). Not thread-safe: one per thread.
// One bad recipient does not fail the rest (CURLOPT_MAIL_RCPT_ALLLOWFAILS).
class CurlSmtpClient final : public SmtpClient {
public:
    // `abort_requested` is polled during a transfer, so shutdown does not wait for a slow
    // server.
    explicit CurlSmtpClient(SmtpSettings settings, std::function<bool()> abort_requested = {});
    ~CurlSmtpClient() override;
    Result<SmtpReply> send(const SmtpMessage& message) override;

private:
    struct Handle;
    SmtpSettings settings_;
    std::function<bool()> abort_requested_;
    std::unique_ptr<Handle> handle_;
};

}  // namespace alerthub::mail
