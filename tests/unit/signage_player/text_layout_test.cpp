#include "signage_player/text_layout.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "tests/support/fixed_measurer.h"

namespace alerthub::player {
namespace {

using testing::cjk_width;

std::string join(const std::vector<std::string>& lines, const char* sep = "") {
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) out += (i ? sep : "") + lines[i];
    return out;
}

char32_t first_char(const std::string& line) {
    auto cps = decode_utf8(line);
    return cps.empty() ? 0 : cps.front();
}

char32_t last_char(const std::string& line) {
    auto cps = decode_utf8(line);
    return cps.empty() ? 0 : cps.back();
}

TEST(PlayerWrapText, JapaneseBreaksBetweenCharactersWithinWidth) {
    std::string text = "港区に避難指示を発令しました直ちに避難してください";
    auto lines = wrap_text(text, 100, cjk_width);  // 10 characters a line
    ASSERT_GE(lines.size(), 2u);
    for (auto& line : lines) EXPECT_LE(cjk_width(line), 100) << line;
    EXPECT_EQ(join(lines), text);
    EXPECT_EQ(lines[0], "港区に避難指示を発令");
}

TEST(PlayerWrapText, ClosingPunctuationNeverStartsALine) {
    // Every break position puts one of 。、」） at a line start unless kinsoku moves it.
    const std::string texts[] = {
        "直ちに安全な場所へ避難。避難所は港区役所です。",
        "高台へ避難してください、繰り返します、避難してください。",
        "「避難指示」が出ています（港区全域）。すぐに行動を。",
        "あいうえおかきくけこ。さしすせそ、たちつてと」なにぬねの）",
    };
    for (auto& text : texts) {
        for (int width = 30; width <= 200; width += 10) {
            auto lines = wrap_text(text, width, cjk_width);
            EXPECT_EQ(join(lines), text);
            for (size_t i = 0; i < lines.size(); ++i) {
                char32_t c = first_char(lines[i]);
                EXPECT_FALSE(c == U'。' || c == U'、' || c == U'」' || c == U'）')
                    << "width " << width << " line " << i << ": " << lines[i];
                EXPECT_LE(cjk_width(lines[i]), width) << lines[i];
                if (i + 1 < lines.size()) {
                    EXPECT_FALSE(is_no_line_end(last_char(lines[i]))) << lines[i];
                }
            }
        }
    }
}

TEST(PlayerWrapText, EnglishBreaksBetweenWordsWithinWidth) {
    std::string text =
        "A severe thunderstorm warning is in effect for Minato City until 6 PM. Move "
        "indoors, stay away from windows and do not use the underground passages.";
    const int width = 200;  // 40 ASCII characters
    auto lines = wrap_text(text, width, cjk_width);
    ASSERT_GE(lines.size(), 4u);
    for (auto& line : lines) {
        EXPECT_LE(cjk_width(line), width) << line;
        EXPECT_NE(line.front(), ' ');
        EXPECT_NE(line.back(), ' ');
    }
    // Words stay whole: joining with spaces gives the text back.
    EXPECT_EQ(join(lines, " "), text);
}

TEST(PlayerWrapText, WordLongerThanTheLineIsSplitByCharacters) {
    std::string url = "https://www.city.minato.tokyo.jp/bousai/hinanjo/index.html";
    auto lines = wrap_text("Map: " + url, 100, cjk_width);
    for (auto& line : lines) EXPECT_LE(cjk_width(line), 100) << line;
    EXPECT_EQ(join(lines), "Map:" + url);
}

TEST(PlayerWrapText, MixedScriptsAndExplicitNewlines) {
    auto lines = wrap_text("港区 Minato City\n避難所: 芝公園", 1000, cjk_width);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "港区 Minato City");
    EXPECT_EQ(lines[1], "避難所: 芝公園");
}

TEST(PlayerWrapText, NarrowerThanOneCharacterStillTerminates) {
    auto lines = wrap_text("避難してください。", 5, cjk_width);
    EXPECT_EQ(join(lines), "避難してください。");
    for (auto& line : lines) EXPECT_FALSE(line.empty());
}

TEST(PlayerKinsoku, JisX4051LineStartAndLineEndClasses) {
    for (char32_t cp :
         std::u32string_view(U"。、，．・：；？！‼）」』】〕〉》’”ー々ゝゞっゃュァ〜゠‐ㇰ"))
        EXPECT_TRUE(is_no_line_start(cp)) << static_cast<std::uint32_t>(cp);
    for (char32_t cp : std::u32string_view(U"（「『【〔〈《‘“｟«"))
        EXPECT_TRUE(is_no_line_end(cp)) << static_cast<std::uint32_t>(cp);
    for (char32_t cp : std::u32string_view(U"港あア漢A1"))
        EXPECT_FALSE(is_no_line_start(cp) || is_no_line_end(cp));
}

TEST(PlayerKinsoku, NoProhibitedCharacterAtAnyLineStartOrEnd) {
    testing::FixedMeasurer m;
    auto measure = [&](std::string_view s) { return m.text_width(s, {10, false}); };
    const std::string text =
        "「避難所」（一時滞在施設）へ、ゆっくり移動してください。ショッピングセンター〜駅前は"
        "混雑しています！【重要】エレベーターは使わないでください。";
    for (int width = 30; width <= 400; width += 10) {
        auto lines = wrap_text(text, width, measure);
        EXPECT_EQ(join(lines), text) << width;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            EXPECT_LE(measure(lines[i]), width) << lines[i];
            if (i > 0) {
                EXPECT_FALSE(is_no_line_start(first_char(lines[i]))) << lines[i];
            }
            if (i + 1 < lines.size()) {
                EXPECT_FALSE(is_no_line_end(last_char(lines[i]))) << lines[i];
            }
        }
    }
}

TEST(PlayerWrapText, LatinWordsAreNeverBrokenWhenTheyFitOnALine) {
    testing::FixedMeasurer m;
    auto measure = [&](std::string_view s) { return m.text_width(s, {10, false}); };
    const std::string text = "Minato City: evacuate to Shibaura elementary school now";
    std::set<std::string> words;
    std::istringstream in(text);
    for (std::string w; in >> w;) words.insert(w);
    for (int width = 50; width <= 300; width += 7) {  // "elementary" is 50 px
        for (auto& line : wrap_text(text, width, measure)) {
            std::istringstream tokens(line);
            for (std::string w; tokens >> w;) EXPECT_TRUE(words.count(w)) << width << " " << w;
        }
    }
}

TEST(PlayerCjkStyle, ByLanguageTag) {
    EXPECT_EQ(cjk_style_for("ja"), CjkStyle::kJapanese);
    EXPECT_EQ(cjk_style_for("ja-x-easy"), CjkStyle::kJapanese);
    EXPECT_EQ(cjk_style_for("en"), CjkStyle::kJapanese);
    EXPECT_EQ(cjk_style_for("ko"), CjkStyle::kKorean);
    EXPECT_EQ(cjk_style_for("zh-Hans"), CjkStyle::kSimplifiedChinese);
    EXPECT_EQ(cjk_style_for("zh"), CjkStyle::kSimplifiedChinese);
    EXPECT_EQ(cjk_style_for("zh-Hant"), CjkStyle::kTraditionalChinese);
    EXPECT_EQ(cjk_style_for("zh-TW"), CjkStyle::kTraditionalChinese);
}

}  // namespace
}  // namespace alerthub::player
