#include "core/alert_text.h"

#include "core/time_format.h"

namespace alerthub {
namespace {

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

std::string text_in_language(const LocalizedText& text, std::string_view lang) {
    auto it = text.find(std::string(lang));
    return it == text.end() ? std::string() : it->second;
}

std::string alert_text(const Alert& a) {
    std::string ja_headline = text_in_language(a.headline, "ja");
    if (ja_headline.empty()) ja_headline = text_in_language(a.event_name, "ja");
    std::string en_headline = text_in_language(a.headline, "en");
    if (en_headline.empty()) en_headline = text_in_language(a.event_name, "en");
    std::string ja_instruction = text_in_language(a.instruction, "ja");
    std::string en_instruction = text_in_language(a.instruction, "en");

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
    return out;
}

}  // namespace alerthub
