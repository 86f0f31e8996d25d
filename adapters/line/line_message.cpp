#include "adapters/line/line_message.h"

#include "core/time_format.h"

namespace alerthub::line {
namespace {

constexpr std::string_view kEllipsis = "…";  // U+2026: one UTF-16 unit

// Byte length of the UTF-8 sequence starting with `lead`, 1 for a stray byte.
std::size_t sequence_length(std::string_view s, std::size_t i) {
    auto lead = static_cast<unsigned char>(s[i]);
    std::size_t n = lead < 0x80           ? 1
                    : (lead >> 5) == 0x6  ? 2
                    : (lead >> 4) == 0xE  ? 3
                    : (lead >> 3) == 0x1E ? 4
                                          : 1;
    if (i + n > s.size()) return 1;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
    return n;
}

// Supplementary-plane characters (4-byte UTF-8) are surrogate pairs in UTF-16.
std::size_t units_of(std::size_t sequence_bytes) {
    return sequence_bytes == 4 ? 2 : 1;
}

std::string text_in(const LocalizedText& text, const std::string& lang) {
    auto it = text.find(lang);
    return it == text.end() ? std::string() : it->second;
}

void add_line(std::string& out, const std::string& line) {
    if (line.empty()) return;
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += line;
}

}  // namespace

std::string alert_prefix(const Alert& a) {
    if (a.status == AlertStatus::kExercise) return "【訓練】";
    if (a.status == AlertStatus::kTest) return "【試験】";
    if (a.state == AlertState::kCancelled || a.msg_type == MsgType::kCancel) return "【解除】";
    if ((a.level && *a.level >= 4) || a.severity == Severity::kExtreme) return "【緊急】";
    if (a.severity == Severity::kSevere) return "【警報】";
    return "【注意】";
}

std::string line_message(const Alert& a) {
    std::string ja_headline = text_in(a.headline, "ja");
    if (ja_headline.empty()) ja_headline = text_in(a.event_name, "ja");
    std::string en_headline = text_in(a.headline, "en");
    if (en_headline.empty()) en_headline = text_in(a.event_name, "en");
    std::string ja_instruction = text_in(a.instruction, "ja");
    std::string en_instruction = text_in(a.instruction, "en");

    // Without Japanese the first line still says what happened, in whatever language.
    std::string first = ja_headline;
    if (first.empty()) {
        first = en_headline.empty() ? pick_text(a.headline, {}) : en_headline;
        en_headline.clear();
    }

    std::string out = alert_prefix(a) + first;
    add_line(out, ja_instruction);
    WallTime issued =
        a.source.sent != WallTime{} ? a.source.sent : a.effective.value_or(WallTime{});
    if (issued != WallTime{}) add_line(out, "発表: " + format_jst_minutes(issued) + " (JST)");

    std::string english;
    add_line(english, en_headline);
    add_line(english, en_instruction);
    if (!english.empty()) out += "\n\n" + english;

    for (auto& link : a.links) {
        if (link.url.empty()) continue;
        out += "\n\n" + link.url;
        break;
    }
    return cut_utf16(out, kLineTextLimit);
}

std::size_t utf16_length(std::string_view s) {
    std::size_t units = 0;
    for (std::size_t i = 0; i < s.size();) {
        auto n = sequence_length(s, i);
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
        auto n = sequence_length(s, i);
        if (units + units_of(n) > budget) break;
        units += units_of(n);
        i += n;
    }
    return std::string(s.substr(0, i)) + std::string(kEllipsis);
}

}  // namespace alerthub::line
