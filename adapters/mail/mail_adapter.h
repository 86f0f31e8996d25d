#pragma once
// The mail-adapter's loop: takes delivery jobs from the bus, records each (with its
// audience) before the first SMTP transaction, mails it in recipient batches with retries
// and backoff, and publishes a receipt per job (kept in the store until the broker has it).
//
// Threads: the bus's handlers only push into `inbox_`; everything else runs on the thread
// that calls poll(). Time comes from the injected Clock, so tests drive retries by
// advancing a FakeClock and calling poll(0ms).

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "adapters/mail/job_store.h"
#include "adapters/mail/mail_config.h"
#include "adapters/mail/smtp_client.h"
#include "core/blocking_queue.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/message_bus.h"
#include "core/topics.h"

namespace alerthub::mail {

inline constexpr std::string_view kChannel = "mail";

// What the adapter needs from MailConfig, minus the transport.
struct MailSettings {
    std::string from_address;
    std::string from_name;
    std::vector<std::string> recipients;
    int batch_size = 50;
    RetryPolicy retry;
    int keep_days = 30;
};
MailSettings mail_settings(const MailConfig& config);

class MailAdapter {
public:
    MailAdapter(Topics topics, MailSettings settings, MessageBus& bus, SmtpClient& smtp,
                JobStore& store, const Clock& clock);
    ~MailAdapter();  // stops the bus, whose handlers point here
    MailAdapter(const MailAdapter&) = delete;
    MailAdapter& operator=(const MailAdapter&) = delete;

    // Resumes jobs a previous run left pending (at their first unsent batch), then
    // subscribes to {root}/jobs/mail and starts the bus. Fails only when the store cannot
    // be read.
    Status start();

    // Handles what has arrived, makes every attempt that is due and publishes queued
    // receipts. Waits for input at most `max_wait` (less when an attempt falls due sooner).
    void poll(std::chrono::milliseconds max_wait);

    // Makes a waiting poll() return now.
    void wake() { inbox_.wake(); }

    // Jobs received and not finished yet.
    std::size_t active_jobs() const { return active_.size(); }
    // When the next attempt falls due (steady clock), if any job waits for one.
    std::optional<SteadyTime> next_attempt_due() const;

private:
    struct Event {
        enum class Kind { kMessage, kConnected } kind = Kind::kMessage;
        BusMessage message;
    };
    struct Active {
        JobRecord record;
        DeliveryJob job;
        SteadyTime due{};
        std::string tag;  // "[alert=... v=... job=...]" for every log line of this job
    };
    enum class BatchResult { kDone, kRetry };

    void handle(Event event);
    void on_job_message(const BusMessage& message);
    void schedule(JobRecord record, DeliveryJob job);
    bool blocked_by_older_version(const Active& job) const;
    void attempt(Active& job);
    BatchResult send_batch(Active& job, std::string& retry_reason);
    void finish(Active& job, JobState state, std::string detail);
    void publish_duplicate_receipt(const JobRecord& record, const std::string& tag);
    void flush_receipts();

    Topics topics_;
    MailSettings settings_;
    MessageBus& bus_;
    SmtpClient& smtp_;
    JobStore& store_;
    const Clock& clock_;
    std::shared_ptr<spdlog::logger> log_;

    BlockingQueue<Event> inbox_;
    std::vector<Active> active_;  // few at a time: a handful of alerts, each in version order
    bool receipts_waiting_ = true;
    SteadyTime next_receipt_flush_{};
    bool receipt_outage_logged_ = false;
};

Receipt make_receipt(const JobRecord& record, ReceiptOutcome outcome);

}  // namespace alerthub::mail
