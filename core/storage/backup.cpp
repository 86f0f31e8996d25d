#include "core/storage/backup.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <filesystem>

#include "core/storage/sqlite_db.h"

namespace alerthub {
namespace {

namespace fs = std::filesystem;

Result<SqliteDb> open_existing(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return make_error(ErrorCode::kNotFound, fmt::format("{}: no such database file", path));
    auto db = SqliteDb::open(path);
    if (!db) return make_error(db.error().code, fmt::format("{}: {}", path, db.error().message));
    return db;
}

Status check_integrity(SqliteDb& db, const std::string& path) {
    auto verdict = db.integrity_check();
    if (!verdict) return verdict.error();
    if (*verdict != "ok")
        return make_error(ErrorCode::kInternal,
                          fmt::format("{}: integrity check failed: {}", path, *verdict));
    return {};
}

}  // namespace

Result<std::string> backup_database(const std::string& source, const std::string& dir,
                                    WallTime now) {
    auto from = open_existing(source);
    if (!from) return from.error();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return make_error(ErrorCode::kUnavailable,
                          fmt::format("creating {}: {}", dir, ec.message()));
    auto stamp =
        fmt::format("{:%Y%m%dT%H%M%SZ}", std::chrono::time_point_cast<std::chrono::seconds>(now));
    auto final_path =
        (fs::path(dir) / fmt::format("{}-{}.db", fs::path(source).stem().string(), stamp)).string();
    auto partial = final_path + ".partial";
    for (const auto& suffix : {"", "-wal", "-shm"}) fs::remove(partial + suffix, ec);
    {
        auto to = SqliteDb::open(partial);
        if (!to) return to.error();
        if (auto s = from->backup_to(*to); !s)
            return make_error(s.error().code,
                              fmt::format("backing up {}: {}", source, s.error().message));
        if (auto s = to->exec("PRAGMA journal_mode=DELETE"); !s) return s.error();
        if (auto s = check_integrity(*to, partial); !s) return s.error();
    }
    fs::rename(partial, final_path, ec);
    if (ec)
        return make_error(ErrorCode::kUnavailable,
                          fmt::format("renaming {} to {}: {}", partial, final_path, ec.message()));
    return final_path;
}

Status restore_database(const std::string& backup, const std::string& target) {
    auto from = open_existing(backup);
    if (!from) return from.error();
    if (auto s = check_integrity(*from, backup); !s) return s;
    // On a fresh machine the daemon's folder may not exist yet (the daemon makes it at start).
    std::error_code ec;
    if (auto dir = fs::path(target).parent_path(); !dir.empty()) fs::create_directories(dir, ec);
    if (ec)
        return make_error(ErrorCode::kUnavailable,
                          fmt::format("creating the folder of {}: {}", target, ec.message()));
    auto to = SqliteDb::open(target);
    if (!to) return to.error();
    if (auto s = from->backup_to(*to); !s)
        return make_error(s.error().code, fmt::format("restoring {} into {}: {}", backup, target,
                                                      s.error().message));
    // The backup was made standalone (journal_mode DELETE); the daemon's file stays in WAL.
    if (auto s = to->exec("PRAGMA journal_mode=WAL"); !s) return s;
    return check_integrity(*to, target);
}

bool is_backup_command(std::string_view command) {
    return command == "backup" || command == "restore";
}

int run_backup_command(const std::vector<std::string>& args, const std::string& db_path,
                       std::string_view program, const Clock& clock, std::ostream& out,
                       std::ostream& err) {
    if (args.size() != 2 || !is_backup_command(args[0])) {
        err << program << ": usage: " << program << " backup DIR | " << program
            << " restore FILE   (restore only while the service is stopped)\n";
        return 2;
    }
    if (args[0] == "backup") {
        auto written = backup_database(db_path, args[1], clock.now());
        if (!written) {
            err << program << ": " << written.error().message << "\n";
            return 1;
        }
        out << *written << "\n";
        return 0;
    }
    if (auto s = restore_database(args[1], db_path); !s) {
        err << program << ": " << s.error().message << "\n";
        return 1;
    }
    out << "restored " << args[1] << " into " << db_path << "\n";
    return 0;
}

}  // namespace alerthub
