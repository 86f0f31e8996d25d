#include "adapters/common/delivery_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>

#include "core/base/clock.h"
#include "core/config/config.h"
#include "core/storage/schema.h"

namespace alerthub {
namespace {

// The columns every channel has, in the order read_row expects them; the channel's follow.
constexpr std::array<std::string_view, 12> kCommonColumns = {
    "job_id",           "idempotency_key", "alert_id", "version",    "state",    "attempts",
    "first_attempt_ms", "finished_ms",     "detail",   "recipients", "job_json", "received_ms"};

// {channel} stands for the channel's column definitions, each ending in ",\n".
constexpr const char* kJobsTable = R"sql(
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
{channel}    recipients      INTEGER NOT NULL DEFAULT 0,
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

Result<DeliveryState> parse_state(const std::string& s) {
    if (s == "pending") return DeliveryState::kPending;
    if (s == "accepted") return DeliveryState::kAccepted;
    if (s == "failed") return DeliveryState::kFailed;
    return make_error(ErrorCode::kInternal, fmt::format("jobs.state: unknown value '{}'", s));
}

void bind_optional_time(SqliteStatement& st, int index, const std::optional<WallTime>& t) {
    if (t)
        st.bind(index, epoch_ms(*t));
    else
        st.bind_null(index);
}

bool valid_channel_column_name(const std::string& name) {
    bool identifier = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || c == '_';
    });
    return identifier &&
           std::find(kCommonColumns.begin(), kCommonColumns.end(), name) == kCommonColumns.end();
}

std::string column_definition(const ChannelColumn& c) {
    bool text = c.type == ChannelColumn::Type::kText;
    std::string def = text ? "TEXT NOT NULL" : "INTEGER NOT NULL";
    if (c.progress) def += text ? " DEFAULT ''" : " DEFAULT 0";
    return fmt::format("    {:<15} {},\n", c.name, def);
}

}  // namespace

std::string to_string(DeliveryState state) {
    switch (state) {
        case DeliveryState::kPending:
            return "pending";
        case DeliveryState::kAccepted:
            return "accepted";
        case DeliveryState::kFailed:
            return "failed";
    }
    return "unknown";
}

ChannelFields& ChannelFields::set_text(std::string_view column, std::string value) {
    values_.insert_or_assign(std::string(column), std::move(value));
    return *this;
}
ChannelFields& ChannelFields::set_integer(std::string_view column, std::int64_t value) {
    values_.insert_or_assign(std::string(column), value);
    return *this;
}
bool ChannelFields::has(std::string_view column) const {
    return values_.find(column) != values_.end();
}
const std::string& ChannelFields::text(std::string_view column) const {
    auto it = values_.find(column);
    CHECK(it != values_.end() && std::holds_alternative<std::string>(it->second),
          "ChannelFields::text: no text value for this column");
    return std::get<std::string>(it->second);
}
std::int64_t ChannelFields::integer(std::string_view column) const {
    auto it = values_.find(column);
    CHECK(it != values_.end() && std::holds_alternative<std::int64_t>(it->second),
          "ChannelFields::integer: no integer value for this column");
    return std::get<std::int64_t>(it->second);
}

DeliveryStore::DeliveryStore(SqliteDb db, ChannelSchema schema)
    : db_(std::move(db)), schema_(std::move(schema)) {
    for (auto name : kCommonColumns)
        select_columns_ += (select_columns_.empty() ? "" : ", ") + std::string(name);
    for (auto& c : schema_.columns) select_columns_ += ", " + c.name;
}

Result<DeliveryStore> DeliveryStore::open(const std::string& path, ChannelSchema schema) {
    std::string channel_columns;
    for (auto& c : schema.columns) {
        CHECK(valid_channel_column_name(c.name),
              "ChannelColumn: a name of lower-case letters and '_' that is not a common column");
        channel_columns += column_definition(c);
    }
    std::error_code ec;  // a failure here shows up as SQLite's, naming the path
    auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    auto db = SqliteDb::open(path);
    if (!db) return db.error();
    std::string sql = kJobsTable;
    sql.replace(sql.find("{channel}"), std::string_view("{channel}").size(), channel_columns);
    ComponentSchema tables{.component = "delivery",
                           .version = 1,
                           .marker_table = "jobs",
                           .create_sql = sql,
                           .migrations = {}};
    if (auto s = apply_schema(*db, tables, path); !s) return s.error();
    return DeliveryStore(std::move(*db), std::move(schema));
}

Result<DeliveryRecord> DeliveryStore::read_row(const SqliteStatement& st) const {
    DeliveryRecord r;
    r.job_id = st.column_text(0);
    r.idempotency_key = st.column_text(1);
    r.alert_id = st.column_text(2);
    r.version = st.column_int(3);
    auto state = parse_state(st.column_text(4));
    if (!state) return state.error();
    r.state = *state;
    r.attempts = static_cast<int>(st.column_int(5));
    if (!st.column_is_null(6)) r.first_attempt = from_epoch_ms(st.column_int(6));
    if (!st.column_is_null(7)) r.finished = from_epoch_ms(st.column_int(7));
    r.detail = st.column_text(8);
    r.recipients = static_cast<int>(st.column_int(9));
    r.job_json = st.column_text(10);
    r.received = from_epoch_ms(st.column_int(11));
    int index = static_cast<int>(kCommonColumns.size());
    for (auto& c : schema_.columns) {
        if (c.type == ChannelColumn::Type::kText)
            r.channel.set_text(c.name, st.column_text(index));
        else
            r.channel.set_integer(c.name, st.column_int(index));
        ++index;
    }
    if (schema_.check) {
        if (auto s = schema_.check(r.channel); !s) return s.error();
    }
    return r;
}

void DeliveryStore::bind_channel(SqliteStatement& st, int first, const ChannelFields& fields,
                                 bool progress_only) const {
    int index = first;
    for (auto& c : schema_.columns) {
        if (progress_only && !c.progress) continue;
        if (c.type == ChannelColumn::Type::kText)
            st.bind(index, fields.text(c.name));
        else
            st.bind(index, fields.integer(c.name));
        ++index;
    }
}

Result<std::optional<DeliveryRecord>> DeliveryStore::find_where(const char* column,
                                                                const std::string& value) {
    auto st =
        db_.prepare(fmt::format("SELECT {} FROM jobs WHERE {} = ?1", select_columns_, column));
    if (!st) return st.error();
    st->bind(1, value);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return std::optional<DeliveryRecord>();
    auto r = read_row(*st);
    if (!r) return r.error();
    return std::optional<DeliveryRecord>(std::move(*r));
}

Result<std::optional<DeliveryRecord>> DeliveryStore::find(const std::string& job_id) {
    return find_where("job_id", job_id);
}

Result<DeliveryStore::Admission> DeliveryStore::admit(const DeliveryJob& job, ChannelFields channel,
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
        DeliveryRecord r;
        r.job_id = job.job_id;
        r.idempotency_key = job.idempotency_key;
        r.alert_id = job.alert.id;
        r.version = job.alert.version;
        r.channel = std::move(channel);
        r.job_json = encode_job(job);
        r.received = now;
        // attempts, first_attempt_ms, finished_ms, detail and recipients start at their
        // defaults; the channel gives all of its columns, progress ones included.
        std::string columns =
            "job_id, idempotency_key, alert_id, version, state, job_json, received_ms";
        std::string values = "?1, ?2, ?3, ?4, 'pending', ?5, ?6";
        int index = 7;
        for (auto& c : schema_.columns) {
            columns += ", " + c.name;
            values += fmt::format(", ?{}", index++);
        }
        auto st = db_.prepare(fmt::format("INSERT INTO jobs ({}) VALUES ({})", columns, values));
        if (!st) return st.error();
        st->bind(1, r.job_id)
            .bind(2, r.idempotency_key)
            .bind(3, r.alert_id)
            .bind(4, r.version)
            .bind(5, r.job_json)
            .bind(6, epoch_ms(now));
        bind_channel(*st, 7, r.channel, /*progress_only=*/false);
        if (auto s = st->run(); !s) return s;
        out.record = std::move(r);
        out.inserted = true;
        return {};
    });
    if (!status) return status.error();
    return out;
}

Result<std::vector<DeliveryRecord>> DeliveryStore::pending() {
    auto st = db_.prepare(
        fmt::format("SELECT {} FROM jobs WHERE state = 'pending' ORDER BY received_ms, version",
                    select_columns_));
    if (!st) return st.error();
    std::vector<DeliveryRecord> out;
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

Result<std::optional<std::int64_t>> DeliveryStore::latest_version(const std::string& alert_id) {
    auto st = db_.prepare("SELECT MAX(version) FROM jobs WHERE alert_id = ?1");
    if (!st) return st.error();
    st->bind(1, alert_id);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row || st->column_is_null(0)) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(st->column_int(0));
}

Status DeliveryStore::save_progress(const DeliveryRecord& r) {
    std::string sql =
        "UPDATE jobs SET attempts = ?2, first_attempt_ms = ?3, detail = ?4, recipients = ?5";
    int index = 6;
    for (auto& c : schema_.columns)
        if (c.progress) sql += fmt::format(", {} = ?{}", c.name, index++);
    auto st = db_.prepare(sql + " WHERE job_id = ?1");
    if (!st) return st.error();
    st->bind(1, r.job_id)
        .bind(2, static_cast<std::int64_t>(r.attempts))
        .bind(4, r.detail)
        .bind(5, static_cast<std::int64_t>(r.recipients));
    bind_optional_time(*st, 3, r.first_attempt);
    bind_channel(*st, 6, r.channel, /*progress_only=*/true);
    return st->run();
}

Status DeliveryStore::finish(const DeliveryRecord& r, const std::string& receipt_payload) {
    return db_.transaction([&]() -> Status {
        std::string sql =
            "UPDATE jobs SET state = ?2, attempts = ?3, first_attempt_ms = ?4, finished_ms = ?5, "
            "detail = ?6, recipients = ?7";
        int index = 8;
        for (auto& c : schema_.columns)
            if (c.progress) sql += fmt::format(", {} = ?{}", c.name, index++);
        auto st = db_.prepare(sql + " WHERE job_id = ?1");
        if (!st) return st.error();
        st->bind(1, r.job_id)
            .bind(2, to_string(r.state))
            .bind(3, static_cast<std::int64_t>(r.attempts))
            .bind(6, r.detail)
            .bind(7, static_cast<std::int64_t>(r.recipients));
        bind_optional_time(*st, 4, r.first_attempt);
        bind_optional_time(*st, 5, r.finished);
        bind_channel(*st, 8, r.channel, /*progress_only=*/true);
        if (auto s = st->run(); !s) return s;
        return queue_receipt(r.job_id, receipt_payload, r.finished.value_or(r.received));
    });
}

Status DeliveryStore::queue_receipt(const std::string& job_id, const std::string& payload,
                                    WallTime now) {
    auto st =
        db_.prepare("INSERT INTO receipt_outbox (job_id, payload, created_ms) VALUES (?1, ?2, ?3)");
    if (!st) return st.error();
    st->bind(1, job_id).bind(2, payload).bind(3, epoch_ms(now));
    return st->run();
}

Result<std::vector<QueuedReceipt>> DeliveryStore::queued_receipts(int limit) {
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

Status DeliveryStore::remove_receipt(std::int64_t id) {
    auto st = db_.prepare("DELETE FROM receipt_outbox WHERE id = ?1");
    if (!st) return st.error();
    st->bind(1, id);
    return st->run();
}

Result<int> DeliveryStore::count_queued_receipts() {
    auto st = db_.prepare("SELECT COUNT(*) FROM receipt_outbox");
    if (!st) return st.error();
    auto row = st->step();
    if (!row) return row.error();
    return static_cast<int>(st->column_int(0));
}

Result<int> DeliveryStore::prune(WallTime cutoff) {
    auto st = db_.prepare(
        "DELETE FROM jobs WHERE state != 'pending' AND finished_ms IS NOT NULL AND "
        "finished_ms < ?1");
    if (!st) return st.error();
    st->bind(1, epoch_ms(cutoff));
    if (auto s = st->run(); !s) return s.error();
    return db_.changes();
}

DeliveryStoreSettings read_delivery_store_settings(ConfigReader& c,
                                                   DeliveryStoreSettings defaults) {
    DeliveryStoreSettings s;
    s.path = c.get_path("state.path", defaults.path);
    if (s.path.empty()) c.error("state.path", "must not be empty");
    s.keep_days = static_cast<int>(c.get_int("state.keep_days", defaults.keep_days, 1, 3650));
    return s;
}

}  // namespace alerthub
