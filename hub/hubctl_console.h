#pragma once
// hubctl's console commands: what the web console does, for scripts and for creating the
// first admin. They work on the journal file named by the hub's config (run them as a user
// who may write it); a notice approved here is journaled through the same IngestPipeline
// and goes out through the running hub's outbox.

#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace alerthub::hub::console {

// True for "users", "drafts", "draft", "approve", "reject", "cancel", "break-glass", "audit".
bool is_console_command(const std::string& command);

// `args` starts with the command. Exit status as hubctl's (0 ok, 1 refused, 2 usage).
int run_console_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                        std::ostream& err);

// The usage lines of these commands.
void console_usage(std::ostream& os);

}  // namespace alerthub::hub::console
