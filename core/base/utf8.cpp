#include "core/base/utf8.h"

#include <fmt/format.h>

namespace alerthub {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool is_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

struct Decoded {
    char32_t cp = 0;
    std::size_t length = 0;  // 0: no valid sequence starts here
};

// The one strict decoder behind validation and decoding.
Decoded decode_at(std::string_view s, std::size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return {c, 1};
    std::size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return {};
    char32_t cp = len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
        if (!is_continuation(s[i + k])) return {};
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    // Overlong forms, surrogates and out-of-range values are as bad as broken bytes.
    static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
    return {cp, len};
}

}  // namespace

std::optional<std::size_t> utf8_error_offset(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        auto d = decode_at(text, i);
        if (d.length == 0) return i;
        i += d.length;
    }
    return std::nullopt;
}

Status validate_utf8(std::string_view text) {
    auto at = utf8_error_offset(text);
    if (!at) return {};
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("invalid UTF-8 at byte offset {} (byte 0x{:02X})", *at,
                                  static_cast<unsigned char>(text[*at])));
}

std::vector<char32_t> decode_utf8(std::string_view text) {
    std::vector<char32_t> out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        auto d = decode_at(text, i);
        if (d.length == 0) {
            out.push_back(kReplacement);
            ++i;
            continue;
        }
        out.push_back(d.cp);
        i += d.length;
    }
    return out;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string encode_utf8(char32_t cp) {
    std::string out;
    append_utf8(out, cp);
    return out;
}

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    auto lead = static_cast<unsigned char>(s[i]);
    std::size_t n = lead < 0x80           ? 1
                    : (lead >> 5) == 0x6  ? 2
                    : (lead >> 4) == 0xE  ? 3
                    : (lead >> 3) == 0x1E ? 4
                                          : 1;
    if (i + n > s.size()) return 1;
    for (std::size_t k = 1; k < n; ++k)
        if (!is_continuation(s[i + k])) return 1;
    return n;
}

std::size_t utf8_code_points(std::string_view text) {
    std::size_t n = 0;
    for (char c : text)
        if (!is_continuation(c)) ++n;
    return n;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return text;
    std::size_t cut = max_bytes;
    while (cut > 0 && is_continuation(text[cut])) --cut;
    return text.substr(0, cut);
}

std::string latin1_to_utf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 8);
    for (char ch : bytes) append_utf8(out, static_cast<unsigned char>(ch));
    return out;
}

}  // namespace alerthub
