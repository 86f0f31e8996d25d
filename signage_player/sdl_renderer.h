#pragma once
// Draws Frames with SDL2 and SDL_ttf, and gives the player loop its window's events: the
// only place that sees SDL. Every call but the waker's must come from the thread that
// created the renderer (the main thread).

#include <memory>
#include <string>

#include "core/base/result.h"
#include "signage_player/renderer.h"
#include "signage_player/screenshot.h"  // write_png, read_image: SDL_image's, in sdl_renderer.cpp

namespace alerthub::player {

// Draws with a font fallback chain: each word is drawn in the first font that has all its
// glyphs (the CJK face of the text's language first), and complex scripts are shaped by
// HarfBuzz through SDL_ttf. A failure to draw one text, icon or image is logged and the
// rest of the frame is still drawn: the screen is never left blank.
class SdlRenderer final : public Renderer {
public:
    // Initialises SDL's video, SDL_ttf and SDL_image, opens the window and both fonts.
    static Result<std::unique_ptr<SdlRenderer>> create(const RendererOptions& options);
    ~SdlRenderer() override;
    SdlRenderer(const SdlRenderer&) = delete;
    SdlRenderer& operator=(const SdlRenderer&) = delete;

    // Matches RendererFactory.
    static Result<std::unique_ptr<Renderer>> make(const RendererOptions& options);

    int width() const override;
    int height() const override;
    // Re-reads the size after the window changed.
    void refresh_size();

    int text_width(std::string_view text, FontSpec font) override;
    int line_height(FontSpec font) override;

    // The file of the font that draws `text` (the first word that needs a fallback decides);
    // for tests and diagnostics.
    std::string font_file_for(std::string_view text, FontSpec font);

    // Decodes each path once: cached files are named by their hash, so a path's bytes
    // never change.
    Status check_image(const std::string& path) override;

    int draw(const Frame& frame) override;
    Result<Image> capture() override;
    void present() override;

    std::string video_driver() const override;
    // Only some video drivers can block in SDL_WaitEventTimeout (x11 and wayland in SDL
    // 2.26); the others (offscreen, kmsdrm, ...) poll every millisecond.
    bool can_wait() const override;
    void wait_for_events(std::chrono::milliseconds timeout) override;
    // Pushes a registered SDL user event.
    Result<std::function<void()>> waker() override;
    WindowEvents take_events() override;

private:
    struct Impl;
    explicit SdlRenderer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace alerthub::player
