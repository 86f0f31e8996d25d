#include "signage_player/screen_layout.h"

#include <gtest/gtest.h>

#include "core/time_format.h"
#include "tests/unit/player/fixed_measurer.h"

namespace alerthub::player {
namespace {

const WallTime kNow = parse_rfc3339("2026-11-23T10:07:00+09:00").value();

Alert base_alert() {
    Alert a;
    a.id = "a1";
    a.version = 1;
    a.level = 3;
    a.source.sent = kNow;
    a.event_name = {{"ja", "高齢者等避難"}, {"en", "Evacuate the elderly"}};
    a.headline = {{"ja", "港区に高齢者等避難を発令"}, {"en", "Elderly and others: evacuate"}};
    a.instruction = {{"ja", "避難に時間のかかる方は避難してください。"},
                     {"en", "People who need time to evacuate should leave now."}};
    return a;
}

std::string long_english(int sentences) {
    std::string s;
    for (int i = 0; i < sentences; ++i)
        s += "Heavy rain is expected to continue through the night, and rivers in the ward "
             "may overflow their banks. ";
    return s;
}

void expect_inside(const Frame& f) {
    for (auto& t : f.texts) {
        EXPECT_GE(t.x, 0) << t.text;
        EXPECT_GE(t.y, 0) << t.text;
        EXPECT_LE(t.x + t.w, f.width) << t.text;
        EXPECT_LE(t.y + t.h, f.height) << t.text;
    }
}

bool has_text(const Frame& f, const std::string& text) {
    for (auto& t : f.texts)
        if (t.text == text) return true;
    return false;
}

TEST(PlayerScreenLayout, IdleScreenIsCentredAndInside) {
    testing::FixedMeasurer m;
    auto f = layout_screen(make_idle_screen("港区", kNow, true), 1920, 1080, m);
    expect_inside(f);
    EXPECT_EQ(f.background, kIdleBackground);
    ASSERT_TRUE(has_text(f, "10:07"));
    for (auto& t : f.texts) {
        if (t.text == "10:07") {
            EXPECT_NEAR(t.x + t.w / 2, 960, 2);
            EXPECT_GT(t.font.px, 150);  // the clock is the biggest thing on the idle screen
        }
    }
    EXPECT_FALSE(f.shrunk);
}

TEST(PlayerScreenLayout, AlertScreenHasBandAndTextsInReadingOrder) {
    testing::FixedMeasurer m;
    auto s = make_alert_screen(base_alert(), 0, kNow, true);
    auto f = layout_screen(s, 1920, 1080, m);
    expect_inside(f);
    ASSERT_FALSE(f.rects.empty());
    EXPECT_EQ(f.rects[0].y, 0);
    EXPECT_EQ(f.rects[0].w, 1920);
    EXPECT_EQ(f.rects[0].colour, s.band_background);
    std::vector<std::string> order = {s.band,        s.event_name,     s.headline_ja,
                                      s.headline_en, s.instruction_ja, s.instruction_en};
    int last_y = -1;
    for (auto& want : order) {
        auto it =
            std::find_if(f.texts.begin(), f.texts.end(), [&](auto& t) { return t.text == want; });
        ASSERT_NE(it, f.texts.end()) << want;
        EXPECT_GT(it->y, last_y) << want;
        last_y = it->y;
    }
    EXPECT_TRUE(has_text(f, "発表 2026-11-23 10:07 JST"));
    EXPECT_FALSE(f.shrunk);
}

TEST(PlayerScreenLayout, ExerciseBandSitsOnTop) {
    testing::FixedMeasurer m;
    Alert a = base_alert();
    a.status = AlertStatus::kExercise;
    auto f = layout_screen(make_alert_screen(a, 0, kNow, true), 1280, 720, m);
    ASSERT_GE(f.rects.size(), 2u);
    EXPECT_EQ(f.rects[0].colour, kDrillBandColour);
    EXPECT_EQ(f.rects[0].y, 0);
    EXPECT_GE(f.rects[1].y, f.rects[0].h);
    expect_inside(f);
}

TEST(PlayerScreenLayout, LongDescriptionGivesWayBeforeTheHeadline) {
    testing::FixedMeasurer m;
    auto size_of = [](const Frame& fr, std::string_view prefix) {
        for (auto& t : fr.texts)
            if (t.text.rfind(prefix, 0) == 0) return t.font.px;
        return 0;
    };
    const std::string headline = "港区に高齢者等避難を発令";
    Alert a = base_alert();
    a.description = {{"en", long_english(1)}};
    auto plain = layout_screen(make_alert_screen(a, 0, kNow, true), 1920, 1080, m);
    ASSERT_FALSE(plain.shrunk);
    const int full_headline = size_of(plain, headline);
    const int full_description = size_of(plain, "Heavy rain");
    int description_first = 0;
    for (int n = 2; n <= 12; ++n) {
        a.description = {{"en", long_english(n)}};
        auto f = layout_screen(make_alert_screen(a, 0, kNow, true), 1920, 1080, m);
        expect_inside(f);
        int h = size_of(f, headline);
        int d = size_of(f, "Heavy rain");
        ASSERT_GT(h, 0);
        ASSERT_GT(d, 0);
        // The description never keeps more of its size than the headline does.
        EXPECT_LE(d * full_headline, h * full_description + full_headline) << n;
        if (h == full_headline && d < full_description) ++description_first;
    }
    EXPECT_GT(description_first, 0);
}

TEST(PlayerScreenLayout, VeryLongTextStillFitsEveryWindowSize) {
    testing::FixedMeasurer m;
    Alert a = base_alert();
    a.status = AlertStatus::kTest;
    a.description = {{"en", long_english(40)}, {"ja", std::string(200 * 3, 'x')}};
    a.instruction["en"] = long_english(3);
    auto s = make_alert_screen(a, 3, kNow, false);
    for (auto [w, h] : {std::pair{1920, 1080}, {1280, 720}, {1080, 1920}, {640, 360}, {320, 240}}) {
        auto f = layout_screen(s, w, h, m);
        expect_inside(f);
        EXPECT_FALSE(f.texts.empty());
    }
}

TEST(PlayerScreenLayout, AbsurdTextIsCutVisiblyRatherThanClipped) {
    testing::FixedMeasurer m;
    Alert a = base_alert();
    a.headline["en"] = long_english(200);
    auto f = layout_screen(make_alert_screen(a, 0, kNow, true), 1280, 720, m);
    expect_inside(f);
    EXPECT_TRUE(f.truncated);
    bool ellipsis = false;
    for (auto& t : f.texts) ellipsis = ellipsis || t.text.find("…") != std::string::npos;
    EXPECT_TRUE(ellipsis);
}

}  // namespace
}  // namespace alerthub::player
