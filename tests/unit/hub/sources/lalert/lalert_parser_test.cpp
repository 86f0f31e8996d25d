// L-Alert documents (constructed fixtures, tests/fixtures/lalert/README.md) into canonical
// alerts: every expected value below was worked out by hand from the fixture's XML.

#include "hub/sources/lalert/lalert_parser.h"
#include "hub/sources/source_reader.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using testing::project_fixtures_dir;
using testing::read_file;

constexpr std::size_t kMax = 1 << 20;
constexpr std::string_view kDocumentId = "5c2e8a41-93b7-4f0d-b6a2-8e17d4c3f9a0";

std::string fixture(std::string_view name) {
    return read_file(project_fixtures_dir() / "lalert" / name);
}

std::string replace(std::string s, std::string_view from, std::string_view to) {
    auto pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) s.replace(pos, from.size(), to);
    return s;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
    return s;
}

SourceDocument parse(const std::string& bytes) {
    auto doc = read_source_document(bytes, kMax, SourceFormat::kLAlert);
    EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().message);
    return doc.ok() ? *doc : SourceDocument{};
}

std::string refusal(const std::string& bytes) {
    auto doc = read_source_document(bytes, kMax, SourceFormat::kLAlert);
    EXPECT_FALSE(doc.ok());
    return doc.ok() ? "" : doc.error().message;
}

WallTime at(std::string_view rfc3339) {
    return *parse_rfc3339(rfc3339);
}

AlertArea town(std::string_view name, std::optional<int> level) {
    return {"town", "131032/" + std::string(name), std::string(name), level};
}

const AlertArea kMinato{"jisx0402", "131032", "港区"};

TEST(LAlertParserTest, RoutesOnTheCommonsEnvelopeOnly) {
    EXPECT_TRUE(looks_like_lalert(fixture("evacuation_issue.xml")));
    EXPECT_TRUE(looks_like_lalert(fixture("shelter_open.xml")));
    // An EDXL-DE distribution carrying CAP names no コモンズEDXL namespace: CAP's.
    EXPECT_FALSE(looks_like_lalert(
        R"(<EDXLDistribution xmlns="urn:oasis:names:tc:emergency:EDXL:DE:1.0"><contentObject/></EDXLDistribution>)"));
    EXPECT_FALSE(looks_like_lalert(R"(<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>)"));
    EXPECT_FALSE(looks_like_lalert(""));
}

TEST(LAlertParserTest, EvacuationOrderIssuedForTownBlocks) {
    auto doc = parse(fixture("evacuation_issue.xml"));
    const Alert& a = doc.alert;
    EXPECT_EQ(doc.kind, "EvacuationOrder");
    EXPECT_EQ(doc.xml_namespace, kCommonsEdxlNamespace);
    EXPECT_EQ(doc.sequence, 1);
    EXPECT_EQ(doc.identity, fmt::format("lalert\nactual\n131032\n{}\n1\nReport", kDocumentId));
    EXPECT_TRUE(doc.warnings.empty());

    EXPECT_EQ(a.id, lalert_alert_id("actual", "131032", kDocumentId));
    EXPECT_EQ(a.id,
              "lalert-" + sha256_hex(fmt::format("actual\n131032\n{}", kDocumentId)).substr(0, 24));
    EXPECT_EQ(a.version, 1);
    EXPECT_EQ(a.state, AlertState::kActive);
    EXPECT_EQ(a.status, AlertStatus::kActual);
    EXPECT_EQ(a.msg_type, MsgType::kAlert);
    EXPECT_EQ(a.source.kind, SourceKind::kLAlert);
    EXPECT_EQ(a.source.sender, "editor.city.minato.tokyo.jp");
    EXPECT_EQ(a.source.identifier, fmt::format("{}#1", kDocumentId));
    EXPECT_EQ(a.source.sent, at("2026-09-10T14:05:00+09:00"));
    EXPECT_EQ(a.source.sha256, sha256_hex(fixture("evacuation_issue.xml")));

    EXPECT_EQ(a.event_code, "EvacuationOrder:4");
    EXPECT_EQ(a.event_name, (LocalizedText{{"ja", "避難指示"}, {"en", "Evacuation order"}}));
    EXPECT_EQ(a.category, "safety");
    EXPECT_EQ(a.level, 4);
    EXPECT_EQ(a.severity, Severity::kSevere);
    EXPECT_EQ(a.urgency, Urgency::kImmediate);
    EXPECT_EQ(a.certainty, Certainty::kLikely);
    EXPECT_EQ(a.effective, at("2026-09-10T14:00:00+09:00"));
    EXPECT_FALSE(a.expires.has_value());

    EXPECT_EQ(a.areas,
              (std::vector<AlertArea>{kMinato, town("芝浦一丁目", 4), town("芝浦二丁目", 4),
                                      town("海岸一丁目", 4), town("港南一丁目", 3)}));
    EXPECT_EQ(a.headline.at("ja"),
              "港区：【警戒レベル4】避難指示（芝浦一丁目、芝浦二丁目、海岸一丁目）／"
              "【警戒レベル3】高齢者等避難（港南一丁目）");
    EXPECT_EQ(a.description.at("ja"),
              "台風第14号の接近に伴い高潮による浸水のおそれがあるため、14時00分に避難指示等を発令"
              "しました。\n"
              "警戒レベル4 避難指示：芝浦一丁目、芝浦二丁目、海岸一丁目\n"
              "警戒レベル3 高齢者等避難：港南一丁目\n"
              "区立小中学校を避難所として開設しています。");
    EXPECT_TRUE(a.instruction.empty());
}

TEST(LAlertParserTest, UpdateRaisesOneBlockToLevelFive) {
    auto doc = parse(fixture("evacuation_upgrade.xml"));
    const Alert& a = doc.alert;
    EXPECT_EQ(doc.sequence, 2);
    EXPECT_EQ(a.id, lalert_alert_id("actual", "131032", kDocumentId));  // same document
    EXPECT_EQ(a.msg_type, MsgType::kUpdate);
    EXPECT_EQ(a.source.identifier, fmt::format("{}#2", kDocumentId));
    EXPECT_EQ(a.event_code, "EvacuationOrder:5");
    EXPECT_EQ(a.event_name.at("ja"), "緊急安全確保");
    EXPECT_EQ(a.level, 5);
    EXPECT_EQ(a.severity, Severity::kExtreme);
    EXPECT_EQ(a.certainty, Certainty::kObserved);
    EXPECT_EQ(a.areas,
              (std::vector<AlertArea>{kMinato, town("海岸一丁目", 5), town("芝浦一丁目", 4),
                                      town("芝浦二丁目", 4), town("港南一丁目", 3)}));
    EXPECT_EQ(a.headline.at("ja"),
              "港区：【警戒レベル5】緊急安全確保（海岸一丁目）／【警戒レベル4】避難指示（芝浦一丁目"
              "、芝浦二丁目）／【警戒レベル3】高齢者等避難（港南一丁目）");
}

TEST(LAlertParserTest, LiftingEveryBlockIsAnAllClearVersion) {
    auto doc = parse(fixture("evacuation_lift.xml"));
    const Alert& a = doc.alert;
    EXPECT_EQ(doc.sequence, 3);
    EXPECT_EQ(a.msg_type, MsgType::kUpdate);
    EXPECT_EQ(a.state, AlertState::kLifted);  // 解除: the hazard is over, not withdrawn
    EXPECT_EQ(a.event_code, "EvacuationOrder:lifted");
    EXPECT_FALSE(a.level.has_value());
    EXPECT_EQ(a.severity, Severity::kMinor);
    EXPECT_EQ(a.urgency, Urgency::kPast);
    EXPECT_EQ(a.areas,
              (std::vector<AlertArea>{
                  kMinato, town("海岸一丁目", std::nullopt), town("芝浦一丁目", std::nullopt),
                  town("芝浦二丁目", std::nullopt), town("港南一丁目", std::nullopt)}));
    EXPECT_EQ(a.headline.at("ja"), "港区：海岸一丁目、芝浦一丁目、芝浦二丁目ほかの避難情報を解除");
    EXPECT_NE(a.description.at("ja").find("解除：海岸一丁目、芝浦一丁目、芝浦二丁目、港南一丁目"),
              std::string::npos);
}

TEST(LAlertParserTest, CancelNeedsNoBodyAndCarriesTheErratum) {
    auto doc = parse(fixture("evacuation_cancel.xml"));
    const Alert& a = doc.alert;
    EXPECT_EQ(doc.kind, "EvacuationOrder");  // from commons:category
    EXPECT_EQ(doc.identity, fmt::format("lalert\nactual\n131032\n{}\n3\nCancel", kDocumentId));
    EXPECT_EQ(a.msg_type, MsgType::kCancel);
    EXPECT_EQ(a.state, AlertState::kCancelled);
    EXPECT_EQ(a.event_code, "EvacuationOrder");
    EXPECT_EQ(a.areas, std::vector<AlertArea>{kMinato});
    EXPECT_EQ(a.headline.at("ja"), "港区：避難情報の取消");
    EXPECT_EQ(a.description.at("ja"),
              "【取消】誤発信のため取消\n先ほどの避難情報は誤って発信したため取り消します。");
}

TEST(LAlertParserTest, SheltersOpenWithTheirCapacity) {
    auto doc = parse(fixture("shelter_open.xml"));
    const Alert& a = doc.alert;
    EXPECT_EQ(doc.kind, "Shelter");
    EXPECT_EQ(a.id, lalert_alert_id("actual", "131032", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"));
    EXPECT_EQ(a.event_code, "Shelter");
    EXPECT_EQ(a.event_name, (LocalizedText{{"ja", "避難所開設情報"}, {"en", "Shelters open"}}));
    EXPECT_FALSE(a.level.has_value());
    EXPECT_EQ(a.severity, Severity::kMinor);
    EXPECT_EQ(a.urgency, Urgency::kExpected);
    EXPECT_EQ(a.areas, std::vector<AlertArea>{kMinato});
    EXPECT_EQ(a.headline.at("ja"), "港区：避難所を開設しています（2か所）");
    EXPECT_EQ(a.description.at("ja"),
              "台風第14号に備え、区内の避難所を開設しました。\n"
              "芝浦小学校（港区芝浦四丁目）：開設、収容人数350人、空き、避難者42人\n"
              "港南小学校（港区港南四丁目）：開設、収容人数280人、混雑、避難者69人\n"
              "閉鎖：海岸区民センター\n"
              "ペット同行避難は芝浦小学校のみ受け入れています。");
}

TEST(LAlertParserTest, NoShelterOpenSaysSo) {
    auto closed = replace_all(fixture("shelter_open.xml"), "<pcx_sh:Sort>開設</pcx_sh:Sort>",
                              "<pcx_sh:Sort>閉鎖</pcx_sh:Sort>");
    auto a = parse(closed).alert;
    EXPECT_EQ(a.event_code, "Shelter:closed");
    EXPECT_EQ(a.urgency, Urgency::kPast);
    EXPECT_EQ(a.headline.at("ja"), "港区：開設中の避難所はありません");
}

TEST(LAlertParserTest, ABadCapacityIsDroppedWithAWarning) {
    auto doc = parse(
        replace(fixture("shelter_open.xml"), "<pcx_sh:Capacity>350<", "<pcx_sh:Capacity>約350<"));
    ASSERT_EQ(doc.warnings.size(), 1u);
    EXPECT_EQ(doc.warnings[0],
              "<Capacity> '約350' is not a positive integer (芝浦小学校); dropped");
    EXPECT_NE(doc.alert.description.at("ja").find("芝浦小学校（港区芝浦四丁目）：開設、空き"),
              std::string::npos);
}

TEST(LAlertParserTest, DrillsAndTestsAreLabelled) {
    auto drill = replace(replace(fixture("evacuation_issue.xml"), ">Actual<", ">Exercise<"),
                         "<Status>通常</Status>", "<Status>訓練</Status>");
    auto a = parse(drill).alert;
    EXPECT_EQ(a.status, AlertStatus::kExercise);
    // A drill never continues the real document's alert.
    EXPECT_NE(a.id, lalert_alert_id("actual", "131032", kDocumentId));
    auto test = replace(replace(fixture("evacuation_issue.xml"), ">Actual<", ">Test<"),
                        "<Status>通常</Status>", "<Status>試験</Status>");
    EXPECT_EQ(parse(test).alert.status, AlertStatus::kTest);
    auto jitsu = replace(fixture("evacuation_issue.xml"), "<Status>通常</Status>",
                         "<Status>実運用</Status>");
    EXPECT_EQ(parse(jitsu).alert.status, AlertStatus::kActual);
}

TEST(LAlertParserTest, OlderSortNamesMapToTheirLevels) {
    auto old = replace(replace(fixture("evacuation_issue.xml"), "<pcx_ev:Sort>避難指示<",
                               "<pcx_ev:Sort>避難勧告<"),
                       "<pcx_ev:Sort>高齢者等避難<", "<pcx_ev:Sort>避難準備・高齢者等避難開始<");
    auto a = parse(old).alert;
    EXPECT_EQ(a.level, 4);
    EXPECT_EQ(a.areas.back(), town("港南一丁目", 3));
}

TEST(LAlertParserTest, ADetailWithoutAreasCoversTheWholeMunicipality) {
    auto doc = fixture("evacuation_issue.xml");
    auto from = doc.find("<pcx_ev:Sort>高齢者等避難");
    auto areas = doc.find("<pcx_ev:Areas>", from);
    auto end = doc.find("</pcx_ev:Areas>", areas) + std::string_view("</pcx_ev:Areas>").size();
    doc.erase(areas, end - areas);
    auto parsed = parse(replace(doc, "<pcx_ev:Sort>高齢者等避難<", "<pcx_ev:Sort>緊急安全確保<"));
    EXPECT_EQ(parsed.alert.level, 5);
    EXPECT_EQ(parsed.alert.areas.front(), (AlertArea{"jisx0402", "131032", "港区", 5}));
    EXPECT_EQ(parsed.warnings,
              std::vector<std::string>{
                  "Detail[2] names no <Area>: it applies to the whole municipality"});
    EXPECT_NE(parsed.alert.headline.at("ja").find("【警戒レベル5】緊急安全確保（港区全域）"),
              std::string::npos);
}

TEST(LAlertParserTest, MalformedFixtureIsRefusedForItsContradictoryStatus) {
    EXPECT_EQ(refusal(fixture("evacuation_malformed.xml")),
              "<Control/Status> '訓練' contradicts <distributionStatus> 'Actual'");
}

TEST(LAlertParserTest, BadDocumentsAreRefusedWithTheirReason) {
    const auto issue = fixture("evacuation_issue.xml");
    EXPECT_NE(refusal(replace(issue, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE x [<!ENTITY "
                              "e SYSTEM \"file:///etc/passwd\">]>"))
                  .find("<!DOCTYPE> is not allowed in an L-Alert document"),
              std::string::npos);
    EXPECT_EQ(
        refusal(replace(issue, "<pcx_ev:Sort>高齢者等避難<", "<pcx_ev:Sort>警戒区域<")),
        "<Detail[2]/Sort> '警戒区域' is not one of 高齢者等避難, 避難指示, 緊急安全確保 (or the "
        "names before 2021: 避難準備・高齢者等避難開始, 避難勧告, 避難指示（緊急）)");
    EXPECT_EQ(refusal(replace(issue, "<pcx_ev:IssueOrLift>発令<", "<pcx_ev:IssueOrLift>継続<")),
              "<Detail[1]/IssueOrLift> '継続' is not one of 発令, 解除");
    EXPECT_EQ(
        refusal(replace_all(issue, "<commons:documentRevision>1<", "<commons:documentRevision>0<")),
        "<commons:documentRevision> '0' is not a positive integer");
    EXPECT_EQ(
        refusal(replace(issue, "<commons:documentID>5c2e8a41", "<commons:documentID>ffffffff")),
        "<Head> documentID 'ffffffff-93b7-4f0d-b6a2-8e17d4c3f9a0' contradicts the "
        "contentObject's '5c2e8a41-93b7-4f0d-b6a2-8e17d4c3f9a0'");
    EXPECT_EQ(refusal(replace(issue, "<edxlde:distributionType>Report<",
                              "<edxlde:distributionType>Ack<")),
              "<distributionType> 'Ack' is not one of Report, Update, Cancel: not information to "
              "distribute");
    EXPECT_EQ(refusal(replace(
                  issue, "<edxlde:senderID>editor.city.minato.tokyo.jp</edxlde:senderID>", "")),
              "missing <senderID>");
    EXPECT_EQ(refusal(replace(issue, ">Actual<", ">Draft<")),
              "<distributionStatus> 'Draft' is not one of Actual, Exercise, System, Test");
    EXPECT_EQ(
        refusal(replace(issue, "<commons:category>EvacuationOrder<", "<commons:category>Shelter<")),
        "<commons:category> 'Shelter' but the body is <EvacuationOrder>");
    EXPECT_EQ(refusal(replace_all(replace(issue, "<commons:category>EvacuationOrder<",
                                          "<commons:category>DamageInformation<"),
                                  "pcx_ev:EvacuationOrder>", "pcx_ev:DamageInformation>")),
              "not a supported L-Alert information type: DamageInformation (read: "
              "EvacuationOrder, Shelter)");
    EXPECT_TRUE(refusal(replace(issue, "2026-09-10T14:05:00+09:00</edxlde:dateTimeSent>",
                                "yesterday</edxlde:dateTimeSent>"))
                    .starts_with("<EDXLDistribution/dateTimeSent> 'yesterday' is not a date-time"));

    auto content = issue.substr(issue.find("  <commons:contentObject>"));
    content = content.substr(0, content.find("</commons:contentObject>") + 25);
    EXPECT_EQ(
        refusal(replace(issue, "</commons:contentObject>", "</commons:contentObject>\n" + content)),
        "several documents in one distribution (2 <commons:contentObject>); send one per "
        "distribution");

    auto report_start = issue.find("<Report");
    auto report_end = issue.find("</Report>") + 9;
    auto cap = issue;
    cap.replace(report_start, report_end - report_start,
                R"(<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>)");
    EXPECT_EQ(refusal(cap),
              "<embeddedXMLContent> carries <alert> in namespace "
              "'urn:oasis:names:tc:emergency:cap:1.2': neither a 公共情報コモンズXML <Report> "
              "('http://xml.publiccommons.ne.jp/pcxml1/…') nor a JMA telegram");

    EXPECT_NE(refusal(replace(issue, "港区", "\xff\xfe")).find("UTF-8"), std::string::npos);
    EXPECT_EQ(refusal(issue.substr(0, issue.size() / 2)).substr(0, 19), "not well-formed XML");
    auto too_big = read_source_document(issue, 100, SourceFormat::kLAlert);
    ASSERT_FALSE(too_big.ok());
    EXPECT_EQ(too_big.error().code, ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace alerthub::hub
