#include "adapters/mail/mail_channel.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/mail/mail_message.h"
#include "core/base/blocking_queue.h"
#include "core/base/check.h"
#include "core/protocol/alert_text.h"

namespace alerthub::mail {
namespace {

constexpr std::string_view kAudience = "audience_json";
constexpr std::string_view kBatchSize = "batch_size";
constexpr std::string_view kBatchesDone = "batches_done";
constexpr std::string_view kRejected = "rejected";

Result<std::vector<std::string>> decode_audience(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_array())
        return make_error(ErrorCode::kInternal, "jobs.audience_json: not a JSON array");
    std::vector<std::string> out;
    for (auto& a : j) {
        if (!a.is_string())
            return make_error(ErrorCode::kInternal, "jobs.audience_json: not strings");
        out.push_back(a.get<std::string>());
    }
    return out;
}

// The store hands out only rows whose mail columns read (mail_store_schema's check).
MailBatches batches_of(const DeliveryRecord& record) {
    auto batches = read_mail_batches(record.channel);
    CHECK(batches.ok(), "a mail job's columns were checked when it was read");
    return std::move(*batches);
}

bool is_2xx(int code) {
    return code >= 200 && code < 300;
}
bool is_5xx(int code) {
    return code >= 500 && code < 600;
}

}  // namespace

struct MailChannel::Batch {
    int index = 0;  // 1-based
    std::vector<JobRecipient> recipients;
};

struct MailChannel::BatchOutcome {
    int index = 0;
    std::vector<RecipientResult> results;  // one per recipient tried
    int deferred = 0;                      // 4xx: pending again
    std::string retry_reason;              // the first 4xx or connection failure
    bool connection_failed = false;        // this connection stopped taking batches
    bool worker_done = false;              // marker: a worker has no more batches
};

MailSettings mail_settings(const MailConfig& c) {
    MailSettings s;
    s.from_address = c.from_address;
    s.from_name = c.from_name;
    s.staff_recipients = c.recipients;
    s.batch_size = c.batch_size;
    s.bounce_limit = c.bounce_limit;
    return s;
}

ChannelSchema mail_store_schema() {
    using Type = ChannelColumn::Type;
    ChannelSchema schema;
    schema.columns = {{std::string(kAudience), Type::kText, /*progress=*/false},
                      {std::string(kBatchSize), Type::kInteger, /*progress=*/false},
                      {std::string(kBatchesDone), Type::kInteger, /*progress=*/true},
                      {std::string(kRejected), Type::kInteger, /*progress=*/true}};
    schema.check = [](const ChannelFields& fields) -> Status {
        if (auto batches = read_mail_batches(fields); !batches) return batches.error();
        return {};
    };
    return schema;
}

ChannelFields mail_fields(const MailBatches& b) {
    return ChannelFields()
        .set_text(kAudience, nlohmann::json(b.audience).dump())
        .set_integer(kBatchSize, b.batch_size)
        .set_integer(kBatchesDone, b.batches_done)
        .set_integer(kRejected, b.rejected);
}

Result<MailBatches> read_mail_batches(const ChannelFields& fields) {
    MailBatches b;
    auto audience = decode_audience(fields.text(kAudience));
    if (!audience) return audience.error();
    b.audience = std::move(*audience);
    b.batch_size = static_cast<int>(std::max<std::int64_t>(fields.integer(kBatchSize), 1));
    b.batches_done = static_cast<int>(fields.integer(kBatchesDone));
    b.rejected = static_cast<int>(fields.integer(kRejected));
    return b;
}

MailChannel::MailChannel(MailSettings settings, std::vector<SmtpClient*> connections,
                         SubscriberStore& subscribers, DeliveryStore& store,
                         const TownBlocks& towns, MailLinks links, const Clock& clock,
                         std::function<bool()> stopping)
    : settings_(std::move(settings)),
      connections_(std::move(connections)),
      subscribers_(subscribers),
      store_(store),
      towns_(towns),
      links_(std::move(links)),
      clock_(clock),
      stopping_(std::move(stopping)),
      log_(get_logger(std::string(kChannel))) {
    CHECK(!connections_.empty(), "MailChannel needs at least one SMTP connection");
}

ChannelFields MailChannel::admit(const DeliveryJob& job) {
    // Idempotent: a job seen before keeps the audience it was given then.
    auto targeting = towns_.target(job.alert.areas);
    auto size = subscribers_.snapshot_audience(job.job_id, targeting, settings_.staff_recipients);
    if (!size) {
        // The job is still recorded; its first attempt finds no audience and retries.
        log_->error("[job={}] cannot fix the audience: {}", job.job_id, size.error().message);
    } else if (!targeting.whole_ward) {
        log_->debug("[job={}] {} recipient(s) for {} town block(s)", job.job_id, *size,
                    targeting.codes.size());
    }
    MailBatches b;
    b.audience = settings_.staff_recipients;
    b.batch_size = settings_.batch_size;
    return mail_fields(b);
}

Status MailChannel::adopt_earlier_job(const DeliveryRecord& record) {
    auto b = batches_of(record);
    int done = std::min(static_cast<int>(b.audience.size()), b.batches_done * b.batch_size);
    return subscribers_.adopt_addresses(record.job_id, b.audience, done);
}

void MailChannel::send_batch(SmtpClient& smtp, const Batch& batch, const DeliveryJob& job,
                             BatchOutcome& out) const {
    out.index = batch.index;
    auto date = format_rfc5322_date(clock_.now());
    std::map<std::string, std::string> subjects;  // by language
    for (auto& r : batch.recipients) {
        if (stopping_ && stopping_()) {
            out.connection_failed = true;  // takes no further batch either
            out.retry_reason = "stopping";
            return;
        }
        RecipientResult result{r.seq, r.subscriber_id, RecipientOutcome::kSkipped, 0, clock_.now()};
        if (!r.active || r.email.empty()) {
            out.results.push_back(result);
            continue;
        }
        auto& subject = subjects[r.language];
        if (subject.empty()) subject = mail_subject(job.alert, r.language);
        SubscriberLinks links;
        MailEnvelopeHeaders h;
        if (r.subscriber_id != 0 && links_.enabled()) {
            links.unsubscribe = links_.unsubscribe_url(r.subscriber_id);
            links.preferences = links_.preferences_url(r.subscriber_id);
            h.list_unsubscribe = links.unsubscribe;
        }
        h.from_address = settings_.from_address;
        h.from_name = settings_.from_name;
        h.to_address = r.email;
        h.subject = subject;
        h.date = date;
        h.message_id = make_message_id(job.job_id, r.seq, settings_.from_address);
        h.job_id = job.job_id;
        SmtpMessage message{settings_.from_address,
                            {r.email},
                            compose_mail(h, mail_text(job.alert, r.language, links),
                                         mail_html(job.alert, r.language, links))};
        auto reply = smtp.send(message);
        result.sent = clock_.now();
        if (!reply) {
            // The connection is gone: this and the rest of the batch stay pending.
            out.connection_failed = true;
            out.retry_reason = reply.error().message;
            return;
        }
        int code = reply->rejected.empty() ? reply->code : reply->rejected.front().code;
        result.code = code;
        if (is_2xx(code)) {
            result.outcome = RecipientOutcome::kAccepted;
        } else if (is_5xx(code)) {
            result.outcome = RecipientOutcome::kRefused;
        } else {
            result.outcome = RecipientOutcome::kPending;
            ++out.deferred;
            if (out.retry_reason.empty()) out.retry_reason = fmt::format("SMTP {}", reply->text);
            if (code == 421) {  // the server is closing this connection
                out.results.push_back(result);
                out.connection_failed = true;
                return;
            }
        }
        out.results.push_back(result);
    }
}

AttemptResult MailChannel::attempt(DeliveryRecord& r, const DeliveryJob& job,
                                   const std::string& tag) {
    auto b = batches_of(r);
    auto counts = subscribers_.counts(r.job_id);
    if (counts && counts->audience == 0 && !b.audience.empty()) {
        if (auto s = adopt_earlier_job(r); !s) return {AttemptKind::kRetry, s.error().message};
        counts = subscribers_.counts(r.job_id);
    }
    auto pending = subscribers_.pending_recipients(r.job_id);
    if (!counts || !pending)
        return {AttemptKind::kRetry,
                "state: " + (!counts ? counts.error().message : pending.error().message)};

    std::vector<Batch> batches;
    for (auto& p : *pending) {
        int index = p.seq / b.batch_size + 1;
        if (batches.empty() || batches.back().index != index) batches.push_back({index, {}});
        batches.back().recipients.push_back(std::move(p));
    }

    // Workers send; this thread records each batch as it comes back.
    BlockingQueue<BatchOutcome> outcomes;
    std::atomic<std::size_t> next{0};
    auto worker_count = std::min(connections_.size(), batches.size());
    std::vector<std::thread> workers;
    for (std::size_t w = 0; w < worker_count; ++w) {
        workers.emplace_back([&, smtp = connections_[w]] {
            for (;;) {
                auto i = next.fetch_add(1);
                if (i >= batches.size()) break;
                BatchOutcome o;
                send_batch(*smtp, batches[i], job, o);
                bool stop = o.connection_failed;
                outcomes.push(std::move(o));
                if (stop) break;
            }
            BatchOutcome done;
            done.worker_done = true;
            outcomes.push(std::move(done));
        });
    }
    std::string retry_reason;
    for (std::size_t finished = 0; finished < worker_count;) {
        auto o = outcomes.pop_for(std::chrono::milliseconds(1000));
        if (!o) continue;
        if (o->worker_done) {
            ++finished;
            continue;
        }
        if (retry_reason.empty()) retry_reason = o->retry_reason;
        auto bounced = subscribers_.record_batch(r.job_id, o->results, settings_.bounce_limit);
        if (!bounced) {
            // Not recorded: these recipients stay pending and may get this mail again.
            log_->error("{} cannot record batch {}: {}", tag, o->index, bounced.error().message);
            if (retry_reason.empty()) retry_reason = "state: " + bounced.error().message;
            continue;
        }
        for (auto id : *bounced)
            log_->warn("{} subscriber #{} refused {} time(s) in a row: marked bounced", tag, id,
                       settings_.bounce_limit);
        int accepted = 0, refused = 0;
        for (auto& x : o->results) {
            accepted += x.outcome == RecipientOutcome::kAccepted;
            refused += x.outcome == RecipientOutcome::kRefused;
        }
        log_->debug("{} batch {}: {} accepted, {} refused, {} deferred{}", tag, o->index, accepted,
                    refused, o->deferred, o->connection_failed ? " (connection failed)" : "");
        r.recipients += accepted;
        b.rejected += refused;
        bool complete = o->deferred == 0 && !o->connection_failed;
        if (complete) b.batches_done += 1;
        r.channel.set_integer(kBatchesDone, b.batches_done).set_integer(kRejected, b.rejected);
        if (auto s = store_.save_progress(r); !s)
            log_->error("{} cannot record progress: {}", tag, s.error().message);
    }
    for (auto& w : workers) w.join();

    // The counts are the recipients table's, whatever an earlier crash left in the job row.
    counts = subscribers_.counts(r.job_id);
    if (!counts) return {AttemptKind::kRetry, "state: " + counts.error().message};
    r.recipients = counts->accepted;
    r.channel.set_integer(kRejected, counts->refused);
    if (counts->pending > 0) {
        if (retry_reason.empty())
            retry_reason = fmt::format("{} recipient(s) pending", counts->pending);
        return {AttemptKind::kRetry, retry_reason};
    }
    auto summary =
        fmt::format("{} of {} recipient(s) accepted", counts->accepted, counts->audience);
    if (counts->refused > 0) summary += fmt::format("; {} refused (SMTP 5xx)", counts->refused);
    if (counts->skipped > 0) summary += fmt::format("; {} unsubscribed since", counts->skipped);
    bool failed = counts->accepted == 0 && counts->refused > 0;
    if (failed)
        log_->error("{} failed: {}", tag, summary);
    else
        log_->info("{} mailed after {} attempt(s): {}", tag, r.attempts, summary);
    return {failed ? AttemptKind::kFailed : AttemptKind::kAccepted, std::move(summary)};
}

std::string MailChannel::recorded_note(const DeliveryRecord& record) const {
    auto counts = subscribers_.counts(record.job_id);
    return fmt::format("recorded for {} recipient(s)", counts ? counts->audience : -1);
}

std::string MailChannel::resumed_note(const DeliveryRecord& record) const {
    auto counts = subscribers_.counts(record.job_id);
    return fmt::format(
        "resuming after a restart with {} recipient(s) pending: {} attempt(s) so far",
        counts ? counts->pending : -1, record.attempts);
}

std::string MailChannel::stopped_at(const DeliveryRecord& record) const {
    auto counts = subscribers_.counts(record.job_id);
    if (!counts) return {};
    return fmt::format("with {} of {} recipient(s) pending", counts->pending, counts->audience);
}

std::string MailChannel::delivered(const DeliveryRecord& record) const {
    auto counts = subscribers_.counts(record.job_id);
    auto text = fmt::format("{} of {} recipient(s) reached", record.recipients,
                            counts ? counts->audience : 0);
    return text;
}

void MailChannel::complete_receipt(const DeliveryRecord& record, Receipt& receipt) const {
    auto summaries = subscribers_.batch_summaries(record.job_id, batches_of(record).batch_size);
    if (!summaries) {
        log_->error("[job={}] receipt without batches: {}", record.job_id,
                    summaries.error().message);
        return;
    }
    for (auto& s : *summaries) {
        ReceiptBatch rb;
        rb.index = s.index;
        rb.kind = "smtp";
        rb.recipients = s.counts.audience;
        rb.accepted = s.counts.accepted;
        rb.failed = s.counts.refused;
        rb.first_send = s.first_send;
        rb.last_send = s.last_send;
        if (s.counts.skipped > 0)
            rb.detail = fmt::format("{} unsubscribed since", s.counts.skipped);
        if (s.counts.pending > 0)
            rb.detail += fmt::format("{}{} never accepted (SMTP 4xx or no connection)",
                                     rb.detail.empty() ? "" : "; ", s.counts.pending);
        receipt.batches.push_back(std::move(rb));
    }
}

}  // namespace alerthub::mail
