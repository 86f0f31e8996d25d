#include "signage_player/screen.h"

#include <gtest/gtest.h>

#include "core/time_format.h"

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

TEST(PlayerPalette, ByWarningLevel) {
    Alert a = evacuation();
    const Colour purple{170, 0, 170};
    EXPECT_EQ(alert_palette(a).background, purple);
    EXPECT_EQ(alert_palette(a).text, (Colour{255, 255, 255}));
    a.level = 2;
    EXPECT_EQ(alert_palette(a).text, (Colour{0, 0, 0}));  // dark on yellow
    a.level = 5;
    auto black = alert_palette(a).background;
    EXPECT_LT(black.r + black.g + black.b, 60);
    a.level = 3;
    EXPECT_GT(alert_palette(a).background.r, 200);
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

TEST(PlayerAlertScreen, CarriesEveryTextInJapaneseAndEnglish) {
    auto s = make_alert_screen(evacuation(), 0, at("2026-11-23T10:07:30+09:00"), true);
    EXPECT_EQ(s.kind, ScreenKind::kAlert);
    EXPECT_EQ(s.alert_id, "minato-2026-0001");
    EXPECT_EQ(s.version, 3);
    EXPECT_EQ(s.band, "警戒レベル4 / Level 4");
    EXPECT_EQ(s.event_name, "避難指示 / Evacuation order");
    EXPECT_EQ(s.headline_ja, "港区に避難指示を発令しました");
    EXPECT_EQ(s.headline_en, "Evacuation order for Minato City");
    EXPECT_EQ(s.instruction_ja, "直ちに避難してください。");
    EXPECT_EQ(s.instruction_en, "Evacuate immediately.");
    EXPECT_EQ(s.issued, "発表 2026-11-23 10:05 JST");
    EXPECT_EQ(s.now_line, "現在 10:07");
    EXPECT_EQ(s.connection, "● 接続中 / Online");
    EXPECT_TRUE(s.drill_band.empty());
    EXPECT_TRUE(s.others_line.empty());
    // The band is the page inverted, so it stands out on any level colour.
    EXPECT_EQ(s.band_background, s.text);
    EXPECT_EQ(s.band_text, s.background);
}

TEST(PlayerAlertScreen, WithoutJapaneseShowsEnglishOnlyAndInventsNothing) {
    Alert a = evacuation();
    a.headline = {{"en", "Severe thunderstorm warning"}};
    a.instruction = {{"en", "Take cover."}};
    a.event_name = {{"en", "Thunderstorm"}};
    auto s = make_alert_screen(a, 0, at("2026-11-23T10:07:00+09:00"), true);
    EXPECT_EQ(s.headline_en, "Severe thunderstorm warning");
    EXPECT_EQ(s.headline_ja, "");
    EXPECT_EQ(s.instruction_ja, "");
    EXPECT_EQ(s.event_name, "Thunderstorm");
}

TEST(PlayerAlertScreen, OtherLanguageOnlyIsShownRatherThanNothing) {
    Alert a = evacuation();
    a.headline = {{"fr", "Vigilance orange"}};
    auto s = make_alert_screen(a, 0, at("2026-11-23T10:07:00+09:00"), true);
    EXPECT_EQ(s.headline_ja, "Vigilance orange");
    EXPECT_EQ(s.headline_en, "");
}

TEST(PlayerAlertScreen, ExerciseAndTestHaveTheirBand) {
    Alert a = evacuation();
    a.status = AlertStatus::kExercise;
    auto s = make_alert_screen(a, 0, at("2026-11-23T10:07:00+09:00"), true);
    EXPECT_NE(s.drill_band.find("訓練 EXERCISE"), std::string::npos);
    a.status = AlertStatus::kTest;
    s = make_alert_screen(a, 0, at("2026-11-23T10:07:00+09:00"), true);
    EXPECT_NE(s.drill_band.find("試験 TEST"), std::string::npos);
}

TEST(PlayerAlertScreen, IssueTimeFallsBackToEffectiveAndOthersAreCounted) {
    Alert a = evacuation();
    a.source.sent = WallTime{};
    a.effective = at("2026-11-23T01:00:00Z");
    auto s = make_alert_screen(a, 2, at("2026-11-23T10:07:00+09:00"), false);
    EXPECT_EQ(s.issued, "発表 2026-11-23 10:00 JST");
    EXPECT_NE(s.others_line.find("2 more alerts"), std::string::npos);
    EXPECT_EQ(s.connection, "○ 未接続 / Offline");
}

TEST(PlayerAlertScreen, HugeTextIsCappedOnACharacterBoundary) {
    Alert a = evacuation();
    std::string huge;
    for (int i = 0; i < 20000; ++i) huge += "避";
    a.description = {{"ja", huge}};
    auto s = make_alert_screen(a, 0, at("2026-11-23T10:07:00+09:00"), true);
    EXPECT_LT(s.description_ja.size(), 9000u);
    EXPECT_EQ(s.description_ja.substr(s.description_ja.size() - 3), "…");
    EXPECT_EQ(s.description_ja.substr(0, 3 * 100), huge.substr(0, 3 * 100));
    // Whole characters only: the text before the ellipsis is a run of 避.
    EXPECT_EQ((s.description_ja.size() - 3) % 3, 0u);
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
