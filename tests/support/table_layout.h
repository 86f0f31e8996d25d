#pragma once
// For tests that a database file keeps its layout: every table's columns (name, type,
// NOT NULL, default, key) and every index, sorted, so that column order does not matter.

#include <set>
#include <string>

#include "core/storage/sqlite_db.h"

namespace alerthub::testing {

inline std::set<std::string> table_layout(const std::string& path) {
    std::set<std::string> out;
    auto db = SqliteDb::open(path);
    if (!db) return {"cannot open: " + db.error().message};
    std::set<std::string> tables;
    auto st = db->prepare(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name");
    if (!st) return {"cannot read: " + st.error().message};
    while (*st->step()) {
        if (st->column_text(0) == "table") tables.insert(st->column_text(1));
        if (st->column_text(0) == "index") out.insert("index " + st->column_text(2));
    }
    for (auto& table : tables) {
        auto info = db->prepare("PRAGMA table_info(" + table + ")");
        if (!info) return {"cannot read " + table + ": " + info.error().message};
        while (*info->step()) {
            out.insert(table + "." + info->column_text(1) + " " + info->column_text(2) +
                       (info->column_int(3) ? " NOT NULL" : "") +
                       (info->column_is_null(4) ? "" : " DEFAULT " + info->column_text(4)) +
                       (info->column_int(5) ? " KEY" : ""));
        }
    }
    return out;
}

}  // namespace alerthub::testing
