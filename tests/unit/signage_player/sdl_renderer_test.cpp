// Render tests with the real SDL renderer and fonts on SDL's offscreen video driver.
#include "signage_player/sdl_renderer.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "core/base/time_format.h"
#include "signage_player/player_config.h"
#include "tests/support/test_support.h"

namespace alerthub::player {
namespace {

const WallTime kNow = parse_rfc3339("2026-11-23T10:07:00+09:00").value();
constexpr int kW = 1280;
constexpr int kH = 720;

class PlayerSdlRenderer : public ::testing::Test {
protected:
    void SetUp() override {
        RendererOptions options;
        options.width = kW;
        options.height = kH;
        options.fullscreen = false;
        options.offscreen = true;
        options.font = kDefaultFont;
        options.bold_font = kDefaultBoldFont;
        options.fallback_fonts = DisplayConfig{}.fallback_fonts;
        auto r = SdlRenderer::create(options);
        ASSERT_TRUE(r.ok()) << r.error().message;
        renderer_ = std::move(*r);
    }

    // Lays out, draws and captures `screen`; every text must land inside the window.
    Image render(const Screen& screen, Frame* frame_out = nullptr) {
        Frame frame = layout_screen(screen, renderer_->width(), renderer_->height(), *renderer_);
        EXPECT_EQ(renderer_->draw(frame), 0) << "text drawn outside the window";
        auto image = renderer_->capture();
        EXPECT_TRUE(image.ok());
        renderer_->present();
        if (frame_out) *frame_out = frame;
        return image.ok() ? *image : Image{};
    }

    std::unique_ptr<SdlRenderer> renderer_;
};

Alert evacuation(int level) {
    Alert a;
    a.id = "minato-evac-1";
    a.version = 1;
    a.level = level;
    a.severity = Severity::kSevere;
    a.source.sent = kNow;
    a.event_name = {{"ja", "避難指示"}, {"en", "Evacuation order"}};
    a.headline = {{"ja", "港区全域に避難指示"}, {"en", "Evacuation order for all of Minato City"}};
    a.instruction = {{"ja", "危険な場所から全員避難してください。"},
                     {"en", "Everyone must leave dangerous places now."}};
    return a;
}

double share_of(const Image& image, Colour c) {
    std::size_t n = 0;
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x) n += image.pixel(x, y) == c;
    return static_cast<double>(n) / (static_cast<double>(image.width) * image.height);
}

TEST_F(PlayerSdlRenderer, DrawsAtTheConfiguredSize) {
    EXPECT_EQ(renderer_->width(), kW);
    EXPECT_EQ(renderer_->height(), kH);
    EXPECT_GT(renderer_->text_width("港区", {40, true}), 60);
    EXPECT_GT(renderer_->line_height({40, false}), 40);
}

TEST_F(PlayerSdlRenderer, IdleAndAlertScreensDiffer) {
    Image idle = render(make_idle_screen("港区", kNow, true));
    Image alert = render(make_alert_screen(evacuation(4), {}, kNow, true));
    ASSERT_EQ(idle.rgb.size(), alert.rgb.size());
    EXPECT_NE(idle, alert);
    EXPECT_GT(share_of(idle, kIdleBackground), 0.5);
    EXPECT_LT(share_of(alert, kIdleBackground), 0.01);
    // The idle screen actually has text on it, not just its background.
    EXPECT_LT(share_of(idle, kIdleBackground), 0.99);
}

TEST_F(PlayerSdlRenderer, LevelFourBackgroundIsPurple) {
    Image image = render(make_alert_screen(evacuation(4), {}, kNow, true));
    const Colour purple{170, 0, 170};
    EXPECT_EQ(image.pixel(2, kH - 2), purple);
    EXPECT_EQ(image.pixel(kW - 2, kH / 2), purple);
    EXPECT_GT(share_of(image, purple), 0.5);
    // The band at the top is white with the level on it.
    EXPECT_EQ(image.pixel(2, 2), (Colour{255, 255, 255}));
}

TEST_F(PlayerSdlRenderer, LevelFiveIsBlackAndLevelTwoYellow) {
    Image five = render(make_alert_screen(evacuation(5), {}, kNow, true));
    EXPECT_GT(share_of(five, alert_palette(evacuation(5)).background), 0.5);
    Image two = render(make_alert_screen(evacuation(2), {}, kNow, true));
    // Level 2 is a banner: the yellow panel at the bottom, the content area above it.
    EXPECT_EQ(two.pixel(2, kH - 2), (Colour{242, 231, 0}));
    EXPECT_EQ(two.pixel(2, 2), kIdleBackground);
}

TEST_F(PlayerSdlRenderer, ExerciseAlertHasTheExerciseBand) {
    Alert a = evacuation(3);
    a.status = AlertStatus::kExercise;
    Frame frame;
    Image image = render(make_alert_screen(a, {}, kNow, true), &frame);
    EXPECT_EQ(image.pixel(2, 2), kDrillBandColour);
    EXPECT_EQ(image.pixel(kW - 2, 2), kDrillBandColour);
    EXPECT_EQ(image.pixel(2, kH - 2), kDrillBandColour);
    bool labelled = false;
    for (auto& t : frame.texts)
        labelled = labelled ||
                   (t.text.find("訓練 EXERCISE") != std::string::npos && t.y < frame.rects[0].h);
    EXPECT_TRUE(labelled);
    // An actual alert has no such band.
    Image actual = render(make_alert_screen(evacuation(3), {}, kNow, true));
    EXPECT_NE(actual.pixel(2, 2), kDrillBandColour);
    EXPECT_EQ(share_of(actual, kDrillBandColour), 0.0);
}

// With the real fonts: a description far too long for the screen is cut at a line, in a
// size readable at 3 m (36 px at 1080 lines), after the headline and the instruction.
TEST_F(PlayerSdlRenderer, VeryLongEnglishDescriptionIsCutNotShrunkAndNotClipped) {
    Alert a = evacuation(4);
    std::string text;
    for (int i = 0; i < 30; ++i)
        text +=
            "Landslides are likely on the slopes of Azabu and Takanawa; residents of "
            "designated hazard zones must move to a shelter or an upper floor of a sturdy "
            "building. ";
    a.description = {{"en", text}};
    Alert other = evacuation(3);
    Frame frame;
    ScreenOptions english{{"en"}, std::chrono::seconds(10)};
    render(make_alert_screen(a, {&other, &other}, kNow, true, english), &frame);
    EXPECT_TRUE(frame.description_cut);
    EXPECT_FALSE(frame.truncated);
    int description_lines = 0;
    for (auto& t : frame.texts) {
        EXPECT_GE(t.x, 0);
        EXPECT_GE(t.y, 0);
        EXPECT_LE(t.x + t.w, kW) << t.text;
        EXPECT_LE(t.y + t.h, kH) << t.text;
        if (t.text.find("Landslides") != std::string::npos ||
            t.text.find("Takanawa") != std::string::npos) {
            ++description_lines;
            EXPECT_GE(t.font.px, 36 * std::min(kW, kH) / 1080) << t.text;
        }
    }
    EXPECT_GE(description_lines, 2);
}

TEST_F(PlayerSdlRenderer, OversizedTextsStillRenderInsideTheWindow) {
    Alert a = evacuation(5);
    std::string ja, word;
    for (int i = 0; i < 30000; ++i) ja += "浸水";
    for (int i = 0; i < 20000; ++i) word += "x";  // one "word" with no place to break
    a.headline = {{"ja", ja}, {"en", word}};
    a.description = {{"ja", ja}, {"en", word}};
    a.instruction["ja"] = ja;
    auto started = std::chrono::steady_clock::now();
    Frame frame;
    render(make_alert_screen(a, {}, kNow, true), &frame);
    EXPECT_TRUE(frame.truncated);
    // A hostile payload must not freeze the screen for long.
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    for (auto& t : frame.texts) {
        EXPECT_LE(t.x + t.w, kW);
        EXPECT_LE(t.y + t.h, kH);
    }
}

TEST_F(PlayerSdlRenderer, JapaneseWrapsWithRealFontWithoutLeadingPunctuation) {
    std::string text =
        "港区全域に避難指示を発令しました。高台や頑丈な建物の上の階へ、直ちに避難してください。"
        "「避難所」は区のホームページ（防災マップ）で確認できます。";
    FontSpec font{48, true};
    auto measure = [&](std::string_view s) { return renderer_->text_width(s, font); };
    for (int width = 200; width <= 900; width += 37) {
        for (auto& line : wrap_text(text, width, measure)) {
            EXPECT_LE(measure(line), width) << line;
            char32_t first = decode_utf8(line).front();
            EXPECT_TRUE(first != U'。' && first != U'、' && first != U'」' && first != U'）')
                << line;
        }
    }
}

TEST_F(PlayerSdlRenderer, WritesAPng) {
    alerthub::testing::TempDir dir;
    Image image = render(make_idle_screen("港区", kNow, false));
    auto path = (dir / "shot.png").string();
    ASSERT_TRUE(write_png(image, path).ok());
    auto bytes = alerthub::testing::read_file(path);
    ASSERT_GT(bytes.size(), 1000u);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

// Runs zbarimg (zbar-tools) on a PNG and returns what it decoded.
std::string decode_qr(const std::string& png) {
    std::string out;
    FILE* p = popen(("zbarimg --raw -q '" + png + "' 2>/dev/null").c_str(), "r");
    if (!p) return "popen failed";
    char buf[512];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int rc = pclose(p);
    if (rc != 0) out += " [zbarimg exit " + std::to_string(rc) + "; install zbar-tools]";
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

TEST_F(PlayerSdlRenderer, TheDrawnQrCodeDecodesToTheLink) {
    alerthub::testing::TempDir dir;
    const std::string url = "https://www.city.minato.tokyo.jp/bousai/kitaku/ichiji.html";
    for (int level : {4, 3, 2}) {  // takeover, L-shape and banner at 720p
        Alert a = evacuation(level);
        a.links = {{"stay_facility", url, {}}};
        Image image = render(make_alert_screen(a, {}, kNow, true));
        auto path = (dir / ("qr" + std::to_string(level) + ".png")).string();
        ASSERT_TRUE(write_png(image, path).ok());
        EXPECT_EQ(decode_qr(path), url) << "level " << level << ": " << path;
    }
}

TEST_F(PlayerSdlRenderer, FallbackFontsDrawWhatTheCjkFontLacks) {
    FontSpec f{40, false};
    EXPECT_NE(renderer_->font_file_for("港区", f).find("NotoSansCJK"), std::string::npos);
    EXPECT_NE(renderer_->font_file_for("Evacuate now", f).find("NotoSansCJK"), std::string::npos);
    EXPECT_NE(renderer_->font_file_for("तुरुन्त खाली गर्नुहोस्", f).find("NotoSansDevanagari"),
              std::string::npos);
    EXPECT_NE(renderer_->font_file_for("อพยพทันที", f).find("NotoSansThai"), std::string::npos);
}

TEST_F(PlayerSdlRenderer, DevanagariIsShapedByHarfBuzz) {
    FontSpec f{48, false};
    // क + virama + ष form the conjunct क्ष: one glyph, narrower than its parts side by side.
    int conjunct = renderer_->text_width("क्ष", f);
    int parts = renderer_->text_width("क", f) + renderer_->text_width("्", f) +
                renderer_->text_width("ष", f);
    EXPECT_GT(conjunct, 0);
    EXPECT_LT(conjunct, parts * 9 / 10);
}

TEST_F(PlayerSdlRenderer, HanCharactersTakeTheFormOfTheTextsLanguage) {
    // 直 differs visibly between the Japanese and the Chinese forms.
    auto draw = [&](CjkStyle style) {
        Frame frame;
        frame.width = kW;
        frame.height = kH;
        frame.background = {255, 255, 255};
        FontSpec f{200, false, style};
        frame.texts.push_back({"直骨", 10, 10, renderer_->text_width("直骨", f),
                               renderer_->line_height(f), f, Colour{0, 0, 0}});
        renderer_->draw(frame);
        auto image = renderer_->capture();
        renderer_->present();
        return image.ok() ? *image : Image{};
    };
    Image ja = draw(CjkStyle::kJapanese);
    Image zh = draw(CjkStyle::kSimplifiedChinese);
    EXPECT_NE(ja, zh);
    EXPECT_EQ(ja, draw(CjkStyle::kJapanese));  // and drawing is deterministic
}

TEST_F(PlayerSdlRenderer, TheWarningIconIsDrawn) {
    Frame frame;
    frame.width = kW;
    frame.height = kH;
    frame.background = {255, 255, 255};
    frame.icons.push_back({100, 100, 200, Colour{170, 0, 170}, Colour{255, 255, 255}});
    renderer_->draw(frame);
    auto image = renderer_->capture();
    renderer_->present();
    ASSERT_TRUE(image.ok());
    EXPECT_EQ(image->pixel(200, 110), (Colour{170, 0, 170}));    // near the apex
    EXPECT_EQ(image->pixel(120, 280), (Colour{170, 0, 170}));    // lower left
    EXPECT_EQ(image->pixel(110, 110), (Colour{255, 255, 255}));  // outside the triangle
    EXPECT_EQ(image->pixel(200, 200), (Colour{255, 255, 255}));  // the exclamation mark
}

TEST_F(PlayerSdlRenderer, AMissingContentImageNeverBlanksTheScreen) {
    ContentItem broken{"/nonexistent/poster.png", "", ""};
    Alert a = evacuation(2);
    Frame frame;
    Image image = render(make_alert_screen(a, {}, kNow, true, {}, &broken), &frame);
    ASSERT_EQ(frame.images.size(), 1u);
    EXPECT_EQ(image.pixel(5, 5), kIdleBackground);             // the content area's ground
    EXPECT_EQ(image.pixel(2, kH - 2), (Colour{242, 231, 0}));  // the alert is all there
    EXPECT_GT(share_of(image, Colour{242, 231, 0}), 0.15);
}

TEST_F(PlayerSdlRenderer, ContentImagesAreDrawnKeepingTheirShape) {
    alerthub::testing::TempDir dir;
    Image poster;
    poster.width = 20;
    poster.height = 40;
    poster.rgb.assign(40 * 20 * 3, 0);
    for (std::size_t i = 0; i < poster.rgb.size(); i += 3) poster.rgb[i] = 250;  // red
    auto path = (dir / "poster.png").string();
    ASSERT_TRUE(write_png(poster, path).ok());
    ContentItem item{path, "", ""};
    Frame frame;
    Image image = render(make_idle_screen("港区", kNow, true, &item), &frame);
    ASSERT_EQ(frame.images.size(), 1u);
    auto& box = frame.images[0];
    // A tall picture in a wide box: full height, centred, the idle ground at the sides.
    EXPECT_EQ(image.pixel(box.x + box.w / 2, box.y + 2), (Colour{250, 0, 0}));
    EXPECT_EQ(image.pixel(box.x + 2, box.y + box.h / 2), kIdleBackground);
}

TEST_F(PlayerSdlRenderer, CheckImageTellsPicturesFromBrokenFiles) {
    alerthub::testing::TempDir dir;
    Image poster{4, 4, std::vector<std::uint8_t>(4 * 4 * 3, 200)};
    auto good = (dir / "good.png").string();
    ASSERT_TRUE(write_png(poster, good).ok());
    auto bytes = alerthub::testing::read_file(good);
    auto truncated = (dir / "truncated.png").string();
    alerthub::testing::write_file(truncated, bytes.substr(0, bytes.size() / 2));
    auto text = (dir / "text.png").string();
    alerthub::testing::write_file(text, "not a picture");

    EXPECT_TRUE(renderer_->check_image(good).ok());
    for (auto& bad : {truncated, text, (dir / "missing.png").string()}) {
        auto st = renderer_->check_image(bad);
        ASSERT_FALSE(st.ok()) << bad;
        EXPECT_NE(st.error().message.find("not decodable"), std::string::npos);
    }
}

TEST_F(PlayerSdlRenderer, MeasuringAgainGivesTheSameWidths) {
    // Widths are cached: the second answer must be the first, in every font and size.
    for (FontSpec f :
         {FontSpec{40, false}, FontSpec{40, true}, FontSpec{23, false, CjkStyle::kKorean}})
        for (std::string_view s : {"港区全域に避難指示", "Evacuation order", "시바우라"}) {
            int first = renderer_->text_width(s, f);
            EXPECT_GT(first, 0);
            EXPECT_EQ(renderer_->text_width(s, f), first);
        }
    // A different size is measured, not taken from the cache.
    EXPECT_LT(renderer_->text_width("Evacuation order", {20, false}),
              renderer_->text_width("Evacuation order", {40, false}));
}

TEST(PlayerSdlRendererFonts, AMissingFallbackIsSkippedAMissingMainFontIsAnError) {
    RendererOptions options;
    options.width = 320;
    options.height = 180;
    options.fullscreen = false;
    options.offscreen = true;
    options.font = kDefaultFont;
    options.bold_font = kDefaultBoldFont;
    options.fallback_fonts = {"/nonexistent/NotoSansThai-Regular.ttf"};
    {
        auto r = SdlRenderer::create(options);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_GT((*r)->text_width("港区", {32, false}), 0);
    }
    options.font = "/nonexistent/NotoSansCJK-Regular.ttc";
    auto r = SdlRenderer::create(options);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("/nonexistent/NotoSansCJK-Regular.ttc"), std::string::npos)
        << r.error().message;
}

}  // namespace
}  // namespace alerthub::player
