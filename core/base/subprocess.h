#pragma once
// Running a helper program and waiting for it with a deadline (the site's publish hook, the
// signage player rendering a console preview). Polled, not blocked on: a child stuck in a
// driver or a network mount is killed at the deadline instead of holding its caller forever.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/base/result.h"

namespace alerthub {

struct SubprocessRequest {
    // argv[0] is the program's path (not looked up in PATH), the rest its arguments.
    std::vector<std::string> argv;
    // NAME=value pairs added to the inherited environment, replacing a variable of that name.
    std::vector<std::pair<std::string, std::string>> set_env;
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};
    // true: stdout and stderr are kept in SubprocessResult::output; false: they stay the
    // caller's (the hub's journal). stdin is /dev/null either way.
    bool capture_output = false;
};

struct SubprocessResult {
    bool timed_out = false;  // killed (SIGKILL) at the deadline
    int wait_status = 0;     // as waitpid reported it
    std::string output;      // the last 64 KiB of stdout and stderr, when captured

    // Ran to the end and exited with status 0.
    bool succeeded() const;
    // Exited with this status; -1 when killed by a signal or at the deadline.
    int exit_code() const;
};

// Starts the program and waits for it. An error only when it could not be started
// ("cannot run <argv[0]>: <why>", kUnavailable) or waited for (kInternal); a timeout or a
// failing exit is a result.
Result<SubprocessResult> run_subprocess(const SubprocessRequest& request);

}  // namespace alerthub
