#pragma once
// LINE's part of the delivery loop (adapters/common/delivery_loop.h). At its first attempt a job is
// planned (LineBatchStore) from the alert's areas (core/protocol/town_blocks.h):
//   - the whole ward (or wider, or an area we cannot place): one broadcast, Japanese then
//     English, to every friend of the account;
//   - only town blocks: multicasts of at most 500 subscribers of those blocks (and of the
//     whole ward), grouped by language, each text Japanese first, then the reader's language.
// Level 4-5 alerts go as Flex messages (line_message.h). The month's quota is checked
// before the plan is sent; LINE's "monthly limit" 429 fails the batches still pending,
// with a warning for staff in the receipt, instead of a retry loop. Requests are paced per
// endpoint (RateLimiter), with up to max_in_flight batches in flight at once. Each batch
// has its X-Line-Retry-Key (derived from the job's key and the batch's index) and is
// recorded as LINE answers it, so a retry or a restart sends only what LINE has not taken.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/common/delivery_loop.h"
#include "adapters/common/delivery_store.h"
#include "adapters/line/batch_store.h"
#include "adapters/line/line_api.h"
#include "adapters/line/rate_limiter.h"
#include "adapters/line/subscriber_store.h"
#include "core/base/clock.h"
#include "core/base/log.h"
#include "core/protocol/town_blocks.h"

namespace alerthub::line {

inline constexpr std::string_view kChannel = "line";
inline constexpr int kMulticastMaxRecipients = 500;  // LINE: "to" has at most 500 user ids

// The job store's LINE column: line_retry_key (the broadcast's key, and the seed of the
// multicast batches' keys).
ChannelSchema line_store_schema();
// A job's LINE column values: its X-Line-Retry-Key.
ChannelFields line_fields(std::string retry_key);
std::string retry_key_of(const DeliveryRecord& record);
// The X-Line-Retry-Key of batch `index` (1-based) of a multicast job with `job_key`: a UUID
// derived from both, so it is the same at every retry and after any restart.
std::string batch_retry_key(const std::string& job_key, int index);

// LINE's documented limits per endpoint (configurable: [rate_limits]).
struct LineRateLimits {
    int broadcast_per_hour = 60;
    int multicast_per_second = 200;
};

struct LineSettings {
    int batch_size = kMulticastMaxRecipients;  // user ids per multicast, 1..500
    bool check_quota = true;
    LineRateLimits rate_limits;
    // A request that must wait longer than this for its rate-limit slot ends the attempt
    // (retried later by the loop) instead of holding the loop.
    std::chrono::milliseconds max_rate_wait{2000};
    // Multicasts in flight at once (1..32): one at a time, LINE's answer time, not its rate
    // limit, would bound the rate. The LineApi's HttpClient must allow as many requests at
    // once (HttpClientPool).
    int max_in_flight = 4;
};

class LineChannel final : public DeliveryChannel {
public:
    using Sleep = std::function<void(std::chrono::milliseconds)>;

    // `subscribers` and `blocks` may be null: then every job is a broadcast. `sleep` waits
    // for a rate-limit slot (a FakeClock's advance in tests).
    LineChannel(LineApi& api, LineSettings settings, LineBatchStore& batches,
                SubscriberStore* subscribers, const TownBlocks* blocks, const Clock& clock,
                Sleep sleep);

    std::string_view name() const override { return kChannel; }
    // A new random retry key.
    ChannelFields admit(const DeliveryJob& job) override;
    AttemptResult attempt(DeliveryRecord& record, const DeliveryJob& job,
                          const std::string& tag) override;
    std::string recorded_note(const DeliveryRecord& record) const override;
    std::string resumed_note(const DeliveryRecord& record) const override;
    std::string stopped_at(const DeliveryRecord& record) const override;
    std::string delivered(const DeliveryRecord& record) const override;
    void complete_receipt(const DeliveryRecord& record, Receipt& receipt) const override;

    // Called with every monthly quota read (for the quota metric); runs on the delivery thread.
    void report_quota_to(std::function<void(const LineQuota&)> report) {
        report_quota_ = std::move(report);
    }

private:
    Result<LinePlan> make_plan(const DeliveryRecord& record, const DeliveryJob& job,
                               const std::string& tag);
    void quota_check(LinePlan& plan, std::int64_t needed, const std::string& tag);
    void fail_pending(const DeliveryRecord& record, LinePlan& plan, const std::string& why);
    AttemptResult summary(DeliveryRecord& record, const LinePlan& plan, const std::string& tag);
    std::optional<LinePlan> stored_plan(const DeliveryRecord& record) const;

    LineApi& api_;
    LineSettings settings_;
    LineBatchStore& batches_;
    SubscriberStore* subscribers_;
    const TownBlocks* blocks_;
    const Clock& clock_;
    Sleep sleep_;
    std::function<void(const LineQuota&)> report_quota_;
    RateLimiter broadcast_limit_;
    RateLimiter multicast_limit_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace alerthub::line
