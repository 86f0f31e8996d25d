#pragma once
// Walking UTF-8 one character at a time, for code that must never split a character (LINE's
// UTF-16 length limit, RFC 2047 encoded words) and must not stall on bytes that are not
// UTF-8.

#include <cstddef>
#include <string_view>

namespace alerthub {

// Byte length of the UTF-8 sequence that starts at `i` (1 to 4): 1 for a stray byte or a
// sequence that is cut short or broken, so that a loop always moves on.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

}  // namespace alerthub
