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
                         std::string_view content_payload, std::optional<WallTime> confirmed_at,
                         WallTime now) {
    nlohmann::json alerts = nlohmann::json::array();
    for (auto& [id, alert] : store.alerts())
        alerts.push_back(nlohmann::json::parse(encode_alert(alert)));
    nlohmann::json j = {
        {"schema", kStateSchema},
        {"saved_at", format_rfc3339_jst(now)},
        {"confirmed_at", confirmed_at ? nlohmann::json(format_rfc3339_jst(*confirmed_at))
                                      : nlohmann::json(nullptr)},
        {"alerts", std::move(alerts)},
        {"content_payload", content_payload}};
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
    // Files from before issue 12 kept a decoded "content" without the hub's signature: the
    // playlist then comes back from the broker's retained topic instead.
    if (auto c = j.find("content_payload"); c != j.end() && c->is_string())
        out.content_payload = c->get<std::string>();
    if (auto t = j.find("confirmed_at"); t != j.end() && t->is_string())
        if (auto when = parse_rfc3339(t->get<std::string>())) out.confirmed_at = *when;
    return out;
}

}  // namespace alerthub::player
