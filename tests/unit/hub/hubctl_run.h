#pragma once
// Runs hubctl in-process for the hubctl tests: exit status and both output streams.

#include <sstream>
#include <string>
#include <vector>

#include "hub/hubctl.h"

namespace alerthub::hub {

struct HubctlRun {
    int status;
    std::string out, err;
};

inline HubctlRun hubctl(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    int status = run_hubctl(args, out, err);
    return {status, out.str(), err.str()};
}

}  // namespace alerthub::hub
