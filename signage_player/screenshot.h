#pragma once
// The answer to a screenshot command: the presented frame scaled down and encoded as PNG;
// and frames as PNG files. The PNG coding is SDL_image's (in sdl_renderer.cpp, the only file
// that sees SDL).

#include <filesystem>
#include <string>

#include "core/base/result.h"
#include "signage_player/renderer.h"

namespace alerthub::player {

// `image` scaled (box filter, aspect kept) to at most `max_width` pixels wide; unchanged
// when it is already that narrow.
Image scale_to_width(const Image& image, int max_width);

// The PNG bytes of `image`, encoded through `scratch` (a file the player may overwrite).
Result<std::string> png_bytes(const Image& image, const std::filesystem::path& scratch);

// Writes `image` as PNG (SDL_image's IMG_SavePNG).
Status write_png(const Image& image, const std::string& path);
// Reads a PNG (or any format SDL_image knows) as RGB.
Result<Image> read_image(const std::string& path);

}  // namespace alerthub::player
