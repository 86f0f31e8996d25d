#include "adapters/common/delivery_loop.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/base/daemon.h"
#include "core/base/time_format.h"

namespace alerthub {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kPublishTimeout{5000};
constexpr milliseconds kReceiptRetry{2000};
constexpr int kReceiptBatch = 100;
constexpr milliseconds kRunPollInterval{200};

std::string job_tag(const std::string& alert_id, std::int64_t version, const std::string& job_id) {
    return fmt::format("[alert={} v={} job={}]", alert_id, version, job_id);
}

milliseconds until(SteadyTime t, SteadyTime now) {
    return std::max(milliseconds(0), std::chrono::ceil<milliseconds>(t - now));
}

}  // namespace

Receipt make_receipt(const DeliveryRecord& r, std::string_view channel, ReceiptOutcome outcome) {
    Receipt receipt;
    receipt.job_id = r.job_id;
    receipt.channel = std::string(channel);
    receipt.alert_id = r.alert_id;
    receipt.version = r.version;
    receipt.outcome = outcome;
    receipt.recipients = r.recipients;
    receipt.attempts = r.attempts;
    receipt.detail = r.detail;
    receipt.first_attempt = r.first_attempt.value_or(r.received);
    receipt.finished = r.finished.value_or(r.received);
    return receipt;
}

DeliveryLoop::DeliveryLoop(Topics topics, SignatureVerifier verifier, RetryPolicy retry,
                           int keep_days, MessageBus& bus, DeliveryChannel& channel,
                           DeliveryStore& store, const Clock& clock)
    : topics_(std::move(topics)),
      verifier_(std::move(verifier)),
      retry_(retry),
      keep_days_(keep_days),
      bus_(bus),
      channel_(channel),
      channel_name_(channel.name()),
      store_(store),
      clock_(clock),
      log_(get_logger(channel_name_)) {}

DeliveryLoop::~DeliveryLoop() {
    // The bus's handlers point at this object.
    bus_.stop();
}

Status DeliveryLoop::start() {
    auto pruned = store_.prune(clock_.now() - std::chrono::hours(24) * keep_days_);
    if (!pruned)
        log_->warn("state: cannot forget old jobs: {}", pruned.error().message);
    else if (*pruned > 0)
        log_->info("state: forgot {} job(s) finished more than {} days ago", *pruned, keep_days_);

    auto pending = store_.pending();
    if (!pending) return pending.error();
    for (auto& record : *pending) {
        auto tag = job_tag(record.alert_id, record.version, record.job_id);
        auto job = decode_job(record.job_json);
        if (!job) {
            log_->error("{} stored job unreadable ({}); marking it failed", tag,
                        job.error().message);
            active_.push_back(Active{record, DeliveryJob{}, clock_.steady_now(), tag});
            finish(active_.back(), DeliveryState::kFailed, "stored job unreadable");
            continue;
        }
        log_->info("{} {}", tag, channel_.resumed_note(record));
        schedule(std::move(record), std::move(*job));
    }

    // Subscribe before starting, so the first connection already carries the filter.
    bus_.subscribe(topics_.job(channel_name_));
    bus_.start(
        [this](BusMessage m) {
            inbox_.push(Event{Event::Kind::kMessage, std::move(m)});
        },
        [this](bool connected) {
            if (connected) inbox_.push(Event{Event::Kind::kConnected, {}});
        });
    return {};
}

std::optional<SteadyTime> DeliveryLoop::next_attempt_due() const {
    std::optional<SteadyTime> next;
    for (auto& a : active_) {
        if (blocked_by_older_version(a)) continue;
        if (!next || a.due < *next) next = a.due;
    }
    return next;
}

void DeliveryLoop::poll(milliseconds max_wait) {
    auto now = clock_.steady_now();
    auto wait = max_wait;
    if (auto due = next_attempt_due()) wait = std::min(wait, until(*due, now));
    if (receipts_waiting_ && bus_.connected())
        wait = std::min(wait, until(next_receipt_flush_, now));

    if (auto event = inbox_.pop_for(wait)) handle(std::move(*event));
    while (auto event = inbox_.pop_for(milliseconds(0))) handle(std::move(*event));

    // Each due job gets one attempt per poll; a job unblocked by its predecessor finishing
    // goes in the same round.
    std::set<std::string> attempted;
    for (;;) {
        auto now_steady = clock_.steady_now();
        auto it = std::find_if(active_.begin(), active_.end(), [&](const Active& a) {
            return a.due <= now_steady && !attempted.count(a.record.job_id) &&
                   !blocked_by_older_version(a);
        });
        if (it == active_.end()) break;
        attempted.insert(it->record.job_id);
        attempt(*it);
    }
    flush_receipts();
}

void DeliveryLoop::run(const std::function<bool()>& stop_requested) {
    while (!stop_requested()) {
        poll(kRunPollInterval);
        notify_watchdog();
    }
}

void DeliveryLoop::handle(Event event) {
    switch (event.kind) {
        case Event::Kind::kMessage:
            on_job_message(event.message);
            break;
        case Event::Kind::kConnected:
            receipts_waiting_ = true;
            next_receipt_flush_ = clock_.steady_now();
            break;
    }
}

void DeliveryLoop::on_job_message(const BusMessage& message) {
    if (message.topic != topics_.job(channel_name_)) {
        log_->debug("ignoring a message on {}", message.topic);
        return;
    }
    // A job the hub did not sign could mail every subscriber, or (by its job id) keep the
    // real one from being sent: refused before anything is read from it.
    auto verified = verifier_.verify(message.payload);
    if (!verified) {
        ++refused_jobs_;
        log_->warn("refused a job on {} ({} refused so far): {}", message.topic, refused_jobs_,
                   verified.error().message);
        return;
    }
    auto job = decode_job(verified->signed_bytes);
    if (!job) {
        log_->warn("skipping a malformed job on {}: {}", message.topic, job.error().message);
        return;
    }
    auto tag = job_tag(job->alert.id, job->alert.version, job->job_id);
    if (job->channel != channel_name_) {
        log_->warn("{} skipping a job for channel '{}' sent to {}", tag, job->channel,
                   message.topic);
        return;
    }
    if (job->job_id.empty() || job->idempotency_key.empty() || job->alert.id.empty()) {
        log_->warn("{} skipping a job without job_id, idempotency_key or alert id", tag);
        return;
    }

    auto admitted = store_.admit(*job, channel_.admit(*job), clock_.now());
    if (!admitted) {
        // Sending without a record could send twice later. Not lost: the hub publishes a
        // job again until its receipt comes back (docs/protocol.md, "Jobs until their
        // receipt").
        log_->error("{} cannot record the job, so not sending it: {}", tag,
                    admitted.error().message);
        return;
    }
    auto& record = admitted->record;
    if (!admitted->inserted) {
        if (record.state == DeliveryState::kPending) {
            bool active = std::any_of(active_.begin(), active_.end(), [&](const Active& a) {
                return a.record.job_id == record.job_id;
            });
            if (active) {
                log_->debug("{} already in progress; redelivery ignored", tag);
            } else {
                schedule(std::move(record), std::move(*job));
            }
            return;
        }
        log_->info("{} already {}; not sending again (duplicate receipt)", tag,
                   to_string(record.state));
        publish_duplicate_receipt(record, tag);
        return;
    }

    log_->debug("{} {}", tag, channel_.recorded_note(record));
    auto latest = store_.latest_version(job->alert.id);
    std::int64_t version = job->alert.version;
    schedule(std::move(record), std::move(*job));
    // A version older than one already seen would contradict what subscribers were told.
    if (latest && *latest && **latest > version) {
        log_->warn("{} not sent: version {} of this alert came first", active_.back().tag,
                   **latest);
        finish(active_.back(), DeliveryState::kFailed,
               fmt::format("superseded: version {} of this alert came first", **latest));
    }
}

void DeliveryLoop::schedule(DeliveryRecord record, DeliveryJob job) {
    auto tag = job_tag(record.alert_id, record.version, record.job_id);
    active_.push_back(Active{std::move(record), std::move(job), clock_.steady_now(), tag});
}

bool DeliveryLoop::blocked_by_older_version(const Active& job) const {
    return std::any_of(active_.begin(), active_.end(), [&](const Active& other) {
        return other.record.alert_id == job.record.alert_id &&
               other.record.version < job.record.version;
    });
}

void DeliveryLoop::attempt(Active& a) {
    auto& r = a.record;
    r.attempts += 1;
    if (!r.first_attempt) r.first_attempt = clock_.now();
    // Counted before the attempt, so a crash in the middle of it still counts it.
    if (auto s = store_.save_progress(r); !s)
        log_->error("{} cannot record attempt {}: {}", a.tag, r.attempts, s.error().message);
    log_->debug("{} attempt {}/{}", a.tag, r.attempts, retry_.max_attempts);

    auto result = channel_.attempt(r, a.job, a.tag);
    switch (result.kind) {
        case AttemptKind::kAccepted:
            finish(a, DeliveryState::kAccepted, std::move(result.detail));
            return;
        case AttemptKind::kFailed:
            finish(a, DeliveryState::kFailed, std::move(result.detail));
            return;
        case AttemptKind::kRetry:
            break;
    }
    if (retry_.exhausted(r.attempts)) {
        log_->error("{} giving up after {} attempts: {}", a.tag, r.attempts, result.detail);
        auto detail = fmt::format("gave up after {} attempts: {}", r.attempts, result.detail);
        if (auto delivered = channel_.delivered(r); !delivered.empty()) detail += "; " + delivered;
        finish(a, DeliveryState::kFailed, std::move(detail));
        return;
    }
    auto wait = retry_.backoff_after(r.attempts);
    a.due = clock_.steady_now() + wait;
    if (auto s = store_.save_progress(r); !s)
        log_->error("{} cannot record the attempt's outcome: {}", a.tag, s.error().message);
    auto stopped_at = channel_.stopped_at(r);
    log_->warn("{} attempt {} failed{} ({}); retrying in {} ms", a.tag, r.attempts,
               stopped_at.empty() ? "" : " " + stopped_at, result.detail, wait.count());
}

void DeliveryLoop::finish(Active& a, DeliveryState state, std::string detail) {
    a.record.state = state;
    a.record.detail = std::move(detail);
    a.record.finished = clock_.now();
    if (!a.record.first_attempt) a.record.first_attempt = a.record.finished;
    auto outcome =
        state == DeliveryState::kAccepted ? ReceiptOutcome::kAccepted : ReceiptOutcome::kFailed;
    auto receipt = make_receipt(a.record, channel_name_, outcome);
    channel_.complete_receipt(a.record, receipt);
    add_refusals(receipt);
    auto payload = encode_receipt(receipt);
    if (auto s = store_.finish(a.record, payload); !s) {
        // The job stays pending on disk: a restart resumes it with what the channel fixed
        // for it and where it got to, which keeps it from being delivered twice.
        log_->error("{} cannot record the outcome ({}); publishing the receipt directly", a.tag,
                    s.error().message);
        if (auto p =
                bus_.publish({topics_.receipt(channel_name_), payload, false}, kPublishTimeout);
            !p)
            log_->error("{} receipt lost: {}", a.tag, p.error().message);
    }
    auto job_id = a.record.job_id;  // `a` dies with the erase below
    active_.erase(std::remove_if(active_.begin(), active_.end(),
                                 [&](const Active& x) { return x.record.job_id == job_id; }),
                  active_.end());
    receipts_waiting_ = true;
    next_receipt_flush_ = clock_.steady_now();
}

void DeliveryLoop::publish_duplicate_receipt(const DeliveryRecord& record, const std::string& tag) {
    auto receipt = make_receipt(record, channel_name_, ReceiptOutcome::kDuplicate);
    receipt.recipients = 0;
    receipt.detail = fmt::format("already {} at {}: {}", to_string(record.state),
                                 format_rfc3339_jst(receipt.finished), record.detail);
    add_refusals(receipt);
    if (auto s = store_.queue_receipt(record.job_id, encode_receipt(receipt), clock_.now()); !s) {
        log_->error("{} cannot queue the duplicate receipt: {}", tag, s.error().message);
        return;
    }
    receipts_waiting_ = true;
    next_receipt_flush_ = clock_.steady_now();
}

void DeliveryLoop::add_refusals(Receipt& receipt) const {
    if (refused_jobs_ == 0) return;
    receipt.refused_jobs = refused_jobs_;
    receipt.warnings.push_back(fmt::format(
        "ハブの署名のないジョブを{}件拒否しました（送信していません） / {} jobs not signed by "
        "the hub were refused (nothing sent)",
        refused_jobs_, refused_jobs_));
}

void DeliveryLoop::flush_receipts() {
    if (!receipts_waiting_ || clock_.steady_now() < next_receipt_flush_) return;
    if (!bus_.connected()) return;  // the next connection event brings us back here
    auto queued = store_.queued_receipts(kReceiptBatch);
    if (!queued) {
        log_->error("state: cannot read queued receipts: {}", queued.error().message);
        next_receipt_flush_ = clock_.steady_now() + kReceiptRetry;
        return;
    }
    for (auto& q : *queued) {
        auto s = bus_.publish({topics_.receipt(channel_name_), q.payload, false}, kPublishTimeout);
        if (!s) {
            if (!receipt_outage_logged_)
                log_->warn("receipt for {} not published ({}); kept to send later", q.job_id,
                           s.error().message);
            receipt_outage_logged_ = true;
            next_receipt_flush_ = clock_.steady_now() + kReceiptRetry;
            return;
        }
        log_->debug("receipt for {} published", q.job_id);
        if (auto r = store_.remove_receipt(q.id); !r)
            log_->error("state: cannot remove the published receipt for {}: {}", q.job_id,
                        r.error().message);
    }
    if (receipt_outage_logged_) log_->info("receipts flowing again");
    receipt_outage_logged_ = false;
    receipts_waiting_ = static_cast<int>(queued->size()) == kReceiptBatch;
}

}  // namespace alerthub
