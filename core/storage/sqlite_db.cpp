#include "core/storage/sqlite_db.h"

#include <fmt/format.h>
#include <sqlite3.h>

namespace alerthub {
namespace {
Error sqlite_error(sqlite3* db, std::string_view call) {
    return make_error(ErrorCode::kInternal, fmt::format("{}: {}", call, sqlite3_errmsg(db)));
}
}  // namespace

SqliteStatement::SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
SqliteStatement::SqliteStatement(SqliteStatement&& o) noexcept
    : db_(o.db_), stmt_(o.stmt_), bind_status_(std::move(o.bind_status_)) {
    o.stmt_ = nullptr;
}
SqliteStatement::~SqliteStatement() {
    if (stmt_) sqlite3_finalize(stmt_);
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
    if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK &&
        bind_status_)
        bind_status_ = sqlite_error(db_, "sqlite3_bind_text");
    return *this;
}
SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK && bind_status_)
        bind_status_ = sqlite_error(db_, "sqlite3_bind_int64");
    return *this;
}
SqliteStatement& SqliteStatement::bind_blob(int index, std::string_view bytes) {
    if (sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK &&
        bind_status_)
        bind_status_ = sqlite_error(db_, "sqlite3_bind_blob");
    return *this;
}
SqliteStatement& SqliteStatement::bind_null(int index) {
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK && bind_status_)
        bind_status_ = sqlite_error(db_, "sqlite3_bind_null");
    return *this;
}

Result<bool> SqliteStatement::step() {
    if (!bind_status_) return bind_status_.error();
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    if (rc == SQLITE_CONSTRAINT)
        return make_error(ErrorCode::kAlreadyExists,
                          fmt::format("sqlite3_step: {}", sqlite3_errmsg(db_)));
    return sqlite_error(db_, "sqlite3_step");
}

Status SqliteStatement::run() {
    for (;;) {
        auto r = step();
        if (!r) return r.error();
        if (!*r) return {};
    }
}

std::string SqliteStatement::column_text(int index) const {
    auto* p = sqlite3_column_blob(stmt_, index);
    int n = sqlite3_column_bytes(stmt_, index);
    return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}
std::int64_t SqliteStatement::column_int(int index) const {
    return sqlite3_column_int64(stmt_, index);
}
bool SqliteStatement::column_is_null(int index) const {
    return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

Result<SqliteDb> SqliteDb::open(const std::string& path) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                             nullptr);
    SqliteDb db(raw);
    if (rc != SQLITE_OK)
        return make_error(ErrorCode::kUnavailable,
                          fmt::format("sqlite3_open_v2 '{}': {}", path,
                                      raw ? sqlite3_errmsg(raw) : "out of memory"));
    sqlite3_busy_timeout(raw, 5000);
    for (auto pragma :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
        if (auto s = db.exec(pragma); !s) return s.error();
    }
    return db;
}

SqliteDb::SqliteDb(SqliteDb&& o) noexcept : db_(o.db_) {
    o.db_ = nullptr;
}
SqliteDb& SqliteDb::operator=(SqliteDb&& o) noexcept {
    if (this != &o) {
        if (db_) sqlite3_close(db_);
        db_ = o.db_;
        o.db_ = nullptr;
    }
    return *this;
}
SqliteDb::~SqliteDb() {
    if (db_) sqlite3_close(db_);
}

Status SqliteDb::exec(std::string_view sql) {
    char* msg = nullptr;
    std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
        auto e = make_error(ErrorCode::kInternal,
                            fmt::format("sqlite3_exec: {}", msg ? msg : "unknown error"));
        sqlite3_free(msg);
        return e;
    }
    return {};
}

Result<SqliteStatement> SqliteDb::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
        SQLITE_OK)
        return sqlite_error(db_, "sqlite3_prepare_v2");
    return SqliteStatement(db_, stmt);
}

std::int64_t SqliteDb::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}
int SqliteDb::changes() const {
    return sqlite3_changes(db_);
}

Status SqliteDb::backup_to(SqliteDb& dest) {
    sqlite3_backup* backup = sqlite3_backup_init(dest.db_, "main", db_, "main");
    if (!backup) return sqlite_error(dest.db_, "sqlite3_backup_init");
    int rc = sqlite3_backup_step(backup, -1);
    int finish = sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE)
        return make_error(ErrorCode::kUnavailable,
                          fmt::format("sqlite3_backup_step: {}", sqlite3_errstr(rc)));
    if (finish != SQLITE_OK) return sqlite_error(dest.db_, "sqlite3_backup_finish");
    return {};
}

Result<std::string> SqliteDb::integrity_check() {
    auto q = prepare("PRAGMA integrity_check");
    if (!q) return q.error();
    std::string result;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        result += (result.empty() ? "" : "; ") + q->column_text(0);
    }
    return result;
}

std::string join_words(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < text.size()) {
        auto end = text.find(' ', i);
        if (end == std::string_view::npos) end = text.size();
        if (end > i) out.emplace_back(text.substr(i, end - i));
        i = end + 1;
    }
    return out;
}

}  // namespace alerthub
