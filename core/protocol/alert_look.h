#pragma once
// How an alert looks wherever people read it: the colours of its band (screens, the mail's
// HTML part, the public pages) and the names of the languages it is offered in. One table,
// so a レベル4 is the same purple on a station screen, in an inbox and on a phone.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/protocol/alert.h"

namespace alerthub {

struct Rgb {
    std::uint8_t r = 0;
    std::uint8_t g = 0;
    std::uint8_t b = 0;
    bool operator==(const Rgb&) const = default;
};

struct AlertColours {
    Rgb background;
    Rgb text;
};

// The 警戒レベル colours of the Cabinet Office / JMA guidance (5 black, 4 purple, 3 red,
// 2 yellow, 1 white), else by severity; each pair at least 4.5:1 (white on the level-3 red
// is only 3.8:1, so that one has black text).
AlertColours alert_colours(const Alert& alert);

// "#aa00aa", for HTML and CSS.
std::string css_colour(Rgb colour);

// "English", "日本語", "简体中文", ...; the tag itself for a language we do not know.
std::string language_name(std::string_view tag);

}  // namespace alerthub
