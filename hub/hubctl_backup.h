#pragma once
// hubctl backup DIR / restore FILE: the hub's journal file, which also holds the console's
// users, sessions and drafts, the audit log and the JMA feed's bookkeeping (one file, one
// consistent snapshot). core/storage/backup does the copying.

#include <ostream>
#include <string>
#include <vector>

namespace alerthub::hub {

void backup_usage(std::ostream& os);
// `args` starts with "backup" or "restore".
int run_backup_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace alerthub::hub
