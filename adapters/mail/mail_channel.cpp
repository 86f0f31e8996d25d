#include "adapters/mail/mail_channel.h"

#include <fmt/format.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "adapters/mail/mail_message.h"
#include "core/alert_text.h"
#include "core/check.h"

namespace alerthub::mail {
namespace {

constexpr std::string_view kAudience = "audience_json";
constexpr std::string_view kBatchSize = "batch_size";
constexpr std::string_view kBatchesDone = "batches_done";
constexpr std::string_view kRejected = "rejected";

std::string encode_audience(const std::vector<std::string>& audience) {
    return nlohmann::json(audience).dump();
}

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

}  // namespace

MailSettings mail_settings(const MailConfig& c) {
    MailSettings s;
    s.from_address = c.from_address;
    s.from_name = c.from_name;
    s.recipients = c.recipients;
    s.batch_size = c.batch_size;
    return s;
}

int MailBatches::batch_count() const {
    auto recipients = static_cast<int>(audience.size());
    return (recipients + batch_size - 1) / batch_size;
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
        .set_text(kAudience, encode_audience(b.audience))
        .set_integer(kBatchSize, b.batch_size)
        .set_integer(kBatchesDone, b.batches_done)
        .set_integer(kRejected, b.rejected);
}

Result<MailBatches> read_mail_batches(const ChannelFields& fields) {
    MailBatches b;
    auto audience = decode_audience(fields.text(kAudience));
    if (!audience) return audience.error();
    b.audience = std::move(*audience);
    b.batch_size = static_cast<int>(fields.integer(kBatchSize));
    b.batches_done = static_cast<int>(fields.integer(kBatchesDone));
    b.rejected = static_cast<int>(fields.integer(kRejected));
    return b;
}

MailChannel::MailChannel(MailSettings settings, SmtpClient& smtp, DeliveryStore& store,
                         const Clock& clock)
    : settings_(std::move(settings)),
      smtp_(smtp),
      store_(store),
      clock_(clock),
      log_(get_logger(std::string(kChannel))) {}

ChannelFields MailChannel::admit(const DeliveryJob& /*job*/) {
    MailBatches b;
    b.audience = settings_.recipients;
    b.batch_size = settings_.batch_size;
    return mail_fields(b);
}

AttemptResult MailChannel::attempt(DeliveryRecord& r, const DeliveryJob& job,
                                   const std::string& tag) {
    auto b = batches_of(r);
    auto audience = static_cast<int>(b.audience.size());
    int batches = b.batch_count();
    std::string retry_reason;
    while (b.batches_done < batches) {
        if (send_batch(r, b, job, tag, retry_reason) == BatchResult::kRetry) break;
    }
    if (b.batches_done < batches) return {AttemptKind::kRetry, std::move(retry_reason)};

    auto summary = fmt::format("{} of {} recipient(s) accepted", r.recipients, audience);
    if (batches > 1) summary += fmt::format(" in {} messages", batches);
    if (!r.detail.empty()) summary += "; " + r.detail;
    bool any = r.recipients > 0;
    if (any)
        log_->info("{} mailed after {} attempt(s): {}", tag, r.attempts, summary);
    else
        log_->error("{} failed: {}", tag, summary);
    return {any ? AttemptKind::kAccepted : AttemptKind::kFailed, std::move(summary)};
}

MailChannel::BatchResult MailChannel::send_batch(DeliveryRecord& r, MailBatches& b,
                                                 const DeliveryJob& job, const std::string& tag,
                                                 std::string& retry_reason) {
    auto begin = static_cast<std::size_t>(b.batches_done) * static_cast<std::size_t>(b.batch_size);
    auto end = std::min(begin + static_cast<std::size_t>(b.batch_size), b.audience.size());
    std::vector<std::string> recipients(b.audience.begin() + static_cast<std::ptrdiff_t>(begin),
                                        b.audience.begin() + static_cast<std::ptrdiff_t>(end));
    int batch = b.batches_done + 1;

    MailEnvelopeHeaders headers;
    headers.from_address = settings_.from_address;
    headers.from_name = settings_.from_name;
    headers.subject = mail_subject(job.alert);
    headers.date = format_rfc5322_date(clock_.now());
    headers.message_id = make_message_id(r.job_id, batch, settings_.from_address);
    headers.job_id = r.job_id;
    SmtpMessage message{settings_.from_address, recipients,
                        compose_mail(headers, alert_text(job.alert))};

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
        b.rejected += static_cast<int>(reply->rejected.size());
        for (auto& x : reply->rejected)
            log_->warn("{} batch {}: the server refused {} ({})", tag, batch, redact(x.address),
                       x.code);
        if (!reply->rejected.empty())
            note(fmt::format("batch {}: {} recipient(s) refused (RCPT {})", batch,
                             reply->rejected.size(), reply->rejected.front().code));
        log_->debug("{} batch {} accepted: {}", tag, batch, reply->text);
    } else {
        // A permanent refusal of this message; later batches may still go through.
        b.rejected += static_cast<int>(recipients.size());
        note(fmt::format("batch {}: SMTP {}", batch, reply->text));
        log_->error("{} batch {} refused for good: SMTP {}", tag, batch, reply->text);
    }
    b.batches_done += 1;
    r.channel.set_integer(kBatchesDone, b.batches_done).set_integer(kRejected, b.rejected);
    // Recorded before the next batch: a restart must not mail this batch again.
    if (auto s = store_.save_progress(r); !s)
        log_->error("{} cannot record batch {}: {}", tag, batch, s.error().message);
    return BatchResult::kDone;
}

std::string MailChannel::recorded_note(const DeliveryRecord& record) const {
    return fmt::format("recorded for {} recipient(s)", batches_of(record).audience.size());
}

std::string MailChannel::resumed_note(const DeliveryRecord& record) const {
    return fmt::format("resuming after a restart at batch {}: {} attempt(s) so far",
                       batches_of(record).batches_done + 1, record.attempts);
}

std::string MailChannel::stopped_at(const DeliveryRecord& record) const {
    auto b = batches_of(record);
    return fmt::format("at batch {}/{}", b.batches_done + 1, b.batch_count());
}

std::string MailChannel::delivered(const DeliveryRecord& record) const {
    auto text = fmt::format("{} of {} recipient(s) reached", record.recipients,
                            batches_of(record).audience.size());
    if (!record.detail.empty()) text += "; " + record.detail;
    return text;
}

}  // namespace alerthub::mail
