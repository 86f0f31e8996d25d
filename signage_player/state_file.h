#pragma once
// The last known alerts on disk ([player] state_file), so that a player rebooted while the
// network is down still shows what was in force instead of an all-clear idle screen. The
// broker stays the source of truth: restored alerts it does not confirm after a reconnect
// are dropped (see PlayerApp).

#include <filesystem>
#include <vector>

#include "core/alert.h"
#include "core/result.h"
#include "signage_player/alert_store.h"

namespace alerthub::player {

// Writes every alert in `store` atomically (temporary file + rename).
Status save_alert_state(const std::filesystem::path& path, const AlertStore& store, WallTime now);

// The alerts in the file; an empty list when the file does not exist. A damaged file is an
// error (the caller starts empty); alerts in it that do not decode are skipped.
Result<std::vector<Alert>> load_alert_state(const std::filesystem::path& path);

}  // namespace alerthub::player
