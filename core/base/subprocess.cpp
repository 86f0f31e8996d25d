#include "core/base/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <thread>

#include "core/base/check.h"

extern char** environ;

namespace alerthub {
namespace {

constexpr std::size_t kMaxOutput = 64 * 1024;
constexpr auto kPollInterval = std::chrono::milliseconds(5);

// The inherited environment with `set` added, each replacing a variable of its name.
std::vector<std::string> environment(const std::vector<std::pair<std::string, std::string>>& set) {
    std::vector<std::string> out;
    for (char** e = environ; *e; ++e) {
        std::string_view entry(*e);
        bool replaced = false;
        for (const auto& [name, value] : set) replaced = replaced || entry.starts_with(name + "=");
        if (!replaced) out.emplace_back(entry);
    }
    for (const auto& [name, value] : set) out.push_back(name + "=" + value);
    return out;
}

// Appends what the pipe has now (waiting at most `wait`); false once it is closed.
bool read_some(int fd, std::string& output, std::chrono::milliseconds wait) {
    pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
    if (poll(&p, 1, static_cast<int>(wait.count())) <= 0) return true;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) return errno == EINTR || errno == EAGAIN;
    if (n == 0) return false;
    output.append(buf, static_cast<std::size_t>(n));
    if (output.size() > kMaxOutput) output.erase(0, output.size() - kMaxOutput);
    return true;
}

}  // namespace

bool SubprocessResult::succeeded() const {
    return exit_code() == 0;
}

int SubprocessResult::exit_code() const {
    if (timed_out || !WIFEXITED(wait_status)) return -1;
    return WEXITSTATUS(wait_status);
}

Result<SubprocessResult> run_subprocess(const SubprocessRequest& request) {
    CHECK(!request.argv.empty(), "run_subprocess without a program");
    std::vector<std::string> args = request.argv;
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env = environment(request.set_env);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);

    int out_pipe[2] = {-1, -1};
    if (request.capture_output && pipe2(out_pipe, O_CLOEXEC) != 0)
        return make_error(ErrorCode::kInternal, fmt::format("pipe: {}", std::strerror(errno)));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (request.capture_output) {
        posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDERR_FILENO);
    }
    pid_t pid = -1;
    const int spawned =
        posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (request.capture_output) close(out_pipe[1]);
    int out_fd = out_pipe[0];
    if (spawned != 0) {
        if (out_fd >= 0) close(out_fd);
        return make_error(ErrorCode::kUnavailable,
                          fmt::format("cannot run {}: {}", args[0], std::strerror(spawned)));
    }

    SubprocessResult result;
    const auto deadline = std::chrono::steady_clock::now() + request.timeout;
    Status waited;
    for (;;) {
        pid_t done = waitpid(pid, &result.wait_status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) {
            waited =
                make_error(ErrorCode::kInternal, fmt::format("waitpid: {}", std::strerror(errno)));
            break;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &result.wait_status, 0);
            result.timed_out = true;
            break;
        }
        if (out_fd >= 0) {
            if (!read_some(out_fd, result.output, kPollInterval)) {
                close(out_fd);
                out_fd = -1;
            }
        } else {
            std::this_thread::sleep_for(kPollInterval);
        }
    }
    if (out_fd >= 0) {
        // What the child wrote before it ended; a grandchild that keeps the pipe open is not
        // waited for.
        pollfd p{.fd = out_fd, .events = POLLIN, .revents = 0};
        while (poll(&p, 1, 0) > 0 && read_some(out_fd, result.output, std::chrono::milliseconds(0)))
            p.revents = 0;
        close(out_fd);
    }
    if (!waited) return waited.error();
    return result;
}

}  // namespace alerthub
