#include "core/protocol/area_match.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace alerthub {
namespace {

std::shared_ptr<const TownBlocks> minato() {
    auto path = testing::project_fixtures_dir().parent_path().parent_path() / "config" /
                "minato_town_blocks.tsv";
    auto blocks = TownBlocks::load(path.string());
    EXPECT_TRUE(blocks.ok()) << blocks.error().message;
    return std::make_shared<const TownBlocks>(std::move(*blocks));
}

Alert alert_for(std::vector<AlertArea> areas, std::optional<int> level = std::nullopt) {
    Alert a;
    a.id = "a";
    a.version = 1;
    a.level = level;
    a.areas = std::move(areas);
    return a;
}

bool shows(const std::vector<std::string>& screen, const std::vector<AlertArea>& areas,
           std::shared_ptr<const TownBlocks> blocks) {
    return ConfiguredAreas(screen, std::move(blocks)).matches(alert_for(areas));
}

const AlertArea kWardJis{"jisx0402", "131032", "港区"};
const AlertArea kWardJma{"jma", "1310300", "港区"};
const AlertArea kShibaura1{"town", "shibaura-1", "芝浦一丁目"};
const AlertArea kDaiba2{"town", "daiba-2", "台場二丁目"};

TEST(AreaMatch, PlacesAreReadInEveryForm) {
    auto blocks = minato();
    AreaMatcher m(blocks.get());
    using K = Place::Kind;
    EXPECT_EQ(m.place_of("131032"), (Place{K::kMunicipality, "131032", "13103", {}}));
    EXPECT_EQ(m.place_of("13103"), (Place{K::kMunicipality, "13103", "13103", {}}));
    EXPECT_EQ(m.place_of("1310300"), (Place{K::kMunicipality, "1310300", "13103", {}}));
    EXPECT_EQ(m.place_of("130001"), (Place{K::kPrefecture, "130001", "13", {}}));
    EXPECT_EQ(m.place_of("350").kind, K::kOther);  // a JMA region: by code only
    EXPECT_EQ(m.place_of("*").kind, K::kEverywhere);
    EXPECT_EQ(m.place_of("shibaura-1"), (Place{K::kBlocks, "shibaura-1", "13103", {"shibaura-1"}}));
    EXPECT_EQ(m.place_of("芝浦一丁目").blocks, std::vector<std::string>{"shibaura-1"});
    EXPECT_EQ(m.place_of("131032/芝浦一丁目").blocks, std::vector<std::string>{"shibaura-1"});
    EXPECT_EQ(m.place_of("台場").blocks, (std::vector<std::string>{"daiba-1", "daiba-2"}));
    EXPECT_EQ(m.place_of("港区").kind, K::kMunicipality);
    // Another municipality's block: named by its municipality, not one of ours.
    EXPECT_EQ(m.place_of("131091/港南一丁目"),
              (Place{K::kBlocks, "131091/港南一丁目", "13109", {"13109/港南一丁目"}}));
    // A block the ward's table does not know: somewhere in the ward.
    EXPECT_EQ(m.place_of("131032/芝浦九丁目"),
              (Place{K::kBlocks, "131032/芝浦九丁目", "13103", {}}));
    // By scheme: JMA's 6-digit region codes are not JIS codes.
    EXPECT_EQ(m.place_of(AlertArea{"jma", "130011", "２３区西部"}).kind, K::kOther);
    EXPECT_EQ(m.place_of(AlertArea{"JISX0402", "131032", ""}).jis, "13103");
    EXPECT_EQ(m.place_of(AlertArea{"SAME", "006109", ""}), (Place{K::kOther, "006109", "", {}}));

    AreaMatcher bare(nullptr);
    EXPECT_EQ(bare.place_of("shibaura-1").kind, K::kOther);
    EXPECT_EQ(bare.place_of("131032/芝浦一丁目"),
              (Place{K::kBlocks, "131032/芝浦一丁目", "13103", {"13103/芝浦一丁目"}}));
}

TEST(AreaMatch, AWardScreenShowsTheWardsOrdersInEveryForm) {
    auto blocks = minato();
    for (std::string ward : {"131032", "13103", "1310300", "港区"}) {
        SCOPED_TRACE(ward);
        EXPECT_TRUE(shows({ward}, {kShibaura1}, blocks));  // the console's block code
        EXPECT_TRUE(shows({ward}, {{"town", "131032/芝浦一丁目", "芝浦一丁目"}}, blocks));
        EXPECT_TRUE(shows({ward}, {{"", "", "芝浦一丁目～四丁目"}}, blocks));
        EXPECT_TRUE(shows({ward}, {{"", "", "台場"}}, blocks));  // a town
        EXPECT_TRUE(shows({ward}, {kWardJma}, blocks));          // JMA's code of the ward
        EXPECT_TRUE(shows({ward}, {kWardJis}, blocks));
        EXPECT_TRUE(shows({ward}, {{"jisx0402", "13103", ""}}, blocks));
        EXPECT_TRUE(shows({ward}, {{"jisx0402", "130001", "東京都"}}, blocks));  // the prefecture
        EXPECT_FALSE(shows({ward}, {{"jisx0402", "131016", "千代田区"}}, blocks));
        EXPECT_FALSE(shows({ward}, {{"jma", "1310100", "千代田区"}}, blocks));
        EXPECT_FALSE(shows({ward}, {{"town", "131091/港南一丁目", "港南一丁目"}}, blocks));
    }
    // JMA's regions are matched by their code: a screen lists them when it wants them.
    EXPECT_TRUE(shows({"131032", "350"}, {{"jma", "350", "東京都２３区"}}, blocks));
    EXPECT_FALSE(shows({"131032"}, {{"jma", "350", "東京都２３区"}}, blocks));
}

TEST(AreaMatch, ABlockScreenShowsItsBlockItsTownAndTheWholeWard) {
    auto blocks = minato();
    for (std::string block : {"shibaura-1", "芝浦一丁目", "131032/芝浦一丁目"}) {
        SCOPED_TRACE(block);
        EXPECT_TRUE(shows({block}, {kWardJis}, blocks));  // the ward holds the block
        EXPECT_TRUE(shows({block}, {kWardJma}, blocks));
        EXPECT_TRUE(shows({block}, {{"jisx0402", "130001", "東京都"}}, blocks));
        EXPECT_TRUE(shows({block}, {kShibaura1}, blocks));
        EXPECT_TRUE(shows({block}, {{"", "", "芝浦"}}, blocks));  // its town
        EXPECT_TRUE(shows({block}, {{"", "", "港区芝浦一丁目～四丁目"}}, blocks));
        EXPECT_FALSE(shows({block}, {kDaiba2}, blocks));
        EXPECT_FALSE(shows({block}, {{"jisx0402", "131091", "品川区"}}, blocks));
    }
    // A screen for a town shows the orders for any of its blocks.
    EXPECT_TRUE(shows({"芝浦"}, {{"town", "shibaura-3", "芝浦三丁目"}}, blocks));
    EXPECT_FALSE(shows({"芝浦"}, {kDaiba2}, blocks));
}

TEST(AreaMatch, TheWardsAreaBesideBlocksNamesTheIssuerNotTheAudience) {
    auto blocks = minato();
    // The console and L-Alert: the ward's own area, then the blocks the order is for.
    std::vector<AlertArea> order = {kWardJis, kShibaura1};
    EXPECT_TRUE(shows({"shibaura-1"}, order, blocks));
    EXPECT_FALSE(shows({"daiba-2"}, order, blocks));
    EXPECT_TRUE(shows({"131032"}, order, blocks));
    // The same without the table, in L-Alert's form.
    std::vector<AlertArea> lalert = {kWardJis, {"town", "131032/芝浦一丁目", "芝浦一丁目"}};
    EXPECT_TRUE(shows({"131032/芝浦一丁目"}, lalert, nullptr));
    EXPECT_FALSE(shows({"131032/台場二丁目"}, lalert, nullptr));
    EXPECT_TRUE(shows({"131032"}, lalert, nullptr));
    // With a level of its own the ward's area is an order for the whole ward.
    order[0].level = 3;
    EXPECT_TRUE(shows({"daiba-2"}, order, blocks));
    // Beside a place we cannot put in a block, it stays a place: the adapters send to all.
    std::vector<AlertArea> mixed = {kWardJis, kShibaura1, {"", "", "品川駅周辺"}};
    EXPECT_TRUE(shows({"daiba-2"}, mixed, blocks));
    EXPECT_TRUE(blocks->target(mixed).whole_ward);
}

TEST(AreaMatch, PlayerAndAdaptersAgreeOnWhoIsConcerned) {
    auto blocks = minato();
    const std::vector<std::vector<AlertArea>> alerts = {
        {kWardJis},
        {kWardJma, kWardJis},
        {kShibaura1},
        {kWardJis, kShibaura1, kDaiba2},
        {kWardJma, {"town", "131032/台場一丁目", "台場一丁目"}},
        {{"jisx0402", "131032", "港区", 3}, kShibaura1},
        {{"", "", "港区芝浦一丁目～四丁目"}},
        {kWardJis, {"town", "131032/芝浦九丁目", "芝浦九丁目"}},
    };
    for (auto& areas : alerts) {
        auto t = blocks->target(areas);
        for (auto& b : blocks->all()) {
            bool sent =
                t.whole_ward || std::find(t.codes.begin(), t.codes.end(), b.code) != t.codes.end();
            EXPECT_EQ(shows({b.code}, areas, blocks), sent)
                << b.code << " for the alert with " << areas.size() << " areas, first "
                << areas[0].code;
        }
    }
}

TEST(AreaMatch, LevelIsTheHighestAmongTheMatchingAreas) {
    auto blocks = minato();
    Alert a = alert_for({kWardJis,
                         {"town", "shibaura-1", "芝浦一丁目", 5},
                         {"town", "takanawa-1", "高輪一丁目", 3},
                         {"town", "konan-1", "港南一丁目", std::nullopt}},
                        5);
    auto level = [&](std::vector<std::string> screen) {
        return ConfiguredAreas(std::move(screen), blocks).level_for(a);
    };
    EXPECT_EQ(level({"takanawa-1"}), 3);  // the ward's area beside blocks is not a level 5
    EXPECT_EQ(level({"高輪"}), 3);        // the town: its one block in the order
    EXPECT_EQ(level({"shibaura-1"}), 5);
    EXPECT_EQ(level({"konan-1"}), 5);  // a block without a level of its own has the alert's
    EXPECT_EQ(level({"131032"}), 5);   // the ward holds every block
    EXPECT_EQ(level({"daiba-1"}), 5);  // none of ours: the alert's level
}

TEST(AreaMatch, TargetReadsTheWardInEveryForm) {
    auto blocks = minato();
    EXPECT_TRUE(blocks->is_ward(kWardJma));
    EXPECT_TRUE(blocks->is_ward({"", "", "港区"}));
    EXPECT_FALSE(blocks->is_ward({"jma", "1310100", "千代田区"}));
    // JMA's code of the ward beside the console's blocks: the blocks are the audience.
    auto t = blocks->target({kWardJma, kShibaura1});
    EXPECT_FALSE(t.whole_ward);
    EXPECT_EQ(t.codes, std::vector<std::string>{"shibaura-1"});
    // A JMA alert for the ward as the hub sends it: everyone.
    t = blocks->target({kWardJma, kWardJis});
    EXPECT_TRUE(t.whole_ward);
    EXPECT_EQ(t.unplaced, (std::vector<std::string>{"jma:1310300", "jisx0402:131032"}));
}

}  // namespace
}  // namespace alerthub
