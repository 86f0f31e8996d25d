#include "adapters/mail/mail_adapter.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "adapters/mail/mail_message.h"
#include "core/time_format.h"

namespace alerthub::mail {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kPublishTimeout{5000};
constexpr milliseconds kReceiptRetry{2000};
constexpr int kReceiptBatch = 100;

std::string job_tag(const std::string& alert_id, std::int64_t version, const std::string& job_id) {
    return fmt::format("[alert={} v={} job={}]", alert_id, version, job_id);
}

milliseconds until(SteadyTime t, SteadyTime now) {
    return std::max(milliseconds(0), std::chrono::ceil<milliseconds>(t - now));
}

}  // namespace

Receipt make_receipt(const JobRecord& r, ReceiptOutcome outcome) {
    Receipt receipt;
    receipt.job_id = r.job_id;
    receipt.channel = std::string(kChannel);
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

MailSettings mail_settings(const MailConfig& c) {
    MailSettings s;
    s.from_address = c.from_address;
    s.from_name = c.from_name;
    s.recipients = c.recipients;
    s.batch_size = c.batch_size;
    s.retry = c.retry;
    s.keep_days = c.keep_days;
    return s;
}

MailAdapter::MailAdapter(Topics topics, MailSettings settings, MessageBus& bus, SmtpClient& smtp,
                         JobStore& store, const Clock& clock)
    : topics_(std::move(topics)),
      settings_(std::move(settings)),
      bus_(bus),
      smtp_(smtp),
      store_(store),
      clock_(clock),
      log_(get_logger("mail")) {}

MailAdapter::~MailAdapter() {
    // The bus's handlers point at this object.
    bus_.stop();
}

Status MailAdapter::start() {
    auto pruned = store_.prune(clock_.now() - std::chrono::hours(24) * settings_.keep_days);
    if (!pruned)
        log_->warn("state: cannot forget old jobs: {}", pruned.error().message);
    else if (*pruned > 0)
        log_->info("state: forgot {} job(s) finished more than {} days ago", *pruned,
                   settings_.keep_days);

    auto pending = store_.pending();
    if (!pending) return pending.error();
    for (auto& record : *pending) {
        auto tag = job_tag(record.alert_id, record.version, record.job_id);
        auto job = decode_job(record.job_json);
        if (!job) {
            log_->error("{} stored job unreadable ({}); marking it failed", tag,
                        job.error().message);
            active_.push_back(Active{record, DeliveryJob{}, clock_.steady_now(), tag});
            finish(active_.back(), JobState::kFailed, "stored job unreadable");
            continue;
        }
        log_->info("{} resuming after a restart at batch {}: {} attempt(s) so far", tag,
                   record.batches_done + 1, record.attempts);
        schedule(std::move(record), std::move(*job));
    }

    // Subscribe before starting, so the first connection already carries the filter.
    bus_.subscribe(topics_.job(kChannel));
    bus_.start(
        [this](BusMessage m) {
            inbox_.push(Event{Event::Kind::kMessage, std::move(m)});
        },
        [this](bool connected) {
            if (connected) inbox_.push(Event{Event::Kind::kConnected, {}});
        });
    return {};
}

std::optional<SteadyTime> MailAdapter::next_attempt_due() const {
    std::optional<SteadyTime> next;
    for (auto& a : active_) {
        if (blocked_by_older_version(a)) continue;
        if (!next || a.due < *next) next = a.due;
    }
    return next;
}

void MailAdapter::poll(milliseconds max_wait) {
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

void MailAdapter::handle(Event event) {
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

void MailAdapter::on_job_message(const BusMessage& message) {
    if (message.topic != topics_.job(kChannel)) {
        log_->debug("ignoring a message on {}", message.topic);
        return;
    }
    auto job = decode_job(message.payload);
    if (!job) {
        log_->warn("skipping a malformed job on {}: {}", message.topic, job.error().message);
        return;
    }
    auto tag = job_tag(job->alert.id, job->alert.version, job->job_id);
    if (job->channel != kChannel) {
        log_->warn("{} skipping a job for channel '{}' sent to {}", tag, job->channel,
                   message.topic);
        return;
    }
    if (job->job_id.empty() || job->idempotency_key.empty() || job->alert.id.empty()) {
        log_->warn("{} skipping a job without job_id, idempotency_key or alert id", tag);
        return;
    }

    auto admitted = store_.admit(*job, settings_.recipients, settings_.batch_size, clock_.now());
    if (!admitted) {
        // Sending without a record could send twice later; the hub re-sends unreceipted jobs.
        log_->error("{} cannot record the job, so not sending it: {}", tag,
                    admitted.error().message);
        return;
    }
    auto& record = admitted->record;
    if (!admitted->inserted) {
        if (record.state == JobState::kPending) {
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

    log_->debug("{} recorded for {} recipient(s)", tag, record.audience.size());
    auto latest = store_.latest_version(job->alert.id);
    std::int64_t version = job->alert.version;
    schedule(std::move(record), std::move(*job));
    // A version older than one already seen would contradict what subscribers were told.
    if (latest && *latest && **latest > version) {
        log_->warn("{} not sent: version {} of this alert came first", active_.back().tag,
                   **latest);
        finish(active_.back(), JobState::kFailed,
               fmt::format("superseded: version {} of this alert came first", **latest));
    }
}

void MailAdapter::schedule(JobRecord record, DeliveryJob job) {
    auto tag = job_tag(record.alert_id, record.version, record.job_id);
    active_.push_back(Active{std::move(record), std::move(job), clock_.steady_now(), tag});
}

bool MailAdapter::blocked_by_older_version(const Active& job) const {
    return std::any_of(active_.begin(), active_.end(), [&](const Active& other) {
        return other.record.alert_id == job.record.alert_id &&
               other.record.version < job.record.version;
    });
}

void MailAdapter::attempt(Active& a) {
    auto& r = a.record;
    r.attempts += 1;
    if (!r.first_attempt) r.first_attempt = clock_.now();
    // Counted before sending, so a crash mid-transaction still counts the attempt.
    if (auto s = store_.save_progress(r); !s)
        log_->error("{} cannot record attempt {}: {}", a.tag, r.attempts, s.error().message);
    log_->debug("{} attempt {}/{}", a.tag, r.attempts, settings_.retry.max_attempts);

    auto audience = static_cast<int>(r.audience.size());
    int batches = (audience + r.batch_size - 1) / r.batch_size;
    std::string retry_reason;
    while (r.batches_done < batches) {
        if (send_batch(a, retry_reason) == BatchResult::kRetry) break;
    }
    if (r.batches_done >= batches) {
        auto summary = fmt::format("{} of {} recipient(s) accepted", r.recipients, audience);
        if (batches > 1) summary += fmt::format(" in {} messages", batches);
        if (!r.detail.empty()) summary += "; " + r.detail;
        bool any = r.recipients > 0;
        if (any)
            log_->info("{} mailed after {} attempt(s): {}", a.tag, r.attempts, summary);
        else
            log_->error("{} failed: {}", a.tag, summary);
        finish(a, any ? JobState::kAccepted : JobState::kFailed, std::move(summary));
        return;
    }
    if (r.attempts >= settings_.retry.max_attempts) {
        log_->error("{} giving up after {} attempts: {}", a.tag, r.attempts, retry_reason);
        auto detail = fmt::format("gave up after {} attempts: {}; {} of {} recipient(s) reached",
                                  r.attempts, retry_reason, r.recipients, audience);
        if (!r.detail.empty()) detail += "; " + r.detail;
        finish(a, JobState::kFailed, std::move(detail));
        return;
    }
    auto wait = settings_.retry.backoff_after(r.attempts);
    a.due = clock_.steady_now() + wait;
    log_->warn("{} attempt {} failed at batch {}/{} ({}); retrying in {} ms", a.tag, r.attempts,
               r.batches_done + 1, batches, retry_reason, wait.count());
}

MailAdapter::BatchResult MailAdapter::send_batch(Active& a, std::string& retry_reason) {
    auto& r = a.record;
    auto begin = static_cast<std::size_t>(r.batches_done) * static_cast<std::size_t>(r.batch_size);
    auto end = std::min(begin + static_cast<std::size_t>(r.batch_size), r.audience.size());
    std::vector<std::string> recipients(r.audience.begin() + static_cast<std::ptrdiff_t>(begin),
                                        r.audience.begin() + static_cast<std::ptrdiff_t>(end));
    int batch = r.batches_done + 1;

    MailEnvelopeHeaders headers;
    headers.from_address = settings_.from_address;
    headers.from_name = settings_.from_name;
    headers.subject = mail_subject(a.job.alert);
    headers.date = format_rfc5322_date(clock_.now());
    headers.message_id = make_message_id(r.job_id, batch, settings_.from_address);
    headers.job_id = r.job_id;
    SmtpMessage message{settings_.from_address, recipients,
                        compose_mail(headers, mail_message(a.job.alert))};

    auto reply = smtp_.send(message);
    if (!reply) {
        retry_reason = reply.error().message;
        return BatchResult::kRetry;
    }
    if (reply->code >= 400 && reply->code < 500) {  // the server says: later
        retry_reason = fmt::format("SMTP {}", reply->text);
        return BatchResult::kRetry;
    }
    auto note = [&](const std::string& text) { r.detail += (r.detail.empty() ? "" : "; ") + text; };
    if (reply->code >= 200 && reply->code < 300) {
        bool traced = reply->accepted + static_cast<int>(reply->rejected.size()) > 0;
        r.recipients += traced ? reply->accepted : static_cast<int>(recipients.size());
        r.rejected += static_cast<int>(reply->rejected.size());
        for (auto& x : reply->rejected)
            log_->warn("{} batch {}: the server refused {} ({})", a.tag, batch, redact(x.address),
                       x.code);
        if (!reply->rejected.empty())
            note(fmt::format("batch {}: {} recipient(s) refused (RCPT {})", batch,
                             reply->rejected.size(), reply->rejected.front().code));
        log_->debug("{} batch {} accepted: {}", a.tag, batch, reply->text);
    } else {
        // A permanent refusal of this message; later batches may still go through.
        r.rejected += static_cast<int>(recipients.size());
        note(fmt::format("batch {}: SMTP {}", batch, reply->text));
        log_->error("{} batch {} refused for good: SMTP {}", a.tag, batch, reply->text);
    }
    r.batches_done += 1;
    // Recorded before the next batch: a restart must not mail this batch again.
    if (auto s = store_.save_progress(r); !s)
        log_->error("{} cannot record batch {}: {}", a.tag, batch, s.error().message);
    return BatchResult::kDone;
}

void MailAdapter::finish(Active& a, JobState state, std::string detail) {
    a.record.state = state;
    a.record.detail = std::move(detail);
    a.record.finished = clock_.now();
    if (!a.record.first_attempt) a.record.first_attempt = a.record.finished;
    auto outcome =
        state == JobState::kAccepted ? ReceiptOutcome::kAccepted : ReceiptOutcome::kFailed;
    auto payload = encode_receipt(make_receipt(a.record, outcome));
    if (auto s = store_.finish(a.record, payload); !s) {
        // The job stays pending on disk: a restart resumes it after its last recorded batch.
        log_->error("{} cannot record the outcome ({}); publishing the receipt directly", a.tag,
                    s.error().message);
        if (auto p = bus_.publish({topics_.receipt(kChannel), payload, false}, kPublishTimeout); !p)
            log_->error("{} receipt lost: {}", a.tag, p.error().message);
    }
    auto job_id = a.record.job_id;  // `a` dies with the erase below
    active_.erase(std::remove_if(active_.begin(), active_.end(),
                                 [&](const Active& x) { return x.record.job_id == job_id; }),
                  active_.end());
    receipts_waiting_ = true;
    next_receipt_flush_ = clock_.steady_now();
}

void MailAdapter::publish_duplicate_receipt(const JobRecord& record, const std::string& tag) {
    auto receipt = make_receipt(record, ReceiptOutcome::kDuplicate);
    receipt.recipients = 0;
    receipt.detail = fmt::format("already {} at {}: {}", to_string(record.state),
                                 format_rfc3339_jst(receipt.finished), record.detail);
    if (auto s = store_.queue_receipt(record.job_id, encode_receipt(receipt), clock_.now()); !s) {
        log_->error("{} cannot queue the duplicate receipt: {}", tag, s.error().message);
        return;
    }
    receipts_waiting_ = true;
    next_receipt_flush_ = clock_.steady_now();
}

void MailAdapter::flush_receipts() {
    if (!receipts_waiting_ || clock_.steady_now() < next_receipt_flush_) return;
    if (!bus_.connected()) return;  // the next connection event brings us back here
    auto queued = store_.queued_receipts(kReceiptBatch);
    if (!queued) {
        log_->error("state: cannot read queued receipts: {}", queued.error().message);
        next_receipt_flush_ = clock_.steady_now() + kReceiptRetry;
        return;
    }
    for (auto& q : *queued) {
        auto s = bus_.publish({topics_.receipt(kChannel), q.payload, false}, kPublishTimeout);
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

}  // namespace alerthub::mail
