#pragma once
// A thin SQLite wrapper: WAL, a busy timeout, prepared statements and transactions.
// Every error names the failing call and SQLite's message.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace alerthub {

class SqliteStatement {
public:
    SqliteStatement(sqlite3* db, sqlite3_stmt* stmt);
    SqliteStatement(SqliteStatement&&) noexcept;
    SqliteStatement& operator=(SqliteStatement&&) = delete;
    ~SqliteStatement();

    // Parameters are 1-based, as in SQLite.
    SqliteStatement& bind(int index, std::string_view text);
    SqliteStatement& bind(int index, std::int64_t value);
    SqliteStatement& bind_blob(int index, std::string_view bytes);
    SqliteStatement& bind_null(int index);

    // true: a row is ready; false: done. Errors are kInternal with SQLite's message.
    Result<bool> step();
    // Runs to completion (for statements without rows).
    Status run();

    std::string column_text(int index) const;  // 0-based; NULL reads as ""
    std::int64_t column_int(int index) const;
    bool column_is_null(int index) const;

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_;
    Status bind_status_;
};

class SqliteDb {
public:
    // Opens (creating) the database with WAL and synchronous=FULL: an acknowledged
    // write survives power loss.
    static Result<SqliteDb> open(const std::string& path);

    SqliteDb(SqliteDb&&) noexcept;
    SqliteDb& operator=(SqliteDb&&) noexcept;
    ~SqliteDb();

    Status exec(std::string_view sql);
    Result<SqliteStatement> prepare(std::string_view sql);
    std::int64_t last_insert_rowid() const;
    int changes() const;

    // Copies this database into `dest` with SQLite's online backup API, in one step: one
    // read transaction, so the copy is a consistent snapshot while other connections (the
    // running daemon) keep writing (WAL readers do not block writers).
    Status backup_to(SqliteDb& dest);
    // PRAGMA integrity_check: "ok", or SQLite's first problems.
    Result<std::string> integrity_check();

    // BEGIN IMMEDIATE ... COMMIT; rolled back when `body` fails.
    template <typename F>
    Status transaction(F&& body) {
        if (auto s = exec("BEGIN IMMEDIATE"); !s) return s;
        Status result = body();
        if (!result) {
            (void)exec("ROLLBACK");
            return result;
        }
        if (auto s = exec("COMMIT"); !s) {
            (void)exec("ROLLBACK");
            return s;
        }
        return {};
    }

private:
    explicit SqliteDb(sqlite3* db) : db_(db) {}
    sqlite3* db_ = nullptr;
};

// A list of words (area codes, user ids) as stored in one TEXT column and in CSV:
// space-separated; split_words skips empty words.
std::string join_words(const std::vector<std::string>& words);
std::vector<std::string> split_words(std::string_view text);

}  // namespace alerthub
