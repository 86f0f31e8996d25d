#include "signage_player/state_file.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/base/log.h"
#include "core/base/time_format.h"
#include "signage_player/headless_output.h"

namespace alerthub::player {
namespace {
constexpr std::string_view kStateSchema = "alerthub.player_state/1";
}

Status save_player_state(const std::filesystem::path& path, const AlertStore& store,
                         const std::optional<ContentManifest>& content,
                         std::optional<WallTime> confirmed_at, WallTime now) {
    nlohmann::json alerts = nlohmann::json::array();
    for (auto& [id, alert] : store.alerts())
        alerts.push_back(nlohmann::json::parse(encode_alert(alert)));
    nlohmann::json j = {
        {"schema", kStateSchema},
        {"saved_at", format_rfc3339_jst(now)},
        {"confirmed_at", confirmed_at ? nlohmann::json(format_rfc3339_jst(*confirmed_at))
                                      : nlohmann::json(nullptr)},
        {"alerts", std::move(alerts)},
        {"content", content ? nlohmann::json::parse(encode_content_manifest(*content))
                            : nlohmann::json(nullptr)}};
    return write_file_atomically(
        path, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

Result<PlayerState> load_player_state(const std::filesystem::path& path) {
    PlayerState out;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return out;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return make_error(ErrorCode::kUnavailable, fmt::format("{}: cannot read", path.string()));
    std::stringstream buf;
    buf << in.rdbuf();
    auto j = nlohmann::json::parse(buf.str(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object() || !j.contains("schema") ||
        j["schema"] != kStateSchema || !j.contains("alerts") || !j["alerts"].is_array())
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("{}: not a player state file", path.string()));
    auto log = get_logger("player");
    for (auto& item : j["alerts"]) {
        auto alert = decode_alert(item.dump());
        if (!alert) {
            log->warn("{}: skipping a stored alert: {}", path.string(), alert.error().message);
            continue;
        }
        out.alerts.push_back(std::move(*alert));
    }
    if (auto c = j.find("content"); c != j.end() && c->is_object()) {
        if (auto manifest = decode_content_manifest(c->dump()))
            out.content = std::move(*manifest);
        else
            log->warn("{}: skipping the stored playlist: {}", path.string(),
                      manifest.error().message);
    }
    if (auto t = j.find("confirmed_at"); t != j.end() && t->is_string())
        if (auto when = parse_rfc3339(t->get<std::string>())) out.confirmed_at = *when;
    return out;
}

}  // namespace alerthub::player
