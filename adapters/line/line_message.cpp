#include "adapters/line/line_message.h"

#include "core/alert_text.h"
#include "core/utf8.h"

namespace alerthub::line {
namespace {

constexpr std::string_view kEllipsis = "…";  // U+2026: one UTF-16 unit

// Supplementary-plane characters (4-byte UTF-8) are surrogate pairs in UTF-16.
std::size_t units_of(std::size_t sequence_bytes) {
    return sequence_bytes == 4 ? 2 : 1;
}

}  // namespace

std::string line_message(const Alert& a) {
    return cut_utf16(alert_text(a), kLineTextLimit);
}

std::size_t utf16_length(std::string_view s) {
    std::size_t units = 0;
    for (std::size_t i = 0; i < s.size();) {
        auto n = utf8_sequence_length(s, i);
        units += units_of(n);
        i += n;
    }
    return units;
}

std::string cut_utf16(std::string_view s, std::size_t max_units) {
    if (utf16_length(s) <= max_units) return std::string(s);
    if (max_units == 0) return {};
    std::size_t budget = max_units - 1;  // room for the ellipsis
    std::size_t units = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        auto n = utf8_sequence_length(s, i);
        if (units + units_of(n) > budget) break;
        units += units_of(n);
        i += n;
    }
    return std::string(s.substr(0, i)) + std::string(kEllipsis);
}

}  // namespace alerthub::line
