#pragma once
// The last known state on disk ([player] state_file): the alerts and the content playlist,
// so that a player rebooted while the network is down still shows what was in force, with
// the time it was last confirmed, instead of an all-clear idle screen or a black one. The
// broker stays the source of truth: restored alerts it does not confirm after a reconnect
// are dropped (see PlayerApp).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/protocol/alert.h"
#include "signage_player/alert_store.h"

namespace alerthub::player {

struct PlayerState {
    // Each with the hub's signature: the player verifies them again before using them, so
    // a state file written by someone else shows nothing the hub did not sign.
    std::vector<Alert> alerts;
    std::string content_payload;  // the playlist as the hub signed it; "" when none
    // When the player last knew this to be the broker's truth (connected); shown as
    // "最終更新 HH:MM" while offline.
    std::optional<WallTime> confirmed_at;
};

// Writes every alert in `store`, the signed playlist and `confirmed_at` atomically (temporary
// file + rename): a power cut leaves the old file or the new one, never half of one.
Status save_player_state(const std::filesystem::path& path, const AlertStore& store,
                         std::string_view content_payload, std::optional<WallTime> confirmed_at,
                         WallTime now);

// What the file holds; an empty state when the file does not exist. A damaged file is an
// error (the caller starts empty); alerts in it that do not decode are skipped.
Result<PlayerState> load_player_state(const std::filesystem::path& path);

}  // namespace alerthub::player
