#pragma once
// Mail's part of the delivery loop (core/delivery_loop.h): a job goes to its audience, the
// configured recipients fixed when the job is first recorded, in batches of recipients per
// SMTP transaction. Each batch the server answers for good is recorded before the next, so
// a retry or a job resumed after a crash starts at the first batch the server has not taken
// and never mails a batch twice.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/mail/mail_config.h"
#include "adapters/mail/smtp_client.h"
#include "core/clock.h"
#include "core/delivery_loop.h"
#include "core/delivery_store.h"
#include "core/log.h"

namespace alerthub::mail {

inline constexpr std::string_view kChannel = "mail";

// What the channel needs from MailConfig, minus the transport.
struct MailSettings {
    std::string from_address;
    std::string from_name;
    std::vector<std::string> recipients;
    int batch_size = 50;
};
MailSettings mail_settings(const MailConfig& config);

// A mail job's own columns in the job store: who it goes to and how far it got.
struct MailBatches {
    std::vector<std::string> audience;  // envelope recipients, fixed when the job arrives
    int batch_size = 1;                 // recipients per SMTP transaction, fixed likewise
    int batches_done = 0;               // batches the server answered for good
    int rejected = 0;                   // recipients the server refused for good

    int batch_count() const;
};

// The job store's mail columns: audience_json, batch_size, batches_done, rejected. A row
// whose audience is not a JSON array of strings cannot be read.
ChannelSchema mail_store_schema();
ChannelFields mail_fields(const MailBatches& batches);
Result<MailBatches> read_mail_batches(const ChannelFields& fields);

class MailChannel final : public DeliveryChannel {
public:
    // Records each batch in `store` as the server answers it; dates mails by `clock`.
    MailChannel(MailSettings settings, SmtpClient& smtp, DeliveryStore& store, const Clock& clock);

    std::string_view name() const override { return kChannel; }
    // The configured recipients, in batches of the configured size.
    ChannelFields admit(const DeliveryJob& job) override;
    AttemptResult attempt(DeliveryRecord& record, const DeliveryJob& job,
                          const std::string& tag) override;
    std::string recorded_note(const DeliveryRecord& record) const override;
    std::string resumed_note(const DeliveryRecord& record) const override;
    std::string stopped_at(const DeliveryRecord& record) const override;
    std::string delivered(const DeliveryRecord& record) const override;

private:
    enum class BatchResult { kDone, kRetry };
    BatchResult send_batch(DeliveryRecord& record, MailBatches& batches, const DeliveryJob& job,
                           const std::string& tag, std::string& retry_reason);

    MailSettings settings_;
    SmtpClient& smtp_;
    DeliveryStore& store_;
    const Clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace alerthub::mail
