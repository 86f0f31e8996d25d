#pragma once
// Line breaking for Japanese and English on a screen of fixed width. Japanese breaks
// between characters, English between words; kinsoku rules keep closing punctuation
// (。、」）…) off the start of a line and opening brackets off its end. Widths come from a
// TextMeasurer, so this is pure and tested without SDL.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/utf8.h"  // decode_utf8, encode_utf8: the layout works on code points

namespace alerthub::player {

// Han characters differ in form between Japan, Korea and China: the same code point is
// drawn from the matching face of the CJK font (the Noto CJK collection's face index).
enum class CjkStyle { kJapanese = 0, kKorean = 1, kSimplifiedChinese = 2, kTraditionalChinese = 3 };

// The style for a language tag: "ko" Korean, "zh-Hant"/"zh-TW"/"zh-HK" traditional,
// other "zh" simplified, everything else Japanese.
CjkStyle cjk_style_for(std::string_view lang);

struct FontSpec {
    int px = 32;
    bool bold = false;
    CjkStyle cjk = CjkStyle::kJapanese;
    bool operator==(const FontSpec&) const = default;
};

class TextMeasurer {
public:
    virtual ~TextMeasurer() = default;
    // Width in pixels of `text` on one line.
    virtual int text_width(std::string_view text, FontSpec font) = 0;
    // Distance from one baseline to the next.
    virtual int line_height(FontSpec font) = 0;
};

// Characters that must not start a line (JIS X 4051 classes 1-7 and 11: closing brackets,
// hyphens, 。、・：；？！, small kana, iteration marks, ...).
bool is_no_line_start(char32_t cp);
// Characters that must not end a line (JIS X 4051 class 1: opening brackets).
bool is_no_line_end(char32_t cp);

using MeasureFn = std::function<int(std::string_view)>;

// Breaks `text` into lines no wider than `max_width` (explicit '\n' starts a new line).
// A word or character wider than the whole line is split by characters as a last resort.
std::vector<std::string> wrap_text(std::string_view text, int max_width, const MeasureFn& measure);

}  // namespace alerthub::player
