// Families, not titles (issue 13): a JMA title the hub does not know is read as the known type
// whose title it extends by a revision suffix, when its Head/InfoKind and format version are
// that type's; anything less certain is refused with the reason. Real telegrams of
// ../shared/fixtures/jma, their Control/Title (and Head) respelled in memory as a new revision
// of JMA's samples would spell them.

#include <gtest/gtest.h>

#include <string>

#include "hub/sources/source_reader.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using testing::fixtures_dir;
using testing::read_file;

constexpr std::size_t kMaxBytes = 4 << 20;
constexpr const char* kIntensity = "earthquake/32-35_07_01_100915_VXSE51.xml";  // 震度速報
constexpr const char* kR06Rain = "warning/15_16_03_241226_VPWW55.xml";  // （Ｒ０６）（大雨）

std::string fixture(const char* rel) {
    return read_file(fixtures_dir() / "jma" / rel);
}

// The first occurrence (Control comes before Head).
std::string respell(std::string xml, const std::string& from, const std::string& to) {
    auto at = xml.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) xml.replace(at, from.size(), to);
    return xml;
}

TEST(JmxFamily, ARevisedTitleOfAKnownTypeWithItsStructureIsReadAsThatType) {
    auto original = read_source_document(fixture(kIntensity), kMaxBytes);
    ASSERT_TRUE(original.ok()) << original.error().message;
    auto revised = read_source_document(respell(fixture(kIntensity), "<Title>震度速報</Title>",
                                                "<Title>震度速報（Ｒ０７）</Title>"),
                                        kMaxBytes);
    ASSERT_TRUE(revised.ok()) << revised.error().message;
    EXPECT_EQ(revised->kind, "VXSE51");
    // One family, one chain: the id is the known title's, whatever the spelling.
    EXPECT_EQ(revised->alert.id, original->alert.id);
    EXPECT_EQ(revised->alert.event_code, original->alert.event_code);
    ASSERT_FALSE(revised->warnings.empty());
    EXPECT_NE(revised->warnings.back().find("'震度速報（Ｒ０７）' is not one the hub knows: read "
                                            "as VXSE51 (震度速報)"),
              std::string::npos)
        << revised->warnings.back();
}

TEST(JmxFamily, AnR06WarningWithAFurtherRevisionSuffixIsReadAsItsType) {
    auto revised = read_source_document(
        respell(fixture(kR06Rain), "<Title>気象警報・注意報（Ｒ０６）（大雨）</Title>",
                "<Title>気象警報・注意報（Ｒ０６）（大雨）（改）</Title>"),
        kMaxBytes);
    ASSERT_TRUE(revised.ok()) << revised.error().message;
    EXPECT_EQ(revised->kind, "VPWW55");
}

TEST(JmxFamily, ASameTitleWithAnotherFormatVersionIsRefusedWithTheReason) {
    auto xml = respell(fixture(kR06Rain), "<Title>気象警報・注意報（Ｒ０６）（大雨）</Title>",
                       "<Title>気象警報・注意報（Ｒ０６）（大雨）（改）</Title>");
    xml = respell(xml, "<InfoKindVersion>1.5_0</InfoKindVersion>",
                  "<InfoKindVersion>1.6_0</InfoKindVersion>");
    auto doc = read_source_document(xml, kMaxBytes);
    ASSERT_FALSE(doc.ok());
    EXPECT_NE(
        doc.error().message.find("its title extends VPWW55's (気象警報・注意報（Ｒ０６）（大雨）) "
                                 "but its format version 1.6 is not 1.5"),
        std::string::npos)
        << doc.error().message;
}

TEST(JmxFamily, ARevisedTitleWithAnotherInfoKindIsRefusedWithTheReason) {
    auto xml = respell(fixture(kIntensity), "<Title>震度速報</Title>",
                       "<Title>震度速報（Ｒ０７）</Title>");
    xml = respell(xml, "<InfoKind>震度速報</InfoKind>", "<InfoKind>地震情報</InfoKind>");
    auto doc = read_source_document(xml, kMaxBytes);
    ASSERT_FALSE(doc.ok());
    EXPECT_NE(doc.error().message.find("its Head/InfoKind '地震情報' is not '震度速報'"),
              std::string::npos)
        << doc.error().message;
}

TEST(JmxFamily, ATitleThatOnlyStartsLikeAKnownOneIsNotItsFamily) {
    // 緊急地震速報配信テスト shares InfoKind 緊急地震速報 with the EEW types: a delivery test,
    // not a warning. Its title is no revision of theirs.
    auto test = read_source_document(fixture("eew/54_01_01_100514_VXSE42.xml"), kMaxBytes);
    ASSERT_FALSE(test.ok());
    EXPECT_TRUE(test.error().message.starts_with("not an alerting type: 緊急地震速報配信テスト"));
    // A new generation of 気象警報・注意報 whose kind codes the hub cannot know.
    auto next = read_source_document(
        respell(fixture(kR06Rain), "<Title>気象警報・注意報（Ｒ０６）（大雨）</Title>",
                "<Title>気象警報・注意報（Ｒ０９）（大雨）</Title>"),
        kMaxBytes);
    ASSERT_FALSE(next.ok());
    EXPECT_TRUE(next.error().message.starts_with(
        "not an alerting type: 気象警報・注意報（Ｒ０９）（大雨）"))
        << next.error().message;
}

}  // namespace
}  // namespace alerthub::hub
