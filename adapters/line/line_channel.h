#pragma once
// LINE's part of the delivery loop (core/delivery_loop.h): a job is one broadcast text
// message, sent with an X-Line-Retry-Key that is fixed when the job is first recorded and
// kept in the job store, so that neither a retry nor a job resumed after a crash can deliver
// twice (LINE answers 409 to a key it has accepted).

#include <memory>
#include <string>
#include <string_view>

#include "adapters/line/line_api.h"
#include "core/delivery_loop.h"
#include "core/delivery_store.h"
#include "core/log.h"

namespace alerthub::line {

inline constexpr std::string_view kChannel = "line";

// The job store's LINE column: line_retry_key.
ChannelSchema line_store_schema();
// A job's LINE column values: its X-Line-Retry-Key.
ChannelFields line_fields(std::string retry_key);
std::string retry_key_of(const DeliveryRecord& record);

class LineChannel final : public DeliveryChannel {
public:
    explicit LineChannel(LineApi& api);

    std::string_view name() const override { return kChannel; }
    // A new random retry key.
    ChannelFields admit(const DeliveryJob& job) override;
    AttemptResult attempt(DeliveryRecord& record, const DeliveryJob& job,
                          const std::string& tag) override;
    std::string recorded_note(const DeliveryRecord& record) const override;
    std::string resumed_note(const DeliveryRecord& record) const override;

private:
    LineApi& api_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace alerthub::line
