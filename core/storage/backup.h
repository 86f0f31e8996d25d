#pragma once
// Backups of a daemon's SQLite database, safe while the daemon runs (SQLite's online backup
// API through SqliteDb::backup_to), and the restore of one into a stopped daemon's place.
// hubctl, line-adapter and mail-adapter offer both as `backup DIR` and `restore FILE`.

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"

namespace alerthub {

// Copies the database at `source` to `<dir>/<stem>-<UTC time>.db` (`dir` is created) and
// returns that path. The copy is written beside as `.partial`, checked with PRAGMA
// integrity_check, made a single self-contained file (journal_mode DELETE), then renamed:
// a file with the final name is always a whole, sound backup.
Result<std::string> backup_database(const std::string& source, const std::string& dir,
                                    WallTime now);

// Replaces the database at `target` (created, with its folder, when absent) with the backup
// `backup`, after checking the backup's integrity. The daemon using `target` must be stopped:
// it would keep what it had read before. The copy is one transaction on `target`: it is whole
// or absent.
Status restore_database(const std::string& backup, const std::string& target);

// The `backup DIR` and `restore FILE` subcommands of a daemon's command line, on its database
// at `db_path`; `args` starts with the subcommand. Exit status 0, 1 (failed) or 2 (usage).
bool is_backup_command(std::string_view command);
int run_backup_command(const std::vector<std::string>& args, const std::string& db_path,
                       std::string_view program, const Clock& clock, std::ostream& out,
                       std::ostream& err);

}  // namespace alerthub
