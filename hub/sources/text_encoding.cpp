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
