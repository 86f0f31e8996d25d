#pragma once
// hubctl: offline tools for operators. Kept in hub_lib so tests run it without a process.

#include <ostream>
#include <string>
#include <vector>

namespace alerthub::hub {

inline constexpr int kHubctlOk = 0;
inline constexpr int kHubctlRejected = 1;  // at least one file was rejected or unreadable
inline constexpr int kHubctlUsage = 2;     // bad command line

// `args` excludes the program name.
int run_hubctl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace alerthub::hub
