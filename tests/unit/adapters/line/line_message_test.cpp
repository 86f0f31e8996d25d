#include "adapters/line/line_message.h"

#include <gtest/gtest.h>

#include <set>

#include "core/base/time_format.h"
#include "core/protocol/alert_text.h"
#include "tests/support/alert_states.h"

namespace alerthub::line {
namespace {

Alert sample_alert() {
    Alert a;
    a.id = "staff-2024-0001";
    a.version = 2;
    a.severity = Severity::kSevere;
    a.level = 3;
    a.source.sent = *parse_rfc3339("2024-07-25T01:30:00Z");  // 10:30 JST
    a.headline = {{"ja", "港区に高齢者等避難"}, {"en", "Evacuation of the elderly: Minato"}};
    a.instruction = {{"ja", "避難に時間のかかる方は避難してください。"},
                     {"en", "People who need time to evacuate, please evacuate now."},
                     {"zh-Hans", "需要时间避难的人请立即避难。"}};
    a.links = {{"web", "", {}}, {"shelter_map", "https://www.city.minato.tokyo.jp/map", {}}};
    return a;
}

TEST(LineMessage, IsTheAlertTextWhenItFits) {
    EXPECT_EQ(line_message(sample_alert()), alert_text(sample_alert()));
}

TEST(Utf16, CountsSurrogatePairsAsTwo) {
    EXPECT_EQ(utf16_length(""), 0u);
    EXPECT_EQ(utf16_length("abc"), 3u);
    EXPECT_EQ(utf16_length("避難"), 2u);
    EXPECT_EQ(utf16_length("𠮷野家🍎"), 6u);  // two supplementary characters
}

TEST(Utf16, ShortTextIsUnchanged) {
    EXPECT_EQ(cut_utf16("避難してください", 8), "避難してください");
}

TEST(Utf16, CutsBeforeASurrogatePairThatWouldCrossTheLimit) {
    // 4,998 + 2 + 3 = 5,003 units. With room for "…" only 4,999 remain: the pair at
    // 4,999-5,000 does not fit and must not be split.
    std::string text = std::string(4998, 'a') + "𠮷" + "bbb";
    auto cut = cut_utf16(text, kLineTextLimit);
    EXPECT_EQ(cut, std::string(4998, 'a') + "…");
    EXPECT_EQ(utf16_length(cut), 4999u);
}

TEST(Utf16, KeepsASurrogatePairThatJustFits) {
    std::string text = std::string(4997, 'a') + "𠮷" + "bbb";
    auto cut = cut_utf16(text, kLineTextLimit);
    EXPECT_EQ(cut, std::string(4997, 'a') + "𠮷" + "…");
    EXPECT_EQ(utf16_length(cut), kLineTextLimit);
}

TEST(LineMessage, LongTextIsCutToTheLimitAtACharacterBoundary) {
    Alert a = sample_alert();
    std::string long_ja;
    for (int i = 0; i < 3000; ++i) long_ja += "避🍎";  // 3 units each
    a.instruction["ja"] = long_ja;
    // "【警報】港区に高齢者等避難\n" is 14 units; 1,661 pairs of "避🍎" make 4,997; one more
    // "避" makes 4,998; the next 🍎 would need 2 of the 1 left beside the ellipsis.
    std::string expected = "【警報】港区に高齢者等避難\n";
    for (int i = 0; i < 1661; ++i) expected += "避🍎";
    expected += "避…";
    auto text = line_message(a);
    EXPECT_EQ(text, expected);
    EXPECT_EQ(utf16_length(text), 4999u);
}

}  // namespace
}  // namespace alerthub::line

namespace alerthub::line {
namespace {

// Issue 14: every state (exercise, cancel, lift, update, expiry, replay) is marked in the
// reader's language in the LINE text (and its Japanese half), and no two states read alike.
TEST(LineMessage, EveryStateIsMarkedInTheReadersLanguage) {
    using alerthub::testing::kStateWords;
    for (const auto& lang : alerthub::testing::kNineLanguages) {
        SCOPED_TRACE(lang);
        std::set<std::string> texts;
        for (const auto& [state, a] :
             alerthub::testing::alert_states(alerthub::testing::nine_language_order())) {
            SCOPED_TRACE(state);
            const std::string text = line_message(a, lang);
            EXPECT_TRUE(texts.insert(text).second) << text;
            if (state == "actual") continue;
            const std::string& word = kStateWords.at(lang).at(state);
            const std::string own = lang == "ja" ? text : text.substr(text.find("\n\n"));
            EXPECT_NE(own.find(word), std::string::npos) << text;
            EXPECT_LT(text.find(kStateWords.at("ja").at(state)), text.find('\n')) << text;
        }
    }
}

}  // namespace
}  // namespace alerthub::line
