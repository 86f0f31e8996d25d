#pragma once
// The text a LINE subscriber reads for an alert: the channel-neutral alert text
// (core/alert_text.h) within LINE's length limit. Pure functions, so the cut is unit-tested.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/alert.h"

namespace alerthub::line {

// LINE counts a text message's length in UTF-16 code units (a surrogate pair is 2).
inline constexpr std::size_t kLineTextLimit = 5000;

// alert_text(alert), cut to kLineTextLimit.
std::string line_message(const Alert& alert);

// Length in UTF-16 code units of UTF-8 text (a stray invalid byte counts as one unit).
std::size_t utf16_length(std::string_view utf8);

// `utf8` unchanged when it fits in `max_units`; otherwise cut at a character boundary and
// ended with "…" so that the result, ellipsis included, is at most `max_units` long.
std::string cut_utf16(std::string_view utf8, std::size_t max_units);

}  // namespace alerthub::line
