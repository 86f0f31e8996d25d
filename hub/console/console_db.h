#pragma once
// The console's tables live in the hub's journal file (one backup holds everything), next
// to the journal's own tables, on a connection of the console's: users, sessions, failed
// logins, drafts and the audit log. The journal's tables are only read, through the
// journal's read model (hub/journal/journal_reads.h) for the live board and the feed;
// every write to them goes through the IngestPipeline on the hub's owner thread.

#include <string>

#include "core/base/result.h"
#include "core/storage/sqlite_db.h"

namespace alerthub::hub::console {

// Opens (creating) the file and the console's tables.
Result<SqliteDb> open_console_db(const std::string& path);

}  // namespace alerthub::hub::console
