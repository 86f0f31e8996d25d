#pragma once
// The non-alert payloads of the MQTT contract (docs/protocol.md): delivery jobs, receipts,
// device status and display acks. All JSON, each with a "schema" tag.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/protocol/alert.h"

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

// One request of a job that a channel sends in parts (a LINE multicast of <= 500 users, a
// mail batch): optional in the receipt, absent for a job sent in one piece.
struct ReceiptBatch {
    int index = 0;                       // 1-based, in sending order
    std::string kind;                    // "multicast", "broadcast", "smtp", ...
    std::string language;                // the language tag its text was made for; "" when mixed
    int recipients = 0;                  // addressed
    int accepted = 0;                    // the provider took
    int failed = 0;                      // refused for good
    std::optional<WallTime> first_send;  // null: never sent (e.g. the monthly quota ran out)
    std::optional<WallTime> last_send;
    std::string detail;  // provider request id, or why it failed

    bool operator==(const ReceiptBatch&) const = default;
};

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
    // Optional (absent in older receipts): per-batch outcomes, and what staff must know
    // (Japanese first), e.g. the provider's monthly quota ran out.
    std::vector<ReceiptBatch> batches;
    std::vector<std::string> warnings;
    // Optional (issue 12): jobs the adapter refused since it started because the hub had
    // not signed them (unsigned, forged, unknown key); absent when none.
    std::int64_t refused_jobs = 0;
};

struct ShownAlert {
    std::string alert_id;
    std::int64_t version = 0;
};

// A content item the player skips, and why (download failed, SHA-256 mismatch, ...).
struct SkippedContent {
    std::string item_id;
    std::string reason;
};

// The ordinary-content part of a device status.
struct ContentStatus {
    std::string group;
    std::int64_t version = 0;  // of the manifest in use; 0: none yet
    std::string showing;       // item id on screen, "" when none
    int items = 0;             // in the manifest
    int ready = 0;             // playable now (text, or image verified in the cache)
    int fetching = 0;          // images not yet in the cache
    std::vector<SkippedContent> skipped;
    std::int64_t cache_bytes = 0;
};

// {root}/devices/{id}/status (retained; the last will sets online=false).
struct DeviceStatus {
    std::string device_id;
    bool online = true;
    std::vector<ShownAlert> showing;  // empty when idle
    std::optional<WallTime> last_frame;
    std::string software_version;
    WallTime updated{};
    // Added in issue 4; absent from older players (decoded as 0 / nullopt / empty).
    double fps = 0;  // frames presented per second since the previous status
    std::optional<ContentStatus> content;
    std::vector<std::string> warnings;  // degraded modes in force, for people to read
    // Added in issue 12 (optional when read): messages refused since the player started
    // because the hub had not signed them, the last refusal's reason, and alerts dropped
    // to make room for a newer one (the store was full).
    std::int64_t refused_messages = 0;
    std::string last_refusal;
    std::int64_t evicted_alerts = 0;
    // Added in issue 14 (optional when read): the areas the screen is configured for, as in
    // its [player] areas, so that the console's board counts only the screens an alert targets.
    std::vector<std::string> areas;
};

// {root}/devices/{id}/ack: "alert X version V displayed at T".
struct DisplayAck {
    std::string device_id;
    std::string alert_id;
    std::int64_t version = 0;
    WallTime displayed_at{};
};

// {root}/devices/{id}/cmd: something the hub asks one player to do.
struct DeviceCommand {
    std::string cmd;         // "screenshot"
    std::string request_id;  // one topic level; names the answer's topic
    int max_width = 640;     // screenshot: scaled down to at most this many pixels wide
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
std::string encode_device_command(const DeviceCommand& command);
Result<DeviceCommand> decode_device_command(std::string_view json);

}  // namespace alerthub
