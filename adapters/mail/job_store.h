#pragma once
// The mail-adapter's own record of every job it was given (SQLite, WAL). A job is written
// here, with its audience (the recipients it goes to, in batches), before the first SMTP
// transaction, so that
//   - a redelivered job that already finished is never sent again,
//   - a job interrupted by a crash or an SMTP outage resumes at the first batch the server
//     has not taken yet, never re-sending a batch it took,
//   - receipts wait here until the broker has them (an outbox).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/messages.h"
#include "core/result.h"
#include "core/sqlite_db.h"

namespace alerthub::mail {

enum class JobState { kPending, kAccepted, kFailed };
std::string to_string(JobState state);

struct JobRecord {
    std::string job_id;
    std::string idempotency_key;
    std::string alert_id;
    std::int64_t version = 0;
    JobState state = JobState::kPending;
    int attempts = 0;
    std::optional<WallTime> first_attempt;
    std::optional<WallTime> finished;
    std::string detail;                 // last outcome, or why it failed
    std::vector<std::string> audience;  // envelope recipients, fixed when the job arrives
    int batch_size = 1;                 // recipients per SMTP transaction, fixed likewise
    int batches_done = 0;               // batches the server answered for good
    int recipients = 0;                 // recipients the server accepted
    int rejected = 0;                   // recipients the server refused for good
    std::string job_json;               // encode_job, to resume after a restart
    WallTime received{};
};

struct QueuedReceipt {
    std::int64_t id = 0;
    std::string job_id;
    std::string payload;
};

class JobStore {
public:
    static Result<JobStore> open(const std::string& path);

    struct Admission {
        JobRecord record;
        bool inserted = false;  // false: the job id or its idempotency key was known already
    };
    // Records `job` as pending for `audience` in batches of `batch_size`, or returns what is
    // stored for it.
    Result<Admission> admit(const DeliveryJob& job, const std::vector<std::string>& audience,
                            int batch_size, WallTime now);

    Result<std::optional<JobRecord>> find(const std::string& job_id);
    Result<std::vector<JobRecord>> pending();
    // The highest version of `alert_id` recorded, if any.
    Result<std::optional<std::int64_t>> latest_version(const std::string& alert_id);

    // Before each attempt and after each batch: attempts, first attempt, batches done,
    // recipient counts, the last detail.
    Status save_progress(const JobRecord& record);
    // Marks the job finished and queues its receipt, in one transaction.
    Status finish(const JobRecord& record, const std::string& receipt_payload);
    Status queue_receipt(const std::string& job_id, const std::string& payload, WallTime now);
    Result<std::vector<QueuedReceipt>> queued_receipts(int limit);
    Status remove_receipt(std::int64_t id);
    Result<int> count_queued_receipts();

    // Forgets finished jobs that finished before `cutoff`; returns how many.
    Result<int> prune(WallTime cutoff);

private:
    explicit JobStore(SqliteDb db) : db_(std::move(db)) {}
    Result<std::optional<JobRecord>> find_where(const char* where, const std::string& value);
    SqliteDb db_;
};

}  // namespace alerthub::mail
