#pragma once
// A channel adapter's own record of every job it was given (SQLite, WAL). A job is written
// here, with what its channel fixes for it (LINE's X-Line-Retry-Key, mail's audience and
// batch size), before the first attempt, so that
//   - a redelivered job that already finished is never sent again,
//   - a job interrupted by a crash resumes with what was fixed for it and where it stopped
//     (LINE then answers 409 instead of sending twice; mail resumes at the first batch the
//     server has not taken),
//   - receipts wait here until the broker has them (an outbox).
// The jobs table has the columns every channel needs plus the channel's own, which the
// channel declares (ChannelColumn) and this store reads and writes without knowing them.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/protocol/messages.h"
#include "core/storage/sqlite_db.h"

namespace alerthub {

class ConfigReader;

enum class DeliveryState { kPending, kAccepted, kFailed };
std::string to_string(DeliveryState state);

// A column a channel adds to the jobs table.
struct ChannelColumn {
    enum class Type { kText, kInteger };
    std::string name;  // an SQL identifier: lower-case letters and '_'
    Type type = Type::kText;
    // false: fixed when the job is admitted (NOT NULL, no default). true: progress, written
    // again with every save (NOT NULL, default 0 or '').
    bool progress = false;
};

// A job's values of its channel's columns, by column name.
class ChannelFields {
public:
    ChannelFields& set_text(std::string_view column, std::string value);
    ChannelFields& set_integer(std::string_view column, std::int64_t value);
    bool has(std::string_view column) const;
    // The column must be there with that type (a broken invariant otherwise).
    const std::string& text(std::string_view column) const;
    std::int64_t integer(std::string_view column) const;

    bool operator==(const ChannelFields&) const = default;

private:
    std::map<std::string, std::variant<std::string, std::int64_t>, std::less<>> values_;
};

struct ChannelSchema {
    std::vector<ChannelColumn> columns;
    // Checks the channel columns of every row read; its error fails the read, so a row the
    // channel could not use is never handed out. Empty: every row is fine.
    std::function<Status(const ChannelFields&)> check;
};

struct DeliveryRecord {
    std::string job_id;
    std::string idempotency_key;
    std::string alert_id;
    std::int64_t version = 0;
    DeliveryState state = DeliveryState::kPending;
    int attempts = 0;
    std::optional<WallTime> first_attempt;
    std::optional<WallTime> finished;
    std::string detail;  // the last outcome, or the channel's notes on the way to it
    int recipients = 0;  // recipients the provider accepted
    ChannelFields channel;
    std::string job_json;  // encode_job, to resume after a restart
    WallTime received{};
};

struct QueuedReceipt {
    std::int64_t id = 0;
    std::string job_id;
    std::string payload;
};

class DeliveryStore {
public:
    static Result<DeliveryStore> open(const std::string& path, ChannelSchema schema);

    struct Admission {
        DeliveryRecord record;
        bool inserted = false;  // false: the job id or its idempotency key was known already
    };
    // Records `job` as pending with the values of the channel's columns (all of them), or
    // returns what is stored for it.
    Result<Admission> admit(const DeliveryJob& job, ChannelFields channel, WallTime now);

    Result<std::optional<DeliveryRecord>> find(const std::string& job_id);
    // Unfinished jobs, oldest first.
    Result<std::vector<DeliveryRecord>> pending();
    // The highest version of `alert_id` recorded, if any.
    Result<std::optional<std::int64_t>> latest_version(const std::string& alert_id);

    // Before and after attempts: the attempt count, the first attempt's time, the detail,
    // the recipient count and the channel's progress columns.
    Status save_progress(const DeliveryRecord& record);
    // Marks the job finished and queues its receipt, in one transaction.
    Status finish(const DeliveryRecord& record, const std::string& receipt_payload);
    Status queue_receipt(const std::string& job_id, const std::string& payload, WallTime now);
    Result<std::vector<QueuedReceipt>> queued_receipts(int limit);
    Status remove_receipt(std::int64_t id);
    Result<int> count_queued_receipts();

    // Forgets finished jobs that finished before `cutoff`; returns how many.
    Result<int> prune(WallTime cutoff);

private:
    DeliveryStore(SqliteDb db, ChannelSchema schema);
    Result<std::optional<DeliveryRecord>> find_where(const char* column, const std::string& value);
    Result<DeliveryRecord> read_row(const SqliteStatement& st) const;
    // Binds the channel columns (progress ones only, or all) from parameter `first` on.
    void bind_channel(SqliteStatement& st, int first, const ChannelFields& fields,
                      bool progress_only) const;

    SqliteDb db_;
    ChannelSchema schema_;
    std::string select_columns_;  // every column, the channel's last
};

// The [state] section: where the store is and how long finished jobs are kept.
struct DeliveryStoreSettings {
    std::string path;
    int keep_days = 30;  // finished jobs older than this are forgotten
};
// Reads state.path (relative to the config file) and state.keep_days, falling back to
// `defaults`; problems are recorded in `config`.
DeliveryStoreSettings read_delivery_store_settings(ConfigReader& config,
                                                   DeliveryStoreSettings defaults);

}  // namespace alerthub
