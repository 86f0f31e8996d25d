// The JMX parser's refusals (each with its own reason) and its small helpers, on telegrams
// built in the test from one real sample so that each case differs from it in one way.

#include "hub/sources/jma/jmx_parser.h"
#include "hub/sources/source_reader.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using testing::fixtures_dir;
using testing::read_file;

constexpr std::size_t kMaxBytes = 1 << 20;

std::string sample() {
    return read_file(fixtures_dir() / "jma/tornado/19_02_01_111226_VPHW50.xml");
}

std::string replace(std::string s, std::string_view from, std::string_view to) {
    auto pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) s.replace(pos, from.size(), to);
    return s;
}

std::string rejection(std::string_view raw, std::size_t max = kMaxBytes) {
    auto doc = read_source_document(raw, max, SourceFormat::kJma);
    return doc.ok() ? "accepted" : doc.error().message;
}

TEST(JmxParserTest, TheSampleIsAccepted) {
    auto doc = read_source_document(sample(), kMaxBytes, SourceFormat::kJma);
    ASSERT_TRUE(doc.ok()) << doc.error().message;
    EXPECT_EQ(doc->kind, "VPHW50");
    EXPECT_EQ(doc->alert.event_code, "VPHW50:1");
}

TEST(JmxParserTest, RefusesADoctype) {
    auto raw = replace(sample(), "<Report ",
                       "<!DOCTYPE Report [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<Report ");
    EXPECT_TRUE(looks_like_jmx(raw));  // routed here, so that this parser names the problem
    EXPECT_NE(rejection(raw).find("<!DOCTYPE> is not allowed in a JMA telegram"),
              std::string::npos);
}

TEST(JmxParserTest, RefusesInvalidUtf8AndOtherEncodings) {
    auto raw = replace(sample(), "京都府竜巻注意情報", "\xff\xfe");
    EXPECT_NE(rejection(raw).find("UTF-8"), std::string::npos) << rejection(raw);
    auto sjis = replace(sample(), "encoding=\"UTF-8\"", "encoding=\"Shift_JIS\"");
    EXPECT_EQ(rejection(sjis), "JMA telegrams are UTF-8; this one declares 'shift_jis'");
}

TEST(JmxParserTest, RefusesOversizeWithResourceExhausted) {
    auto raw = sample();
    auto doc = read_source_document(raw, raw.size() - 1, SourceFormat::kJma);
    ASSERT_FALSE(doc.ok());
    EXPECT_EQ(doc.error().code, ErrorCode::kResourceExhausted);
    EXPECT_NE(doc.error().message.find("over the limit"), std::string::npos);
}

TEST(JmxParserTest, RefusesWrongRootsAndNamespaces) {
    EXPECT_EQ(rejection("<Report xmlns=\"urn:example\"><Control/></Report>"),
              "root element is <Report> in namespace 'urn:example', not <Report> in "
              "'http://xml.kishou.go.jp/jmaxml1/'");
    EXPECT_NE(rejection("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"/>")
                  .find("root element is <alert>"),
              std::string::npos);
    auto head_ns = replace(sample(), "jmaxml1/informationBasis1/", "jmaxml1/other/");
    EXPECT_NE(rejection(head_ns).find("<Head> is in namespace"), std::string::npos);
    EXPECT_NE(rejection("<Report xmlns=\"http://xml.kishou.go.jp/jmaxml1/\">")
                  .find("not well-formed XML"),
              std::string::npos);
    EXPECT_EQ(rejection("  \n"), "empty document");
}

TEST(JmxParserTest, RefusesTypesAWardDoesNotActOnByTitle) {
    auto raw = read_file(fixtures_dir() / "jma/other/24_10_01_130906_VPFD50.xml");
    EXPECT_EQ(rejection(raw),
              "not an alerting type: 府県天気予報 (see config/jma/README.md, \"Refused types\")");
    auto renamed = replace(sample(), "<Title>竜巻注意情報</Title>", "<Title>季節観測</Title>");
    EXPECT_EQ(rejection(renamed),
              "not an alerting type: 季節観測 (see config/jma/README.md, \"Refused types\")");
}

TEST(JmxParserTest, RefusesUnknownStatusAndInfoTypeAndMissingElements) {
    EXPECT_EQ(rejection(replace(sample(), "<Status>通常</Status>", "<Status>遅延</Status>")),
              "<Control/Status> '遅延' is not one of 通常, 訓練, 試験");
    EXPECT_EQ(
        rejection(replace(sample(), "<InfoType>発表</InfoType>", "<InfoType>遅延</InfoType>")),
        "<Head/InfoType> '遅延' is not one of 発表, 訂正, 取消");
    EXPECT_EQ(rejection(replace(sample(), "<EditorialOffice>京都地方気象台</EditorialOffice>", "")),
              "missing <Control/EditorialOffice>");
    EXPECT_NE(rejection(replace(sample(), "2011-12-15T09:15:00Z", "yesterday"))
                  .find("<Control/DateTime> 'yesterday' is not a date-time"),
              std::string::npos);
}

TEST(JmxParserTest, StatusAndInfoTypeMapOntoTheLifecycle) {
    auto test =
        read_source_document(replace(sample(), "<Status>通常</Status>", "<Status>試験</Status>"),
                             kMaxBytes, SourceFormat::kJma);
    ASSERT_TRUE(test.ok()) << test.error().message;
    EXPECT_EQ(test->alert.status, AlertStatus::kTest);
    auto drill =
        read_source_document(replace(sample(), "<Status>通常</Status>", "<Status>訓練</Status>"),
                             kMaxBytes, SourceFormat::kJma);
    ASSERT_TRUE(drill.ok());
    EXPECT_EQ(drill->alert.status, AlertStatus::kExercise);
    auto correction = read_source_document(
        replace(sample(), "<InfoType>発表</InfoType>", "<InfoType>訂正</InfoType>"), kMaxBytes,
        SourceFormat::kJma);
    ASSERT_TRUE(correction.ok());
    EXPECT_EQ(correction->alert.msg_type, MsgType::kUpdate);
    EXPECT_EQ(correction->alert.state, AlertState::kActive);
    // One incident: every InfoType keeps the id; another Status is another incident, so a
    // drill can never update or cancel the real alert.
    auto original = read_source_document(sample(), kMaxBytes, SourceFormat::kJma);
    ASSERT_TRUE(original.ok());
    EXPECT_EQ(correction->alert.id, original->alert.id);
    EXPECT_NE(test->alert.id, original->alert.id);
    EXPECT_NE(drill->alert.id, original->alert.id);
}

TEST(JmxParserTest, RoutingSniffsOnlyTheRootElement) {
    EXPECT_TRUE(looks_like_jmx(sample()));
    EXPECT_TRUE(
        looks_like_jmx("\xEF\xBB\xBF<?xml version=\"1.0\"?><!-- c --><jmx:Report "
                       "xmlns:jmx=\"http://xml.kishou.go.jp/jmaxml1/\">"));
    EXPECT_FALSE(looks_like_jmx(read_file(fixtures_dir() / "cap/spec/Oasis_AmberAlert.xml")));
    EXPECT_FALSE(looks_like_jmx("<Report xmlns=\"urn:other\"/>"));
    EXPECT_FALSE(looks_like_jmx(""));
    EXPECT_FALSE(looks_like_jmx("<?xml"));
    EXPECT_FALSE(looks_like_jmx("garbage"));
}

TEST(JmxParserTest, AlertIdAndSerialHelpers) {
    EXPECT_EQ(jmx_alert_id("actual", "20240417231454", "緊急地震速報（警報）").substr(0, 4),
              "jma-");
    EXPECT_NE(jmx_alert_id("actual", "20240417231454", "緊急地震速報（警報）"),
              jmx_alert_id("actual", "20240417231454", "緊急地震速報（予報）"));
    EXPECT_NE(jmx_alert_id("actual", "20240417231454", "緊急地震速報（警報）"),
              jmx_alert_id("exercise", "20240417231454", "緊急地震速報（警報）"));
    // The Serial is the document's typed sequence (nothing reads it back from the identifier),
    // and a Serial that is not a number leaves none.
    auto doc = read_source_document(sample(), kMaxBytes, SourceFormat::kJma);
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(doc->sequence, 1);
    EXPECT_FALSE(doc->ends_episode);
    auto odd = read_source_document(replace(sample(), "<Serial>1</Serial>", "<Serial>3a</Serial>"),
                                    kMaxBytes, SourceFormat::kJma);
    ASSERT_TRUE(odd.ok());
    EXPECT_EQ(odd->sequence, std::nullopt);
    EXPECT_TRUE(jmx_is_all_clear("VXWW50:00"));
    EXPECT_FALSE(jmx_is_all_clear("VXWW50:3"));
    EXPECT_FALSE(jmx_is_all_clear("VXSE43"));
}

TEST(JmxParserTest, TelegramsWithoutEventIdAreKeyedByOfficeAndRegion) {
    // 気象警報 carries an empty EventID: the standing warning state of one region is the
    // incident, so two offices' telegrams never share an id.
    auto nara =
        read_source_document(read_file(fixtures_dir() / "jma/warning/15_08_01_130412_VPWW53.xml"),
                             kMaxBytes, SourceFormat::kJma);
    auto hyogo =
        read_source_document(read_file(fixtures_dir() / "jma/warning/15_10_03_160628_VPWW53.xml"),
                             kMaxBytes, SourceFormat::kJma);
    ASSERT_TRUE(nara.ok() && hyogo.ok());
    EXPECT_EQ(nara->kind, "VPWW53");
    EXPECT_EQ(nara->alert.source.identifier, "VPWW53/奈良地方気象台:奈良県気象警報・注意報");
    EXPECT_NE(nara->alert.id, hyogo->alert.id);
    auto lifted =
        read_source_document(read_file(fixtures_dir() / "jma/warning/15_08_05_130412_VPWW53.xml"),
                             kMaxBytes, SourceFormat::kJma);
    ASSERT_TRUE(lifted.ok());
    EXPECT_EQ(lifted->alert.id, nara->alert.id);
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
    return s;
}

TEST(JmxParserTest, ALiftedFloodForecastIsTheAllClearNotANewLevel) {
    auto raw = testing::read_file(testing::fixtures_dir() / "jma/flood/16_01_01_220728_VXKOii.xml");
    auto lifted = replace_all(raw, "<Name>氾濫注意情報</Name>", "<Name>氾濫注意情報解除</Name>");
    auto doc = read_source_document(lifted, kMaxBytes, SourceFormat::kJma);
    ASSERT_TRUE(doc.ok()) << doc.error().message;
    EXPECT_EQ(doc->alert.event_code, "VXKO:00");
    EXPECT_EQ(doc->alert.level, std::nullopt);
    EXPECT_EQ(doc->alert.urgency, Urgency::kPast);
    auto original = read_source_document(raw, kMaxBytes, SourceFormat::kJma);
    ASSERT_TRUE(original.ok());
    EXPECT_EQ(original->alert.level, 2);
    EXPECT_EQ(original->alert.id, doc->alert.id);
}

}  // namespace
}  // namespace alerthub::hub
