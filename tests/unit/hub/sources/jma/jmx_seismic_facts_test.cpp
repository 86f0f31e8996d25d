// The place-by-place facts parse_jmx reads from earthquake, EEW, tsunami and notice telegrams
// (hub/sources/jma/jmx_seismic_facts.h), pinned on real fixtures: every value below was read
// off the XML by eye.

#include <gtest/gtest.h>

#include <algorithm>

#include "core/base/time_format.h"
#include "hub/sources/jma/jmx_parser.h"
#include "hub/sources/jma/jmx_seismic_facts.h"
#include "hub/sources/source_reader.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using testing::fixtures_dir;
using testing::read_file;

constexpr std::size_t kMaxBytes = 1 << 22;

JmxFacts facts_of(const std::string& rel) {
    auto doc = read_source_document(read_file(fixtures_dir() / "jma" / rel), kMaxBytes,
                                    SourceFormat::kJma);
    EXPECT_TRUE(doc.ok()) << rel << ": " << doc.error().message;
    if (!doc.ok() || !doc->jma) return {};
    return *doc->jma;
}

const JmxTsunamiRegion* region(const JmxFacts& f, std::string_view code) {
    for (const auto& r : f.tsunami)
        if (r.place.code == code) return &r;
    return nullptr;
}

TEST(JmxSeismicFactsTest, TsunamiForecastEveryRegionWithItsGrade) {
    auto f = facts_of("tsunami/32-39_11_02_250206_VTSE41.xml");
    EXPECT_EQ(f.type_code, "VTSE41");
    EXPECT_EQ(f.info_kind, "津波警報・注意報・予報");
    EXPECT_EQ(f.info_type, "発表");
    EXPECT_TRUE(f.headline.starts_with("東日本大震災クラスの津波が来襲します。"));
    auto iwate = region(f, "210");
    ASSERT_NE(iwate, nullptr);
    EXPECT_EQ(iwate->grade_code, "53");
    EXPECT_EQ(iwate->grade_name, "大津波警報");  // "：発表" dropped
    EXPECT_TRUE(iwate->in_force);
    EXPECT_FALSE(iwate->first_wave.has_value());
    EXPECT_EQ(iwate->first_wave_condition, "津波到達中と推測");
    EXPECT_EQ(iwate->max_height, "巨大");
    auto miyagi = region(f, "220");
    ASSERT_NE(miyagi, nullptr);
    ASSERT_TRUE(miyagi->first_wave.has_value());
    EXPECT_EQ(format_rfc3339_jst(*miyagi->first_wave), "2011-03-11T15:00:00+09:00");
    auto bay = region(f, "312");
    ASSERT_NE(bay, nullptr);
    EXPECT_EQ(bay->place.name, "東京湾内湾");
    EXPECT_EQ(bay->grade_code, "71");
    EXPECT_EQ(bay->grade_name, "津波予報（若干の海面変動）");
    EXPECT_TRUE(bay->in_force);
    EXPECT_EQ(bay->max_height, "");
    ASSERT_TRUE(f.quake.has_value());
    EXPECT_EQ(f.quake->hypocenter, "三陸沖");
    EXPECT_EQ(f.quake->magnitude, "Ｍ８を超える巨大地震");
}

TEST(JmxSeismicFactsTest, TsunamiInformationAddsTheObservations) {
    // 2025-07 カムチャツカ: 東京湾内湾 津波注意報 1m, 東京晴海 observed 0.5 m or more.
    auto f = facts_of("tsunami/38_01_01_250710_VTSE51.xml");
    EXPECT_EQ(f.type_code, "VTSE51");
    auto bay = region(f, "312");
    ASSERT_NE(bay, nullptr);
    EXPECT_EQ(bay->grade_code, "62");
    EXPECT_EQ(bay->grade_name, "津波注意報");
    EXPECT_EQ(bay->max_height, "１ｍ");
    EXPECT_EQ(bay->first_wave_condition, "津波到達中と推測");
    EXPECT_EQ(bay->observed, "東京晴海 ０．５ｍ以上");
}

TEST(JmxSeismicFactsTest, IntensitiesAtEveryTier) {
    auto f = facts_of("earthquake/32-35_07_01_100915_VXSE51.xml");
    ASSERT_TRUE(f.quake.has_value());
    EXPECT_EQ(f.quake->max_intensity, "6-");
    auto find = [&](std::string_view code) {
        return std::find_if(f.intensities.begin(), f.intensities.end(),
                            [&](const auto& i) { return i.place.code == code; });
    };
    auto tokyo = find("13");
    ASSERT_NE(tokyo, f.intensities.end());
    EXPECT_EQ(tokyo->tier, JmxIntensityPlace::Tier::kPref);
    EXPECT_EQ(tokyo->intensity, "4");
    auto wards = find("350");
    ASSERT_NE(wards, f.intensities.end());
    EXPECT_EQ(wards->tier, JmxIntensityPlace::Tier::kArea);
    EXPECT_EQ(wards->place.name, "東京都２３区");
    EXPECT_EQ(wards->intensity, "4");
    EXPECT_EQ(find("442")->intensity, "6-");

    auto detailed = facts_of("earthquake/32-35_08_07_240613_VXSE53.xml");
    auto minato = std::find_if(detailed.intensities.begin(), detailed.intensities.end(),
                               [](const auto& i) { return i.place.code == "1310300"; });
    ASSERT_NE(minato, detailed.intensities.end());
    EXPECT_EQ(minato->tier, JmxIntensityPlace::Tier::kCity);
    EXPECT_EQ(minato->place.name, "東京港区");
    EXPECT_EQ(minato->intensity, "1");
    ASSERT_TRUE(detailed.quake.has_value());
    EXPECT_TRUE(detailed.quake->origin_time.has_value());
    EXPECT_FALSE(detailed.quake->hypocenter.empty());
}

TEST(JmxSeismicFactsTest, EewAreasWithForecastAndArrival) {
    auto f = facts_of("eew/37_01_01_240613_VXSE43.xml");
    ASSERT_EQ(f.eew.size(), 9u);
    const auto& nanyo = f.eew[0];
    EXPECT_EQ(nanyo.place, (JmxPlace{"622", "愛媛県南予"}));
    EXPECT_EQ(nanyo.intensity_from, "5-");
    EXPECT_EQ(nanyo.intensity_to, "5-");
    EXPECT_FALSE(nanyo.arrival.has_value());
    EXPECT_EQ(nanyo.arrival_condition, "既に主要動到達と推測");
    EXPECT_TRUE(nanyo.warning);
    const auto& kochi = f.eew[1];
    EXPECT_EQ(kochi.place.code, "632");
    ASSERT_TRUE(kochi.arrival.has_value());
    EXPECT_EQ(format_rfc3339_jst(*kochi.arrival), "2024-04-17T23:15:02+09:00");
    ASSERT_TRUE(f.quake.has_value());
    EXPECT_EQ(f.quake->hypocenter, "豊後水道");
    EXPECT_EQ(f.quake->magnitude, "Ｍ５．８");

    // 予報: 予報 areas (Kind 00) are not warning areas.
    auto forecast = facts_of("eew/36_01_10_240613_VXSE44.xml");
    auto n_warning = std::count_if(forecast.eew.begin(), forecast.eew.end(),
                                   [](const auto& a) { return a.warning; });
    EXPECT_EQ(n_warning, 9);
    EXPECT_GT(forecast.eew.size(), 9u);
}

TEST(JmxSeismicFactsTest, SpecialWarningNoticeAndEruptionFlashNameMunicipalities) {
    auto notice = facts_of("warning/62_01_01_130412_VPNO50.xml");
    ASSERT_FALSE(notice.items.empty());
    EXPECT_EQ(notice.items[0].places[0], (JmxPlace{"2920100", "奈良市"}));
    ASSERT_EQ(notice.items[0].kinds.size(), 1u);
    EXPECT_EQ(notice.items[0].kinds[0].name, "大雨特別警報");
    EXPECT_TRUE(notice.items[0].kinds[0].in_force);
    EXPECT_EQ(notice.items[0].kinds[0].level, 5);
    auto lifted = facts_of("warning/62_01_05_130412_VPNO50.xml");
    ASSERT_EQ(lifted.items.size(), 1u);
    EXPECT_FALSE(lifted.items[0].kinds[0].in_force);

    auto flash = facts_of("volcano/67_01_01_140927_VFVO56.xml");
    ASSERT_EQ(flash.items.size(), 1u);
    // The municipalities, never the volcano's own code (火山名 312 御嶽山, not 東京湾内湾).
    ASSERT_EQ(flash.items[0].places.size(), 4u);
    EXPECT_EQ(flash.items[0].places[0].code, "2042900");
    for (const auto& p : flash.items[0].places) EXPECT_NE(p.code, "312");
    EXPECT_EQ(flash.items[0].kinds[0].code, "52");
    EXPECT_EQ(flash.items[0].kinds[0].certainty, Certainty::kObserved);
}

TEST(JmxSeismicFactsTest, NewTypesAreReadWithTheirEventCodes) {
    struct Row {
        const char* file;
        const char* kind;
        const char* event_code;
    };
    const Row rows[] = {
        {"tsunami/38_01_01_250710_VTSE51.xml", "VTSE51", "VTSE51:53"},
        {"eew/77_01_10_240613_VXSE45.xml", "VXSE45", "VXSE45"},
        {"earthquake/74_01_01_200512_VYSE50.xml", "VYSE50", "VYSE50:investigating"},
        {"earthquake/75_01_01_200512_VYSE51.xml", "VYSE51", "VYSE51"},
        {"earthquake/75_01_04_200512_VYSE52.xml", "VYSE52", "VYSE52"},
        {"earthquake/80_01_01_240821_VYSE60.xml", "VYSE60", "VYSE60"},
        {"volcano/67_01_01_140927_VFVO56.xml", "VFVO56", "VFVO56:52"},
        {"volcano/67_01_03_140927_VFVO56.xml", "VFVO56", "VFVO56:62"},
        {"warning/62_01_01_130412_VPNO50.xml", "VPNO50", "VPNO50:33"},
        {"warning/62_01_05_130412_VPNO50.xml", "VPNO50", "VPNO50:00"},
    };
    std::vector<std::string> known;
    for (const auto& e : jmx_event_codes()) known.push_back(e.code);
    for (const auto& row : rows) {
        SCOPED_TRACE(row.file);
        auto doc = read_source_document(read_file(fixtures_dir() / "jma" / row.file), kMaxBytes,
                                        SourceFormat::kJma);
        ASSERT_TRUE(doc.ok()) << doc.error().message;
        EXPECT_EQ(doc->kind, row.kind);
        EXPECT_EQ(doc->alert.event_code, row.event_code);
        EXPECT_NE(std::find(known.begin(), known.end(), row.event_code), known.end());
    }
}

TEST(JmxSeismicFactsTest, OtherTypesAreRefusedPointingAtTheList) {
    auto doc = read_source_document(
        read_file(fixtures_dir() / "jma/earthquake/32-35_09_01_191111_VXSE56.xml"), kMaxBytes,
        SourceFormat::kJma);
    ASSERT_FALSE(doc.ok());
    EXPECT_EQ(doc.error().message,
              "not an alerting type: 地震の活動状況等に関する情報 (see config/jma/README.md, "
              "\"Refused types\")");
}

TEST(JmxSeismicFactsTest, IntensityRankOrdersJmaIntensities) {
    EXPECT_LT(intensity_rank("4"), intensity_rank("5-"));
    EXPECT_LT(intensity_rank("5+"), intensity_rank("6-"));
    EXPECT_EQ(intensity_rank("7"), 9);
    EXPECT_EQ(intensity_rank("over"), 0);
    EXPECT_EQ(intensity_rank(""), 0);
}

}  // namespace
}  // namespace alerthub::hub
