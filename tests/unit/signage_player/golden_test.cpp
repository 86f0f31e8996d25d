// Golden-image tests: each layout and level, a very long English text, 4K portrait, the
// exercise marking and the other scripts, rendered by the real SDL renderer and fonts and
// compared, reduced in size, with PNGs in tests/golden/player (README there).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "core/base/time_format.h"
#include "signage_player/facility_panel.h"
#include "signage_player/player_config.h"
#include "signage_player/sdl_renderer.h"

namespace alerthub::player {
namespace {

namespace fs = std::filesystem;

const WallTime kNow = parse_rfc3339("2026-11-23T10:07:00+09:00").value();

// A pixel differs when one channel is off by more than this (anti-aliasing and FreeType
// versions move edges a little)...
constexpr int kChannelTolerance = 24;
// ...and an image fails when more than this share of its pixels differ.
constexpr double kMaxDifferingShare = 0.005;

// The mean of each `factor` x `factor` block: goldens stay small (a few tens of KB).
Image reduce(const Image& in, int factor) {
    Image out;
    out.width = in.width / factor;
    out.height = in.height / factor;
    out.rgb.resize(static_cast<std::size_t>(out.width) * out.height * 3);
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x)
            for (int c = 0; c < 3; ++c) {
                int sum = 0;
                for (int dy = 0; dy < factor; ++dy)
                    for (int dx = 0; dx < factor; ++dx)
                        sum += in.rgb[(static_cast<std::size_t>(y * factor + dy) * in.width +
                                       static_cast<std::size_t>(x * factor + dx)) *
                                          3 +
                                      static_cast<std::size_t>(c)];
                out.rgb[(static_cast<std::size_t>(y) * out.width + x) * 3 +
                        static_cast<std::size_t>(c)] =
                    static_cast<std::uint8_t>(sum / (factor * factor));
            }
    return out;
}

Alert alert(int level) {
    Alert a;
    a.id = "minato-evac-1";
    a.version = 2;
    a.level = level;
    a.severity = level >= 4 ? Severity::kSevere : Severity::kModerate;
    a.source.sent = kNow - std::chrono::minutes(2);
    a.event_name = {{"ja", "避難指示（高潮）"}, {"en", "Evacuation order (storm surge)"}};
    a.headline = {{"ja", "芝浦一丁目～四丁目に避難指示"},
                  {"en", "Evacuation order for Shibaura 1 to 4"}};
    a.description = {{"ja", "高潮により浸水のおそれがあります。"},
                     {"en", "Storm surge may flood the area."}};
    a.instruction = {{"ja", "危険な場所から全員避難してください。"},
                     {"en", "Everyone must leave dangerous places now."}};
    a.links = {{"shelter_map",
                "https://www.city.minato.tokyo.jp/bousai/hinanjo.html",
                {{"ja", "避難所マップ"}, {"en", "Shelter map"}}}};
    return a;
}

// The first moment from kNow at which `a` is shown in `lang`.
WallTime when_in(const Alert& a, const std::string& lang) {
    for (int i = 0; i < 20; ++i) {
        WallTime t = kNow + i * std::chrono::seconds(10);
        if (make_alert_screen(a, {}, t, true).language == lang) return t;
    }
    ADD_FAILURE() << "never in " << lang;
    return kNow;
}

struct Case {
    std::string name;
    int width;
    int height;
    int reduce_by;
    Screen screen;
};

// gtest names the failing case by this rather than by a byte dump.
void PrintTo(const Case& c, std::ostream* os) {
    *os << c.name;
}

std::vector<Case> cases() {
    const ContentItem slide{"", "区民まつりのお知らせ / Ward festival",
                            "11月23日（月）10時から 芝公園\nNovember 23, from 10:00, Shiba Park"};
    Alert l5 = alert(5), l4 = alert(4), l3 = alert(3), l2 = alert(2), l1 = alert(1);
    Alert other = alert(3);
    other.event_name = {{"ja", "洪水警報"}};
    Alert extreme = alert(4);
    extreme.level.reset();
    extreme.severity = Severity::kExtreme;
    extreme.links.clear();
    Alert exercise = alert(4);
    exercise.status = AlertStatus::kExercise;
    Alert test = alert(2);
    test.status = AlertStatus::kTest;
    Alert english = alert(4);
    std::string text;
    for (int i = 0; i < 25; ++i)
        text +=
            "Landslides are likely on the slopes of Azabu and Takanawa; residents of "
            "designated hazard zones must move to a shelter or an upper floor of a sturdy "
            "building without delay. ";
    english.headline = {{"en",
                         "Evacuation order for the hillside districts of Azabu, "
                         "Takanawa and Shirokane"}};
    english.description = {{"en", text}};
    english.instruction = {{"en", text.substr(0, 400)}};
    english.event_name = {{"en", "Evacuation order (landslide)"}};
    Alert many = alert(4);
    many.headline["zh-Hans"] = "芝浦一丁目至四丁目发布避难指示";
    many.headline["ko"] = "시바우라 1~4초메 대피 지시";
    many.headline["ne"] = "शिबाउरा १–४ मा तुरुन्त खाली गर्ने आदेश";
    many.instruction["ne"] = "खतरनाक ठाउँबाट सबैजना तुरुन्त बाहिर जानुहोस्।";
    many.headline["vi"] = "Lệnh sơ tán khẩn cấp cho Shibaura 1–4";

    // やさしい日本語 (takeover), with a replayed alert among the others: its 【再送】 stays.
    Alert easy = alert(4);
    easy.event_name["ja-x-easy"] = "みんな 逃げてください（海の 水が 高くなる）";
    easy.headline["ja-x-easy"] = "【レベル4】みんな 逃げてください: 芝浦一丁目〜四丁目";
    easy.description["ja-x-easy"] =
        "みなとくが 芝浦一丁目〜四丁目の みんなに 逃げるように 言いました。";
    easy.instruction["ja-x-easy"] = "危ない ところに いる 人は みんな 逃げてください。";
    Alert replayed = alert(3);
    replayed.event_name = {{"ja", "洪水警報"}, {"en", "Flood warning"}};
    replayed.headline = {{"ja", "【再送】港区に洪水警報"}, {"en", "[REPLAY] Flood warning"}};
    // The ward's own 一時滞在施設開設 (texts of the phrase bank, facilities as staff typed
    // them): labelled as what it is, not 注意報 / ADVISORY.
    Alert stay;
    stay.id = "minato-staff-stay-1";
    stay.source.kind = SourceKind::kStaff;
    stay.source.sent = kNow - std::chrono::minutes(2);
    stay.event_code = "alerthub:stay_facility_open";
    stay.category = "safety";
    stay.severity = Severity::kModerate;
    stay.event_name = {{"ja", "一時滞在施設開設"}, {"en", "Temporary stay facilities open"}};
    stay.headline = {
        {"ja", "【帰宅困難者】一時滞在施設を開設しました: 港区立エコプラザ、六本木ヒルズ"},
        {"en",
         "Temporary stay facilities open for people unable to return home: "
         "港区立エコプラザ、六本木ヒルズ"}};
    stay.description = {{"ja",
                         "港区は、帰宅困難者のための一時滞在施設を開設しました: "
                         "港区立エコプラザ、六本木ヒルズ"}};
    stay.instruction = {{"ja",
                         "むやみに移動を開始せず、安全な場所にとどまってください。帰宅できない方は"
                         "一時滞在施設を利用できます: 港区立エコプラザ、六本木ヒルズ"}};

    auto at = [](const Alert& a, WallTime t, std::vector<const Alert*> others = {},
                 const ContentItem* content = nullptr) {
        return make_alert_screen(a, others, t, true, {}, content);
    };
    Screen stale = make_idle_screen("港区", kNow, false);
    stale.stale_note = "最終更新 10:05 / Last updated 10:05";
    return {
        {"idle_1080p", 1920, 1080, 4, make_idle_screen("港区", kNow, true)},
        {"idle_content_stale_720p", 1280, 720, 4,
         [&] {
             Screen s = make_idle_screen("港区", kNow, false, &slide);
             s.stale_note = stale.stale_note;
             return s;
         }()},
        {"level5_takeover_1080p", 1920, 1080, 4, at(l5, when_in(l5, "ja"), {&other})},
        {"level4_takeover_en_1080p", 1920, 1080, 4, at(l4, when_in(l4, "en"))},
        {"level3_lshape_1080p", 1920, 1080, 4, at(l3, when_in(l3, "ja"), {}, &slide)},
        {"level2_banner_1080p", 1920, 1080, 4, at(l2, when_in(l2, "ja"), {}, &slide)},
        {"level1_banner_720p", 1280, 720, 4, at(l1, when_in(l1, "en"))},
        {"extreme_no_level_720p", 1280, 720, 4, at(extreme, when_in(extreme, "ja"))},
        {"exercise_level4_1080p", 1920, 1080, 4, at(exercise, when_in(exercise, "ja"))},
        {"test_level2_720p", 1280, 720, 4, at(test, when_in(test, "ja"), {}, &slide)},
        {"long_english_1080p", 1920, 1080, 4, at(english, kNow, {&other, &other})},
        {"portrait_4k_level4", 2160, 3840, 8, at(l4, when_in(l4, "ja"), {&other})},
        {"portrait_4k_level3_lshape", 2160, 3840, 8, at(l3, when_in(l3, "en"), {}, &slide)},
        {"landscape_4k_level5", 3840, 2160, 8, at(l5, when_in(l5, "ja"))},
        {"portrait_1080p_level2_banner", 1080, 1920, 4, at(l2, when_in(l2, "en"), {}, &slide)},
        {"portrait_720p_level4", 720, 1280, 4, at(l4, when_in(l4, "ja"), {&other})},
        {"language_zh_hans_720p", 1280, 720, 4, at(many, when_in(many, "zh-Hans"))},
        {"language_ko_720p", 1280, 720, 4, at(many, when_in(many, "ko"))},
        {"language_ne_720p", 1280, 720, 4, at(many, when_in(many, "ne"))},
        {"language_vi_720p", 1280, 720, 4, at(many, when_in(many, "vi"))},
        {"language_ja_x_easy_720p", 1280, 720, 4,
         at(easy, when_in(easy, "ja-x-easy"), {&replayed})},
        {"staff_stay_facility_open_1080p", 1920, 1080, 4,
         at(stay, when_in(stay, "ja"), {}, &slide)},
    };
}

// The facilities panel (signage_player/facility_panel.h) under a level 4 evacuation order
// at 品川駅港南口: two open, one full, in Japanese and then English beside the Japanese.
std::vector<Case> facility_cases() {
    Alert order = alert(4);
    order.links = {{"site", "https://bousai.example.jp/a/minato-evac-1/", {}}};
    Alert elderly = alert(3);
    elderly.links = order.links;
    using S = ScreenFacility::State;
    auto facility = [](std::string id, LocalizedText name, S state, int taken_in, int capacity,
                       int distance_m) {
        return ScreenFacility{.id = std::move(id),
                              .kind = ScreenFacility::Kind::kStay,
                              .name = std::move(name),
                              .state = state,
                              .taken_in = taken_in,
                              .capacity = capacity,
                              .hazards = {Hazard::kStormSurge, Hazard::kEarthquake},
                              .distance_m = distance_m,
                              .updated = kNow};
    };
    const ScreenFacilities list{
        .location = "shinagawa-konan",
        .version = 3,
        .published = kNow,
        .facilities = {
            facility("konan-elementary", {{"ja", "港南小学校"}}, S::kFull, 400, 400, 350),
            facility("stay-konan",
                     {{"ja", "（例）品川駅港南口 一時滞在施設"},
                      {"en", "(Example) Shinagawa Konan stay facility"}},
                     S::kOpen, 230, 1200, 210),
            facility("konan-junior-high", {{"ja", "港南中学校"}}, S::kOpen, 42, 0, 900),
        }};
    const ContentItem slide{"", "区民まつりのお知らせ / Ward festival", "11月23日（月）"};
    ScreenOptions at_konan;
    at_konan.location = "shinagawa-konan";
    auto with_panel = [&](const Alert& a, const std::string& lang) {
        Screen s = make_alert_screen(a, {}, when_in(a, lang), true, at_konan, &slide);
        s.facilities = make_facility_panel(a, list, s.language);
        EXPECT_TRUE(s.facilities) << lang;
        return s;
    };
    return {
        {"facilities_level4_ja_1080p", 1920, 1080, 4, with_panel(order, "ja")},
        {"facilities_level4_en_1080p", 1920, 1080, 4, with_panel(order, "en")},
        {"facilities_level3_lshape_en_720p", 1280, 720, 4, with_panel(elderly, "en")},
        {"facilities_portrait_1080p_level4_ja", 1080, 1920, 4, with_panel(order, "ja")},
    };
}

fs::path golden_dir() {
    return ALERTHUB_GOLDEN_DIR;
}

bool updating() {
    const char* v = std::getenv("ALERTHUB_UPDATE_GOLDENS");
    return v && std::string(v) == "1";
}

Image render(const Case& c) {
    RendererOptions options;
    options.width = c.width;
    options.height = c.height;
    options.fullscreen = false;
    options.offscreen = true;
    options.font = kDefaultFont;
    options.bold_font = kDefaultBoldFont;
    options.fallback_fonts = DisplayConfig{}.fallback_fonts;
    auto r = SdlRenderer::create(options);
    if (!r) {
        ADD_FAILURE() << r.error().message;
        return {};
    }
    auto& renderer = **r;
    Frame frame = layout_screen(c.screen, renderer.width(), renderer.height(), renderer);
    EXPECT_EQ(renderer.draw(frame), 0) << c.name << ": text outside the window";
    EXPECT_FALSE(frame.truncated) << c.name << ": text cut";
    auto image = renderer.capture();
    if (!image) {
        ADD_FAILURE() << image.error().message;
        return {};
    }
    return reduce(*image, c.reduce_by);
}

class PlayerGolden : public ::testing::TestWithParam<Case> {};

TEST_P(PlayerGolden, MatchesTheGoldenImage) {
    const Case& c = GetParam();
    Image actual = render(c);
    ASSERT_GT(actual.width, 0);
    fs::path golden = golden_dir() / (c.name + ".png");
    if (updating()) {
        ASSERT_TRUE(write_png(actual, golden.string()).ok());
        GTEST_SKIP() << "wrote " << golden;
    }
    auto expected = read_image(golden.string());
    fs::path out = fs::temp_directory_path() / "alerthub-golden";
    fs::create_directories(out);
    fs::path actual_path = out / (c.name + "-actual.png");
    ASSERT_TRUE(expected.ok()) << expected.error().message
                               << "\n(re)generate with: ALERTHUB_UPDATE_GOLDENS=1 ctest -R "
                                  "PlayerGolden (see tests/golden/player/README.md)";
    ASSERT_EQ(expected->width, actual.width);
    ASSERT_EQ(expected->height, actual.height);
    Image diff = actual;
    std::size_t differing = 0;
    for (std::size_t i = 0; i < actual.rgb.size(); i += 3) {
        int worst = 0;
        for (std::size_t k = 0; k < 3; ++k)
            worst = std::max(worst, std::abs(int(actual.rgb[i + k]) - int(expected->rgb[i + k])));
        bool bad = worst > kChannelTolerance;
        differing += bad;
        // The diff image: differing pixels red, the rest a faded copy of the golden.
        for (std::size_t k = 0; k < 3; ++k)
            diff.rgb[i + k] = bad ? (k == 0 ? 255 : 0)
                                  : static_cast<std::uint8_t>(128 + expected->rgb[i + k] / 2);
    }
    double share = static_cast<double>(differing) / (actual.width * actual.height);
    if (share > kMaxDifferingShare) {
        fs::path diff_path = out / (c.name + "-diff.png");
        EXPECT_TRUE(write_png(actual, actual_path.string()).ok());
        EXPECT_TRUE(write_png(diff, diff_path.string()).ok());
        ADD_FAILURE() << c.name << ": " << share * 100 << " % of pixels differ (at most "
                      << kMaxDifferingShare * 100 << " % may)\n  golden: " << golden
                      << "\n  actual: " << actual_path << "\n  diff:   " << diff_path;
    }
}

INSTANTIATE_TEST_SUITE_P(Screens, PlayerGolden, ::testing::ValuesIn(cases()),
                         [](const auto& param_info) { return param_info.param.name; });
INSTANTIATE_TEST_SUITE_P(Facilities, PlayerGolden, ::testing::ValuesIn(facility_cases()),
                         [](const auto& param_info) { return param_info.param.name; });

// The comparison itself: a golden must catch a change of level colour or a moved block.
TEST(PlayerGoldenCompare, ReduceAveragesBlocks) {
    Image in;
    in.width = 4;
    in.height = 2;
    in.rgb = {0, 0, 0, 255, 255, 255, 10, 10, 10, 10, 10, 10,
              0, 0, 0, 255, 255, 255, 10, 10, 10, 30, 30, 30};
    Image out = reduce(in, 2);
    ASSERT_EQ(out.width, 2);
    ASSERT_EQ(out.height, 1);
    EXPECT_EQ(out.pixel(0, 0), (Colour{127, 127, 127}));
    EXPECT_EQ(out.pixel(1, 0), (Colour{15, 15, 15}));
}

}  // namespace
}  // namespace alerthub::player
