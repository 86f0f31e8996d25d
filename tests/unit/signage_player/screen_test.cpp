#include "signage_player/screen.h"

#include <gtest/gtest.h>

#include "core/base/time_format.h"
#include "core/protocol/alert_text.h"
#include "tests/support/alert_states.h"

namespace alerthub::player {
namespace {

WallTime at(const char* rfc3339) {
    return parse_rfc3339(rfc3339).value();
}

Alert evacuation() {
    Alert a;
    a.id = "minato-2026-0001";
    a.version = 3;
    a.level = 4;
    a.severity = Severity::kSevere;
    a.source.sent = at("2026-11-23T10:05:00+09:00");
    a.event_name = {{"ja", "避難指示"}, {"en", "Evacuation order"}};
    a.headline = {{"ja", "港区に避難指示を発令しました"},
                  {"en", "Evacuation order for Minato City"}};
    a.instruction = {{"ja", "直ちに避難してください。"}, {"en", "Evacuate immediately."}};
    return a;
}

// The languages a screen shows over `periods` consecutive rotation periods.
std::vector<std::string> languages_over(const Alert& a, int periods,
                                        const ScreenOptions& options = {}) {
    std::vector<std::string> seen;
    WallTime t = at("2026-11-23T10:07:00+09:00");
    for (int i = 0; i < periods; ++i)
        seen.push_back(
            make_alert_screen(a, {}, t + i * options.language_period, true, options).language);
    return seen;
}

// The screen at the first moment it shows `lang`.
Screen screen_in(const Alert& a, const std::string& lang, std::vector<const Alert*> others = {}) {
    WallTime t = at("2026-11-23T10:07:00+09:00");
    for (int i = 0; i < 20; ++i) {
        auto s = make_alert_screen(a, others, t + i * std::chrono::seconds(10), true);
        if (s.language == lang) return s;
    }
    ADD_FAILURE() << "never shown in " << lang;
    return {};
}

TEST(PlayerPalette, ByWarningLevel) {
    Alert a = evacuation();
    const Colour purple{170, 0, 170};
    EXPECT_EQ(alert_palette(a).background, purple);
    EXPECT_EQ(alert_palette(a).text, (Colour{255, 255, 255}));
    a.level = 2;
    EXPECT_EQ(alert_palette(a).background, (Colour{242, 231, 0}));
    EXPECT_EQ(alert_palette(a).text, (Colour{0, 0, 0}));  // dark on yellow
    a.level = 5;
    auto black = alert_palette(a).background;
    EXPECT_LT(black.r + black.g + black.b, 60);
    a.level = 3;
    EXPECT_EQ(alert_palette(a).background, (Colour{255, 40, 0}));
    EXPECT_EQ(alert_palette(a).text, (Colour{0, 0, 0}));  // white on this red is 3.8:1
    a.level = 1;
    EXPECT_EQ(alert_palette(a).background, (Colour{255, 255, 255}));
}

TEST(PlayerPalette, BySeverityWithoutLevel) {
    Alert a = evacuation();
    a.level.reset();
    a.severity = Severity::kExtreme;
    EXPECT_LT(alert_palette(a).background.r, 128);
    EXPECT_EQ(band_label(a), "緊急 / EXTREME");
    a.severity = Severity::kSevere;
    EXPECT_EQ(band_label(a), "警報 / WARNING");
    a.severity = Severity::kModerate;
    EXPECT_EQ(band_label(a), "注意報 / ADVISORY");
    EXPECT_EQ(alert_palette(a).text, (Colour{0, 0, 0}));
    a.severity = Severity::kMinor;
    EXPECT_EQ(band_label(a), "情報 / INFORMATION");
}

TEST(PlayerPalette, TheWardsOwnNoticesAreLabelledByTheirKind) {
    // 一時滞在施設開設 is no 注意報: a staff notice without a level is named for what it is.
    Alert a = evacuation();
    a.level.reset();
    a.severity = Severity::kModerate;
    a.source.kind = SourceKind::kStaff;
    a.event_code = "alerthub:stay_facility_open";
    a.event_name = {{"ja", "一時滞在施設開設"},
                    {"en", "Temporary stay facilities open"},
                    {"ko", "일시 체류 시설 개설"}};
    EXPECT_EQ(band_label(a), "一時滞在施設開設 / Temporary stay facilities open");
    a.event_name.erase("en");
    EXPECT_EQ(band_label(a), "一時滞在施設開設");
    // With a level, the level leads as before.
    a.level = 4;
    EXPECT_EQ(band_label(a), "警戒レベル4 / Level 4");
}

TEST(PlayerContrast, WcagFormulaGivesKnownValues) {
    EXPECT_NEAR(contrast_ratio({0, 0, 0}, {255, 255, 255}), 21.0, 1e-9);
    EXPECT_NEAR(contrast_ratio({255, 255, 255}, {255, 255, 255}), 1.0, 1e-9);
    EXPECT_NEAR(relative_luminance({255, 0, 0}), 0.2126, 1e-9);
    // #767676 on white is the classic just-passing AA grey (4.54:1).
    EXPECT_NEAR(contrast_ratio({118, 118, 118}, {255, 255, 255}), 4.54, 0.01);
    EXPECT_NEAR(contrast_ratio({255, 40, 0}, {255, 255, 255}), 3.78, 0.01);
}

TEST(PlayerContrast, EveryTextOnEveryBackgroundIsAtLeastFourAndAHalfToOne) {
    Alert a = evacuation();
    auto check = [](Colour bg, Colour fg, const std::string& what) {
        EXPECT_GE(contrast_ratio(bg, fg), kMinContrast) << what;
    };
    for (int level = 1; level <= 5; ++level) {
        a.level = level;
        auto s = make_alert_screen(a, {}, at("2026-11-23T10:07:00+09:00"), true);
        check(s.background, s.text, "page, level " + std::to_string(level));
        check(s.band_background, s.band_text, "band, level " + std::to_string(level));
    }
    a.level.reset();
    for (auto sev : {Severity::kExtreme, Severity::kSevere, Severity::kModerate, Severity::kMinor,
                     Severity::kUnknown}) {
        a.severity = sev;
        auto p = alert_palette(a);
        check(p.background, p.text, "severity " + to_string(sev));
    }
    check(kDrillBandColour, kDrillTextColour, "drill band");
    check(kIdleBackground, kIdleText, "idle and content area");
    check(kStaleBackground, kStaleText, "stale strip");
}

TEST(PlayerAlertLayout, ByUrgency) {
    Alert a = evacuation();
    for (int level : {4, 5}) {
        a.level = level;
        EXPECT_EQ(alert_layout(a), AlertLayout::kTakeover) << level;
    }
    a.severity = Severity::kModerate;
    a.level = 3;
    EXPECT_EQ(alert_layout(a), AlertLayout::kLShape);
    a.level = 2;
    EXPECT_EQ(alert_layout(a), AlertLayout::kBanner);
    a.level = 1;
    EXPECT_EQ(alert_layout(a), AlertLayout::kBanner);
    a.severity = Severity::kExtreme;  // extreme takes the screen whatever the level says
    EXPECT_EQ(alert_layout(a), AlertLayout::kTakeover);
    a.level.reset();
    EXPECT_EQ(alert_layout(a), AlertLayout::kTakeover);
    a.severity = Severity::kSevere;
    EXPECT_EQ(alert_layout(a), AlertLayout::kTakeover);
    a.severity = Severity::kModerate;
    EXPECT_EQ(alert_layout(a), AlertLayout::kLShape);
    a.severity = Severity::kMinor;
    EXPECT_EQ(alert_layout(a), AlertLayout::kBanner);
    EXPECT_EQ(make_alert_screen(a, {}, at("2026-11-23T10:07:00+09:00"), true).layout,
              AlertLayout::kBanner);
}

TEST(PlayerAlertScreen, CarriesTheTextsOneLanguageAtATime) {
    Alert a = evacuation();
    auto ja = screen_in(a, "ja");
    EXPECT_EQ(ja.kind, ScreenKind::kAlert);
    EXPECT_EQ(ja.alert_id, "minato-2026-0001");
    EXPECT_EQ(ja.version, 3);
    EXPECT_EQ(ja.band, "警戒レベル4 / Level 4");
    EXPECT_EQ(ja.level, "4");
    EXPECT_EQ(ja.event_name, "避難指示");
    EXPECT_EQ(ja.headline, "港区に避難指示を発令しました");
    EXPECT_EQ(ja.instruction, "直ちに避難してください。");
    EXPECT_EQ(ja.language_label, "日本語 1/2");
    EXPECT_EQ(ja.issued, "発表 2026-11-23 10:05 JST");
    EXPECT_EQ(ja.connection, "● 接続中 / Online");
    EXPECT_TRUE(ja.drill_band.empty());
    EXPECT_TRUE(ja.others_line.empty());
    // The band is the page inverted, so it stands out on any level colour.
    EXPECT_EQ(ja.band_background, ja.text);
    EXPECT_EQ(ja.band_text, ja.background);

    auto en = screen_in(a, "en");
    EXPECT_EQ(en.headline, "Evacuation order for Minato City");
    EXPECT_EQ(en.instruction, "Evacuate immediately.");
    EXPECT_EQ(en.language_label, "English 2/2");
    EXPECT_EQ(en.band, ja.band);  // the level stays bilingual whatever the language
}

TEST(PlayerAlertScreen, RotatesInTheConfiguredOrderThenTheAlertsOtherLanguages) {
    Alert a = evacuation();
    a.headline["ko"] = "미나토구 대피 지시";
    a.headline["zh-Hans"] = "港区发布避难指示";
    a.headline["ja-x-easy"] = "みなとくで にげてください";
    a.headline["vi"] = "Lệnh sơ tán";
    a.headline["ne"] = "खाली गर्ने आदेश";
    a.headline["fr"] = "";  // empty text is no language
    // Started when the alert came on screen: Japanese first, then each in turn.
    ScreenOptions started;
    started.rotation_started = at("2026-11-23T10:07:00+09:00");
    auto seen = languages_over(a, 14, started);
    const std::vector<std::string> order = {"ja", "en", "zh-Hans", "ko", "ja-x-easy", "ne", "vi"};
    for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], order[i % order.size()]) << i;

    ScreenOptions options;
    options.languages = {"en", "ja"};
    options.language_period = std::chrono::seconds(30);
    EXPECT_EQ(rotation_languages(a, options.languages),
              (std::vector<std::string>{"en", "ja", "ja-x-easy", "ko", "ne", "vi", "zh-Hans"}));
    // The language holds for the whole period.
    auto s1 = make_alert_screen(a, {}, at("2026-11-23T10:07:00+09:00"), true, options);
    auto s2 = make_alert_screen(a, {}, at("2026-11-23T10:07:29+09:00"), true, options);
    EXPECT_EQ(s1.language, s2.language);
}

TEST(PlayerLanguageRotation, StartsAtTheFirstLanguageWhateverTheClock) {
    const WallTime start = at("2026-11-23T10:07:03+09:00");  // not on a period boundary
    const std::chrono::seconds period(10);
    EXPECT_EQ(rotation_index(start, start, period, 3), 0u);
    EXPECT_EQ(rotation_index(start, start + std::chrono::milliseconds(9999), period, 3), 0u);
    EXPECT_EQ(rotation_index(start, start + period, period, 3), 1u);
    EXPECT_EQ(rotation_index(start, start + 2 * period, period, 3), 2u);
    EXPECT_EQ(rotation_index(start, start + 3 * period, period, 3), 0u);
    EXPECT_EQ(rotation_index(start, start - period, period, 3), 0u);  // the clock stepped back
    EXPECT_EQ(rotation_index(start, start + period, period, 0), 0u);
    // At any moment of the day a screen started then shows Japanese.
    Alert a = evacuation();
    for (int s = 0; s < 60; s += 7) {
        ScreenOptions options;
        options.rotation_started = start + std::chrono::seconds(s);
        EXPECT_EQ(make_alert_screen(a, {}, options.rotation_started, true, options).language, "ja")
            << s;
    }
}

TEST(PlayerLanguageRotation, RestartsForANewAlertOrANewTextNotForAnUnchangedVersion) {
    Alert a = evacuation();
    const WallTime t0 = at("2026-11-23T10:07:00+09:00");
    LanguageRotation r;
    r.follow(a, t0);
    EXPECT_EQ(r.started, t0);
    r.follow(a, t0 + std::chrono::seconds(25));
    EXPECT_EQ(r.started, t0);  // the same alert: the rotation goes on

    Alert later = a;
    later.version = 4;
    later.expires = t0 + std::chrono::hours(6);  // nothing the screen shows
    r.follow(later, t0 + std::chrono::seconds(30));
    EXPECT_EQ(r.started, t0);

    Alert raised = later;
    raised.version = 5;
    raised.level = 5;
    r.follow(raised, t0 + std::chrono::seconds(40));
    EXPECT_EQ(r.started, t0 + std::chrono::seconds(40));

    Alert retold = raised;
    retold.version = 6;
    retold.instruction["en"] = "Go to the upper floors now.";
    r.follow(retold, t0 + std::chrono::seconds(50));
    EXPECT_EQ(r.started, t0 + std::chrono::seconds(50));

    Alert other = retold;
    other.id = "minato-2026-0002";
    r.follow(other, t0 + std::chrono::seconds(55));
    EXPECT_EQ(r.started, t0 + std::chrono::seconds(55));
}

TEST(PlayerAlertScreen, TheDescriptionIsOnlyInThePagesLanguage) {
    Alert a = evacuation();
    a.description = {{"ja", "気象庁の本文。"}, {"en", "The body in English."}};
    a.headline["zh-Hans"] = "港区发布避难指示";
    EXPECT_EQ(screen_in(a, "ja").description, "気象庁の本文。");
    EXPECT_EQ(screen_in(a, "en").description, "The body in English.");
    EXPECT_EQ(screen_in(a, "zh-Hans").description, "");  // never the Japanese body
    // Where the rest of a cut description is: the QR code's link, in the page's language.
    a.links = {{"web", "https://www.jma.go.jp/bosai/warning/", {}}};
    EXPECT_EQ(screen_in(a, "ja").description_more, "（続きはQRコードのリンク先でご覧ください）");
    EXPECT_EQ(screen_in(a, "en").description_more, "(Full text: scan the QR code)");
}

TEST(PlayerAlertScreen, AFieldMissingInALanguageFallsBackToJapanese) {
    Alert a = evacuation();
    a.headline["zh-Hans"] = "港区发布避难指示";
    auto zh = screen_in(a, "zh-Hans");
    EXPECT_EQ(zh.headline, "港区发布避难指示");
    EXPECT_EQ(zh.instruction, "直ちに避難してください。");  // rather than no instruction
    EXPECT_EQ(zh.language_label, "简体中文 3/3");
}

TEST(PlayerAlertScreen, WithoutJapaneseShowsEnglishOnlyAndInventsNothing) {
    Alert a = evacuation();
    a.headline = {{"en", "Severe thunderstorm warning"}};
    a.instruction = {{"en", "Take cover."}};
    a.event_name = {{"en", "Thunderstorm"}};
    EXPECT_EQ(languages_over(a, 3), (std::vector<std::string>{"en", "en", "en"}));
    auto s = make_alert_screen(a, {}, at("2026-11-23T10:07:00+09:00"), true);
    EXPECT_EQ(s.headline, "Severe thunderstorm warning");
    EXPECT_EQ(s.event_name, "Thunderstorm");
    EXPECT_EQ(s.language_label, "");  // one language: nothing rotates
}

TEST(PlayerAlertScreen, OtherLanguageOnlyIsShownRatherThanNothing) {
    Alert a = evacuation();
    a.headline = {{"fr", "Vigilance orange"}};
    a.instruction.clear();
    a.event_name.clear();
    auto s = make_alert_screen(a, {}, at("2026-11-23T10:07:00+09:00"), true);
    EXPECT_EQ(s.language, "fr");
    EXPECT_EQ(s.headline, "Vigilance orange");
}

TEST(PlayerAlertScreen, ExerciseAndTestAreMarked) {
    Alert a = evacuation();
    a.status = AlertStatus::kExercise;
    auto s = make_alert_screen(a, {}, at("2026-11-23T10:07:00+09:00"), true);
    EXPECT_NE(s.drill_band.find("訓練 EXERCISE"), std::string::npos);
    EXPECT_EQ(s.drill_mark, "訓練 EXERCISE");
    a.status = AlertStatus::kTest;
    s = make_alert_screen(a, {}, at("2026-11-23T10:07:00+09:00"), true);
    EXPECT_NE(s.drill_band.find("試験 TEST"), std::string::npos);
    EXPECT_EQ(s.drill_mark, "試験 TEST");
}

TEST(PlayerAlertScreen, AnExerciseSaysSoInThePagesOwnLanguage) {
    Alert a = evacuation();
    a.status = AlertStatus::kExercise;
    a.headline = {{"ko", "[경계 레벨 4] 대피 지시"}};
    a.instruction.clear();
    a.event_name.clear();
    auto s = make_alert_screen(a, {}, at("2026-11-23T10:07:00+09:00"), true);
    ASSERT_EQ(s.language, "ko");
    EXPECT_EQ(s.drill_band,
              "訓練 EXERCISE　これは訓練です / This is an exercise / 이것은 훈련입니다");
}

TEST(PlayerAlertScreen, IssueTimeFallsBackToEffectiveAndOthersAreListed) {
    Alert a = evacuation();
    a.source.sent = WallTime{};
    a.effective = at("2026-11-23T01:00:00Z");
    Alert landslide = evacuation();
    landslide.level = 3;
    landslide.event_name = {{"ja", "高齢者等避難"}, {"en", "Elderly evacuate"}};
    Alert drill = evacuation();
    drill.level.reset();
    drill.severity = Severity::kModerate;
    drill.status = AlertStatus::kExercise;
    drill.event_name = {{"en", "Flood drill"}};
    std::vector<const Alert*> others = {&landslide, &drill, &drill, &drill, &drill};
    auto s = make_alert_screen(a, others, at("2026-11-23T10:07:00+09:00"), false);
    EXPECT_EQ(s.issued, "発表 2026-11-23 10:00 JST");
    EXPECT_NE(s.others_line.find("5 more alerts"), std::string::npos);
    ASSERT_EQ(s.others.size(), kMaxOthersListed + 1);
    EXPECT_EQ(s.others[0], "警戒レベル3 高齢者等避難");
    EXPECT_EQ(s.others[1], "［訓練］注意報 Flood drill");
    EXPECT_EQ(s.others[3], "ほか 2 件 / 2 more");
    EXPECT_EQ(s.connection, "○ 未接続 / Offline");
}

// A replay (hub/policy/freshness.h: every headline starts with its language's mark: 【再送】,
// "[REPLAY] ", "[재전송] ") named in the list of other alerts keeps its mark, in the language the
// name is in, however the name is found; an alert that is no replay gets none.
TEST(PlayerAlertScreen, OtherAlertsKeepTheReplayMarkOfTheirHeadlines) {
    Alert replay = evacuation();
    replay.level = 3;
    replay.headline = {{"ja", "【再送】港区に高齢者等避難"},
                       {"en", "[REPLAY] Elderly evacuate in Minato City"},
                       {"ko", "[재전송] 미나토구 고령자 등 대피"}};
    Alert english = evacuation();
    english.level.reset();
    english.event_name = {{"en", "Flood warning"}};
    english.headline = {{"en", "[REPLAY] Flood warning for Minato City"}};
    Alert korean = english;
    korean.event_name = {{"ko", "홍수 경보"}};
    korean.headline = {{"ko", "[재전송] 미나토구 홍수 경보"}};
    Alert headline_only = evacuation();
    headline_only.event_name.clear();
    headline_only.headline = {{"ja", "【再送】芝浦一丁目に避難指示"}};
    Alert news = evacuation();
    news.level = 3;
    Alert drill = replay;
    drill.status = AlertStatus::kExercise;

    auto s =
        make_alert_screen(evacuation(), {&replay, &english, &korean, &headline_only, &news, &drill},
                          at("2026-11-23T10:07:00+09:00"), true);
    // Only the first kMaxOthersListed are listed: list them in groups.
    EXPECT_EQ(s.others.at(0), "【再送】警戒レベル3 避難指示");
    EXPECT_EQ(s.others.at(1), "[REPLAY] 警報 Flood warning");
    EXPECT_EQ(s.others.at(2), "[재전송] 警報 홍수 경보");
    auto rest = make_alert_screen(evacuation(), {&headline_only, &news, &drill},
                                  at("2026-11-23T10:07:00+09:00"), true);
    EXPECT_EQ(rest.others.at(0), "【再送】警戒レベル4 芝浦一丁目に避難指示");  // not twice
    EXPECT_EQ(rest.others.at(1), "警戒レベル3 避難指示");
    EXPECT_EQ(rest.others.at(2), "［訓練］【再送】警戒レベル3 避難指示");

    // The alert itself keeps it in every language it rotates through.
    for (const std::string lang : {"ja", "en", "ko"})
        EXPECT_TRUE(screen_in(replay, lang).headline.starts_with(replay_mark(lang))) << lang;
}

// Issue 14, on screens: an exercise says so in the page's language (beside Japanese and
// English), a replay's headline keeps its mark and an update's headline opens with it, in each
// of the nine languages. (Cancelled, lifted and expired alerts leave the screen: AlertStore.)
TEST(PlayerAlertScreen, AnExerciseAReplayAndAnUpdateSayWhatTheyAreInEveryLanguage) {
    using alerthub::testing::kStateWords;
    const auto states = alerthub::testing::alert_states(alerthub::testing::nine_language_order());
    auto state = [&](const std::string& name) {
        for (const auto& [n, a] : states)
            if (n == name) return a;
        ADD_FAILURE() << name;
        return Alert{};
    };
    const Alert exercise = state("exercise");
    const Alert replay = state("replay");
    const Alert actual = state("actual");
    const Alert update = state("update");
    Alert console_update = update;  // the console marks its own updates' headlines
    for (auto& [lang, text] : console_update.headline) text = update_mark(lang) + text;
    for (const auto& lang : alerthub::testing::kNineLanguages) {
        SCOPED_TRACE(lang);
        const Screen drill = screen_in(exercise, lang);
        EXPECT_EQ(drill.drill_mark, "訓練 EXERCISE");
        EXPECT_NE(drill.drill_band.find(drill_notice(exercise, lang)), std::string::npos)
            << drill.drill_band;
        EXPECT_TRUE(screen_in(actual, lang).drill_band.empty());
        const Screen replayed = screen_in(replay, lang);
        EXPECT_TRUE(replayed.headline.starts_with(kStateWords.at(lang).at("replay")))
            << replayed.headline;
        EXPECT_FALSE(screen_in(actual, lang).headline.starts_with(replay_mark(lang)));
        const std::string updated = screen_in(update, lang).headline;
        EXPECT_TRUE(updated.starts_with(kStateWords.at(lang).at("update"))) << updated;
        EXPECT_EQ(screen_in(console_update, lang).headline, updated) << "marked once";
        EXPECT_FALSE(screen_in(actual, lang).headline.starts_with(update_mark(lang)));
    }
}

TEST(PlayerAlertScreen, AStaffNoticeInTheOtherAlertsIsNamedOnce) {
    Alert stay;
    stay.source.kind = SourceKind::kStaff;
    stay.event_code = "alerthub:stay_facility_open";
    stay.severity = Severity::kModerate;
    stay.event_name = {{"ja", "一時滞在施設開設"}, {"en", "Temporary stay facilities open"}};
    stay.headline = {{"ja", "【帰宅困難者】一時滞在施設を開設しました: 港区立エコプラザ"}};
    auto s = make_alert_screen(evacuation(), {&stay}, at("2026-11-23T10:07:00+09:00"), true);
    ASSERT_EQ(s.others.size(), 1u);
    EXPECT_EQ(s.others[0], "一時滞在施設開設");
    // On its own screen the band names it too (not 注意報 / ADVISORY).
    EXPECT_EQ(make_alert_screen(stay, {}, at("2026-11-23T10:07:00+09:00"), true).band,
              "一時滞在施設開設 / Temporary stay facilities open");
}

TEST(PlayerAlertScreen, TheShelterMapLinkBecomesAQrCode) {
    Alert a = evacuation();
    a.links = {{"web", "https://www.city.minato.tokyo.jp/", {}},
               {"shelter_map",
                "https://www.city.minato.tokyo.jp/bousai/map.html",
                {{"ja", "避難所マップ"}}},
               {"stay_facility", "https://example.jp/stay", {}}};
    auto s = make_alert_screen(a, {}, at("2026-11-23T10:07:00+09:00"), true);
    EXPECT_EQ(s.link_url, "https://www.city.minato.tokyo.jp/bousai/map.html");
    EXPECT_EQ(s.link_title, "避難所マップ");
    auto qr = encode_qr(s.link_url);
    ASSERT_TRUE(qr.ok());
    EXPECT_EQ(s.qr, *qr);
    EXPECT_FALSE(s.qr.empty());

    a.links.erase(a.links.begin() + 1);
    EXPECT_EQ(qr_link(a)->rel, "stay_facility");
    EXPECT_EQ(make_alert_screen(a, {}, at("2026-11-23T10:07:00+09:00"), true).link_title,
              "一時滞在施設 / Temporary stay facilities");
    // Only web links: a phone must never be sent to another kind of URI.
    a.links = {{"shelter_map", "javascript:alert(1)", {}}, {"web", "tel:0335781111", {}}};
    EXPECT_EQ(qr_link(a), nullptr);
    auto none = make_alert_screen(a, {}, at("2026-11-23T10:07:00+09:00"), true);
    EXPECT_TRUE(none.link_url.empty());
    EXPECT_TRUE(none.qr.empty());
}

TEST(PlayerAlertScreen, ATooLongLinkIsPrintedWithoutACode) {
    Alert a = evacuation();
    a.links = {{"web", "https://example.jp/" + std::string(400, 'a'), {}}};
    auto s = make_alert_screen(a, {}, at("2026-11-23T10:07:00+09:00"), true);
    EXPECT_EQ(s.link_url, a.links[0].url);
    EXPECT_TRUE(s.qr.empty());
}

TEST(PlayerAlertScreen, CarriesTheContentItem) {
    ContentItem item{"", "区からのお知らせ", "本日は晴れ"};
    auto s = make_alert_screen(evacuation(), {}, at("2026-11-23T10:07:00+09:00"), true, {}, &item);
    ASSERT_TRUE(s.content);
    EXPECT_EQ(*s.content, item);
    EXPECT_EQ(s.clock, "10:07");  // the clock panel of the content area
    EXPECT_FALSE(
        make_alert_screen(evacuation(), {}, at("2026-11-23T10:07:00+09:00"), true).content);
}

TEST(PlayerAlertScreen, HugeTextIsCappedOnACharacterBoundary) {
    Alert a = evacuation();
    std::string huge;
    for (int i = 0; i < 20000; ++i) huge += "避";
    a.description = {{"ja", huge}};
    auto s = screen_in(a, "ja");
    EXPECT_LT(s.description.size(), 9000u);
    EXPECT_EQ(s.description.substr(s.description.size() - 3), "…");
    EXPECT_EQ(s.description.substr(0, 3 * 100), huge.substr(0, 3 * 100));
    // Whole characters only: the text before the ellipsis is a run of 避.
    EXPECT_EQ((s.description.size() - 3) % 3, 0u);
}

TEST(PlayerLanguageName, KnownAndUnknownTags) {
    EXPECT_EQ(language_name("ja-x-easy"), "やさしい日本語");
    EXPECT_EQ(language_name("ne"), "नेपाली");
    EXPECT_EQ(language_name("sw"), "sw");
}

TEST(PlayerIdleScreen, ShowsWardClockDateAndConnection) {
    auto s = make_idle_screen("港区", at("2026-11-23T01:05:59Z"), true);
    EXPECT_EQ(s.kind, ScreenKind::kIdle);
    EXPECT_EQ(s.ward_name, "港区");
    EXPECT_EQ(s.title, "防災情報 / Disaster information");
    EXPECT_EQ(s.clock, "10:05");
    EXPECT_EQ(s.date, "2026年11月23日（月）");
    EXPECT_EQ(s.connection, "● 接続中 / Online");
    auto offline = make_idle_screen("港区", at("2026-11-23T01:05:59Z"), false);
    EXPECT_EQ(offline.connection, "○ 未接続 / Offline");
    EXPECT_NE(offline.note, s.note);  // offline we do not claim that nothing is in force
}

TEST(PlayerIdleScreen, ChangesOnlyWhenTheMinuteChanges) {
    auto a = make_idle_screen("港区", at("2026-11-23T10:05:00+09:00"), true);
    auto b = make_idle_screen("港区", at("2026-11-23T10:05:59+09:00"), true);
    auto c = make_idle_screen("港区", at("2026-11-23T10:06:00+09:00"), true);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
}

TEST(PlayerJstDate, CrossesMidnightInJst) {
    EXPECT_EQ(format_jst_date(at("2026-12-31T15:00:00Z")), "2027年1月1日（金）");
    EXPECT_EQ(format_jst_date(at("2026-12-31T14:59:59Z")), "2026年12月31日（木）");
}

}  // namespace
}  // namespace alerthub::player
