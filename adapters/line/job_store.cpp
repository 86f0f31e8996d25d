#include "adapters/line/job_store.h"

#include <fmt/format.h>

#include <filesystem>

namespace alerthub::line {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
    job_id          TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL,
    alert_id        TEXT NOT NULL,
    version         INTEGER NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    first_attempt_ms INTEGER,
    finished_ms     INTEGER,
    detail          TEXT NOT NULL DEFAULT '',
    line_retry_key  TEXT NOT NULL,
    recipients      INTEGER NOT NULL DEFAULT 0,
    job_json        TEXT NOT NULL,
    received_ms     INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_idempotency_key ON jobs (idempotency_key);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
CREATE INDEX IF NOT EXISTS jobs_alert ON jobs (alert_id, version);
CREATE TABLE IF NOT EXISTS receipt_outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id     TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
)sql";

constexpr const char* kColumns =
    "job_id, idempotency_key, alert_id, version, state, attempts, first_attempt_ms, "
    "finished_ms, detail, line_retry_key, recipients, job_json, received_ms";

std::int64_t to_ms(WallTime t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
WallTime from_ms(std::int64_t ms) {
    return WallTime{} + std::chrono::milliseconds(ms);
}

Result<JobState> parse_state(const std::string& s) {
    if (s == "pending") return JobState::kPending;
    if (s == "accepted") return JobState::kAccepted;
    if (s == "failed") return JobState::kFailed;
    return make_error(ErrorCode::kInternal, fmt::format("jobs.state: unknown value '{}'", s));
}

Result<JobRecord> read_row(const SqliteStatement& st) {
    JobRecord r;
    r.job_id = st.column_text(0);
    r.idempotency_key = st.column_text(1);
    r.alert_id = st.column_text(2);
    r.version = st.column_int(3);
    auto state = parse_state(st.column_text(4));
    if (!state) return state.error();
    r.state = *state;
    r.attempts = static_cast<int>(st.column_int(5));
    if (!st.column_is_null(6)) r.first_attempt = from_ms(st.column_int(6));
    if (!st.column_is_null(7)) r.finished = from_ms(st.column_int(7));
    r.detail = st.column_text(8);
    r.retry_key = st.column_text(9);
    r.recipients = static_cast<int>(st.column_int(10));
    r.job_json = st.column_text(11);
    r.received = from_ms(st.column_int(12));
    return r;
}

void bind_optional_time(SqliteStatement& st, int index, const std::optional<WallTime>& t) {
    if (t)
        st.bind(index, to_ms(*t));
    else
        st.bind_null(index);
}

}  // namespace

std::string to_string(JobState state) {
    switch (state) {
        case JobState::kPending:
            return "pending";
        case JobState::kAccepted:
            return "accepted";
        case JobState::kFailed:
            return "failed";
    }
    return "unknown";
}

Result<JobStore> JobStore::open(const std::string& path) {
    std::error_code ec;  // a failure here shows up as SQLite's, naming the path
    auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    auto db = SqliteDb::open(path);
    if (!db) return db.error();
    if (auto s = db->exec(kSchema); !s) return s.error();
    return JobStore(std::move(*db));
}

Result<std::optional<JobRecord>> JobStore::find_where(const char* where, const std::string& value) {
    auto st = db_.prepare(fmt::format("SELECT {} FROM jobs WHERE {} = ?1", kColumns, where));
    if (!st) return st.error();
    st->bind(1, value);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return std::optional<JobRecord>();
    auto r = read_row(*st);
    if (!r) return r.error();
    return std::optional<JobRecord>(std::move(*r));
}

Result<std::optional<JobRecord>> JobStore::find(const std::string& job_id) {
    return find_where("job_id", job_id);
}

Result<JobStore::Admission> JobStore::admit(const DeliveryJob& job, const std::string& retry_key,
                                            WallTime now) {
    Admission out;
    auto status = db_.transaction([&]() -> Status {
        for (auto [column, value] : {std::pair{"job_id", &job.job_id},
                                     std::pair{"idempotency_key", &job.idempotency_key}}) {
            auto existing = find_where(column, *value);
            if (!existing) return existing.error();
            if (*existing) {
                out.record = std::move(**existing);
                out.inserted = false;
                return {};
            }
        }
        JobRecord r;
        r.job_id = job.job_id;
        r.idempotency_key = job.idempotency_key;
        r.alert_id = job.alert.id;
        r.version = job.alert.version;
        r.retry_key = retry_key;
        r.job_json = encode_job(job);
        r.received = now;
        auto st = db_.prepare(fmt::format(
            "INSERT INTO jobs ({}) VALUES (?1, ?2, ?3, ?4, 'pending', 0, NULL, NULL, '', ?5, 0, "
            "?6, ?7)",
            kColumns));
        if (!st) return st.error();
        st->bind(1, r.job_id)
            .bind(2, r.idempotency_key)
            .bind(3, r.alert_id)
            .bind(4, r.version)
            .bind(5, r.retry_key)
            .bind(6, r.job_json)
            .bind(7, to_ms(now));
        if (auto s = st->run(); !s) return s;
        out.record = std::move(r);
        out.inserted = true;
        return {};
    });
    if (!status) return status.error();
    return out;
}

Result<std::vector<JobRecord>> JobStore::pending() {
    auto st = db_.prepare(fmt::format(
        "SELECT {} FROM jobs WHERE state = 'pending' ORDER BY received_ms, version", kColumns));
    if (!st) return st.error();
    std::vector<JobRecord> out;
    for (;;) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        auto r = read_row(*st);
        if (!r) return r.error();
        out.push_back(std::move(*r));
    }
    return out;
}

Result<std::optional<std::int64_t>> JobStore::latest_version(const std::string& alert_id) {
    auto st = db_.prepare("SELECT MAX(version) FROM jobs WHERE alert_id = ?1");
    if (!st) return st.error();
    st->bind(1, alert_id);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row || st->column_is_null(0)) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(st->column_int(0));
}

Status JobStore::save_progress(const JobRecord& r) {
    auto st = db_.prepare(
        "UPDATE jobs SET attempts = ?2, first_attempt_ms = ?3, detail = ?4 WHERE job_id = ?1");
    if (!st) return st.error();
    st->bind(1, r.job_id).bind(2, static_cast<std::int64_t>(r.attempts)).bind(4, r.detail);
    bind_optional_time(*st, 3, r.first_attempt);
    return st->run();
}

Status JobStore::finish(const JobRecord& r, const std::string& receipt_payload) {
    return db_.transaction([&]() -> Status {
        auto st = db_.prepare(
            "UPDATE jobs SET state = ?2, attempts = ?3, first_attempt_ms = ?4, finished_ms = ?5, "
            "detail = ?6, recipients = ?7 WHERE job_id = ?1");
        if (!st) return st.error();
        st->bind(1, r.job_id)
            .bind(2, to_string(r.state))
            .bind(3, static_cast<std::int64_t>(r.attempts))
            .bind(6, r.detail)
            .bind(7, static_cast<std::int64_t>(r.recipients));
        bind_optional_time(*st, 4, r.first_attempt);
        bind_optional_time(*st, 5, r.finished);
        if (auto s = st->run(); !s) return s;
        return queue_receipt(r.job_id, receipt_payload, r.finished.value_or(r.received));
    });
}

Status JobStore::queue_receipt(const std::string& job_id, const std::string& payload,
                               WallTime now) {
    auto st =
        db_.prepare("INSERT INTO receipt_outbox (job_id, payload, created_ms) VALUES (?1, ?2, ?3)");
    if (!st) return st.error();
    st->bind(1, job_id).bind(2, payload).bind(3, to_ms(now));
    return st->run();
}

Result<std::vector<QueuedReceipt>> JobStore::queued_receipts(int limit) {
    auto st = db_.prepare("SELECT id, job_id, payload FROM receipt_outbox ORDER BY id LIMIT ?1");
    if (!st) return st.error();
    st->bind(1, static_cast<std::int64_t>(limit));
    std::vector<QueuedReceipt> out;
    for (;;) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        out.push_back({st->column_int(0), st->column_text(1), st->column_text(2)});
    }
    return out;
}

Status JobStore::remove_receipt(std::int64_t id) {
    auto st = db_.prepare("DELETE FROM receipt_outbox WHERE id = ?1");
    if (!st) return st.error();
    st->bind(1, id);
    return st->run();
}

Result<int> JobStore::count_queued_receipts() {
    auto st = db_.prepare("SELECT COUNT(*) FROM receipt_outbox");
    if (!st) return st.error();
    auto row = st->step();
    if (!row) return row.error();
    return static_cast<int>(st->column_int(0));
}

Result<int> JobStore::prune(WallTime cutoff) {
    auto st = db_.prepare(
        "DELETE FROM jobs WHERE state != 'pending' AND finished_ms IS NOT NULL AND "
        "finished_ms < ?1");
    if (!st) return st.error();
    st->bind(1, to_ms(cutoff));
    if (auto s = st->run(); !s) return s.error();
    return db_.changes();
}

}  // namespace alerthub::line
