#include "core/protocol/alert_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>

#include "core/base/time_format.h"

namespace alerthub {
namespace {

void add_line(std::string& out, const std::string& line) {
    if (line.empty()) return;
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += line;
}

// The prefix words of each language, in the order of PrefixWord. Written with the phrase bank
// (config/phrases/, same authors, same review status: reviewed = false); here because every
// channel frames its text with them and the adapters do not load the bank.
enum PrefixWord {
    kExercise,
    kTest,
    kWithdrawn,
    kLifted,
    kExpired,
    kUpdated,
    kUrgent,
    kWarning,
    kNotice,
    kWords
};
struct PrefixWords {
    std::string_view language;
    std::string_view open, close;
    std::array<std::string_view, kWords> words;
    std::string_view exercise_sentence, test_sentence;
    // A deliberate replay of an old telegram: its mark, and the note before its description
    // ({} is the time it was first issued, in JST).
    std::string_view replay_word, replay_sentence;
};
constexpr std::array<PrefixWords, 9> kPrefixWords = {{
    {"ja",
     "【",
     "】",
     {"訓練", "試験", "取消", "解除", "終了", "更新", "緊急", "警報", "注意"},
     "これは訓練です",
     "これは試験です",
     "再送",
     "この情報は {} に発表されたものの再送です。"},
    {"en",
     "[",
     "]",
     {"EXERCISE", "TEST", "CANCELLED", "LIFTED", "ENDED", "UPDATED", "URGENT", "WARNING", "NOTICE"},
     "This is an exercise",
     "This is a test",
     "REPLAY",
     "This is a replay of information issued at {} JST."},
    {"zh-Hans",
     "【",
     "】",
     {"演习", "测试", "撤销", "解除", "结束", "更新", "紧急", "警报", "注意"},
     "这是演习",
     "这是测试",
     "重发",
     "本信息是 {}（日本时间）发布的信息的重发。"},
    {"zh-Hant",
     "【",
     "】",
     {"演習", "測試", "撤銷", "解除", "結束", "更新", "緊急", "警報", "注意"},
     "這是演習",
     "這是測試",
     "重發",
     "本資訊是 {}（日本時間）發布的資訊的重發。"},
    {"ko",
     "[",
     "]",
     {"훈련", "시험", "취소", "해제", "종료", "갱신", "긴급", "경보", "주의"},
     "이것은 훈련입니다",
     "이것은 시험입니다",
     "재전송",
     "이 정보는 {}(일본 시간)에 발표된 정보의 재전송입니다."},
    {"vi",
     "[",
     "]",
     {"DIỄN TẬP", "THỬ NGHIỆM", "ĐÃ HỦY", "ĐÃ DỠ BỎ", "ĐÃ KẾT THÚC", "CẬP NHẬT", "KHẨN CẤP",
      "CẢNH BÁO", "CHÚ Ý"},
     "Đây là diễn tập",
     "Đây là thử nghiệm",
     "GỬI LẠI",
     "Đây là thông tin đã phát hành lúc {} (giờ Nhật Bản), được gửi lại."},
    {"ne",
     "[",
     "]",
     {"अभ्यास", "परीक्षण", "रद्द", "हटाइयो", "समाप्त", "अद्यावधिक", "आपतकालीन", "चेतावनी", "सूचना"},
     "यो अभ्यास हो",
     "यो परीक्षण हो",
     "पुनः प्रसारण",
     "यो {} (जापान समय) मा जारी गरिएको जानकारीको पुनः प्रसारण हो।"},
    {"pt",
     "[",
     "]",
     {"SIMULADO", "TESTE", "CANCELADO", "ENCERRADO", "EXPIRADO", "ATUALIZADO", "URGENTE", "ALERTA",
      "AVISO"},
     "Isto é um simulado",
     "Isto é um teste",
     "REENVIO",
     "Este é um reenvio da informação emitida em {} (horário do Japão)."},
    {"ja-x-easy",
     "【",
     "】",
     {"くんれん", "しけん", "とりけし", "おわり", "しゅうりょう", "かわりました", "きんきゅう",
      "けいほう", "ちゅうい"},
     "これは くんれんです",
     "これは しけんです",
     "再送",
     "これは {} に でた じょうほうを もういちど おくっています。"},
}};

std::string compose_text(const Alert& a, std::string_view second_language, bool with_description);

const PrefixWords& prefix_words(std::string_view language) {
    for (const auto& w : kPrefixWords)
        if (w.language == language) return w;
    return kPrefixWords[1];  // English
}

// Which words open a message, in order (see alert_prefix in the header).
std::vector<PrefixWord> prefix_of(const Alert& a) {
    // 取消 (withdrawn: it was issued in error) and 解除 (lifted: the hazard is over) ask
    // different things of the reader, so they never share a word.
    // A Cancel the hub read as a lift (the ward's own 解除 from the console) is a lift.
    const bool lifted = a.state == AlertState::kLifted;
    const bool withdrawn =
        !lifted && (a.state == AlertState::kCancelled || a.msg_type == MsgType::kCancel);
    // 終了: its end (the source's, or the hub's default lifetime) has passed; not a lift, which
    // only the issuer declares.
    const bool expired = a.state == AlertState::kExpired;
    std::vector<PrefixWord> out;
    // An exercise or test says so first, and its end says both (else it reads like a
    // repeat of the drill's order).
    if (a.status == AlertStatus::kExercise) out.push_back(kExercise);
    if (a.status == AlertStatus::kTest) out.push_back(kTest);
    if (withdrawn) out.push_back(kWithdrawn);
    if (lifted) out.push_back(kLifted);
    if (expired) out.push_back(kExpired);
    if (withdrawn || lifted || expired) return out;
    // An update in force says so after its urgency ("【緊急】【更新】"): the reader has seen
    // the first version and must look again at what changed. A drill's update keeps its mark.
    const bool updated = a.msg_type == MsgType::kUpdate;
    if (!out.empty()) {
        if (updated) out.push_back(kUpdated);
        return out;
    }
    if ((a.level && *a.level >= 4) || a.severity == Severity::kExtreme)
        out.push_back(kUrgent);
    else if (a.severity == Severity::kSevere)
        out.push_back(kWarning);
    else
        out.push_back(kNotice);
    if (updated) out.push_back(kUpdated);
    return out;
}

bool is_urgency(PrefixWord w) {
    return w == kUrgent || w == kWarning || w == kNotice;
}

// One word as it stands alone: "【更新】", "[UPDATED] " (square brackets are followed by a
// space, 【】 are not).
std::string word_mark(std::string_view word, const PrefixWords& w) {
    std::string out = std::string(w.open) + std::string(word) + std::string(w.close);
    if (w.close == "]") out += ' ';
    return out;
}

// The words before `headline`: a headline that already opens with the update mark (the
// console marks the headlines of its own updates, so that screens show it too) is not
// marked twice.
std::string words_in(const std::vector<PrefixWord>& words, const PrefixWords& w,
                     std::string_view headline) {
    std::string out;
    for (auto word : words) {
        if (word == kUpdated && headline.starts_with(word_mark(w.words[kUpdated], w))) continue;
        out += std::string(w.open) + std::string(w.words[word]) + std::string(w.close);
    }
    // "[LIFTED] Evacuation ...": square brackets are followed by a space, 【】 are not.
    if (!out.empty() && w.close == "]") out += ' ';
    return out;
}

}  // namespace

std::string alert_prefix(const Alert& a) {
    return alert_prefix(a, "ja");
}

std::string alert_prefix(const Alert& a, std::string_view language) {
    return words_in(prefix_of(a), prefix_words(language), text_in_language(a.headline, language));
}

std::string drill_notice(const Alert& a, std::string_view language) {
    const PrefixWords& w = prefix_words(language);
    if (a.status == AlertStatus::kExercise) return std::string(w.exercise_sentence);
    if (a.status == AlertStatus::kTest) return std::string(w.test_sentence);
    return {};
}

std::string update_mark(std::string_view language) {
    const PrefixWords& w = prefix_words(language);
    return word_mark(w.words[kUpdated], w);
}

std::string replay_mark(std::string_view language) {
    const PrefixWords& w = prefix_words(language);
    return word_mark(w.replay_word, w);
}

std::string replay_note(std::string_view language, std::string_view issued_jst) {
    return fmt::format(fmt::runtime(prefix_words(language).replay_sentence), issued_jst);
}

bool is_marked_replay(const Alert& a) {
    for (const auto& [lang, text] : a.headline)
        if (text.starts_with(replay_mark(lang))) return true;
    return false;
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
    // The prefix in the reader's language: an English subject carries no Japanese word.
    std::string line = alert_prefix(a, language) + title();
    for (auto& c : line)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return line;
}

std::string alert_text(const Alert& a) {
    return alert_text(a, "en");
}

std::string alert_text(const Alert& a, std::string_view second_language) {
    return compose_text(a, second_language, false);
}

std::string alert_text_with_description(const Alert& a, std::string_view second_language) {
    return compose_text(a, second_language, true);
}

namespace {

std::string compose_text(const Alert& a, std::string_view second_language, bool with_description) {
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

    // The first line's prefix is Japanese when the Japanese part leads, else the reader's.
    std::string out =
        alert_prefix(a, first_lang == "ja" ? std::string_view("ja") : second_language) +
        first_headline;
    add_line(out, text_in_language(a.instruction, first_lang));
    if (with_description) add_line(out, text_in_language(a.description, first_lang));
    WallTime issued =
        a.source.sent != WallTime{} ? a.source.sent : a.effective.value_or(WallTime{});
    if (issued != WallTime{}) add_line(out, "発表: " + format_jst_minutes(issued) + " (JST)");

    if (!second_lang.empty()) {
        // The second half says what kind of message it is too (an exercise, a lift, an
        // update), in its own words; the urgency words stay with the first line.
        std::string second;
        auto kind = prefix_of(a);
        kind.erase(std::remove_if(kind.begin(), kind.end(), is_urgency), kind.end());
        const std::string instruction = text_in_language(a.instruction, second_lang);
        const std::string description =
            with_description ? text_in_language(a.description, second_lang) : std::string();
        if (!second_headline.empty() || !instruction.empty() || !description.empty())
            add_line(second,
                     words_in(kind, prefix_words(second_lang), second_headline) + second_headline);
        add_line(second, instruction);
        add_line(second, description);
        if (!second.empty()) out += "\n\n" + second;
    }

    for (auto& link : a.links) {
        if (link.url.empty()) continue;
        out += "\n\n" + link.url;
        break;
    }
    return out;
}

}  // namespace

}  // namespace alerthub
