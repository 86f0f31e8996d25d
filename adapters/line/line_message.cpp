#include "adapters/line/line_message.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/base/utf8.h"
#include "core/protocol/alert_text.h"

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

std::string line_message(const Alert& a, std::string_view language) {
    // A reader whose language the alert lacks reads what everyone reads: Japanese, English.
    bool has_language = !text_in_language(a.headline, language).empty() ||
                        !text_in_language(a.instruction, language).empty() ||
                        !text_in_language(a.event_name, language).empty();
    bool own_language = !language.empty() && language != "ja" && has_language;
    return cut_utf16(alert_text(a, own_language ? language : "en"), kLineTextLimit);
}

bool uses_flex(const Alert& a) {
    bool ended = a.state != AlertState::kActive || a.msg_type == MsgType::kCancel;
    return !ended && a.level && *a.level >= 4;
}

std::string_view level_colour(int level) {
    switch (level) {
        case 5:
            return "#0C000C";
        case 4:
            return "#AA00AA";
        case 3:
            return "#FF2800";
        case 2:
            return "#F2E700";
        default:
            return "#FFFFFF";
    }
}

std::string line_messages_json(const Alert& a, std::string_view language) {
    using nlohmann::json;
    auto text = line_message(a, language);
    json message;
    if (!uses_flex(a)) {
        message = {{"type", "text"}, {"text", text}};
    } else {
        int level = *a.level;
        bool drill = a.status != AlertStatus::kActual;
        // The header says what kind of alert this is before anything else.
        std::string label = (drill ? alert_prefix(a) : "") + fmt::format("警戒レベル{}", level);
        // What it is, in Japanese and in the reader's language (English when the alert lacks
        // theirs), and for a drill that it is one, in both.
        const std::string reader =
            language.empty() || language == "ja" || text_in_language(a.event_name, language).empty()
                ? std::string("en")
                : std::string(language);
        std::string what = text_in_language(a.event_name, "ja");
        if (auto own = text_in_language(a.event_name, reader); !own.empty() && own != what)
            what += what.empty() ? own : " / " + own;
        if (drill)
            what += (what.empty() ? "" : "\n") + drill_notice(a, "ja") + " / " +
                    drill_notice(a, reader);
        json header_lines = json::array({{{"type", "text"},
                                          {"text", label},
                                          {"weight", "bold"},
                                          {"size", "xl"},
                                          {"color", "#FFFFFF"},
                                          {"wrap", true}}});
        if (!what.empty())
            header_lines.push_back({{"type", "text"},
                                    {"text", what},
                                    {"weight", "bold"},
                                    {"size", "lg"},
                                    {"color", "#FFFFFF"},
                                    {"wrap", true}});
        json bubble = {
            {"type", "bubble"},
            {"styles", {{"header", {{"backgroundColor", std::string(level_colour(level))}}}}},
            {"header", {{"type", "box"}, {"layout", "vertical"}, {"contents", header_lines}}},
            {"body",
             {{"type", "box"},
              {"layout", "vertical"},
              {"contents", json::array({{{"type", "text"}, {"text", text}, {"wrap", true}}})}}}};
        for (auto& link : a.links) {
            if (link.url.rfind("https://", 0) != 0 && link.url.rfind("http://", 0) != 0) continue;
            json button = {
                {"type", "button"},
                {"style", "primary"},
                {"color", std::string(level_colour(level))},
                {"action", {{"type", "uri"}, {"label", "詳細 / Details"}, {"uri", link.url}}}};
            bubble["footer"] = {
                {"type", "box"}, {"layout", "vertical"}, {"contents", json::array({button})}};
            break;
        }
        // The notification line: the first line of the text (prefix and headline).
        auto first_line = text.substr(0, text.find('\n'));
        message = {{"type", "flex"},
                   {"altText", cut_utf16(first_line, kFlexAltTextLimit)},
                   {"contents", bubble}};
    }
    // Invalid UTF-8 must not throw: it is replaced, and LINE shows U+FFFD.
    return json::array({message}).dump(-1, ' ', false, json::error_handler_t::replace);
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
