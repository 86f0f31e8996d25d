#include "signage_player/headless_output.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/base/time_format.h"

namespace alerthub::player {
namespace fs = std::filesystem;

namespace {

fs::path temp_name(const fs::path& path) {
    return path.parent_path() / ("." + path.filename().string() + ".tmp");
}

Status rename_into_place(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::rename(from, to, ec);
    if (ec)
        return make_error(ErrorCode::kInternal,
                          fmt::format("rename {}: {}", to.string(), ec.message()));
    return {};
}

}  // namespace

Status write_file_atomically(const fs::path& path, std::string_view content) {
    auto tmp = temp_name(path);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.flush();
        if (!out)
            return make_error(ErrorCode::kInternal, fmt::format("write {}: failed", tmp.string()));
    }
    return rename_into_place(tmp, path);
}

Status HeadlessOutput::prepare() {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec || !fs::is_directory(dir_))
        return make_error(ErrorCode::kInternal, fmt::format("screenshot_dir {}: {}", dir_.string(),
                                                            ec ? ec.message() : "not a directory"));
    return {};
}

Status HeadlessOutput::record(const Screen& screen, WallTime rendered_at,
                              const std::function<Status(const std::string&)>& write_png) {
    int seq = seq_ + 1;
    auto name = fmt::format("screen-{:04}.png", seq);
    auto shot = dir_ / name;
    auto tmp = temp_name(shot);
    if (auto st = write_png(tmp.string()); !st) return st;
    if (auto st = rename_into_place(tmp, shot); !st) return st;

    auto latest = dir_ / "latest.png";
    std::error_code ec;
    fs::copy_file(shot, temp_name(latest), fs::copy_options::overwrite_existing, ec);
    if (ec) return make_error(ErrorCode::kInternal, fmt::format("copy {}: {}", name, ec.message()));
    if (auto st = rename_into_place(temp_name(latest), latest); !st) return st;

    bool alert = screen.kind == ScreenKind::kAlert;
    nlohmann::json j = {
        {"seq", seq},
        {"screen", alert ? "alert" : "idle"},
        {"alert_id", alert ? nlohmann::json(screen.alert_id) : nlohmann::json(nullptr)},
        {"version", alert ? nlohmann::json(screen.version) : nlohmann::json(nullptr)},
        {"online", screen.online},
        {"png", name},
        {"rendered_at", format_rfc3339_jst(rendered_at)},
        {"stale_note", screen.stale_note},
        {"content", screen.content ? nlohmann::json{{"title", screen.content->title},
                                                    {"image", screen.content->image_path}}
                                   : nlohmann::json(nullptr)},
        {"facilities", screen.facilities ? nlohmann::json{{"title", screen.facilities->title},
                                                          {"rows", screen.facilities->rows}}
                                         : nlohmann::json(nullptr)},
    };
    if (auto st = write_file_atomically(dir_ / "latest.json", j.dump() + "\n"); !st) return st;
    seq_ = seq;

    if (seq > kKeepScreens)
        fs::remove(dir_ / fmt::format("screen-{:04}.png", seq - kKeepScreens), ec);
    return {};
}

}  // namespace alerthub::player
