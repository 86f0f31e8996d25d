#include "signage_player/screen_layout.h"

#include <gtest/gtest.h>

#include "core/base/time_format.h"
#include "tests/support/fixed_measurer.h"

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
    Alert a = base_alert();
    a.level = 4;
    auto s = make_alert_screen(a, {}, kNow, true);
    auto f = layout_screen(s, 1920, 1080, m);
    expect_inside(f);
    ASSERT_GE(f.rects.size(), 2u);
    EXPECT_EQ(f.rects[0].w, 1920);  // the panel: the whole screen
    EXPECT_EQ(f.rects[0].h, 1080);
    EXPECT_EQ(f.rects[1].y, 0);
    EXPECT_EQ(f.rects[1].w, 1920);
    EXPECT_EQ(f.rects[1].colour, s.band_background);
    std::vector<std::string> order = {s.band, s.event_name, s.headline, s.instruction};
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
    for (int level : {5, 3, 1}) {
        a.level = level;
        auto s = make_alert_screen(a, {}, kNow, true);
        auto f = layout_screen(s, 1280, 720, m);
        expect_inside(f);
        ASSERT_GE(f.rects.size(), 2u);
        // A strip at the top and at the bottom of the screen, whatever the layout.
        EXPECT_EQ(f.rects[0].colour, kDrillBandColour);
        EXPECT_EQ(f.rects[0].y, 0);
        EXPECT_EQ(f.rects[0].w, 1280);
        EXPECT_EQ(f.rects[1].colour, kDrillBandColour);
        EXPECT_EQ(f.rects[1].y + f.rects[1].h, 720);
        for (std::size_t i = 2; i < f.rects.size(); ++i) {
            EXPECT_GE(f.rects[i].y, f.rects[0].h) << level;
            EXPECT_LE(f.rects[i].y + f.rects[i].h, f.rects[1].y) << level;
        }
        // The alert's own band says it too.
        bool marked = false;
        for (auto& t : f.texts)
            marked = marked || (t.text.starts_with("訓練") && t.y > f.rects[0].h &&
                                t.y < f.rects[1].y && t.text.find("これは") == std::string::npos);
        EXPECT_TRUE(marked) << level;
    }
}

Alert with_link(Alert a) {
    a.links = {{"shelter_map", "https://www.city.minato.tokyo.jp/bousai/map.html", {}}};
    return a;
}

// The lines of the description: the texts drawn in its font size below the instruction.
std::vector<const FrameText*> description_lines(const Frame& f, const Screen& s) {
    std::vector<const FrameText*> out;
    int instruction_y = -1, x = -1;
    for (auto& t : f.texts)
        if (s.instruction.starts_with(t.text) && !t.text.empty()) {
            instruction_y = t.y;
            x = t.x;
        }
    for (auto& t : f.texts)
        if (instruction_y >= 0 && t.y > instruction_y && t.x == x && !t.font.bold &&
            t.text != s.issued && t.text.find(s.now_line) == std::string::npos)
            out.push_back(&t);
    return out;
}

// An English page: the description is drawn only in the page's own language.
Screen english(const Alert& a) {
    return make_alert_screen(a, {}, kNow, true, {{"en"}, std::chrono::seconds(10)});
}

TEST(PlayerScreenLayout, AShortDescriptionIsDrawnWholeAtItsSize) {
    testing::FixedMeasurer m;
    Alert a = base_alert();
    a.level = 4;
    a.description = {{"en", long_english(1)}};
    auto s = english(a);
    auto f = layout_screen(s, 1920, 1080, m);
    expect_inside(f);
    EXPECT_FALSE(f.shrunk);
    EXPECT_FALSE(f.description_cut);
    auto lines = description_lines(f, s);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines[0]->font.px, 42);
    EXPECT_EQ(lines.back()->text.find("…"), std::string::npos);
}

// The JMA body: some 20 lines were drawn at ~18 px. Now the headline and the
// instruction give up at most the two size steps (8 % each) the description has above its
// minimum, kMinDescriptionPx (36 at 1080 lines), which it never goes below: it is cut at a
// line and says where the rest is, or is left out.
TEST(PlayerScreenLayout, ALongDescriptionIsCutNeverShrunkBelowTheReadableSize) {
    testing::FixedMeasurer m;
    Alert a = with_link(base_alert());
    a.level = 4;
    auto plain = layout_screen(english(a), 1920, 1080, m);
    int full_headline = 0;
    for (auto& t : plain.texts)
        if (t.text.starts_with("Elderly and")) full_headline = t.font.px;
    ASSERT_GT(full_headline, 0);
    int cut = 0;
    for (int n = 1; n <= 40; n += 3) {
        a.description = {{"en", long_english(n)}};
        auto s = english(a);
        for (auto [w, h] : {std::pair{1920, 1080}, {3840, 2160}, {1080, 1920}}) {
            SCOPED_TRACE(::testing::Message() << n << " sentences, " << w << "x" << h);
            auto f = layout_screen(s, w, h, m);
            expect_inside(f);
            EXPECT_FALSE(f.truncated);
            const int min_px = 36 * std::min(w, h) / 1080;
            auto lines = description_lines(f, s);
            for (auto* line : lines) EXPECT_GE(line->font.px, min_px) << line->text;
            if (w == 1920) {
                for (auto& t : f.texts)
                    if (t.text.starts_with("Elderly and")) {
                        EXPECT_GE(t.font.px, full_headline * 84 / 100);  // 2 steps at most
                    }
            }
            if (!f.description_cut) continue;
            ++cut;
            if (lines.empty()) continue;  // no room for two lines: left out
            EXPECT_GE(lines.size(), 3u);  // two lines of it and where the rest is
            EXPECT_EQ(lines.back()->text, s.description_more);
            EXPECT_TRUE(lines[lines.size() - 2]->text.ends_with("…"));
        }
    }
    EXPECT_GT(cut, 0);
}

TEST(PlayerScreenLayout, TheDescriptionIsNeverDrawnInAnotherLanguage) {
    testing::FixedMeasurer m;
    Alert a = base_alert();
    a.description = {{"ja", "気象庁の本文です。"}};
    auto s = english(a);
    EXPECT_EQ(s.language, "en");
    EXPECT_EQ(s.description, "");
    EXPECT_FALSE(has_text(layout_screen(s, 1920, 1080, m), "気象庁の本文です。"));
}

TEST(PlayerScreenLayout, VeryLongTextStillFitsEveryWindowSize) {
    testing::FixedMeasurer m;
    Alert a = base_alert();
    a.status = AlertStatus::kTest;
    a.description = {{"en", long_english(40)}, {"ja", std::string(200 * 3, 'x')}};
    a.instruction["en"] = long_english(3);
    Alert other = base_alert();
    auto s = make_alert_screen(a, {&other, &other, &other}, kNow, false);
    for (auto [w, h] : {std::pair{1920, 1080}, {1280, 720}, {1080, 1920}, {640, 360}, {320, 240}}) {
        auto f = layout_screen(s, w, h, m);
        expect_inside(f);
        EXPECT_FALSE(f.texts.empty());
    }
}

TEST(PlayerScreenLayout, AbsurdTextIsCutVisiblyRatherThanClipped) {
    testing::FixedMeasurer m;
    Alert a = base_alert();
    a.headline = {{"en", long_english(200)}};
    auto f = layout_screen(make_alert_screen(a, {}, kNow, true), 1280, 720, m);
    expect_inside(f);
    EXPECT_TRUE(f.truncated);
    bool ellipsis = false;
    for (auto& t : f.texts) ellipsis = ellipsis || t.text.find("…") != std::string::npos;
    EXPECT_TRUE(ellipsis);
}

bool overlaps(int ax, int ay, int aw, int ah, int bx, int by, int bw, int bh) {
    return ax < bx + bw && bx < ax + aw && ay < by + bh && by < ay + ah;
}

// The QR code's quiet-zone square: the first white rect as large as its modules need.
const FrameRect* qr_square(const Frame& f, const QrCode& qr) {
    for (auto& r : f.rects)
        if (r.colour == Colour{255, 255, 255} && r.w == r.h &&
            r.w % (qr.size + 2 * kQrQuietZone) == 0 && r.w >= 2 * (qr.size + 2 * kQrQuietZone))
            return &r;
    return nullptr;
}

TEST(PlayerScreenLayout, QrCodeHasItsQuietZoneWholeModulesAndNothingOnTop) {
    testing::FixedMeasurer m;
    for (auto [w, h] : {std::pair{1920, 1080}, {1280, 720}, {2160, 3840}, {3840, 2160}}) {
        for (int level : {5, 3, 2}) {
            Alert a = with_link(base_alert());
            a.level = level;
            auto s = make_alert_screen(a, {}, kNow, true);
            auto f = layout_screen(s, w, h, m);
            expect_inside(f);
            const FrameRect* square = qr_square(f, s.qr);
            ASSERT_NE(square, nullptr) << w << "x" << h << " level " << level;
            int module = square->w / (s.qr.size + 2 * kQrQuietZone);
            EXPECT_GE(module, 2);
            // Every dark module lies inside the square, clear of the quiet zone.
            int dark = 0;
            for (auto& r : f.rects) {
                if (r.colour != Colour{0, 0, 0} || r.h != module) continue;
                ++dark;
                EXPECT_GE(r.x, square->x + kQrQuietZone * module);
                EXPECT_GE(r.y, square->y + kQrQuietZone * module);
                EXPECT_LE(r.x + r.w, square->x + square->w - kQrQuietZone * module);
                EXPECT_LE(r.y + r.h, square->y + square->h - kQrQuietZone * module);
            }
            EXPECT_GT(dark, s.qr.size);
            for (auto& t : f.texts)
                EXPECT_FALSE(
                    overlaps(t.x, t.y, t.w, t.h, square->x, square->y, square->w, square->h))
                    << t.text;
            // The URL is printed beneath the code.
            bool url_below = false;
            for (auto& t : f.texts)
                url_below =
                    url_below || (t.text.starts_with("https://") && t.y >= square->y + square->h);
            EXPECT_TRUE(url_below) << w << "x" << h << " level " << level;
        }
    }
}

TEST(PlayerScreenLayout, TakeoverShowsLevelBadgeAndIcon) {
    testing::FixedMeasurer m;
    Alert a = base_alert();
    a.level = 5;
    auto s = make_alert_screen(a, {}, kNow, true);
    auto f = layout_screen(s, 1920, 1080, m);
    ASSERT_EQ(f.icons.size(), 1u);
    EXPECT_EQ(f.icons[0].colour, s.band_text);
    EXPECT_EQ(f.icons[0].mark, s.band_background);
    EXPECT_TRUE(has_text(f, "5"));  // the badge
    for (auto& t : f.texts)
        if (t.text == "5") {
            EXPECT_EQ(t.colour, s.band_background);
        }
    // Without a level the icon stays and no badge is drawn.
    a.level.reset();
    a.severity = Severity::kExtreme;
    auto g = layout_screen(make_alert_screen(a, {}, kNow, true), 1920, 1080, m);
    EXPECT_EQ(g.icons.size(), 1u);
}

// The content area: the rect drawn in the idle colour.
const FrameRect* content_area(const Frame& f) {
    for (auto& r : f.rects)
        if (r.colour == kIdleBackground) return &r;
    return nullptr;
}

TEST(PlayerScreenLayout, LShapeWrapsTheContentOnTwoSides) {
    testing::FixedMeasurer m;
    Alert a = with_link(base_alert());
    a.level = 3;
    auto s = make_alert_screen(a, {}, kNow, true);
    ASSERT_EQ(s.layout, AlertLayout::kLShape);
    auto f = layout_screen(s, 1920, 1080, m);
    expect_inside(f);
    const FrameRect* content = content_area(f);
    ASSERT_NE(content, nullptr);
    EXPECT_EQ(content->x, 0);
    EXPECT_EQ(content->y, 0);
    EXPECT_LT(content->x + content->w, 1920);  // the alert column on the right
    EXPECT_LT(content->y + content->h, 1080);  // the alert bar at the bottom
    EXPECT_GT(content->w * content->h, 1920 * 1080 / 3);
    // The clock panel is in the content area, the alert's texts outside it.
    for (auto& t : f.texts) {
        bool inside = overlaps(t.x, t.y, t.w, t.h, content->x, content->y, content->w, content->h);
        if (t.text == s.clock) {
            EXPECT_TRUE(inside);
        }
        if (t.text == s.headline || t.text == s.band) {
            EXPECT_FALSE(inside) << t.text;
        }
    }
    ASSERT_NE(qr_square(f, s.qr), nullptr);
}

TEST(PlayerScreenLayout, BannerLeavesTheTopForContent) {
    testing::FixedMeasurer m;
    Alert a = with_link(base_alert());
    a.level = 2;
    ContentItem slide{"", "区民まつりのお知らせ", "11月23日 芝公園"};
    auto s = make_alert_screen(a, {}, kNow, true, {}, &slide);
    ASSERT_EQ(s.layout, AlertLayout::kBanner);
    for (auto [w, h] : {std::pair{1920, 1080}, {1080, 1920}, {1280, 720}}) {
        auto f = layout_screen(s, w, h, m);
        expect_inside(f);
        const FrameRect* content = content_area(f);
        ASSERT_NE(content, nullptr);
        EXPECT_EQ(content->w, w);
        EXPECT_GT(content->h, h / 2);
        EXPECT_TRUE(has_text(f, "区民まつりのお知らせ"));
        bool headline_low = false;
        for (auto& t : f.texts)
            headline_low = headline_low ||
                           (!t.text.empty() && s.headline.starts_with(t.text) && t.y >= content->h);
        EXPECT_TRUE(headline_low) << w << "x" << h;
    }
}

TEST(PlayerScreenLayout, ImageContentIsDrawnInTheContentArea) {
    testing::FixedMeasurer m;
    ContentItem picture{"/var/cache/poster.png", "", ""};
    auto idle = layout_screen(make_idle_screen("港区", kNow, true, &picture), 1920, 1080, m);
    ASSERT_EQ(idle.images.size(), 1u);
    EXPECT_EQ(idle.images[0].path, "/var/cache/poster.png");
    EXPECT_TRUE(has_text(idle, "10:07　2026年11月23日（月）"));  // the clock moves to the footer
    EXPECT_LE(idle.images[0].y + idle.images[0].h, 1080);
    Alert a = base_alert();
    a.level = 4;  // a takeover hides the content
    EXPECT_TRUE(layout_screen(make_alert_screen(a, {}, kNow, true, {}, &picture), 1920, 1080, m)
                    .images.empty());
}

TEST(PlayerScreenLayout, StaleNoteHasItsOwnStripOnEveryScreen) {
    testing::FixedMeasurer m;
    for (int level : {0, 4, 3, 2}) {
        Alert a = base_alert();
        a.level = level;
        Screen s =
            level ? make_alert_screen(a, {}, kNow, false) : make_idle_screen("港区", kNow, false);
        s.stale_note = "最終更新 10:05 / Last updated 10:05";
        auto f = layout_screen(s, 1280, 720, m);
        expect_inside(f);
        const FrameRect* strip = nullptr;
        for (auto& r : f.rects)
            if (r.colour == kStaleBackground) strip = &r;
        ASSERT_NE(strip, nullptr) << level;
        EXPECT_EQ(strip->y + strip->h, 720);
        EXPECT_TRUE(has_text(f, s.stale_note));
        for (auto& t : f.texts)
            if (t.text != s.stale_note) {
                EXPECT_LE(t.y + t.h, strip->y) << t.text;
            }
    }
}

TEST(PlayerScreenLayout, OthersAreListedUnderTheAlert) {
    testing::FixedMeasurer m;
    Alert a = base_alert();
    a.level = 4;
    Alert other = base_alert();
    other.event_name = {{"ja", "洪水警報"}};
    auto s = make_alert_screen(a, {&other}, kNow, true);
    auto f = layout_screen(s, 1920, 1080, m);
    EXPECT_TRUE(has_text(f, s.others_line));
    EXPECT_TRUE(has_text(f, "・警戒レベル3 洪水警報"));
}

}  // namespace
}  // namespace alerthub::player
