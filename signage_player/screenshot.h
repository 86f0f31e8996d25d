#pragma once
// The answer to a screenshot command: the presented frame scaled down and encoded as PNG.

#include <filesystem>
#include <string>

#include "core/base/result.h"
#include "signage_player/sdl_renderer.h"

namespace alerthub::player {

// `image` scaled (box filter, aspect kept) to at most `max_width` pixels wide; unchanged
// when it is already that narrow.
Image scale_to_width(const Image& image, int max_width);

// The PNG bytes of `image`, encoded through `scratch` (a file the player may overwrite).
Result<std::string> png_bytes(const Image& image, const std::filesystem::path& scratch);

}  // namespace alerthub::player
