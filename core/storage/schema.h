#pragma once
// Schema versions and forward migrations for the tables of one component. Several components
// share a file (the hub's journal file also holds the console's and the JMA feed's tables), so
// each keeps its version in its own row of `schema_versions` (the journal itself keeps
// PRAGMA user_version, as it always has). Version 1 is the schema of the first release, which
// wrote no version: a file with the component's tables and no row is adopted as version 1
// and migrated from there. A version newer than the code knows (a downgrade) is refused.

#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/storage/sqlite_db.h"

namespace alerthub {

struct SchemaMigration {
    int to_version;        // it turns version to_version - 1 into this one
    std::string_view sql;  // run in the same transaction as the version bump
};

struct ComponentSchema {
    std::string_view component;     // "console", "jma_feed", "delivery", ...
    int version = 1;                // what this code reads and writes
    std::string_view marker_table;  // a table every version has: tells an old file from a new
    std::string create_sql;         // the current tables, CREATE ... IF NOT EXISTS
    std::vector<SchemaMigration> migrations;  // ascending to_version, up to `version`
};

// Brings the component's tables in `db` (the file at `path`, named in errors) to
// schema.version in one transaction: creates them in a new file, migrates an older one,
// refuses a newer one (kInternal, saying so) and leaves it untouched.
Status apply_schema(SqliteDb& db, const ComponentSchema& schema, std::string_view path);

// The version recorded for `component`; 0 when none is.
Result<int> stored_schema_version(SqliteDb& db, std::string_view component);

}  // namespace alerthub
