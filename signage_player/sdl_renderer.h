#pragma once
// Draws Frames with SDL2 and SDL_ttf; the only place besides the player loop that sees
// SDL. Every call must come from the thread that created the renderer (the main thread).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "signage_player/screen_layout.h"
#include "signage_player/text_layout.h"

namespace alerthub::player {

struct RendererOptions {
    int width = 1920;
    int height = 1080;
    bool fullscreen = true;  // a borderless full-screen window with the cursor hidden
    bool offscreen = false;  // SDL's offscreen video driver: no display needed
    std::string font;        // a CJK collection: faces 0-3 are JP, KR, SC, TC (Noto CJK)
    std::string bold_font;   // the same in bold
    // Tried in order for a word the CJK font has no glyphs for (Vietnamese, Devanagari,
    // Thai, ...); bold is synthesised for them. An unreadable file is skipped with a warning.
    std::vector<std::string> fallback_fonts;
};

// A captured frame: tightly packed RGB, row by row.
struct Image {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb;

    Colour pixel(int x, int y) const {
        auto i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                  static_cast<std::size_t>(x)) *
                 3;
        return {rgb[i], rgb[i + 1], rgb[i + 2]};
    }
    bool operator==(const Image&) const = default;
};

// Draws with a font fallback chain: each word is drawn in the first font that has all its
// glyphs (the CJK face of the text's language first), and complex scripts are shaped by
// HarfBuzz through SDL_ttf. A failure to draw one text, icon or image is logged and the
// rest of the frame is still drawn: the screen is never left blank.
class SdlRenderer final : public TextMeasurer {
public:
    // Initialises SDL's video, SDL_ttf and SDL_image, opens the window and both fonts.
    static Result<std::unique_ptr<SdlRenderer>> create(const RendererOptions& options);
    ~SdlRenderer() override;
    SdlRenderer(const SdlRenderer&) = delete;
    SdlRenderer& operator=(const SdlRenderer&) = delete;

    // The drawable size in pixels (a full-screen window takes the display's size).
    int width() const;
    int height() const;
    // Re-reads the size after the window changed.
    void refresh_size();

    int text_width(std::string_view text, FontSpec font) override;
    int line_height(FontSpec font) override;

    // The file of the font that draws `text` (the first word that needs a fallback decides);
    // for tests and diagnostics.
    std::string font_file_for(std::string_view text, FontSpec font);

    // Whether a content image can be decoded (once per path: cached files are named by
    // their hash, so a path's bytes never change). An error names the decoder's complaint.
    Status check_image(const std::string& path);

    // Draws `frame` into the back buffer; returns how many texts ended up (partly) outside
    // the window, which the layout promises is none.
    int draw(const Frame& frame);
    // The back buffer as drawn so far (call after draw, before present).
    Result<Image> capture();
    void present();

private:
    struct Impl;
    explicit SdlRenderer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Writes `image` as PNG (SDL_image's IMG_SavePNG).
Status write_png(const Image& image, const std::string& path);
// Reads a PNG (or any format SDL_image knows) as RGB.
Result<Image> read_image(const std::string& path);

}  // namespace alerthub::player
