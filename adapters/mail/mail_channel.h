#pragma once
// Mail's part of the delivery loop (adapters/common/delivery_loop.h). When a job is first seen its
// audience is fixed in the SubscriberStore: the active subscribers of the blocks the alert
// names (or all of them, for the whole ward) and the staff copies. Every recipient gets a
// mail of their own, in their language, with their own unsubscribe link, sent over
// `connections` parallel SMTP connections that stay open between mails. Recipients are
// sent in batches; each batch's outcomes are saved before the next result is taken, so a
// restart resumes with the recipients still pending and never mails a finished batch again.
//   2xx: accepted.  5xx: refused for good (the subscriber is marked bounced after
//   bounce_limit refusals in a row).  4xx, or the connection failing: pending, retried
//   with the loop's backoff.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/delivery_loop.h"
#include "adapters/common/delivery_store.h"
#include "adapters/mail/mail_config.h"
#include "adapters/mail/mail_links.h"
#include "adapters/mail/smtp_client.h"
#include "adapters/mail/subscriber_store.h"
#include "core/base/clock.h"
#include "core/base/log.h"
#include "core/protocol/town_blocks.h"

namespace alerthub::mail {

inline constexpr std::string_view kChannel = "mail";

// What the channel needs from MailConfig, minus the transports.
struct MailSettings {
    std::string from_address;
    std::string from_name;
    std::vector<std::string> staff_recipients;
    int batch_size = 100;
    int bounce_limit = 2;
};
MailSettings mail_settings(const MailConfig& config);

// A mail job's own columns in the job store (the layout of earlier versions, kept so that
// their state files still open): the staff copies and batch size fixed when the job
// arrives, the batches finished and the recipients refused so far. Who else the job goes
// to is in the SubscriberStore.
struct MailBatches {
    std::vector<std::string> audience;  // staff copies (earlier versions: every recipient)
    int batch_size = 1;
    int batches_done = 0;
    int rejected = 0;
};

ChannelSchema mail_store_schema();
ChannelFields mail_fields(const MailBatches& batches);
Result<MailBatches> read_mail_batches(const ChannelFields& fields);

class MailChannel final : public DeliveryChannel {
public:
    // `connections`: one SmtpClient per parallel connection, each used by one thread at a
    // time. `towns`: may be empty (every alert then concerns the whole ward).
    // `stopping`: once true, no new mail is started (the rest stay pending for the next
    // start); a mail in flight is finished, so that it is recorded and not sent twice.
    MailChannel(MailSettings settings, std::vector<SmtpClient*> connections,
                SubscriberStore& subscribers, DeliveryStore& store, const TownBlocks& towns,
                MailLinks links, const Clock& clock, std::function<bool()> stopping = {});

    std::string_view name() const override { return kChannel; }
    ChannelFields admit(const DeliveryJob& job) override;
    AttemptResult attempt(DeliveryRecord& record, const DeliveryJob& job,
                          const std::string& tag) override;
    std::string recorded_note(const DeliveryRecord& record) const override;
    std::string resumed_note(const DeliveryRecord& record) const override;
    std::string stopped_at(const DeliveryRecord& record) const override;
    std::string delivered(const DeliveryRecord& record) const override;
    void complete_receipt(const DeliveryRecord& record, Receipt& receipt) const override;

private:
    struct Batch;
    struct BatchOutcome;
    void send_batch(SmtpClient& smtp, const Batch& batch, const DeliveryJob& job,
                    BatchOutcome& out) const;
    // Brings a job recorded by an earlier version (audience only in the job store) over.
    Status adopt_earlier_job(const DeliveryRecord& record);

    MailSettings settings_;
    std::vector<SmtpClient*> connections_;
    SubscriberStore& subscribers_;
    DeliveryStore& store_;
    const TownBlocks& towns_;
    MailLinks links_;
    const Clock& clock_;
    std::function<bool()> stopping_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace alerthub::mail
