// Every alert ends (issue 13, Lifecycle E0): config/jma/lifetimes.tsv gives each JMA type the
// hub reads a default lifetime, and every real telegram of the fixture corpus that the hub
// accepts ends once it has been given one.

#include "hub/policy/lifetimes.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "hub/sources/source_reader.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using namespace std::chrono_literals;
using testing::fixtures_dir;
using testing::project_fixtures_dir;
using testing::read_file;

LifetimeTable shipped_table() {
    auto path = project_fixtures_dir().parent_path().parent_path() / "config/jma/lifetimes.tsv";
    auto table = LifetimeTable::load(path.string());
    if (!table) ADD_FAILURE() << table.error().message;
    return table ? std::move(*table) : LifetimeTable{};
}

TEST(Lifetimes, TheShippedTableGivesShortLivesToReportsAndLongCapsToWarnings) {
    auto table = shipped_table();
    EXPECT_EQ(table.lifetime("VXSE51"), 60min);         // 震度速報
    EXPECT_EQ(table.lifetime("VXSE43"), 10min);         // 緊急地震速報（警報）
    EXPECT_EQ(table.lifetime("VPOA50"), 60min);         // 記録的短時間大雨情報
    EXPECT_EQ(table.lifetime("VTSE41"), 72h);           // 津波警報: until 解除, capped
    EXPECT_EQ(table.lifetime("VPWW55"), 72h);           // an R06 warning: until lifted, capped
    EXPECT_EQ(table.lifetime("VXSE60"), std::nullopt);  // a type the hub refuses
}

TEST(Lifetimes, EveryTelegramTheHubAcceptsEnds) {
    auto table = shipped_table();
    int accepted = 0;
    int given = 0;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(fixtures_dir() / "jma")) {
        if (entry.path().extension() != ".xml") continue;
        auto doc = read_source_document(read_file(entry.path()), 4 << 20);
        if (!doc || !doc->jma) continue;
        ++accepted;
        Alert alert = doc->alert;
        const bool had_end = alert.expires.has_value();
        EXPECT_EQ(table.give_end(*doc, alert), !had_end) << entry.path();
        ASSERT_TRUE(alert.expires.has_value()) << entry.path() << " " << doc->jma->type_code;
        if (!had_end) {
            ++given;
            EXPECT_EQ(*alert.expires, *alert.effective + *table.lifetime(doc->jma->type_code))
                << entry.path();
        }
    }
    // Before issue 13 every one of these reached players with `expires: null`.
    EXPECT_GE(accepted, 100);
    EXPECT_GE(given, 95);
}

TEST(Lifetimes, AnEndTheTelegramGivesIsKept) {
    auto table = shipped_table();
    auto doc = read_source_document(
        read_file(fixtures_dir() / "jma/tornado/19_02_01_111226_VPHW50.xml"), 4 << 20);
    ASSERT_TRUE(doc.ok()) << doc.error().message;
    ASSERT_TRUE(doc->alert.expires.has_value());  // 竜巻注意情報 carries Head/ValidDateTime
    Alert alert = doc->alert;
    EXPECT_FALSE(table.give_end(*doc, alert));
    EXPECT_EQ(alert.expires, doc->alert.expires);
}

TEST(Lifetimes, ABadTableIsRefusedWithItsLine) {
    auto twice = LifetimeTable::parse("# c\nVXSE51\t60\twhy\nVXSE51\t30\twhy\n");
    ASSERT_FALSE(twice.ok());
    EXPECT_EQ(twice.error().message, "line 3: VXSE51 is listed twice");
    auto zero = LifetimeTable::parse("VXSE51\t0\twhy\n");
    ASSERT_FALSE(zero.ok());
    EXPECT_EQ(zero.error().message, "line 1: '0' is not a positive number of minutes");
    auto no_source = LifetimeTable::parse("VXSE51\t60\n");
    ASSERT_FALSE(no_source.ok());
    EXPECT_EQ(no_source.error().message,
              "line 1: expected code<TAB>minutes<TAB>why (with its source)");
}

}  // namespace
}  // namespace alerthub::hub
