#include "signage_player/state_file.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/log.h"
#include "core/time_format.h"
#include "signage_player/headless_output.h"

namespace alerthub::player {
namespace {
constexpr std::string_view kStateSchema = "alerthub.player_state/1";
}

Status save_alert_state(const std::filesystem::path& path, const AlertStore& store, WallTime now) {
    nlohmann::json alerts = nlohmann::json::array();
    for (auto& [id, alert] : store.alerts())
        alerts.push_back(nlohmann::json::parse(encode_alert(alert)));
    nlohmann::json j = {{"schema", kStateSchema},
                        {"saved_at", format_rfc3339_jst(now)},
                        {"alerts", std::move(alerts)}};
    return write_file_atomically(path, j.dump() + "\n");
}

Result<std::vector<Alert>> load_alert_state(const std::filesystem::path& path) {
    std::vector<Alert> out;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return out;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return make_error(ErrorCode::kUnavailable, fmt::format("{}: cannot read", path.string()));
    std::stringstream buf;
    buf << in.rdbuf();
    auto j = nlohmann::json::parse(buf.str(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object() || j.value("schema", "") != kStateSchema ||
        !j.contains("alerts") || !j["alerts"].is_array())
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("{}: not a player state file", path.string()));
    for (auto& item : j["alerts"]) {
        auto alert = decode_alert(item.dump());
        if (!alert) {
            get_logger("player")->warn("{}: skipping a stored alert: {}", path.string(),
                                       alert.error().message);
            continue;
        }
        out.push_back(std::move(*alert));
    }
    return out;
}

}  // namespace alerthub::player
