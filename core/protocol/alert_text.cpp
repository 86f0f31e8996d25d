#include "core/protocol/alert_text.h"

#include "core/base/time_format.h"

namespace alerthub {
namespace {

void add_line(std::string& out, const std::string& line) {
    if (line.empty()) return;
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += line;
}

}  // namespace

std::string alert_prefix(const Alert& a) {
    // 取消 (withdrawn: it was issued in error) and 解除 (lifted: the hazard is over) ask
    // different things of the reader, so they never share a word.
    // A Cancel the hub read as a lift (the ward's own 解除 from the console) is a lift.
    const bool lifted = a.state == AlertState::kLifted;
    const bool withdrawn =
        !lifted && (a.state == AlertState::kCancelled || a.msg_type == MsgType::kCancel);
    // 終了: its end (the source's, or the hub's default lifetime) has passed; not a lift, which
    // only the issuer declares.
    const bool expired = a.state == AlertState::kExpired;
    const std::string ended = withdrawn ? "【取消】"
                              : lifted  ? "【解除】"
                              : expired ? "【終了】"
                                        : "";
    // An exercise or test says so first, and its end says both (else it reads like a
    // repeat of the drill's order).
    if (a.status == AlertStatus::kExercise) return "【訓練】" + ended;
    if (a.status == AlertStatus::kTest) return "【試験】" + ended;
    if (!ended.empty()) return ended;
    if ((a.level && *a.level >= 4) || a.severity == Severity::kExtreme) return "【緊急】";
    if (a.severity == Severity::kSevere) return "【警報】";
    return "【注意】";
}

std::string text_in_language(const LocalizedText& text, std::string_view lang) {
    auto it = text.find(std::string(lang));
    return it == text.end() ? std::string() : it->second;
}

std::string alert_subject(const Alert& a, std::string_view language) {
    auto title = [&]() {
        for (auto* text : {&a.headline, &a.event_name})
            for (auto lang : {language, std::string_view("ja"), std::string_view("en")})
                if (auto t = text_in_language(*text, lang); !t.empty()) return t;
        return pick_text(a.headline, {});
    };
    std::string line = alert_prefix(a) + title();
    for (auto& c : line)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return line;
}

std::string alert_text(const Alert& a) {
    return alert_text(a, "en");
}

std::string alert_text(const Alert& a, std::string_view second_language) {
    auto headline = [&](std::string_view lang) {
        auto h = text_in_language(a.headline, lang);
        return h.empty() ? text_in_language(a.event_name, lang) : h;
    };
    auto carries = [&](std::string_view lang) {
        return !headline(lang).empty() || !text_in_language(a.instruction, lang).empty();
    };
    // After Japanese comes the reader's language, else English: a missing translation falls
    // back, it is never left out. Without Japanese, that language comes first instead.
    std::string first_lang = "ja";
    std::string second_lang(second_language);
    if (!carries(second_lang)) second_lang = "en";
    if (!carries("ja")) {
        first_lang = carries(second_lang) ? second_lang
                     : a.headline.empty() ? std::string("ja")
                                          : a.headline.begin()->first;
        second_lang.clear();
    }
    if (second_lang == first_lang) second_lang.clear();

    // The first line always says what happened, borrowing the second language's headline
    // (then not repeated below) when the first has none.
    std::string first_headline = headline(first_lang);
    std::string second_headline = second_lang.empty() ? std::string() : headline(second_lang);
    if (first_headline.empty()) {
        first_headline = second_headline.empty() ? pick_text(a.headline, {}) : second_headline;
        second_headline.clear();
    }

    std::string out = alert_prefix(a) + first_headline;
    add_line(out, text_in_language(a.instruction, first_lang));
    WallTime issued =
        a.source.sent != WallTime{} ? a.source.sent : a.effective.value_or(WallTime{});
    if (issued != WallTime{}) add_line(out, "発表: " + format_jst_minutes(issued) + " (JST)");

    if (!second_lang.empty()) {
        std::string second;
        add_line(second, second_headline);
        add_line(second, text_in_language(a.instruction, second_lang));
        if (!second.empty()) out += "\n\n" + second;
    }

    for (auto& link : a.links) {
        if (link.url.empty()) continue;
        out += "\n\n" + link.url;
        break;
    }
    return out;
}

}  // namespace alerthub
