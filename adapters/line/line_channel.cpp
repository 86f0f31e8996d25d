#include "adapters/line/line_channel.h"

#include <fmt/format.h>

#include "adapters/line/line_message.h"
#include "core/crypto.h"

namespace alerthub::line {
namespace {

constexpr std::string_view kRetryKeyColumn = "line_retry_key";

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

LineChannel::LineChannel(LineApi& api) : api_(api), log_(get_logger(std::string(kChannel))) {}

ChannelFields LineChannel::admit(const DeliveryJob& /*job*/) {
    return line_fields(random_uuid());
}

AttemptResult LineChannel::attempt(DeliveryRecord& record, const DeliveryJob& job,
                                   const std::string& tag) {
    auto result = api_.broadcast(line_message(job.alert), retry_key_of(record));
    switch (result.kind) {
        case AttemptKind::kAccepted:
            log_->info("{} accepted by LINE after {} attempt(s): {}", tag, record.attempts,
                       result.detail);
            break;
        case AttemptKind::kFailed:
            log_->error("{} failed: {}", tag, result.detail);
            break;
        case AttemptKind::kRetry:
            record.detail = result.detail;  // the last outcome, kept with the job
            break;
    }
    return result;
}

std::string LineChannel::recorded_note(const DeliveryRecord& record) const {
    return fmt::format("recorded with retry key {}", retry_key_of(record));
}

std::string LineChannel::resumed_note(const DeliveryRecord& record) const {
    return fmt::format("resuming after a restart: {} attempt(s) so far, same retry key",
                       record.attempts);
}

}  // namespace alerthub::line
