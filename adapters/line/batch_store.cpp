#include "adapters/line/batch_store.h"

#include <filesystem>

#include "core/base/clock.h"
#include "core/storage/schema.h"

namespace alerthub::line {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS line_job_plans (
    job_id    TEXT PRIMARY KEY,
    targeting TEXT NOT NULL CHECK (targeting IN ('broadcast', 'multicast')),
    codes     TEXT NOT NULL DEFAULT '',
    warnings  TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS line_batches (
    job_id        TEXT NOT NULL,
    batch_index   INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    language      TEXT NOT NULL,
    user_ids      TEXT NOT NULL,
    retry_key     TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    first_send_ms INTEGER,
    last_send_ms  INTEGER,
    detail        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job_id, batch_index)
);
)sql";

std::optional<WallTime> optional_time(const SqliteStatement& st, int index) {
    if (st.column_is_null(index)) return std::nullopt;
    return WallTime{} + std::chrono::milliseconds(st.column_int(index));
}
void bind_time(SqliteStatement& st, int index, const std::optional<WallTime>& t) {
    if (t)
        st.bind(index, epoch_ms(*t));
    else
        st.bind_null(index);
}

const char* state_name(BatchState s) {
    switch (s) {
        case BatchState::kPending:
            return "pending";
        case BatchState::kAccepted:
            return "accepted";
        case BatchState::kFailed:
            return "failed";
    }
    return "pending";
}
BatchState parse_state(const std::string& s) {
    if (s == "accepted") return BatchState::kAccepted;
    if (s == "failed") return BatchState::kFailed;
    return BatchState::kPending;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (auto& l : lines) out += (out.empty() ? "" : "\n") + l;
    return out;
}
std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

}  // namespace

Result<LineBatchStore> LineBatchStore::open(const std::string& path) {
    std::error_code ec;  // a failure here shows up as SQLite's, naming the path
    auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    auto db = SqliteDb::open(path);
    if (!db) return db.error();
    // A batch's progress is saved after every request: without an fsync each (WAL keeps the
    // file consistent). Losing the last few marks in a power cut only resends those batches
    // with the same X-Line-Retry-Key, which LINE answers 409: nobody gets a message twice.
    if (auto s = db->exec("PRAGMA synchronous = NORMAL"); !s) return s.error();
    ComponentSchema schema{.component = "line_batches",
                           .version = 1,
                           .marker_table = "line_job_plans",
                           .create_sql = std::string(kSchema),
                           .migrations = {}};
    if (auto s = apply_schema(*db, schema, path); !s) return s.error();
    return LineBatchStore(std::move(*db));
}

Result<std::optional<LinePlan>> LineBatchStore::plan(const std::string& job_id) {
    auto head =
        db_.prepare("SELECT targeting, codes, warnings FROM line_job_plans WHERE job_id = ?1");
    if (!head) return head.error();
    head->bind(1, job_id);
    auto row = head->step();
    if (!row) return row.error();
    if (!*row) return std::optional<LinePlan>();
    LinePlan plan;
    plan.targeting = head->column_text(0);
    plan.codes = split_words(head->column_text(1));
    plan.warnings = split_lines(head->column_text(2));

    auto st = db_.prepare(
        "SELECT batch_index, kind, language, user_ids, retry_key, state, attempts, "
        "first_send_ms, last_send_ms, detail FROM line_batches WHERE job_id = ?1 "
        "ORDER BY batch_index");
    if (!st) return st.error();
    st->bind(1, job_id);
    for (;;) {
        auto more = st->step();
        if (!more) return more.error();
        if (!*more) break;
        LineBatch b;
        b.index = static_cast<int>(st->column_int(0));
        b.kind = st->column_text(1);
        b.language = st->column_text(2);
        b.user_ids = split_words(st->column_text(3));
        b.retry_key = st->column_text(4);
        b.state = parse_state(st->column_text(5));
        b.attempts = static_cast<int>(st->column_int(6));
        b.first_send = optional_time(*st, 7);
        b.last_send = optional_time(*st, 8);
        b.detail = st->column_text(9);
        plan.batches.push_back(std::move(b));
    }
    return std::optional<LinePlan>(std::move(plan));
}

Status LineBatchStore::save_plan(const std::string& job_id, const LinePlan& plan) {
    return db_.transaction([&]() -> Status {
        auto head = db_.prepare(
            "INSERT INTO line_job_plans (job_id, targeting, codes, warnings) "
            "VALUES (?1, ?2, ?3, ?4)");
        if (!head) return head.error();
        head->bind(1, job_id)
            .bind(2, plan.targeting)
            .bind(3, join_words(plan.codes))
            .bind(4, join_lines(plan.warnings));
        if (auto s = head->run(); !s) return s;
        for (auto& b : plan.batches) {
            auto st = db_.prepare(
                "INSERT INTO line_batches (job_id, batch_index, kind, language, user_ids, "
                "retry_key, state, attempts, first_send_ms, last_send_ms, detail) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
            if (!st) return st.error();
            st->bind(1, job_id)
                .bind(2, std::int64_t{b.index})
                .bind(3, b.kind)
                .bind(4, b.language)
                .bind(5, join_words(b.user_ids))
                .bind(6, b.retry_key)
                .bind(7, state_name(b.state))
                .bind(8, std::int64_t{b.attempts})
                .bind(11, b.detail);
            bind_time(*st, 9, b.first_send);
            bind_time(*st, 10, b.last_send);
            if (auto s = st->run(); !s) return s;
        }
        return {};
    });
}

Status LineBatchStore::save_batch(const std::string& job_id, const LineBatch& b) {
    auto st = db_.prepare(
        "UPDATE line_batches SET state = ?3, attempts = ?4, first_send_ms = ?5, "
        "last_send_ms = ?6, detail = ?7 WHERE job_id = ?1 AND batch_index = ?2");
    if (!st) return st.error();
    st->bind(1, job_id)
        .bind(2, std::int64_t{b.index})
        .bind(3, state_name(b.state))
        .bind(4, std::int64_t{b.attempts})
        .bind(7, b.detail);
    bind_time(*st, 5, b.first_send);
    bind_time(*st, 6, b.last_send);
    return st->run();
}

Status LineBatchStore::save_warnings(const std::string& job_id,
                                     const std::vector<std::string>& warnings) {
    auto st = db_.prepare("UPDATE line_job_plans SET warnings = ?2 WHERE job_id = ?1");
    if (!st) return st.error();
    st->bind(1, job_id).bind(2, join_lines(warnings));
    return st->run();
}

Result<int> LineBatchStore::forget_unknown_jobs() {
    int forgotten = 0;
    auto s = db_.transaction([&]() -> Status {
        if (auto e =
                db_.exec("DELETE FROM line_batches WHERE job_id NOT IN (SELECT job_id FROM jobs)");
            !e)
            return e;
        if (auto e = db_.exec(
                "DELETE FROM line_job_plans WHERE job_id NOT IN (SELECT job_id FROM jobs)");
            !e)
            return e;
        forgotten = db_.changes();
        return {};
    });
    if (!s) return s.error();
    return forgotten;
}

}  // namespace alerthub::line
