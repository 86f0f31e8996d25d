#pragma once
// The signage preview of a draft: the player binary's one-shot mode
// (`signage-player --render ALERT_JSON --out PNG`, signage_player/render_once.h) draws the
// alert with the player's own renderer, offscreen, and the console serves the PNG. A
// separate process, so the hub never loads SDL and a crash in drawing cannot take it down.

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>

#include "core/base/result.h"

namespace alerthub::hub::console {

class SignagePreview {
public:
    static constexpr std::chrono::seconds kTimeout{20};
    static constexpr int kWidth = 1920;  // the player's default display
    static constexpr int kHeight = 1080;

    // `player_binary`: console.player_binary; empty means signage-player next to the running
    // executable.
    explicit SignagePreview(std::string player_binary);

    const std::string& player_binary() const { return binary_; }

    // The PNG of `alert_json` (the canonical alert) with its texts in `language`.
    // kUnavailable when the player binary is not installed or does not answer in time.
    Result<std::string> render(std::string_view alert_json, std::string_view language);

private:
    std::string binary_;
    std::mutex mu_;  // one drawing at a time: the hub's cores belong to the alerts
};

}  // namespace alerthub::hub::console
