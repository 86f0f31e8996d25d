#include "core/protocol/town_blocks.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/support/test_support.h"

namespace alerthub {
namespace {

TownBlocks minato() {
    auto path = testing::project_fixtures_dir().parent_path().parent_path() / "config" /
                "minato_town_blocks.tsv";
    auto blocks = TownBlocks::load(path.string());
    EXPECT_TRUE(blocks.ok()) << blocks.error().message;
    return std::move(*blocks);
}

TEST(TownBlocks, TheShippedMinatoTableLoads) {
    auto b = minato();
    EXPECT_EQ(b.size(), 117u);
    EXPECT_EQ(b.towns().size(), 30u);
    ASSERT_NE(b.find("shibaura-4"), nullptr);
    EXPECT_EQ(b.find("shibaura-4")->name, "芝浦四丁目");
    EXPECT_EQ(b.blocks_of("赤坂").size(), 9u);
    EXPECT_EQ(b.find_by_name("麻布永坂町")->chome, 0);
    // Every block in one of the districts staff pick by.
    std::map<std::string, int> per_district;
    for (const auto& block : b.all()) ++per_district[block.district];
    EXPECT_EQ(
        per_district,
        (std::map<std::string, int>{
            {"台場", 2}, {"芝", 35}, {"芝浦港南", 11}, {"赤坂", 21}, {"高輪", 17}, {"麻布", 31}}));
    EXPECT_EQ(b.find("mita-4")->district, "高輪");
    EXPECT_EQ(b.find("kaigan-1")->district, "芝");  // 芝地区総合支所; 二・三丁目 are 芝浦港南
}

TEST(TownBlocks, BadTablesAreRefusedWithTheLine) {
    for (auto [tsv, why] : std::vector<std::pair<std::string, std::string>>{
             {"a-1\t芝一丁目\t芝\t1\na-1\t芝二丁目\t芝\t2\n", "line 2: duplicate code"},
             {"# c\nA-1\t芝一丁目\t芝\t1\n", "line 2: bad code"},
             {"a-1\t芝一丁目\t芝\n", "line 1: expected"},
             {"a-1\t芝一丁目\t芝\tone\n", "line 1: chome"},
             {"a-1\t高輪一丁目\t芝\t1\n", "does not start with its town"},
             {"# only a comment\n", "no rows"}}) {
        auto r = TownBlocks::parse(tsv);
        ASSERT_FALSE(r.ok()) << tsv;
        EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
    }
}

TEST(TownBlocks, AreasNameBlocksByCodeNameTownOrRange) {
    auto b = minato();
    using V = std::vector<std::string>;
    EXPECT_EQ(b.blocks_named({"town", "konan-2", ""}), V{"konan-2"});
    EXPECT_EQ(b.blocks_named({"town", "nowhere-1", ""}), V{});
    EXPECT_EQ(b.blocks_named({"", "", "芝浦四丁目"}), V{"shibaura-4"});
    EXPECT_EQ(b.blocks_named({"", "", "芝浦一丁目～四丁目"}),
              (V{"shibaura-1", "shibaura-2", "shibaura-3", "shibaura-4"}));
    EXPECT_EQ(b.blocks_named({"", "", "芝浦２〜３丁目"}), (V{"shibaura-2", "shibaura-3"}));
    EXPECT_EQ(b.blocks_named({"", "", "台場"}), (V{"daiba-1", "daiba-2"}));
    EXPECT_EQ(b.blocks_named({"", "", "港区芝浦三丁目～四丁目"}), (V{"shibaura-3", "shibaura-4"}));
    EXPECT_EQ(b.blocks_named({"", "", "東京都港区台場二丁目"}), V{"daiba-2"});
    EXPECT_EQ(b.blocks_named({"", "", "芝公園一丁目"}), V{"shibakoen-1"});  // not 芝 + 公園
    EXPECT_EQ(b.blocks_named({"", "", "芝浦五丁目"}), V{});  // the ward has no such block
    EXPECT_EQ(b.blocks_named({"jisx0402", "131032", "港区"}), V{});
}

TEST(TownBlocks, LAlertTownAreasAreFoundByMunicipalityAndNameOrByName) {
    // As hub/sources/lalert/lalert_parser.cpp builds them: scheme "town", code "<JIS X
    // 0402>/<areaName>".
    auto b = minato();
    using V = std::vector<std::string>;
    EXPECT_EQ(b.municipality_code(), "131032");
    EXPECT_EQ(b.blocks_named({"town", "131032/芝浦一丁目", "芝浦一丁目"}), V{"shibaura-1"});
    EXPECT_EQ(b.blocks_named({"town", "13103/港南1丁目", ""}), V{"konan-1"});  // no check digit
    EXPECT_EQ(b.blocks_named({"town", "131032/港区芝浦三丁目～四丁目", ""}),
              (V{"shibaura-3", "shibaura-4"}));
    // Another municipality's block of the same name is not ours, whatever its name says.
    EXPECT_EQ(b.blocks_named({"town", "131091/港南一丁目", "港南一丁目"}), V{});
    EXPECT_EQ(b.blocks_named({"town", "131032/芝浦九丁目", "芝浦九丁目"}), V{});
    // An unknown code with a known name (no municipality): by the name.
    EXPECT_EQ(b.blocks_named({"town", "shibaura-four", "芝浦四丁目"}), V{"shibaura-4"});
    // Only the ward's own name may come before a block.
    EXPECT_EQ(b.blocks_named({"", "", "品川区港南一丁目"}), V{});
    EXPECT_TRUE(b.is_ward({"JISX0402", "131032", "港区"}));
    EXPECT_TRUE(b.is_ward({"jisx0402", "13103", ""}));
    EXPECT_FALSE(b.is_ward({"jisx0402", "131091", "品川区"}));
    EXPECT_TRUE(b.is_ward({"jma", "1310300", "港区"}));  // JMA's code of the ward
}

TEST(TownBlocks, TheMunicipalityLineIsOptionalAndChecked) {
    auto without = TownBlocks::parse("shiba-1\t芝一丁目\t芝\t1\n");
    ASSERT_TRUE(without.ok());
    EXPECT_EQ(without->municipality_code(), "");
    // Without it nothing is known to be the ward: L-Alert blocks cannot be placed.
    EXPECT_EQ(without->blocks_named({"town", "131032/芝一丁目", "芝一丁目"}),
              std::vector<std::string>{});
    EXPECT_TRUE(without->target({{"jisx0402", "131032", "港区"}, {"", "", "芝一丁目"}}).whole_ward);
    auto bad = TownBlocks::parse("@municipality\t港区\nshiba-1\t芝一丁目\t芝\t1\n");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("line 1: expected @municipality"), std::string::npos)
        << bad.error().message;
}

TEST(TownBlocks, OnlyAlertsForTownBlocksAreTargeted) {
    auto b = minato();
    EXPECT_TRUE(b.target({}).whole_ward);
    EXPECT_TRUE(b.target({{"jma", "130011", "２３区西部"}}).whole_ward);
    EXPECT_TRUE(b.target({{"", "", "芝浦四丁目"}, {"", "", "品川駅周辺"}}).whole_ward);
    auto ward = b.target({{"jisx0402", "131032", "港区"}});
    EXPECT_TRUE(ward.whole_ward);
    EXPECT_EQ(ward.unplaced, std::vector<std::string>{"jisx0402:131032"});

    auto blocks = b.target({{"town", "konan-1", "港南一丁目"}, {"", "", "芝浦三丁目～四丁目"}});
    EXPECT_FALSE(blocks.whole_ward);
    EXPECT_EQ(blocks.codes, (std::vector<std::string>{"konan-1", "shibaura-3", "shibaura-4"}));

    // The ward's CAP (tests/fixtures/cap/minato_evacuation_order.xml): the ward's own area
    // names the issuer; the order is for 芝浦一丁目～四丁目.
    auto cap = b.target({{"JISX0402", "131032", "港区"}, {"", "", "港区芝浦一丁目～四丁目"}});
    EXPECT_FALSE(cap.whole_ward);
    EXPECT_EQ(cap.codes.size(), 4u);
    // Another municipality's area next to our blocks: everyone.
    EXPECT_TRUE(b.target({{"jisx0402", "131091", "品川区"}, {"", "", "芝浦四丁目"}}).whole_ward);
}

TEST(TownBlocks, AnLAlertOrderForBlocksIsTargetedAndOneForTheWholeWardIsNot) {
    auto b = minato();
    // The areas hub/sources/lalert/lalert_parser.cpp makes of
    // tests/fixtures/lalert/evacuation_issue.xml.
    std::vector<AlertArea> areas = {{"jisx0402", "131032", "港区"},
                                    {"town", "131032/芝浦一丁目", "芝浦一丁目", 4},
                                    {"town", "131032/芝浦二丁目", "芝浦二丁目", 4},
                                    {"town", "131032/港南一丁目", "港南一丁目", 3}};
    auto t = b.target(areas);
    EXPECT_FALSE(t.whole_ward);
    EXPECT_EQ(t.codes, (std::vector<std::string>{"konan-1", "shibaura-1", "shibaura-2"}));
    // A <Detail> without <Areas> (the whole municipality) gives the ward's area its own level.
    areas[0].level = 3;
    t = b.target(areas);
    EXPECT_TRUE(t.whole_ward);
    EXPECT_EQ(t.unplaced, std::vector<std::string>{"jisx0402:131032"});
}

}  // namespace
}  // namespace alerthub
