#pragma once
// The non-alert payloads of the MQTT contract (docs/protocol.md): delivery jobs, receipts,
// device status and display acks. All JSON, each with a "schema" tag.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/alert.h"

namespace alerthub {

// {root}/jobs/{channel}: deliver one alert version on one channel.
struct DeliveryJob {
    std::string job_id;           // "{alert_id}/v{version}/{channel}"
    std::string idempotency_key;  // stable for the job: a retry reuses it
    std::string channel;
    Alert alert;  // the version to deliver (carries targeting in its areas)
    WallTime created{};
};

enum class ReceiptOutcome { kAccepted, kFailed, kDuplicate };

// {root}/receipts/{channel}: what became of a job.
struct Receipt {
    std::string job_id;
    std::string channel;
    std::string alert_id;
    std::int64_t version = 0;
    ReceiptOutcome outcome = ReceiptOutcome::kAccepted;
    int recipients = 0;  // how many the provider accepted
    int attempts = 0;
    std::string detail;  // provider request id, or the failure reason
    WallTime first_attempt{};
    WallTime finished{};
};

struct ShownAlert {
    std::string alert_id;
    std::int64_t version = 0;
};

// {root}/devices/{id}/status (retained; the last will sets online=false).
struct DeviceStatus {
    std::string device_id;
    bool online = true;
    std::vector<ShownAlert> showing;  // empty when idle
    std::optional<WallTime> last_frame;
    std::string software_version;
    WallTime updated{};
};

// {root}/devices/{id}/ack: "alert X version V displayed at T".
struct DisplayAck {
    std::string device_id;
    std::string alert_id;
    std::int64_t version = 0;
    WallTime displayed_at{};
};

std::string make_job_id(std::string_view alert_id, std::int64_t version, std::string_view channel);

std::string to_string(ReceiptOutcome v);

std::string encode_job(const DeliveryJob& job);
Result<DeliveryJob> decode_job(std::string_view json);
std::string encode_receipt(const Receipt& receipt);
Result<Receipt> decode_receipt(std::string_view json);
std::string encode_device_status(const DeviceStatus& status);
Result<DeviceStatus> decode_device_status(std::string_view json);
std::string encode_display_ack(const DisplayAck& ack);
Result<DisplayAck> decode_display_ack(std::string_view json);

}  // namespace alerthub
