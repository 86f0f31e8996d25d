#include "hub/console/signage_preview.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "core/base/crypto.h"
#include "core/base/log.h"
#include "core/base/subprocess.h"

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
    {
        std::ofstream out(alert_path, std::ios::binary);
        out << alert_json;
        if (!out)
            return make_error(ErrorCode::kInternal,
                              fmt::format("signage preview: cannot write {}", alert_path));
    }

    auto run = run_subprocess(
        {.argv = {binary_, "--render", alert_path, "--out", png_path, "--size",
                  fmt::format("{}x{}", kWidth, kHeight), "--language", std::string(language)},
         .set_env = {},
         .timeout = kTimeout,
         .capture_output = true});
    if (!run) return make_error(run.error().code, "signage preview: " + run.error().message);
    if (run->timed_out)
        return make_error(
            ErrorCode::kTimeout,
            fmt::format("signage preview: {} did not finish in {} s", binary_, kTimeout.count()));
    if (!run->succeeded()) {
        auto why = last_line(run->output);
        get_logger("hub")->error("console: signage preview failed (status {}): {}",
                                 run->wait_status, why);
        return make_error(ErrorCode::kInternal, fmt::format("signage preview failed: {}", why));
    }
    auto png = read_all(png_path);
    if (png.empty())
        return make_error(ErrorCode::kInternal, "signage preview: the player wrote no image");
    return png;
}

}  // namespace alerthub::hub::console
