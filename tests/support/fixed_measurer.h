#pragma once
// A TextMeasurer with predictable widths: ASCII is half the font size wide, everything
// else (CJK) the full size; lines are 1.4 times the size apart.

#include "signage_player/text_layout.h"

namespace alerthub::player::testing {

class FixedMeasurer final : public TextMeasurer {
public:
    int text_width(std::string_view text, FontSpec font) override {
        int w = 0;
        for (char32_t cp : decode_utf8(text)) w += cp < 0x80 ? font.px / 2 : font.px;
        return w;
    }
    int line_height(FontSpec font) override { return font.px * 14 / 10; }
};

inline int cjk_width(std::string_view text) {
    FixedMeasurer m;
    return m.text_width(text, {10, false});
}

}  // namespace alerthub::player::testing
