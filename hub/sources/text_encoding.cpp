#include "hub/sources/text_encoding.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

namespace alerthub::hub {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool is_latin1_name(std::string_view name) {
    constexpr std::array<std::string_view, 7> kNames = {
        "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819"};
    return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

}  // namespace

std::optional<std::string> declared_xml_encoding(std::string_view bytes) {
    if (bytes.substr(0, kUtf8Bom.size()) == kUtf8Bom) bytes.remove_prefix(kUtf8Bom.size());
    if (bytes.substr(0, 5) != "<?xml" || bytes.size() < 6 || !is_space(bytes[5]))
        return std::nullopt;
    auto end = bytes.find("?>");
    if (end == std::string_view::npos) return std::nullopt;
    auto decl = bytes.substr(0, end);
    auto pos = decl.find("encoding");
    if (pos == std::string_view::npos) return std::nullopt;
    pos += 8;
    while (pos < decl.size() && is_space(decl[pos])) ++pos;
    if (pos >= decl.size() || decl[pos] != '=') return std::nullopt;
    ++pos;
    while (pos < decl.size() && is_space(decl[pos])) ++pos;
    if (pos >= decl.size() || (decl[pos] != '"' && decl[pos] != '\'')) return std::nullopt;
    char quote = decl[pos++];
    auto close = decl.find(quote, pos);
    if (close == std::string_view::npos) return std::nullopt;
    return lower(decl.substr(pos, close - pos));
}

Status validate_utf8(std::string_view s) {
    auto bad = [&](size_t at) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("invalid UTF-8 at byte offset {} (byte 0x{:02X})", at,
                                      static_cast<unsigned char>(s[at])));
    };
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t len = 0;
        std::uint32_t cp = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return bad(i);
        }
        if (i + len > s.size()) return bad(i);
        for (size_t k = 1; k < len; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return bad(i);
            cp = (cp << 6) | (cc & 0x3F);
        }
        bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
        bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
        if (overlong || surrogate || cp > 0x10FFFF) return bad(i);
        i += len;
    }
    return {};
}

std::string latin1_to_utf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 8);
    for (char ch : bytes) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out.push_back(ch);
        } else {
            out.push_back(static_cast<char>(0xC0 | (c >> 6)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
    }
    return out;
}

Result<std::string> to_utf8_document(std::string_view bytes) {
    if (bytes.size() >= 2 &&
        ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF')))
        return make_error(ErrorCode::kInvalidArgument,
                          "UTF-16 documents are not accepted (send UTF-8)");
    auto encoding = declared_xml_encoding(bytes);
    if (bytes.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
        bytes.remove_prefix(kUtf8Bom.size());
        if (encoding && *encoding != "utf-8" && *encoding != "utf8")
            return make_error(ErrorCode::kInvalidArgument,
                              fmt::format("UTF-8 byte order mark but the XML declaration says "
                                          "encoding '{}'",
                                          *encoding));
    }
    if (!encoding || *encoding == "utf-8" || *encoding == "utf8") {
        if (auto s = validate_utf8(bytes); !s)
            return make_error(ErrorCode::kInvalidArgument,
                              fmt::format("{} in a document {}", s.error().message,
                                          encoding ? "declared as UTF-8"
                                                   : "without an encoding declaration (UTF-8)"));
        return std::string(bytes);
    }
    if (*encoding == "us-ascii" || *encoding == "ascii") {
        for (size_t i = 0; i < bytes.size(); ++i) {
            if (static_cast<unsigned char>(bytes[i]) >= 0x80)
                return make_error(ErrorCode::kInvalidArgument,
                                  fmt::format("byte 0x{:02X} at offset {} in a document declared "
                                              "as US-ASCII",
                                              static_cast<unsigned char>(bytes[i]), i));
        }
        return std::string(bytes);
    }
    if (is_latin1_name(*encoding)) return latin1_to_utf8(bytes);
    return make_error(
        ErrorCode::kInvalidArgument,
        fmt::format("encoding '{}' is not accepted (send UTF-8 or ISO-8859-1)", *encoding));
}

}  // namespace alerthub::hub
