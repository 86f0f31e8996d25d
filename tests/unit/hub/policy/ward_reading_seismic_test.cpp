// Earthquake and tsunami telegrams read for 港区 (issue 11), on real JMA fixtures: the ward's
// own intensity, EEW area and tsunami region decide, never the telegram's maximum. Each pinned
// row was checked by eye against the XML (the item for 1310300 / 350 / 312).

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "hub/policy/phrase_bank.h"
#include "hub/policy/ward_reading_parts.h"
#include "hub/sources/jma/jmx_area_table.h"
#include "hub/sources/source_reader.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using testing::fixtures_dir;
using testing::project_fixtures_dir;
using testing::read_file;

using fs_path = std::filesystem::path;

constexpr std::size_t kMaxBytes = 1 << 22;

// 港区 as the hub serves it, placed by the real area table (config/jma/areas_tokyo.tsv).
std::vector<ServedPlace> minato() {
    auto path = project_fixtures_dir().parent_path().parent_path() / "config/jma/areas_tokyo.tsv";
    auto table = JmaAreaTable::load(path.string());
    EXPECT_TRUE(table.ok()) << table.error().message;
    if (!table.ok()) return {};
    return {{"港区", "131032", "1310300", table->covering("1310300")}};
}

fs_path config_path(const char* rel) {
    return project_fixtures_dir().parent_path().parent_path() / "config" / rel;
}

// The shipped phrase bank and area table, as the hub phrases a ward reading.
struct Phrasing {
    PhraseBank bank;
    JmaAreaTable table;
};

std::optional<Phrasing> phrasing() {
    auto bank = PhraseBank::load(config_path("phrases").string());
    auto table = JmaAreaTable::load(config_path("jma/areas_tokyo.tsv").string());
    EXPECT_TRUE(bank.ok()) << bank.error().message;
    EXPECT_TRUE(table.ok()) << table.error().message;
    if (!bank.ok() || !table.ok()) return std::nullopt;
    return Phrasing{std::move(*bank), std::move(*table)};
}

// The reading's alert in every language, failing the test on any gap in the bank.
Alert phrased(WardReading r) {
    auto p = phrasing();
    if (!p) return r.alert;
    for (const auto& gap : p->bank.apply(r.alert, &p->table, &r)) ADD_FAILURE() << gap.describe();
    return r.alert;
}

SourceDocument telegram(const std::string& rel) {
    auto doc = read_source_document(read_file(fixtures_dir() / "jma" / rel), kMaxBytes,
                                    SourceFormat::kJma);
    EXPECT_TRUE(doc.ok()) << rel << ": " << doc.error().message;
    EXPECT_TRUE(doc.ok() && doc->jma.has_value()) << rel;
    return doc.ok() ? std::move(*doc) : SourceDocument{};
}

bool mentions(const Alert& a, std::string_view text) {
    for (const auto* texts : {&a.headline, &a.description, &a.instruction, &a.event_name})
        for (const auto& [lang, t] : *texts)
            if (t.find(text) != std::string::npos) return true;
    return false;
}

TEST(WardReadingTsunamiTest, SlightSeaLevelChangeInTokyoBayIsInformationNotAnOrder) {
    // 東日本大震災: 大津波警報 for 岩手県, 宮城県, 福島県; 東京湾内湾 (312) only 津波予報（若干の
    // 海面変動）(Kind/Code 71), no arrival time, no height.
    auto doc = telegram("tsunami/32-39_11_02_250206_VTSE41.xml");
    auto r = read_tsunami_for_ward(doc, minato());
    EXPECT_EQ(r.verdict, WardVerdict::kInForce);
    EXPECT_EQ(r.reach, Reach::kScreens);
    EXPECT_EQ(r.alert.event_code, "VTSE41:71");
    EXPECT_EQ(r.kinds, std::vector<std::string>{"VTSE41:71"});
    EXPECT_EQ(r.alert.severity, Severity::kMinor);
    EXPECT_EQ(r.alert.urgency, Urgency::kExpected);
    EXPECT_FALSE(r.alert.level.has_value());
    EXPECT_EQ(r.alert.event_name.at("ja"), "津波予報（若干の海面変動）");
    EXPECT_EQ(r.alert.headline.at("ja"), "東京湾内湾：津波予報（若干の海面変動）");
    EXPECT_EQ(r.facts.at("place"), "東京湾内湾");
    EXPECT_EQ(r.facts.count("height"), 0u);
    EXPECT_EQ(r.facts.count("arrival"), 0u);
    // Nothing of the other regions' orders: no evacuation, no 大津波警報 as the ward's.
    EXPECT_FALSE(mentions(r.alert, "避難"));
    EXPECT_FALSE(mentions(r.alert, "Major Tsunami Warning"));
    EXPECT_FALSE(r.alert.headline.at("ja").find("大津波警報") != std::string::npos);
    // The other regions are context, said as such.
    EXPECT_NE(
        r.alert.description.at("ja").find("（この電文では、岩手県など3の津波予報区に大津波警報"),
        std::string::npos)
        << r.alert.description.at("ja");
    ASSERT_EQ(r.alert.areas.size(), 2u);
    EXPECT_EQ(r.alert.areas[0].code, "1310300");
    EXPECT_EQ(r.alert.areas[1].code, "131032");
}

TEST(WardReadingTsunamiTest, EveryLanguageSaysSlightSeaLevelChangeWithoutAnOrder) {
    auto bank = PhraseBank::load(
        (project_fixtures_dir().parent_path().parent_path() / "config/phrases").string());
    ASSERT_TRUE(bank.ok()) << bank.error().message;
    auto table = JmaAreaTable::load(config_path("jma/areas_tokyo.tsv").string());
    ASSERT_TRUE(table.ok()) << table.error().message;
    auto r = read_tsunami_for_ward(telegram("tsunami/32-39_11_02_250206_VTSE41.xml"), minato());
    EXPECT_TRUE(bank->apply(r.alert, &*table, &r).empty());
    EXPECT_EQ(r.alert.event_name.at("en"), "Tsunami Forecast (slight sea level change)");
    // Every language names the forecast region, as the Japanese does, never the ward.
    EXPECT_EQ(r.alert.headline.at("en"),
              "東京湾内湾 (Tokyo-wan Naiwan): Tsunami Forecast (slight sea level change)");
    EXPECT_EQ(r.alert.headline.at("ja-x-easy").find("東京湾内湾（とうきょうわん ないわん）："), 0u)
        << r.alert.headline.at("ja-x-easy");
    for (const auto& [lang, headline] : r.alert.headline) {
        EXPECT_NE(headline.find("東京湾内湾"), std::string::npos) << lang << ": " << headline;
        EXPECT_EQ(headline.find("港区"), std::string::npos) << lang << ": " << headline;
    }
    EXPECT_EQ(
        r.alert.instruction.at("ja"),
        "若干の海面変動が予想されますが、被害の心配はありません。海に入る際は注意してください。");
    for (const char* lang : {"en", "zh-Hans", "zh-Hant", "ko", "vi", "ne", "pt", "ja-x-easy"})
        EXPECT_EQ(r.alert.instruction.count(lang), 1u) << lang;
    EXPECT_FALSE(mentions(r.alert, "避難"));
    EXPECT_FALSE(mentions(r.alert, "Major"));
    EXPECT_FALSE(mentions(r.alert, "Evacuate"));
}

TEST(WardReadingTsunamiTest, TsunamiInformationCarriesTheSameGradeForTheBay) {
    auto doc = telegram("tsunami/32-39_11_03_250206_VTSE51.xml");
    auto r = read_tsunami_for_ward(doc, minato());
    EXPECT_EQ(r.verdict, WardVerdict::kInForce);
    EXPECT_EQ(r.alert.event_code, "VTSE51:71");
    EXPECT_EQ(r.alert.severity, Severity::kMinor);
    EXPECT_FALSE(mentions(r.alert, "避難"));
}

TEST(WardReadingTsunamiTest, TheBaysAdvisoryWithItsHeightAndObservation) {
    // 2025-07 カムチャツカ 津波情報: 大津波警報 elsewhere (Kind 53); 東京湾内湾 津波注意報 1m,
    // 津波到達中と推測, 東京晴海 ０．５ｍ以上 observed.
    auto doc = telegram("tsunami/38_01_01_250710_VTSE51.xml");
    auto r = read_tsunami_for_ward(doc, minato());
    EXPECT_EQ(r.verdict, WardVerdict::kInForce);
    EXPECT_EQ(r.reach, Reach::kEveryone);
    EXPECT_EQ(r.alert.event_code, "VTSE51:62");
    EXPECT_EQ(r.alert.severity, Severity::kModerate);
    EXPECT_EQ(r.alert.urgency, Urgency::kImmediate);
    EXPECT_EQ(r.alert.headline.at("ja"), "東京湾内湾：津波注意報 1m 津波到達中と推測");
    EXPECT_EQ(r.facts.at("height"), "1m");
    EXPECT_EQ(r.facts.count("arrival"), 0u);
    const auto& d = r.alert.description.at("ja");
    EXPECT_NE(d.find("これまでの最大波（観測）：東京晴海 ０．５ｍ以上"), std::string::npos) << d;
    EXPECT_FALSE(mentions(r.alert, "避難"));  // the telegram's orders are for other regions
    // Without an arrival time the other languages leave no gap behind the height.
    Alert a = phrased(r);
    EXPECT_EQ(a.headline.at("en"), "東京湾内湾 (Tokyo-wan Naiwan): Tsunami Advisory 1m");
    for (const auto& [lang, headline] : a.headline) {
        EXPECT_FALSE(headline.ends_with(" ")) << lang << ": [" << headline << "]";
        EXPECT_EQ(headline.find("  "), std::string::npos) << lang << ": [" << headline << "]";
    }
}

TEST(WardReadingTsunamiTest, ARegionListWithoutTokyoBayDoesNotNameTheWard) {
    // 2022-09-18: 津波注意報 for 奄美群島・トカラ列島 etc.; 312 is not listed.
    auto doc = telegram("real/20220918154907_08013775_VTSE41.xml");
    auto r = read_tsunami_for_ward(doc, minato());
    EXPECT_EQ(r.verdict, WardVerdict::kNotNamed);
    EXPECT_EQ(r.reach, Reach::kNone);
}

TEST(WardReadingTsunamiTest, AnAdvisoryForTheBayGivesHeightTimeAndLeaveTheWater) {
    // The real telegram, with 東京湾内湾's item changed to what a 津波注意報 for it would say:
    // the grade, height and arrival come from the item, the texts are the ward's own.
    auto doc = telegram("tsunami/32-39_11_02_250206_VTSE41.xml");
    ASSERT_TRUE(doc.jma.has_value());
    bool found = false;
    for (auto& region : doc.jma->tsunami) {
        if (region.place.code != "312") continue;
        region.grade_code = "62";
        region.grade_name = "津波注意報";
        region.in_force = true;
        region.max_height = "１ｍ";
        region.first_wave = doc.alert.effective.value() + std::chrono::minutes(30);
        found = true;
    }
    ASSERT_TRUE(found);
    auto r = read_tsunami_for_ward(doc, minato());
    EXPECT_EQ(r.reach, Reach::kEveryone);
    EXPECT_EQ(r.alert.severity, Severity::kModerate);
    EXPECT_EQ(r.facts.at("height"), "1m");
    // ReportDateTime 2011-03-11T14:49+09:00, plus 30 minutes.
    EXPECT_EQ(r.facts.at("arrival"), "15:19");
    EXPECT_EQ(r.alert.headline.at("ja"), "東京湾内湾：津波注意報 1m 15:19頃");
    EXPECT_EQ(r.reason, "東京湾内湾: 津波注意報 1m 15:19");
}

TEST(WardReadingTsunamiTest, ALiftedRegionIsNamedWithNothingInForce) {
    auto doc = telegram("tsunami/32-39_11_02_250206_VTSE41.xml");
    for (auto& region : doc.jma->tsunami) {
        if (region.place.code != "312") continue;
        region.grade_code = "00";
        region.grade_name = "津波なし";
        region.in_force = false;
    }
    auto r = read_tsunami_for_ward(doc, minato());
    EXPECT_EQ(r.verdict, WardVerdict::kNothingInForce);
    EXPECT_EQ(r.alert.headline.at("ja"), "東京湾内湾：津波なし");
}

TEST(WardReadingSeismicTest, TheWardsIntensityLeadsNotTheMaximum) {
    // 2009-08-11 駿河湾: 静岡県中部・西部 6弱 (the maximum), 東京都２３区 (350) 4.
    auto doc = telegram("earthquake/32-35_07_01_100915_VXSE51.xml");
    EXPECT_EQ(doc.alert.event_code, "VXSE51:6-");  // the telegram-wide reading
    auto r = read_seismic_for_ward(doc, minato(), WardThresholds{});
    EXPECT_EQ(r.verdict, WardVerdict::kInForce);
    EXPECT_EQ(r.reach, Reach::kEveryone);  // 4 >= everyone_intensity "4"
    EXPECT_EQ(r.alert.event_code, "VXSE51:4");
    EXPECT_EQ(r.alert.severity, Severity::kModerate);
    EXPECT_EQ(r.alert.urgency, Urgency::kPast);
    EXPECT_EQ(r.alert.headline.at("ja"), "東京都２３区 震度4");
    EXPECT_EQ(r.facts.at("intensity"), "4");
    EXPECT_EQ(r.facts.at("place"), "東京都２３区");
    // The maximum is context, in the description.
    EXPECT_NE(r.alert.description.at("ja").find("最大震度6弱（静岡県中部、静岡県西部）"),
              std::string::npos)
        << r.alert.description.at("ja");
    EXPECT_FALSE(r.alert.headline.at("ja").find("6弱") != std::string::npos);

    // Every language says it is the intensity in the ward's area, not the maximum.
    Alert a = phrased(r);
    EXPECT_EQ(a.headline.at("en"), "Seismic intensity 4 in 東京都２３区 (Tokyo-to 23-ku)");
    EXPECT_EQ(a.headline.at("zh-Hans"), "東京都２３区（Tokyo-to 23-ku）：震度4");
    EXPECT_EQ(a.headline.at("ko"), "東京都２３区(Tokyo-to 23-ku): 진도 4");
    EXPECT_EQ(a.headline.at("pt"), "Intensidade sísmica 4 em 東京都２３区 (Tokyo-to 23-ku)");
    for (const auto& [lang, headline] : a.headline)
        for (const char* maximum : {"maximum", "最大", "최대", "máxima", "tối đa", "अधिकतम", "6"})
            EXPECT_EQ(headline.find(maximum), std::string::npos) << lang << ": " << headline;
}

TEST(WardReadingSeismicTest, TheCityEntryLeadsWhereTheTelegramHasOne) {
    // 訓練 震源・震度: 東京港区 (1310300) 震度1 under 東京都２３区.
    auto doc = telegram("earthquake/32-35_08_07_240613_VXSE53.xml");
    auto r = read_seismic_for_ward(doc, minato(), WardThresholds{});
    EXPECT_EQ(r.verdict, WardVerdict::kInForce);
    EXPECT_EQ(r.reach, Reach::kNone);  // below the screens threshold: journaled only
    EXPECT_EQ(r.alert.event_code, "VXSE53:1");
    EXPECT_EQ(r.alert.headline.at("ja"), "港区 震度1");
    EXPECT_EQ(r.alert.severity, Severity::kMinor);
    EXPECT_EQ(r.facts.at("place"), "港区");
    EXPECT_EQ(phrased(r).headline.at("en"), "Seismic intensity 1 in 港区 (Minato-ku)");
}

TEST(WardReadingSeismicTest, ThresholdsComeFromConfiguration) {
    auto doc = telegram("earthquake/32-35_07_01_100915_VXSE51.xml");
    WardThresholds strict{"4", "5-"};
    EXPECT_EQ(read_seismic_for_ward(doc, minato(), strict).reach, Reach::kScreens);
    WardThresholds deaf{"5-", "6-"};
    auto r = read_seismic_for_ward(doc, minato(), deaf);
    EXPECT_EQ(r.verdict, WardVerdict::kInForce);
    EXPECT_EQ(r.reach, Reach::kNone);
}

TEST(WardReadingSeismicTest, TheWardIsNamedOnlyWhereItsAreaHasAnIntensity) {
    // 2010-08 震度速報: 東京都２３区 4 (the maximum 6弱 elsewhere).
    auto doc = telegram("earthquake/32-35_01_01_100806_VXSE51.xml");
    auto r = read_seismic_for_ward(doc, minato(), WardThresholds{});
    EXPECT_EQ(r.verdict, WardVerdict::kInForce);
    EXPECT_EQ(r.facts.at("intensity"), "4");
    // 2021-02-17 震度速報 (宮城県・福島県, 震度3): no Tokyo area at all.
    auto elsewhere = telegram("real/20210217140808_0_VXSE51_010000.xml");
    auto r2 = read_seismic_for_ward(elsewhere, minato(), WardThresholds{});
    EXPECT_EQ(r2.verdict, WardVerdict::kNotNamed);
    EXPECT_EQ(r2.reach, Reach::kNone);
}

TEST(WardReadingSeismicTest, HypocentreInformationIsContextOnly) {
    // No intensity anywhere: nothing is in force for the ward, the telegram does not name it;
    // the journal keeps the earthquake as context.
    auto doc = telegram("earthquake/32-35_01_02_240613_VXSE52.xml");
    auto r = read_seismic_for_ward(doc, minato(), WardThresholds{});
    EXPECT_EQ(r.verdict, WardVerdict::kNotNamed);
    EXPECT_EQ(r.reach, Reach::kNone);
    EXPECT_NE(r.reason.find("context only"), std::string::npos) << r.reason;
    EXPECT_EQ(r.alert.event_code, "VXSE52");
    EXPECT_TRUE(r.alert.headline.at("ja").starts_with("震源に関する情報：震源："))
        << r.alert.headline.at("ja");
}

TEST(WardReadingSeismicTest, AnEewWhoseAreasExcludeTokyoDoesNotNameTheWard) {
    // 2024-04-17 豊後水道: 警報 for 四国, 九州, 中国 only.
    for (const char* rel : {"eew/37_01_01_240613_VXSE43.xml", "eew/36_01_10_240613_VXSE44.xml",
                            "eew/77_01_10_240613_VXSE45.xml"}) {
        SCOPED_TRACE(rel);
        auto doc = telegram(rel);
        ASSERT_TRUE(doc.jma.has_value());
        EXPECT_FALSE(doc.jma->eew.empty());
        auto r = read_seismic_for_ward(doc, minato(), WardThresholds{});
        EXPECT_EQ(r.verdict, WardVerdict::kNotNamed);
        EXPECT_EQ(r.reach, Reach::kNone);
    }
}

TEST(WardReadingSeismicTest, AnEewNamingTheWardsAreaGivesItsIntensityAndArrival) {
    // The real 警報 with one of its areas recoded as 東京都２３区 (350): what a Tokyo warning
    // would carry for the ward.
    auto doc = telegram("eew/37_01_01_240613_VXSE43.xml");
    ASSERT_TRUE(doc.jma.has_value());
    JmxEewArea* kochi = nullptr;
    for (auto& a : doc.jma->eew)
        if (a.place.code == "632") kochi = &a;  // 高知県西部: 4, arrival 23:15:02
    ASSERT_NE(kochi, nullptr);
    kochi->place = {"350", "東京都２３区"};
    auto r = read_seismic_for_ward(doc, minato(), WardThresholds{});
    EXPECT_EQ(r.verdict, WardVerdict::kInForce);
    EXPECT_EQ(r.reach, Reach::kEveryone);
    EXPECT_EQ(r.alert.severity, Severity::kExtreme);
    EXPECT_EQ(r.facts.at("intensity"), "4");
    // JST HH:MM, as every arrival in the contract (ward_reading.h).
    EXPECT_EQ(r.facts.at("arrival"), "23:15");
    EXPECT_EQ(r.alert.headline.at("ja"), "緊急地震速報（警報）：東京都２３区 予想震度4 23:15頃");
    EXPECT_EQ(r.place_code, "350");
}

TEST(WardReadingSeismicTest, NankaiTroughExtraInformationIsInformationOnScreens) {
    auto doc = telegram("earthquake/74_01_01_200512_VYSE50.xml");
    EXPECT_EQ(doc.alert.event_code, "VYSE50:investigating");
    auto r = read_seismic_for_ward(doc, minato(), WardThresholds{});
    EXPECT_EQ(r.verdict, WardVerdict::kInForce);
    EXPECT_EQ(r.reach, Reach::kScreens);
    EXPECT_EQ(r.alert.headline.at("ja"), "南海トラフ地震臨時情報（調査中）");
    EXPECT_EQ(r.alert.severity, Severity::kMinor);

    auto commentary = telegram("earthquake/75_01_04_200512_VYSE52.xml");
    EXPECT_EQ(commentary.kind, "VYSE52");  // 定例解説, same title as VYSE51
    EXPECT_EQ(read_seismic_for_ward(commentary, minato(), WardThresholds{}).reach, Reach::kNone);
    auto extra = telegram("earthquake/75_01_01_200512_VYSE51.xml");
    EXPECT_EQ(extra.kind, "VYSE51");

    auto subsequent = telegram("earthquake/80_01_01_240821_VYSE60.xml");
    auto r60 = read_seismic_for_ward(subsequent, minato(), WardThresholds{});
    EXPECT_EQ(r60.verdict, WardVerdict::kInForce);
    EXPECT_EQ(r60.reach, Reach::kScreens);
    EXPECT_EQ(r60.alert.event_code, "VYSE60");
}

}  // namespace
}  // namespace alerthub::hub
