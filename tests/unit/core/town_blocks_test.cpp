#include "core/town_blocks.h"

#include <gtest/gtest.h>

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

TEST(TownBlocks, OnlyAlertsForTownBlocksAloneAreTargeted) {
    auto b = minato();
    auto ward = b.target({{"jisx0402", "131032", "港区"}, {"", "", "芝浦一丁目～四丁目"}});
    EXPECT_TRUE(ward.whole_ward);
    EXPECT_EQ(ward.unplaced, std::vector<std::string>{"jisx0402:131032"});
    EXPECT_TRUE(b.target({}).whole_ward);
    EXPECT_TRUE(b.target({{"jma", "130011", "２３区西部"}}).whole_ward);
    EXPECT_TRUE(b.target({{"", "", "芝浦四丁目"}, {"", "", "品川駅周辺"}}).whole_ward);

    auto blocks = b.target({{"town", "konan-1", "港南一丁目"}, {"", "", "芝浦三丁目～四丁目"}});
    EXPECT_FALSE(blocks.whole_ward);
    EXPECT_EQ(blocks.codes, (std::vector<std::string>{"konan-1", "shibaura-3", "shibaura-4"}));
}

}  // namespace
}  // namespace alerthub
