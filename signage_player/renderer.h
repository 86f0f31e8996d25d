#pragma once
// What the player draws through, and where its window's events come from: SdlRenderer
// (SDL2, the real window or SDL's offscreen driver) and NullRenderer (records the frames;
// no SDL, no fonts: the player's logic in unit tests). Every call but the waker's must come
// from the thread that created the renderer (the player's main thread).

#include <chrono>
#include <cstdint>
#include <functional>
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

// What happened to the window since the last look.
struct WindowEvents {
    bool closed = false;  // the window was closed: the player ends
    bool redraw = false;  // resized, exposed, a display changed: draw the frame again
};

class Renderer : public TextMeasurer {
public:
    // The drawable size in pixels (a full-screen window takes the display's size).
    virtual int width() const = 0;
    virtual int height() const = 0;

    // Whether a content image can be decoded. An error names the decoder's complaint.
    virtual Status check_image(const std::string& path) = 0;

    // Draws `frame` into the back buffer; returns how many texts ended up (partly) outside
    // the window, which the layout promises is none.
    virtual int draw(const Frame& frame) = 0;
    // The back buffer as drawn so far (call after draw, before present).
    virtual Result<Image> capture() = 0;
    virtual void present() = 0;

    // The window's side of the player loop. The name of the video driver, for the log.
    virtual std::string video_driver() const = 0;
    // Whether wait_for_events() can block; when it cannot, the loop blocks on its own
    // inbox and takes the window's events when it wakes.
    virtual bool can_wait() const = 0;
    // Waits at most `timeout` for a window event or a call of the waker.
    virtual void wait_for_events(std::chrono::milliseconds timeout) = 0;
    // A function any thread may call to end a wait_for_events() early.
    virtual Result<std::function<void()>> waker() = 0;
    // The window's events since the last call (and what they mean for the loop).
    virtual WindowEvents take_events() = 0;
};

// Makes the renderer, on the thread that will use it.
using RendererFactory =
    std::function<Result<std::unique_ptr<Renderer>>(const RendererOptions& options)>;

}  // namespace alerthub::player
