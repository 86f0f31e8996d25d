// Area routing: 港区 matches warnings for 東京地方, 東京都, ２３区西部 and 東京都２３区 through
// JMA's area tables, and JIS X 0402 codes in CAP; not 多摩北部, not 大阪. What carries no code the
// hub can judge is journaled only, unless configured otherwise.

#include "hub/policy/area_router.h"

#include <gtest/gtest.h>

#include "hub/sources/jma/jmx_parser.h"
#include "hub/sources/source_reader.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using testing::fixtures_dir;
using testing::project_fixtures_dir;
using testing::read_file;

JmaAreaTable tokyo() {
    auto path = project_fixtures_dir().parent_path().parent_path() / "config/jma/areas_tokyo.tsv";
    auto table = JmaAreaTable::load(path.string());
    EXPECT_TRUE(table.ok()) << (table.ok() ? "" : table.error().message);
    return table.ok() ? std::move(*table) : JmaAreaTable();
}

AreaRouter router(AreaSettings settings = {}) {
    auto r = AreaRouter::create(settings, tokyo());
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return std::move(*r);
}

Alert with_areas(std::vector<AlertArea> areas) {
    Alert a;
    a.areas = std::move(areas);
    return a;
}

Alert telegram(std::string_view rel) {
    auto doc =
        read_source_document(read_file(fixtures_dir() / "jma" / rel), 1 << 20, SourceFormat::kJma);
    EXPECT_TRUE(doc.ok()) << rel;
    return doc.ok() ? doc->alert : Alert{};
}

TEST(Jisx0402Test, CheckDigits) {
    EXPECT_EQ(jisx0402_with_check_digit("13103"), "131032");  // 港区
    EXPECT_EQ(jisx0402_with_check_digit("13101"), "131016");  // 千代田区
    EXPECT_EQ(jisx0402_with_check_digit("13113"), "131130");  // 渋谷区
    EXPECT_EQ(jisx0402_with_check_digit("13000"), "130001");  // 東京都
    EXPECT_EQ(jisx0402_body("131032"), "13103");
    EXPECT_EQ(jisx0402_body("13103"), "13103");
    EXPECT_EQ(jisx0402_body("131033"), "");  // wrong check digit
    EXPECT_EQ(jisx0402_body("1310300"), "");
    EXPECT_EQ(jisx0402_body("13a03"), "");
}

TEST(AreaRouterTest, MinatoMatchesItsJmaRegions) {
    auto r = router();
    for (auto [code, name] :
         std::vector<std::pair<std::string, std::string>>{{"130010", "東京地方"},
                                                          {"130000", "東京都"},
                                                          {"130011", "２３区西部"},
                                                          {"350", "東京都２３区"},
                                                          {"13", "東京都"},
                                                          {"312", "東京湾内湾"}}) {
        auto d = r.decide(with_areas({{"jma", code, name}}));
        EXPECT_TRUE(d.send) << name;
        EXPECT_EQ(d.reason, "in area: " + name + " (jma " + code + ") contains 港区 (131032)");
    }
    EXPECT_EQ(r.decide(with_areas({{"jma", "1310300", "港区"}})).reason,
              "in area: 港区 (jma 1310300) is 港区");
    for (auto [code, name] :
         std::vector<std::pair<std::string, std::string>>{{"130013", "多摩北部"},
                                                          {"130012", "２３区東部"},
                                                          {"1320100", "八王子市"},
                                                          {"270000", "大阪府"},
                                                          {"2710000", "大阪市"}}) {
        auto d = r.decide(with_areas({{"jma", code, name}}));
        EXPECT_FALSE(d.send) << name;
        EXPECT_EQ(d.reason, "out of area: none of " + name + " (jma " + code + ") contains 港区");
    }
}

TEST(AreaRouterTest, NeighboursWidenTheArea) {
    AreaSettings s;
    s.neighbours = {"131083"};  // 江東区 (２３区東部)
    auto r = router(s);
    auto d = r.decide(with_areas({{"jma", "130012", "２３区東部"}}));
    EXPECT_TRUE(d.send);
    EXPECT_EQ(d.reason, "in area: ２３区東部 (jma 130012) contains 江東区 (131083)");
    EXPECT_FALSE(r.decide(with_areas({{"jma", "130013", "多摩北部"}})).send);
}

TEST(AreaRouterTest, JisCodesInSourceDocuments) {
    auto r = router();
    EXPECT_TRUE(r.decide(with_areas({{"JISX0402", "131032", "港区"}})).send);
    EXPECT_TRUE(r.decide(with_areas({{"JISX0402", "13103", "港区"}})).send);
    auto pref = r.decide(with_areas({{"JISX0402", "130001", "東京都"}}));
    EXPECT_TRUE(pref.send);
    EXPECT_EQ(pref.reason, "in area: 東京都 (JISX0402 130001) contains 港区 (131032)");
    auto other = r.decide(with_areas({{"JISX0402", "131016", "千代田区"}}));
    EXPECT_FALSE(other.send);
    EXPECT_FALSE(r.decide(with_areas({{"JISX0402", "271004", "大阪市"}})).send);
    EXPECT_FALSE(r.decide(with_areas({{"JISX0402", "270008", "大阪府"}})).send);
}

TEST(AreaRouterTest, AlertsWithoutJapaneseCodesAreJournaledUnlessListedOrConfigured) {
    Alert us = with_areas({{"SAME", "006109", "Tuolumne"}, {"SAME", "006009", "Calaveras"}});
    auto d = router().decide(us);
    EXPECT_FALSE(d.send);
    EXPECT_EQ(d.reason,
              "out of area: no JIS X 0402 or JMA area code among Tuolumne (SAME 006109), "
              "Calaveras (SAME 006009) (list such codes in [area] extra_codes to send them)");
    EXPECT_EQ(router().decide(Alert{}).reason, "out of area: the alert names no area");

    AreaSettings listed;
    listed.extra_codes = {"same:006109"};
    d = router(listed).decide(us);
    EXPECT_TRUE(d.send);
    EXPECT_EQ(d.reason, "in area: Tuolumne (SAME 006109) is listed in [area] extra_codes");

    AreaSettings everything;
    everything.send_uncoded = true;
    EXPECT_TRUE(router(everything).decide(us).send);
    // A Japanese code decides even then: 大阪 stays out.
    EXPECT_FALSE(router(everything).decide(with_areas({{"jma", "270000", "大阪府"}})).send);
}

TEST(AreaRouterTest, RealTelegrams) {
    auto r = router();
    EXPECT_TRUE(r.decide(telegram("warning/15_13_01_161226_VPWW53.xml")).send);     // 東京都
    EXPECT_FALSE(r.decide(telegram("warning/15_08_01_130412_VPWW53.xml")).send);    // 奈良県
    EXPECT_TRUE(r.decide(telegram("tsunami/32-39_13_02_250206_VTSE41.xml")).send);  // 東京湾内湾
    EXPECT_FALSE(r.decide(telegram("real/20231009064018_06274659_VTSE41.xml")).send);  // islands
    EXPECT_FALSE(r.decide(telegram("eew/37_01_01_240613_VXSE43.xml")).send);
}

TEST(AreaRouterTest, BadSettingsAreRefused) {
    auto err = [](AreaSettings s) {
        auto r = AreaRouter::create(s, tokyo());
        return r.ok() ? std::string("accepted") : r.error().message;
    };
    AreaSettings typo;
    typo.municipality = "131033";
    EXPECT_EQ(err(typo),
              "'131033' is not a JIS X 0402 municipality code (5 digits, or 6 with the check "
              "digit, e.g. 131032 for 港区)");
    AreaSettings osaka;
    osaka.neighbours = {"271004"};
    EXPECT_EQ(err(osaka),
              "municipality 271004 (JMA 2710000) is not in the JMA area table: add its rows so "
              "that JMA warnings can match it");
    AreaSettings extra;
    extra.extra_codes = {"006109"};
    EXPECT_EQ(err(extra), "extra code '006109' is not SCHEME:CODE (e.g. SAME:006109)");
}

}  // namespace
}  // namespace alerthub::hub
