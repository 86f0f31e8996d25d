#pragma once
// Turns a Screen into a Frame: positioned rectangles, icons, images and lines of text that
// all fit the window. Text that does not fit is wrapped, then shrunk in steps; an alert's
// description (the least important part) never below a size readable at 3 m: it is cut
// instead. Nothing is ever drawn outside the window. Alerts take the whole screen, an L-shape or a
// banner (Screen::layout); the rest of the screen shows the content item or a clock panel.

#include <string>
#include <vector>

#include "signage_player/screen.h"
#include "signage_player/text_layout.h"

namespace alerthub::player {

struct FrameRect {
    int x = 0, y = 0, w = 0, h = 0;
    Colour colour;
};

// A warning sign: a triangle in `colour` with an exclamation mark in `mark`, so that the
// kind of screen never rests on colour alone.
struct FrameIcon {
    int x = 0, y = 0, size = 0;  // the triangle's bounding square
    Colour colour;
    Colour mark;
};

// A picture drawn as large as fits in the box, keeping its aspect ratio, centred.
struct FrameImage {
    std::string path;
    int x = 0, y = 0, w = 0, h = 0;
};

struct FrameText {
    std::string text;
    int x = 0, y = 0, w = 0, h = 0;  // w from the measurer, h the line height
    FontSpec font;
    Colour colour;
};

struct Frame {
    int width = 0;
    int height = 0;
    Colour background;
    // Drawn in this order: rects (QR modules included), images, icons, texts.
    std::vector<FrameRect> rects;
    std::vector<FrameImage> images;
    std::vector<FrameIcon> icons;
    std::vector<FrameText> texts;
    bool shrunk = false;     // text had to be made smaller than its normal size
    bool truncated = false;  // even the smallest size did not fit: the end was cut with "…"
    // The alert's description did not fit at its readable size: cut after its first lines
    // (with "…" and where to read the rest), or left out.
    bool description_cut = false;
};

// The side in pixels of one QR module drawn in a `side` x `side` square with its quiet
// zone; 0 when the modules would be too small to scan (under 2 pixels).
int qr_module_px(const QrCode& qr, int side);

Frame layout_screen(const Screen& screen, int width, int height, TextMeasurer& measurer);

}  // namespace alerthub::player
