// read_for_ward on real telegrams (../shared/fixtures/jma): what each says about one served
// municipality, from its own item. 港区 is placed by the shipped Tokyo area table through
// AreaRouter (as the hub does); municipalities of other prefectures, which that table does not
// hold, are placed by hand with the area codes that contain them.

#include "hub/policy/ward_reading.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "hub/policy/area_router.h"
#include "hub/sources/jma/jmx_area_table.h"
#include "hub/sources/source_reader.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

namespace fs = std::filesystem;
using testing::fixtures_dir;
using testing::project_fixtures_dir;
using testing::read_file;

std::vector<ServedPlace> minato() {
    auto table = JmaAreaTable::load(
        (project_fixtures_dir().parent_path().parent_path() / "config/jma/areas_tokyo.tsv")
            .string());
    EXPECT_TRUE(table.ok());
    auto router = AreaRouter::create(AreaSettings{}, std::move(*table));
    EXPECT_TRUE(router.ok());
    return router->served_places();
}

ServedPlace place(std::string name, std::string jma, std::set<std::string> areas = {}) {
    areas.insert(jma);
    return {std::move(name), "", std::move(jma), std::move(areas)};
}

SourceDocument telegram(const std::string& text) {
    auto doc = read_source_document(text, 1 << 20);
    EXPECT_TRUE(doc.ok()) << doc.error().message;
    EXPECT_TRUE(doc->jma.has_value());
    return std::move(*doc);
}

SourceDocument fixture(const std::string& rel) {
    return telegram(read_file(fixtures_dir() / "jma" / rel));
}

// The real 2016 Tokyo telegram with 港区's own item (of the 市町村等 block) saying
// 発表警報・注意報はなし, as JMA writes it for a municipality with nothing in force. No real
// Tokyo telegram in the corpus has it; everything else stays as JMA sent it.
std::string minato_has_nothing(std::string text) {
    const auto block = text.find("<Warning type=\"気象警報・注意報（市町村等）\">");
    const auto code = text.find("<Code>1310300</Code>", block);
    const auto item = text.rfind("<Item>", code);
    const auto area = text.rfind("<Area>", code);
    EXPECT_TRUE(block != std::string::npos && code != std::string::npos && item > block);
    text.replace(item, area - item,
                 "<Item>\n<Kind>\n<Status>発表警報・注意報はなし</Status>\n</Kind>\n");
    return text;
}

const std::string kTokyo2016 = "warning/15_13_01_161226_VPWW53.xml";

TEST(WardReadingTest, MinatoGetsItsOwnItemNotOgasawarasEmergencyWarning) {
    auto r = read_for_ward(fixture(kTokyo2016), minato(), {});
    EXPECT_EQ(r.verdict, WardVerdict::kInForce);
    EXPECT_EQ(r.kinds, (std::vector<std::string>{"VPWW53:05", "VPWW53:07"}));
    EXPECT_EQ(r.alert.headline.at("ja"), "港区：暴風警報・波浪警報");
    EXPECT_EQ(r.alert.event_name.at("ja"), "暴風警報・波浪警報");
    EXPECT_FALSE(r.alert.level.has_value());  // no level 5: the 大雨特別警報 is 小笠原村's
    EXPECT_EQ(r.alert.severity, Severity::kSevere);
    EXPECT_EQ(r.alert.event_code, "VPWW53:05");
    EXPECT_EQ(r.reach, Reach::kEveryone);
    EXPECT_EQ(r.alert.areas,
              (std::vector<AlertArea>{{"jma", "1310300", "港区"}, {"jisx0402", "131032", "港区"}}));
    // The telegram's own sentence stays as context, not as the ward's headline.
    EXPECT_TRUE(r.alert.description.at("ja").starts_with("【特別警報（大雨、暴風、波浪、高潮）】"));
    EXPECT_EQ(r.reason, "in force: 港区: 暴風警報, 波浪警報");
    EXPECT_EQ(r.fingerprint, "in_force\n1310300=VPWW53:05,VPWW53:07");
    // The telegram-wide summary is untouched by the reading.
    EXPECT_EQ(fixture(kTokyo2016).alert.level, 5);
}

TEST(WardReadingTest, NothingInForceForTheWardIsItsLift) {
    auto r = read_for_ward(
        telegram(minato_has_nothing(read_file(fixtures_dir() / "jma" / kTokyo2016))), minato(), {});
    EXPECT_EQ(r.verdict, WardVerdict::kNothingInForce);
    EXPECT_EQ(r.alert.state, AlertState::kLifted);
    EXPECT_EQ(r.alert.headline.at("ja"), "港区：警報・注意報は解除されました");
    EXPECT_EQ(r.alert.event_code, "VPWW53:00");
    EXPECT_FALSE(r.alert.level.has_value());
    EXPECT_EQ(r.fingerprint, "nothing_in_force\n1310300");
}

TEST(WardReadingTest, TheWardsLiftNamesTheKindsItsItemLifts) {
    // 奈良県 2013, everything lifted: 奈良市's item lifts its 大雨注意報.
    auto r = read_for_ward(fixture("warning/15_08_05_130412_VPWW53.xml"),
                           {place("奈良市", "2920100")}, {});
    EXPECT_EQ(r.verdict, WardVerdict::kNothingInForce);
    EXPECT_EQ(r.alert.headline.at("ja"), "奈良市：大雨注意報は解除されました");
    EXPECT_EQ(r.kinds, (std::vector<std::string>{"VPWW53:10"}));
    EXPECT_EQ(r.alert.state, AlertState::kLifted);
}

TEST(WardReadingTest, ATelegramOfAnotherPrefectureDoesNotNameTheWard) {
    auto r = read_for_ward(fixture("warning/15_08_01_130412_VPWW53.xml"), minato(), {});
    EXPECT_EQ(r.verdict, WardVerdict::kNotNamed);
    EXPECT_EQ(r.reason, "港区: VPWW53 names none of the hub's places");
}

TEST(WardReadingTest, EveryMunicipalityOfATelegramGetsOnlyItsOwnKinds) {
    // 奈良県 2013: the 大雨特別警報 kinds are 奈良市's; each municipality's level is its own.
    auto doc = fixture("warning/15_08_01_130412_VPWW53.xml");
    for (const auto& item : doc.jma->items) {
        if (item.places.empty()) continue;
        const auto& p = item.places.front();
        auto r = read_for_ward(doc, {place(p.name, p.code)}, {});
        std::optional<int> level;
        for (const auto& k : item.kinds)
            if (k.in_force && k.level && (!level || *k.level > *level)) level = k.level;
        EXPECT_EQ(r.alert.level, level) << p.name;
        EXPECT_EQ(r.verdict == WardVerdict::kInForce,
                  std::any_of(item.kinds.begin(), item.kinds.end(),
                              [](const auto& k) { return k.in_force; }))
            << p.name;
    }
}

struct Row {
    std::string fixture;
    ServedPlace served;
    WardVerdict verdict;
    std::vector<std::string> kinds;
    std::optional<int> level;
    std::string headline;
    Reach reach = Reach::kNone;
};

std::vector<Row> rows() {
    return {
        {"landslide/17_03_04_190529_VXWW50.xml",
         place("岡山市", "3310000"),
         WardVerdict::kInForce,
         {"VXWW50:3"},
         4,
         "岡山市：土砂災害警戒情報",
         Reach::kEveryone},
        {"landslide/17_03_04_190529_VXWW50.xml",
         place("玉野市", "3320400"),
         WardVerdict::kNothingInForce,
         {},
         std::nullopt,
         "玉野市：土砂災害警戒情報は解除されました"},
        {"tornado/19_02_01_111226_VPHW50.xml",
         place("京都市", "2610000"),
         WardVerdict::kInForce,
         {"VPHW50:1"},
         std::nullopt,
         "京都市：竜巻注意情報",
         Reach::kEveryone},
        // By 府県 only: the ward is read from the area that contains it.
        {"rain/18_01_01_100806_VPOA50.xml",
         place("大阪市", "2710000", {"270000"}),
         WardVerdict::kInForce,
         {"VPOA50:1"},
         std::nullopt,
         "大阪市：記録的短時間大雨情報",
         Reach::kEveryone},
        {"flood/16_02_02_220728_VXKOii.xml",
         place("武雄市", "4120600"),
         WardVerdict::kInForce,
         {"VXKO:30"},
         3,
         "武雄市：氾濫警戒情報",
         Reach::kEveryone},
        {"flood/16_02_02_220728_VXKOii.xml",
         place("佐賀市", "4120100"),
         WardVerdict::kNotNamed,
         {},
         std::nullopt,
         ""},
        {"volcano/45_01_01_200522_VFVO50.xml",
         place("嬬恋村", "1042500"),
         WardVerdict::kInForce,
         {"VFVO50:02"},
         std::nullopt,
         "嬬恋村：火口周辺警報",
         Reach::kEveryone},
        // R06: the level is in the kind's name; a level-2 advisory alone reaches screens.
        {"warning/15_16_03_241226_VPWW55.xml",
         place("稚内市", "0121400"),
         WardVerdict::kInForce,
         {"VPWW55:43"},
         4,
         "稚内市：レベル４大雨危険警報",
         Reach::kEveryone},
        {"warning/15_16_03_241226_VPWW55.xml",
         place("浜頓別町", "0151200"),
         WardVerdict::kInForce,
         {"VPWW55:10"},
         2,
         "浜頓別町：レベル２大雨注意報",
         Reach::kScreens},
        // 奈良市: its own 大雨特別警報 (level 5) first, then its advisories.
        {"warning/15_08_01_130412_VPWW53.xml",
         place("奈良市", "2920100"),
         WardVerdict::kInForce,
         {"VPWW53:33", "VPWW53:18", "VPWW53:14", "VPWW53:15"},
         5,
         "奈良市：大雨特別警報・洪水注意報・雷注意報・強風注意報",
         Reach::kEveryone},
    };
}

class WardReadingRowTest : public ::testing::TestWithParam<Row> {};

TEST_P(WardReadingRowTest, ReadsTheWardsOwnItem) {
    const auto& row = GetParam();
    auto r = read_for_ward(fixture(row.fixture), {row.served}, {});
    EXPECT_EQ(r.verdict, row.verdict) << r.reason;
    EXPECT_EQ(r.kinds, row.kinds);
    if (row.verdict == WardVerdict::kNotNamed) return;
    EXPECT_EQ(r.alert.level, row.level);
    EXPECT_EQ(r.alert.headline.at("ja"), row.headline);
    EXPECT_EQ(r.reach, row.reach);
}

INSTANTIATE_TEST_SUITE_P(RealTelegrams, WardReadingRowTest, ::testing::ValuesIn(rows()),
                         [](const auto& row) { return std::to_string(row.index); });

TEST(WardReadingTest, ACoveringAreaIsUsedOnlyWhenTheTelegramHasNoMunicipalityItems) {
    // 竜巻注意情報 with its 市町村等 block: 京都府 containing a place is not enough.
    auto r = read_for_ward(fixture("tornado/19_02_01_111226_VPHW50.xml"),
                           {place("どこか", "2699999", {"260000"})}, {});
    EXPECT_EQ(r.verdict, WardVerdict::kNotNamed);
    auto rain = read_for_ward(fixture("rain/18_01_01_100806_VPOA50.xml"),
                              {place("大阪市", "2710000", {"270000"})}, {});
    EXPECT_EQ(rain.reason,
              "in force: 大阪市: 記録的短時間大雨情報 (no item per municipality: 大阪府's item)");
}

TEST(WardReadingTest, AWithdrawalSaysWhatItWithdrawsNeverALift) {
    auto r = read_for_ward(fixture("earthquake/32-35_10_01_220510_VXSE51.xml"), minato(), {});
    EXPECT_EQ(r.verdict, WardVerdict::kWithdrawn);
    EXPECT_EQ(r.alert.state, AlertState::kCancelled);
    EXPECT_EQ(r.alert.msg_type, MsgType::kCancel);
    EXPECT_EQ(r.alert.headline.at("ja"), "港区：震度速報を取り消します");
}

}  // namespace
}  // namespace alerthub::hub
