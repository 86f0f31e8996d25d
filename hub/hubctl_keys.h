#pragma once
// hubctl keys: the hub's Ed25519 signing keys (docs/operations.md, "Signing keys").

#include <ostream>
#include <string>
#include <vector>

namespace alerthub::hub {

void keys_usage(std::ostream& os);

// `args` after "keys": generate, show, sign. Exit status as run_hubctl's.
int run_keys_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace alerthub::hub
