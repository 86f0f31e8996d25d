#include "core/storage/schema.h"

#include <fmt/format.h>

namespace alerthub {
namespace {

constexpr std::string_view kVersionsTable =
    "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, "
    "version INTEGER NOT NULL)";

Result<bool> table_exists(SqliteDb& db, std::string_view table) {
    auto q = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    if (!q) return q.error();
    q->bind(1, table);
    return q->step();
}

Status store_version(SqliteDb& db, std::string_view component, int version) {
    auto q =
        db.prepare("INSERT OR REPLACE INTO schema_versions (component, version) VALUES (?, ?)");
    if (!q) return q.error();
    q->bind(1, component).bind(2, static_cast<std::int64_t>(version));
    return q->run();
}

}  // namespace

Result<int> stored_schema_version(SqliteDb& db, std::string_view component) {
    auto exists = table_exists(db, "schema_versions");
    if (!exists) return exists.error();
    if (!*exists) return 0;
    auto q = db.prepare("SELECT version FROM schema_versions WHERE component = ?");
    if (!q) return q.error();
    q->bind(1, component);
    auto row = q->step();
    if (!row) return row.error();
    return *row ? static_cast<int>(q->column_int(0)) : 0;
}

Status apply_schema(SqliteDb& db, const ComponentSchema& schema, std::string_view path) {
    auto failed = [&](const Error& e) {
        return make_error(e.code,
                          fmt::format("{}: {} tables: {}", path, schema.component, e.message));
    };
    auto result = db.transaction([&]() -> Status {
        if (auto s = db.exec(kVersionsTable); !s) return s;
        auto stored = stored_schema_version(db, schema.component);
        if (!stored) return stored.error();
        int version = *stored;
        if (version > schema.version)
            return make_error(
                ErrorCode::kInternal,
                fmt::format("schema version {} was written by a newer release; this one knows up "
                            "to {}. Downgrades are refused: run the newer release, or restore a "
                            "backup taken before the upgrade",
                            version, schema.version));
        if (version == 0) {
            // No row: a new file, or one written by the first release (version 1).
            auto old = table_exists(db, schema.marker_table);
            if (!old) return old.error();
            version = *old ? 1 : schema.version;
        }
        for (const auto& m : schema.migrations) {
            if (m.to_version <= version) continue;
            if (auto s = db.exec(m.sql); !s)
                return make_error(s.error().code, fmt::format("migrating to version {}: {}",
                                                              m.to_version, s.error().message));
            version = m.to_version;
        }
        if (auto s = db.exec(schema.create_sql); !s) return s;
        return store_version(db, schema.component, schema.version);
    });
    if (!result) return failed(result.error());
    return {};
}

}  // namespace alerthub
