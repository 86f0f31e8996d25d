#pragma once
// Turns a Screen into a Frame: positioned rectangles and lines of text that all fit the
// window. Text that does not fit is wrapped, then shrunk in steps (the description
// first, as the least important part); nothing is ever drawn outside the window.

#include <string>
#include <vector>

#include "signage_player/screen.h"
#include "signage_player/text_layout.h"

namespace alerthub::player {

struct FrameRect {
    int x = 0, y = 0, w = 0, h = 0;
    Colour colour;
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
    std::vector<FrameRect> rects;
    std::vector<FrameText> texts;
    bool shrunk = false;     // text had to be made smaller than its normal size
    bool truncated = false;  // even the smallest size did not fit: the end was cut with "…"
};

Frame layout_screen(const Screen& screen, int width, int height, TextMeasurer& measurer);

}  // namespace alerthub::player
