// The shipped JMA area table (config/jma/areas_tokyo.tsv): consistent with JMA's own
// telegrams, and able to tell that a telegram for 東京地方 or 東京都２３区 concerns 港区 while
// one for 奈良県 does not.

#include "hub/sources/jma/jmx_area_table.h"

#include <gtest/gtest.h>

#include "hub/sources/jma/jmx_parser.h"
#include "hub/sources/source_reader.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using testing::fixtures_dir;
using testing::project_fixtures_dir;
using testing::read_file;

constexpr std::string_view kMinato = "1310300";

JmaAreaTable tokyo() {
    auto path = project_fixtures_dir().parent_path().parent_path() / "config/jma/areas_tokyo.tsv";
    auto table = JmaAreaTable::load(path.string());
    EXPECT_TRUE(table.ok()) << (table.ok() ? "" : table.error().message);
    return table.ok() ? std::move(*table) : JmaAreaTable();
}

Alert parse(std::string_view rel) {
    auto doc =
        read_source_document(read_file(fixtures_dir() / "jma" / rel), 1 << 20, SourceFormat::kJma);
    EXPECT_TRUE(doc.ok()) << rel << ": " << (doc.ok() ? "" : doc.error().message);
    return doc.ok() ? doc->alert : Alert{};
}

TEST(JmaAreaTableTest, MinatoIsCoveredByItsRegionsInEveryHierarchy) {
    auto table = tokyo();
    EXPECT_EQ(table.covering(kMinato),
              (std::set<std::string>{"1310300", "130011", "130010", "130000", "350", "13", "312"}));
    EXPECT_EQ(table.find(kMinato)->name, "港区");
    EXPECT_EQ(table.find(kMinato)->romaji, "Minato-ku");
    EXPECT_EQ(table.find(kMinato)->kana, "みなとく");
    EXPECT_TRUE(table.covering("9999999").empty());
}

TEST(JmaAreaTableTest, AgreesWithTheNamesAndCodesInJmasTelegram) {
    // 15_13_01 lists every 東京都 municipality and region: each must be in the table under the
    // same name, and every municipality must reach 東京都 through its parents.
    auto table = tokyo();
    auto alert = parse("warning/15_13_01_161226_VPWW53.xml");
    ASSERT_GE(alert.areas.size(), 20u);
    auto all = read_file(fixtures_dir() / "jma/warning/15_13_01_161226_VPWW53.xml");
    int checked = 0;
    for (const auto& [code, area] : std::map<std::string, std::string>{{"130000", "東京都"},
                                                                       {"130010", "東京地方"},
                                                                       {"130011", "２３区西部"},
                                                                       {"130012", "２３区東部"},
                                                                       {"1310300", "港区"},
                                                                       {"1342100", "小笠原村"}}) {
        ASSERT_NE(table.find(code), nullptr) << code;
        EXPECT_EQ(table.find(code)->name, area);
        EXPECT_NE(all.find("<Name>" + area + "</Name>\n<Code>" + code + "</Code>"),
                  std::string::npos)
            << code;
        ++checked;
    }
    EXPECT_EQ(checked, 6);
    for (const auto& a : alert.areas) {
        const JmaArea* known = table.find(a.code);
        ASSERT_NE(known, nullptr) << a.code << " " << a.name;
        EXPECT_EQ(known->name, a.name);
        EXPECT_TRUE(table.covering(a.code).count("130000")) << a.code;
    }
}

TEST(JmaAreaTableTest, TellsWhichTelegramsConcernMinato) {
    auto table = tokyo();
    EXPECT_TRUE(table.concerns(parse("warning/15_13_01_161226_VPWW53.xml").areas, kMinato));
    EXPECT_FALSE(table.concerns(parse("warning/15_08_01_130412_VPWW53.xml").areas, kMinato));
    // A quake felt in 東京都２３区 (細分区域 350).
    EXPECT_TRUE(table.concerns({{"jma", "350", "東京都２３区"}}, kMinato));
    EXPECT_FALSE(table.concerns({{"jma", "350", "東京都２３区"}}, "1320100"));  // 八王子市
    // 東京湾内湾 under a tsunami advisory (a drill sample), and a real advisory for the
    // islands only (2023-10-09: 伊豆諸島, 小笠原諸島 …) that leaves the bay out.
    EXPECT_TRUE(table.concerns(parse("tsunami/32-39_13_02_250206_VTSE41.xml").areas, kMinato));
    EXPECT_FALSE(table.concerns(parse("real/20231009064018_06274659_VTSE41.xml").areas, kMinato));
    // Another scheme with a colliding code is not a JMA area.
    EXPECT_FALSE(table.concerns({{"jisx0402", "130000", "東京都"}}, kMinato));
}

TEST(JmaAreaTableTest, RefusesBrokenTables) {
    auto err = [](std::string_view tsv) {
        auto t = JmaAreaTable::parse(tsv);
        return t.ok() ? std::string("accepted") : t.error().message;
    };
    EXPECT_EQ(err("t\t1\tA\t\t\t\t\nt\t1\tB\t\t\t\t\n"), "line 2: code 1 already on line 1");
    EXPECT_EQ(err("# c\nt\t1\tA\t2\t\t\t\n"), "line 2: 1 refers to unknown code 2");
    EXPECT_EQ(err("t\t1\tA\t\t9\t\t\n"), "line 1: 1 refers to unknown code 9");
    EXPECT_EQ(err("t\t1\tA\n"),
              "line 1: 3 fields, expected 7 (code_type, code, name, parent, also_in, romaji, "
              "kana)");
    EXPECT_EQ(err("t\t1\tA\t\t\n"),
              "line 1: 5 fields, expected 7 (code_type, code, name, parent, also_in, romaji, "
              "kana)");
    EXPECT_EQ(err("t\t1\tA\t2\t\t\t\nt\t2\tB\t1\t\t\t\n"), "line 1: parents of 1 form a cycle");
    auto ok = JmaAreaTable::parse("t\t1\tA\t\t\tEi\tえい\r\n\nt\t2\tB\t1\t\t\t\n");
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->size(), 2u);
    EXPECT_EQ(ok->find("1")->romaji, "Ei");
    EXPECT_EQ(ok->find("1")->kana, "えい");
    EXPECT_EQ(ok->find("2")->romaji, "");
    EXPECT_EQ(ok->covering("2"), (std::set<std::string>{"1", "2"}));
}

}  // namespace
}  // namespace alerthub::hub
