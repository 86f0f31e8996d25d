#include "hub/console/signage_preview.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "core/base/crypto.h"
#include "core/base/log.h"

extern char** environ;

namespace alerthub::hub::console {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream out;
    out << in.rdbuf();
    return std::move(out).str();
}

// The last line of the child's output: its own error message.
std::string last_line(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    auto nl = text.rfind('\n');
    return nl == std::string::npos ? text : text.substr(nl + 1);
}

// Removes the folder with the object.
struct ScratchDir {
    fs::path path;
    ScratchDir()
        : path(fs::temp_directory_path() /
               fmt::format("alerthub-preview-{}", random_token_hex(8))) {
        fs::create_directories(path);
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

}  // namespace

SignagePreview::SignagePreview(std::string player_binary) : binary_(std::move(player_binary)) {
    if (binary_.empty()) {
        std::error_code ec;
        auto self = fs::read_symlink("/proc/self/exe", ec);
        binary_ = (ec ? fs::path("/usr/bin") : self.parent_path()) / "signage-player";
    }
}

Result<std::string> SignagePreview::render(std::string_view alert_json, std::string_view language) {
    if (access(binary_.c_str(), X_OK) != 0)
        return make_error(ErrorCode::kUnavailable,
                          fmt::format("no signage preview: the player binary {} is not installed "
                                      "(console.player_binary)",
                                      binary_));
    std::lock_guard lock(mu_);
    std::optional<ScratchDir> scratch;
    try {
        scratch.emplace();
    } catch (const fs::filesystem_error& e) {
        return make_error(ErrorCode::kInternal, fmt::format("signage preview: {}", e.what()));
    }
    const auto alert_path = (scratch->path / "alert.json").string();
    const auto png_path = (scratch->path / "screen.png").string();
    const auto log_path = (scratch->path / "player.log").string();
    {
        std::ofstream out(alert_path, std::ios::binary);
        out << alert_json;
        if (!out)
            return make_error(ErrorCode::kInternal,
                              fmt::format("signage preview: cannot write {}", alert_path));
    }

    std::vector<std::string> args = {binary_,
                                     "--render",
                                     alert_path,
                                     "--out",
                                     png_path,
                                     "--size",
                                     fmt::format("{}x{}", kWidth, kHeight),
                                     "--language",
                                     std::string(language)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = -1;
    int spawned = posix_spawn(&pid, binary_.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        return make_error(ErrorCode::kUnavailable, fmt::format("signage preview: cannot run {}: {}",
                                                               binary_, std::strerror(spawned)));

    // Polled, not blocked on: a player stuck in a driver must not hold the request forever.
    const auto deadline = std::chrono::steady_clock::now() + kTimeout;
    int status = 0;
    for (;;) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR)
            return make_error(ErrorCode::kInternal,
                              fmt::format("signage preview: waitpid: {}", std::strerror(errno)));
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return make_error(ErrorCode::kTimeout,
                              fmt::format("signage preview: {} did not finish in {} s", binary_,
                                          kTimeout.count()));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        auto why = last_line(read_all(log_path));
        get_logger("hub")->error("console: signage preview failed (status {}): {}", status, why);
        return make_error(ErrorCode::kInternal, fmt::format("signage preview failed: {}", why));
    }
    auto png = read_all(png_path);
    if (png.empty())
        return make_error(ErrorCode::kInternal, "signage preview: the player wrote no image");
    return png;
}

}  // namespace alerthub::hub::console
