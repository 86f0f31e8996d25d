#include "adapters/line/line_channel.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "adapters/line/line_message.h"
#include "core/base/crypto.h"

namespace alerthub::line {
namespace {

constexpr std::string_view kRetryKeyColumn = "line_retry_key";
constexpr std::string_view kBroadcast = "broadcast";
constexpr std::string_view kMulticast = "multicast";
// Our windows are this much longer than LINE's: LINE counts a request when it arrives, and
// requests in flight together arrive with some jitter (a few ms to tens of ms on a busy
// host), which could put one more than the limit into LINE's window.
constexpr std::chrono::milliseconds kRateWindowMargin{50};

int recipients_of(const LineBatch& b) {
    return static_cast<int>(b.user_ids.size());
}

std::string monthly_limit_warning(int not_sent) {
    return fmt::format(
        "LINEの月間メッセージ上限に達したため、{}件の送信先に届けられませんでした。"
        "上限の引き上げ（プラン変更）が必要です。 / LINE's monthly message limit was reached: "
        "{} recipient group(s) not sent; the plan's limit must be raised.",
        not_sent, not_sent);
}

}  // namespace

ChannelSchema line_store_schema() {
    return {{{std::string(kRetryKeyColumn), ChannelColumn::Type::kText, /*progress=*/false}}, {}};
}

ChannelFields line_fields(std::string retry_key) {
    return ChannelFields().set_text(kRetryKeyColumn, std::move(retry_key));
}

std::string retry_key_of(const DeliveryRecord& record) {
    return record.channel.text(kRetryKeyColumn);
}

std::string batch_retry_key(const std::string& job_key, int index) {
    return derived_uuid(fmt::format("{}/batch/{}", job_key, index));
}

LineChannel::LineChannel(LineApi& api, LineSettings settings, LineBatchStore& batches,
                         SubscriberStore* subscribers, const TownBlocks* blocks, const Clock& clock,
                         Sleep sleep)
    : api_(api),
      settings_(settings),
      batches_(batches),
      subscribers_(subscribers),
      blocks_(blocks),
      clock_(clock),
      sleep_(std::move(sleep)),
      broadcast_limit_(settings.rate_limits.broadcast_per_hour,
                       std::chrono::hours(1) + kRateWindowMargin),
      multicast_limit_(settings.rate_limits.multicast_per_second,
                       std::chrono::seconds(1) + kRateWindowMargin),
      log_(get_logger(std::string(kChannel))) {}

ChannelFields LineChannel::admit(const DeliveryJob& /*job*/) {
    return line_fields(random_uuid());
}

std::optional<LinePlan> LineChannel::stored_plan(const DeliveryRecord& record) const {
    auto plan = batches_.plan(record.job_id);
    if (!plan) return std::nullopt;
    return std::move(*plan);  // nullopt too when the job has no plan yet
}

void LineChannel::quota_check(LinePlan& plan, std::int64_t needed, const std::string& tag) {
    if (!settings_.check_quota) return;
    auto quota = api_.quota();
    if (!quota) {
        // A statistics call must never hold back an alert.
        log_->warn("{} cannot read the monthly quota ({}); sending anyway", tag,
                   quota.error().message);
        return;
    }
    if (report_quota_) report_quota_(*quota);
    if (!quota->limited) return;
    auto remaining = quota->remaining();
    log_->debug("{} monthly quota: {} of {} used", tag, quota->used, quota->limit);
    if (remaining == 0) {
        log_->error("{} LINE's monthly message limit is used up ({} of {}): nothing can be sent",
                    tag, quota->used, quota->limit);
        fail_pending({}, plan,
                     fmt::format("not sent: monthly message limit used up ({} of {})", quota->used,
                                 quota->limit));
        plan.warnings.push_back(monthly_limit_warning(static_cast<int>(plan.batches.size())));
    } else if (remaining < needed) {
        log_->error("{} LINE's monthly quota has {} message(s) left for about {} recipient(s)", tag,
                    remaining, needed);
        plan.warnings.push_back(fmt::format(
            "LINEの今月の残り送信可能数は{}通で、約{}人には足りません。一部に届かない可能性が"
            "あります。 / LINE's monthly quota has {} message(s) left for about {} "
            "recipient(s): some may not be reached.",
            remaining, needed, remaining, needed));
    }
}

Result<LinePlan> LineChannel::make_plan(const DeliveryRecord& record, const DeliveryJob& job,
                                        const std::string& tag) {
    LinePlan plan;
    AreaTargeting targeting;
    if (blocks_ && subscribers_) targeting = blocks_->target(job.alert.areas);
    if (targeting.whole_ward) {
        plan.targeting = std::string(kBroadcast);
        LineBatch b;
        b.index = 1;
        b.kind = std::string(kBroadcast);
        b.retry_key = retry_key_of(record);  // the key jobs have always had
        plan.batches.push_back(std::move(b));
        std::int64_t known = 0;
        if (subscribers_) {
            auto count = subscribers_->count();
            known = count ? *count : 0;
        }
        quota_check(plan, known, tag);
        log_->info("{} ward-wide: one broadcast{}", tag,
                   targeting.unplaced.empty()
                       ? std::string()
                       : fmt::format(" (areas {})", fmt::join(targeting.unplaced, ", ")));
    } else {
        plan.targeting = std::string(kMulticast);
        plan.codes = targeting.codes;
        auto audience = subscribers_->audience(targeting.codes);
        if (!audience) return audience.error();
        int index = 0;
        for (auto& r : *audience) {
            auto* last = plan.batches.empty() ? nullptr : &plan.batches.back();
            if (!last || last->language != r.language ||
                recipients_of(*last) >= settings_.batch_size) {
                LineBatch b;
                b.index = ++index;
                b.kind = std::string(kMulticast);
                b.language = r.language;
                b.retry_key = batch_retry_key(retry_key_of(record), b.index);
                plan.batches.push_back(std::move(b));
                last = &plan.batches.back();
            }
            last->user_ids.push_back(r.user_id);
        }
        quota_check(plan, static_cast<std::int64_t>(audience->size()), tag);
        log_->info("{} town blocks {}: {} subscriber(s) in {} multicast(s)", tag,
                   fmt::join(targeting.codes, " "), audience->size(), plan.batches.size());
    }
    if (auto s = batches_.save_plan(record.job_id, plan); !s) return s.error();
    return plan;
}

void LineChannel::fail_pending(const DeliveryRecord& record, LinePlan& plan,
                               const std::string& why) {
    for (auto& b : plan.batches) {
        if (b.state != BatchState::kPending) continue;
        b.state = BatchState::kFailed;
        b.detail = why;
        if (!record.job_id.empty()) {
            if (auto s = batches_.save_batch(record.job_id, b); !s)
                log_->error("cannot record batch {}: {}", b.index, s.error().message);
        }
    }
}

AttemptResult LineChannel::attempt(DeliveryRecord& r, const DeliveryJob& job,
                                   const std::string& tag) {
    auto stored = batches_.plan(r.job_id);
    if (!stored) return {AttemptKind::kRetry, "state: " + stored.error().message};
    LinePlan plan;
    if (*stored) {
        plan = std::move(**stored);
    } else {
        auto made = make_plan(r, job, tag);
        if (!made) return {AttemptKind::kRetry, "state: cannot plan: " + made.error().message};
        plan = std::move(*made);
    }

    std::map<std::string, std::string> messages;  // by language, made before any sending
    int pending = 0;
    for (auto& b : plan.batches) {
        if (b.state != BatchState::kPending) continue;
        ++pending;
        if (auto& body = messages[b.language]; body.empty())
            body = line_messages_json(job.alert, b.language);
    }

    // Up to max_in_flight batches are in flight at once, each taking its rate-limit slot in
    // batch order; `mu` guards the plan, the limiters and the batch store.
    std::mutex mu;
    std::size_t next = 0;
    std::optional<AttemptResult> retry;  // set: start no more batches, try again later
    int monthly_limited = 0;             // batches LINE refused for the monthly limit
    auto send_batches = [&] {
        for (;;) {
            LineBatch* b = nullptr;
            std::chrono::milliseconds wait{0};
            {
                std::lock_guard lock(mu);
                if (retry || monthly_limited > 0) return;
                while (next < plan.batches.size() &&
                       plan.batches[next].state != BatchState::kPending)
                    ++next;
                if (next == plan.batches.size()) return;
                b = &plan.batches[next];
                auto& limiter = b->kind == kBroadcast ? broadcast_limit_ : multicast_limit_;
                auto now = clock_.steady_now();
                auto slot = limiter.next_slot(now);
                wait = std::chrono::ceil<std::chrono::milliseconds>(slot - now);
                if (wait > settings_.max_rate_wait) {
                    retry = AttemptResult{
                        AttemptKind::kRetry,
                        fmt::format("batch {}/{}: {} rate limit ({} per {} s): next slot in {} s",
                                    b->index, plan.batches.size(), b->kind, limiter.requests(),
                                    limiter.period().count() / 1000, wait.count() / 1000)};
                    return;
                }
                limiter.record(slot);  // the slot is this batch's even while it waits
                ++next;
                b->attempts += 1;
            }
            if (wait.count() > 0) sleep_(wait);
            auto sent_at = clock_.now();
            const auto& body = messages.at(b->language);
            auto result = b->kind == kBroadcast ? api_.broadcast_messages(body, b->retry_key)
                                                : api_.multicast(b->user_ids, body, b->retry_key);

            std::lock_guard lock(mu);
            if (!b->first_send) b->first_send = sent_at;
            b->last_send = sent_at;
            b->detail = result.detail;
            if (result.kind == AttemptKind::kAccepted) b->state = BatchState::kAccepted;
            if (result.kind == AttemptKind::kFailed) b->state = BatchState::kFailed;
            // Recorded as soon as LINE answers: a restart must not send this one again.
            if (auto s = batches_.save_batch(r.job_id, *b); !s)
                log_->error("{} cannot record batch {}: {}", tag, b->index, s.error().message);
            if (result.kind == AttemptKind::kRetry) {
                if (!retry) {
                    r.detail = result.detail;
                    retry = AttemptResult{AttemptKind::kRetry,
                                          fmt::format("batch {}/{}: {}", b->index,
                                                      plan.batches.size(), result.detail)};
                }
            } else if (is_monthly_limit(result)) {
                ++monthly_limited;
                log_->error("{} LINE's monthly message limit reached at batch {}/{}", tag, b->index,
                            plan.batches.size());
            } else if (result.kind == AttemptKind::kFailed) {
                log_->error("{} batch {}/{} refused: {}", tag, b->index, plan.batches.size(),
                            result.detail);
            }
        }
    };
    int senders = std::min(std::max(settings_.max_in_flight, 1), pending);
    {
        std::vector<std::jthread> others;
        for (int i = 1; i < senders; ++i) others.emplace_back(send_batches);
        send_batches();
    }  // every batch in flight has its answer

    if (monthly_limited > 0) {
        int left = 0;
        for (auto& other : plan.batches) left += other.state == BatchState::kPending;
        log_->error("{} {} more batch(es) not sent: monthly message limit", tag, left);
        fail_pending(r, plan, "not sent: monthly message limit reached");
        plan.warnings.push_back(monthly_limit_warning(left + monthly_limited));
        if (auto s = batches_.save_warnings(r.job_id, plan.warnings); !s)
            log_->error("{} cannot record the warning: {}", tag, s.error().message);
    } else if (retry) {
        return *retry;
    }
    return summary(r, plan, tag);
}

AttemptResult LineChannel::summary(DeliveryRecord& record, const LinePlan& plan,
                                   const std::string& tag) {
    int accepted_batches = 0, recipients = 0, accepted = 0;
    for (auto& b : plan.batches) {
        recipients += recipients_of(b);
        if (b.state == BatchState::kAccepted) {
            ++accepted_batches;
            accepted += recipients_of(b);
        }
    }
    record.recipients = accepted;
    if (plan.targeting == kBroadcast) {
        auto& b = plan.batches.front();
        bool ok = b.state == BatchState::kAccepted;
        if (ok)
            log_->info("{} accepted by LINE after {} attempt(s): {}", tag, record.attempts,
                       b.detail);
        else
            log_->error("{} failed: {}", tag, b.detail);
        return {ok ? AttemptKind::kAccepted : AttemptKind::kFailed, b.detail};
    }
    if (plan.batches.empty()) {
        log_->info("{} no subscriber for town blocks {}: nothing to send", tag,
                   fmt::join(plan.codes, " "));
        return {AttemptKind::kAccepted,
                fmt::format("no subscriber for town blocks {}", fmt::join(plan.codes, " "))};
    }
    auto detail = fmt::format("{} of {} recipient(s) accepted in {} of {} multicast(s)", accepted,
                              recipients, accepted_batches, plan.batches.size());
    for (auto& b : plan.batches)
        if (b.state == BatchState::kFailed) {
            detail += fmt::format("; batch {}: {}", b.index, b.detail);
            break;  // the first failure; every batch is in the receipt
        }
    if (accepted_batches > 0)
        log_->info("{} multicast done after {} attempt(s): {}", tag, record.attempts, detail);
    else
        log_->error("{} failed: {}", tag, detail);
    return {accepted_batches > 0 ? AttemptKind::kAccepted : AttemptKind::kFailed, detail};
}

std::string LineChannel::recorded_note(const DeliveryRecord& record) const {
    return fmt::format("recorded with retry key {}", retry_key_of(record));
}

std::string LineChannel::resumed_note(const DeliveryRecord& record) const {
    auto plan = stored_plan(record);
    if (!plan)
        return fmt::format("resuming after a restart: {} attempt(s) so far, same retry key",
                           record.attempts);
    return fmt::format("resuming after a restart at batch {}: {} attempt(s) so far, same keys",
                       stopped_at(record), record.attempts);
}

std::string LineChannel::stopped_at(const DeliveryRecord& record) const {
    auto plan = stored_plan(record);
    if (!plan || plan->batches.size() < 2) return {};
    auto& batches = plan->batches;
    for (auto& b : batches)
        if (b.state == BatchState::kPending)
            return fmt::format("at batch {}/{}", b.index, batches.size());
    return {};
}

std::string LineChannel::delivered(const DeliveryRecord& record) const {
    auto plan = stored_plan(record);
    if (!plan || plan->targeting != kMulticast) return {};
    int recipients = 0, accepted = 0;
    for (auto& b : plan->batches) {
        recipients += recipients_of(b);
        if (b.state == BatchState::kAccepted) accepted += recipients_of(b);
    }
    return fmt::format("{} of {} recipient(s) reached", accepted, recipients);
}

void LineChannel::complete_receipt(const DeliveryRecord& record, Receipt& receipt) const {
    auto plan = stored_plan(record);
    if (!plan) return;
    for (auto& b : plan->batches) {
        ReceiptBatch out;
        out.index = b.index;
        out.kind = b.kind;
        out.language = b.language;
        out.recipients = recipients_of(b);
        out.accepted = b.state == BatchState::kAccepted ? out.recipients : 0;
        out.failed = b.state == BatchState::kFailed ? out.recipients : 0;
        out.first_send = b.first_send;
        out.last_send = b.last_send;
        out.detail = b.detail;
        receipt.batches.push_back(std::move(out));
    }
    receipt.warnings = plan->warnings;
}

}  // namespace alerthub::line
