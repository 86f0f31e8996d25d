#include "hub/console/console_db.h"

#include "core/storage/schema.h"

namespace alerthub::hub::console {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS console_users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
-- The facilities a facility-staff account (role facility) may set; none: every facility.
-- Added after version 1 was released: created by create_sql in an older file too.
CREATE TABLE IF NOT EXISTS console_user_facilities (
    user_name TEXT NOT NULL,
    facility_id TEXT NOT NULL,
    PRIMARY KEY (user_name, facility_id)
);
CREATE TABLE IF NOT EXISTS console_sessions (
    token_sha256 TEXT PRIMARY KEY,
    user_name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS console_login_failures (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS console_drafts (
    id INTEGER PRIMARY KEY,
    action TEXT NOT NULL,
    alert_id TEXT NOT NULL DEFAULT '',
    template TEXT NOT NULL,
    status TEXT NOT NULL,
    content_json TEXT NOT NULL,
    state TEXT NOT NULL,
    drafted_by TEXT NOT NULL,
    drafted_at TEXT NOT NULL,
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at TEXT NOT NULL DEFAULT '',
    break_glass_reason TEXT NOT NULL DEFAULT '',
    identifier TEXT NOT NULL DEFAULT '',
    sender TEXT NOT NULL DEFAULT '',
    sent TEXT NOT NULL DEFAULT '',
    cap_xml TEXT NOT NULL DEFAULT '',
    published_version INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS console_drafts_alert ON console_drafts(alert_id);
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
)sql";

}  // namespace

Result<SqliteDb> open_console_db(const std::string& path) {
    auto db = SqliteDb::open(path);
    if (!db) return db.error();
    ComponentSchema schema{.component = "console",
                           .version = 1,
                           .marker_table = "console_users",
                           .create_sql = std::string(kSchema),
                           .migrations = {}};
    if (auto s = apply_schema(*db, schema, path); !s) return s.error();
    return std::move(*db);
}

}  // namespace alerthub::hub::console
