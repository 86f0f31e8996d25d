#pragma once
// The player's one-shot mode: one alert drawn to a PNG by the same screen, layout and
// renderer code as a running player, offscreen, then exit. The staff console runs it for
// the signage preview of a draft:
//   signage-player --render ALERT_JSON --out PNG [--size WxH] [--language TAG]

#include <string>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/protocol/alert.h"

namespace alerthub::player {

struct RenderOnceOptions {
    int width = 1920;
    int height = 1080;
    std::string language = "ja";  // the texts shown (the player rotates through the others)
    std::string ward_name = "港区";
};

// The screen a player would present for `alert` at `now`: the alert, or the idle screen
// when the alert is no longer active (a cancel takes it off every screen).
Status render_alert_png(const Alert& alert, WallTime now, const RenderOnceOptions& options,
                        const std::string& png_path);

// `argv` after the program name starts with "--render". Exit status: 0, 1 when the alert
// could not be drawn, 78 (kExitConfig) for bad usage or an unreadable alert.
int render_once_main(int argc, char** argv);

}  // namespace alerthub::player
