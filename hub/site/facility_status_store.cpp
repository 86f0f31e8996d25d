#include "hub/site/facility_status_store.h"

#include <fmt/format.h>

#include "core/base/time_format.h"

namespace alerthub::hub::site {
namespace {

constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS site_facility_status (
  facility_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  taken_in INTEGER NOT NULL,
  updated TEXT NOT NULL,
  by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS site_facility_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  facility_id TEXT NOT NULL,
  state TEXT NOT NULL,
  taken_in INTEGER NOT NULL,
  at TEXT NOT NULL,
  by TEXT NOT NULL
);
)";

}  // namespace

Result<FacilityStatusStore> FacilityStatusStore::open(SqliteDb& db) {
    if (auto s = db.exec(kSchema); !s)
        return make_error(s.error().code, "site facility status: " + s.error().message);
    return FacilityStatusStore(db);
}

Result<std::map<std::string, FacilityStatus>> FacilityStatusStore::all() {
    auto current_status = current();
    if (!current_status) return current_status.error();
    std::map<std::string, FacilityStatus> out;
    for (auto& [id, c] : *current_status) out.emplace(id, c.status);
    return out;
}

Result<std::map<std::string, FacilityStatusStore::Current>> FacilityStatusStore::current() {
    auto q =
        db_->prepare("SELECT facility_id, state, taken_in, updated, by FROM site_facility_status");
    if (!q) return q.error();
    std::map<std::string, Current> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        auto state = facility_state_from_key(q->column_text(1));
        auto updated = parse_rfc3339(q->column_text(3));
        if (!state || !updated) continue;  // only set() writes here, with checked values
        out[q->column_text(0)] = Current{.status = {.state = *state,
                                                    .taken_in = static_cast<int>(q->column_int(2)),
                                                    .updated = *updated},
                                         .by = q->column_text(4)};
    }
    return out;
}

Status FacilityStatusStore::set(const FacilityStatusChange& change, WallTime at) {
    return db_->transaction([&]() -> Status { return set_in_transaction(change, at); });
}

Status FacilityStatusStore::set_in_transaction(const FacilityStatusChange& change, WallTime at) {
    if (change.taken_in < 0)
        return make_error(ErrorCode::kInvalidArgument, "the count taken in cannot be negative");
    const std::string when = format_rfc3339_jst(at);
    const std::string state(facility_state_key(change.state));
    auto up = db_->prepare(
        "INSERT INTO site_facility_status (facility_id, state, taken_in, updated, by) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(facility_id) DO UPDATE SET state = "
        "excluded.state, taken_in = excluded.taken_in, updated = excluded.updated, by = "
        "excluded.by");
    if (!up) return up.error();
    up->bind(1, change.facility_id)
        .bind(2, state)
        .bind(3, std::int64_t{change.taken_in})
        .bind(4, when)
        .bind(5, change.by);
    if (auto s = up->run(); !s) return s;
    auto log = db_->prepare(
        "INSERT INTO site_facility_log (facility_id, state, taken_in, at, by) "
        "VALUES (?, ?, ?, ?, ?)");
    if (!log) return log.error();
    log->bind(1, change.facility_id)
        .bind(2, state)
        .bind(3, std::int64_t{change.taken_in})
        .bind(4, when)
        .bind(5, change.by);
    return log->run();
}

Result<std::vector<FacilityStatusStore::LogEntry>> FacilityStatusStore::log(int limit) {
    auto q = db_->prepare(
        "SELECT facility_id, state, taken_in, by, at FROM site_facility_log "
        "ORDER BY seq DESC LIMIT ?");
    if (!q) return q.error();
    q->bind(1, std::int64_t{limit});
    std::vector<LogEntry> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        out.push_back({.facility_id = q->column_text(0),
                       .state = q->column_text(1),
                       .taken_in = static_cast<int>(q->column_int(2)),
                       .by = q->column_text(3),
                       .at = q->column_text(4)});
    }
    return out;
}

Result<std::int64_t> FacilityStatusStore::last_change() {
    auto q = db_->prepare("SELECT COALESCE(MAX(seq), 0) FROM site_facility_log");
    if (!q) return q.error();
    auto row = q->step();
    if (!row) return row.error();
    return *row ? q->column_int(0) : 0;
}

}  // namespace alerthub::hub::site
