#pragma once
// How a LINE job is sent, fixed at its first attempt and kept in the adapter's database (its
// own connection to the job store's file): broadcast or multicast, the batches (<= 500 user
// ids of one language each) with their X-Line-Retry-Keys, and each batch's progress, saved
// as LINE answers it. A retry or a restart sends only batches LINE has not taken, each with
// the key it always had, so no subscriber gets an alert twice.

#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/sqlite_db.h"

namespace alerthub::line {

enum class BatchState { kPending, kAccepted, kFailed };

struct LineBatch {
    int index = 0;                      // 1-based, in sending order
    std::string kind;                   // "broadcast" or "multicast"
    std::string language;               // the text's reader language; "" for a broadcast
    std::vector<std::string> user_ids;  // multicast only
    std::string retry_key;
    BatchState state = BatchState::kPending;
    int attempts = 0;
    std::optional<WallTime> first_send;
    std::optional<WallTime> last_send;
    std::string detail;
};

struct LinePlan {
    std::string targeting;              // "broadcast" or "multicast"
    std::vector<std::string> codes;     // the town blocks a multicast is for
    std::vector<std::string> warnings;  // for staff, in the receipt
    std::vector<LineBatch> batches;
};

class LineBatchStore {
public:
    static Result<LineBatchStore> open(const std::string& path);

    // nullopt: the job has no plan yet.
    Result<std::optional<LinePlan>> plan(const std::string& job_id);
    // Stores a new plan and all its batches in one transaction.
    Status save_plan(const std::string& job_id, const LinePlan& plan);
    // A batch's state, attempts, send times and detail.
    Status save_batch(const std::string& job_id, const LineBatch& batch);
    Status save_warnings(const std::string& job_id, const std::vector<std::string>& warnings);
    // Forgets the plans of jobs the job store no longer has (state.keep_days).
    Result<int> forget_unknown_jobs();

private:
    explicit LineBatchStore(SqliteDb db) : db_(std::move(db)) {}
    SqliteDb db_;
};

}  // namespace alerthub::line
