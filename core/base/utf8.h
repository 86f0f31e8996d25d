#pragma once
// The one place that knows how UTF-8 is laid out: strict validation for text from outside
// (documents, passwords, staff text), decoding for layout, and walking or cutting text
// without splitting a character, for code that must not stall on bytes that are not UTF-8.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace alerthub {

// Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF): the byte offset of
// the first sequence that breaks it, nullopt when the whole text is valid.
std::optional<std::size_t> utf8_error_offset(std::string_view text);

// As utf8_error_offset, with the offset and the byte in the message
// ("invalid UTF-8 at byte offset 3 (byte 0xFF)").
Status validate_utf8(std::string_view text);

// Code points of `text`; each byte that does not start a valid sequence becomes U+FFFD, so
// broken input never throws or stalls.
std::vector<char32_t> decode_utf8(std::string_view text);
std::string encode_utf8(char32_t cp);
void append_utf8(std::string& out, char32_t cp);

// Byte length of the UTF-8 sequence that starts at `i` (1 to 4): 1 for a stray byte or a
// sequence that is cut short or broken, so that a loop always moves on. Judges the structure
// only: use validate_utf8 for strictness.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

// The number of code points in valid UTF-8 (in other text: the bytes that are not
// continuation bytes).
std::size_t utf8_code_points(std::string_view text);

// The longest prefix of at most `max_bytes` bytes that does not end inside a character.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

// ISO-8859-1 maps byte for byte onto U+0000..U+00FF.
std::string latin1_to_utf8(std::string_view bytes);

}  // namespace alerthub
