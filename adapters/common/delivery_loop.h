#pragma once
// The loop both channel adapters run: takes delivery jobs from {root}/jobs/{channel},
// records each in the DeliveryStore before its first attempt, has the channel make attempts
// (the versions of one alert strictly in order) with retries and backoff, and publishes a
// receipt per job on {root}/receipts/{channel} (kept in the store until the broker has it).
// What an attempt is, and what the store keeps for a job beyond the common columns, is the
// channel's: a DeliveryChannel (LINE broadcast, SMTP mail).
//
// A job is acknowledged by its receipt, not by the broker's PUBACK: Paho acknowledges a
// message as it arrives, so a job still in `inbox_` when the adapter is killed is gone from
// the broker; the hub publishes it again until its receipt comes back, and the store's
// record of each job id keeps a resend from being delivered twice (docs/protocol.md, "Jobs
// until their receipt").
//
// Threads: the bus's handlers only push into `inbox_`; everything else runs on the thread
// that calls poll(). Time comes from the injected Clock, so tests drive retries by
// advancing a FakeClock and calling poll(0ms).

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/delivery_store.h"
#include "core/base/blocking_queue.h"
#include "core/base/clock.h"
#include "core/base/log.h"
#include "core/base/retry_policy.h"
#include "core/mqtt/message_bus.h"
#include "core/protocol/messages.h"
#include "core/protocol/signature.h"
#include "core/protocol/topics.h"

namespace alerthub {

class DeliveryChannel {
public:
    virtual ~DeliveryChannel() = default;

    // "line", "mail": the level under jobs/ and receipts/, the receipts' channel and the
    // logger's name.
    virtual std::string_view name() const = 0;

    // What the channel fixes for a job it sees for the first time: the values of all its
    // store columns (ChannelSchema).
    virtual ChannelFields admit(const DeliveryJob& job) = 0;

    // One attempt at `job`. `record` counts it already (and is saved); the channel keeps its
    // progress in `record` (and saves it itself where a crash must not repeat a part) and
    // logs what the provider accepted or refused for good. Retrying is the loop's business.
    virtual AttemptResult attempt(DeliveryRecord& record, const DeliveryJob& job,
                                  const std::string& tag) = 0;

    // How the log describes a job just recorded ("recorded with retry key ...") and one
    // resumed after a restart ("resuming after a restart at batch 2: ...").
    virtual std::string recorded_note(const DeliveryRecord& record) const = 0;
    virtual std::string resumed_note(const DeliveryRecord& record) const = 0;

    // For a channel that delivers a job in parts (mail's recipient batches), how far an
    // unfinished job got: where the last attempt stopped, for the retry log ("at batch
    // 2/3"), and what was delivered, added to the receipt if the job is given up ("2 of 3
    // recipient(s) reached"). A job delivered in one piece has nothing to add.
    virtual std::string stopped_at(const DeliveryRecord& /*record*/) const { return {}; }
    virtual std::string delivered(const DeliveryRecord& /*record*/) const { return {}; }

    // Adds what only the channel knows to a finished job's receipt: its batches and
    // warnings for staff (docs/protocol.md). Nothing by default.
    virtual void complete_receipt(const DeliveryRecord& /*record*/, Receipt& /*receipt*/) const {}
};

class DeliveryLoop {
public:
    // Only jobs signed by one of `verifier`'s keys are taken (docs/protocol.md, "Signatures").
    DeliveryLoop(Topics topics, SignatureVerifier verifier, RetryPolicy retry, int keep_days,
                 MessageBus& bus, DeliveryChannel& channel, DeliveryStore& store,
                 const Clock& clock);
    ~DeliveryLoop();  // stops the bus, whose handlers point here
    DeliveryLoop(const DeliveryLoop&) = delete;
    DeliveryLoop& operator=(const DeliveryLoop&) = delete;

    // Forgets jobs finished more than `keep_days` ago, resumes jobs a previous run left
    // pending (with what the channel fixed for them), then subscribes to
    // {root}/jobs/{channel} and starts the bus. Fails only when the store cannot be read.
    Status start();

    // Handles what has arrived, makes every attempt that is due and publishes queued
    // receipts. Waits for input at most `max_wait` (less when an attempt falls due sooner).
    void poll(std::chrono::milliseconds max_wait);

    // For main(): polls until `stop_requested` says so, pinging the systemd watchdog.
    void run(const std::function<bool()>& stop_requested);

    // Makes a waiting poll() return now.
    void wake() { inbox_.wake(); }

    // Jobs received and not finished yet.
    std::size_t active_jobs() const { return active_.size(); }
    // When the next attempt falls due (steady clock), if any job waits for one.
    std::optional<SteadyTime> next_attempt_due() const;
    // Jobs refused since start because the hub had not signed them.
    std::int64_t refused_jobs() const { return refused_jobs_; }

private:
    struct Event {
        enum class Kind { kMessage, kConnected } kind = Kind::kMessage;
        BusMessage message;
    };
    struct Active {
        DeliveryRecord record;
        DeliveryJob job;
        SteadyTime due{};
        std::string tag;  // "[alert=... v=... job=...]" for every log line of this job
    };

    void handle(Event event);
    void on_job_message(const BusMessage& message);
    void schedule(DeliveryRecord record, DeliveryJob job);
    bool blocked_by_older_version(const Active& job) const;
    void attempt(Active& job);
    void finish(Active& job, DeliveryState state, std::string detail);
    void publish_duplicate_receipt(const DeliveryRecord& record, const std::string& tag);
    void flush_receipts();
    // Every receipt says how many jobs were refused, so the board shows it.
    void add_refusals(Receipt& receipt) const;

    Topics topics_;
    SignatureVerifier verifier_;
    std::int64_t refused_jobs_ = 0;
    RetryPolicy retry_;
    int keep_days_;
    MessageBus& bus_;
    DeliveryChannel& channel_;
    std::string channel_name_;
    DeliveryStore& store_;
    const Clock& clock_;
    std::shared_ptr<spdlog::logger> log_;

    BlockingQueue<Event> inbox_;
    std::vector<Active> active_;  // few at a time: a handful of alerts, each in version order
    bool receipts_waiting_ = true;
    SteadyTime next_receipt_flush_{};
    bool receipt_outage_logged_ = false;
};

// The receipt for `record` as it stands.
Receipt make_receipt(const DeliveryRecord& record, std::string_view channel,
                     ReceiptOutcome outcome);

}  // namespace alerthub
