// The CAP parser over every shared CAP fixture (each accepted or rejected for a pinned
// reason), detailed expectations for the interesting ones, and hostile variations.

#include "hub/sources/cap/cap_parser.h"
#include "hub/sources/source_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

namespace fs = std::filesystem;
using testing::fixtures_dir;
using testing::project_fixtures_dir;
using testing::read_file;

constexpr std::size_t kLimit = 1048576;

std::string cap_file(const std::string& relative) {
    return read_file(fixtures_dir() / "cap" / relative);
}

std::string replace(std::string text, std::string_view from, std::string_view to) {
    auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << "fixture no longer contains: " << from;
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
    return text;
}

std::string thunderstorm() {
    return cap_file("spec/Oasis_ThunderstormWarning.xml");
}

SourceDocument parse_ok(const std::string& bytes) {
    auto doc = read_source_document(bytes, kLimit, SourceFormat::kCap);
    EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().message);
    return doc.ok() ? *doc : SourceDocument{};
}

std::string rejection(const std::string& bytes, std::size_t limit = kLimit) {
    auto doc = read_source_document(bytes, limit, SourceFormat::kCap);
    EXPECT_FALSE(doc.ok()) << "accepted, expected a rejection";
    return doc.ok() ? "" : doc.error().message;
}

WallTime at(const char* rfc3339) {
    return *parse_rfc3339(rfc3339);
}

// Every file of the shared spec/, real/ and invalid/ folders, with what must become of it:
// "" = accepted, otherwise a substring of the rejection reason.
const std::map<std::string, std::string>& expectations() {
    static const std::map<std::string, std::string> m = {
        {"spec/Oasis_AmberAlert.xml", ""},
        {"spec/Oasis_HomelandAlert.xml", ""},
        {"spec/Oasis_ThunderstormWarning.xml", ""},
        {"real/2.49.0.0.276.0.DWD.PVW.1687511640000.0d1a4fb5-251a-46fc-aae3-a688d2021e71.MUL."
         "xml",
         ""},
        {"real/CanadaNaad.xml", ""},
        {"real/australia.cap", ""},
        {"real/australia_bom.cap", ""},
        {"real/canada_signed.cap", ""},
        {"real/dwd-update.xml", ""},
        {"real/earthquake-iso8859-1.cap", ""},
        {"real/earthquake_signed.cap", ""},
        {"real/il-488abaaf-cad5-4d2b-93b2-703016878453.xml", ""},
        {"real/multi-area.xml", ""},
        {"real/no_optional_fields.cap", ""},
        {"real/noaa_multiple_polygons.xml", ""},
        {"real/ntwc_tsunami_information.xml", ""},
        {"real/nws_flash_flood_watch_cap11.cap", ""},
        {"real/ph_pagasa_test.cap", ""},
        {"real/polygon-trailing-space.xml", ""},
        {"real/rfs_nsw_edxlde.xml", ""},
        {"real/smhi.se.alerts.cap", "several alerts in one document (17 <alert> elements"},
        {"real/sweden_krisinformation.cap", ""},
        {"real/usgs_earthquake_cap11.cap", ""},
        {"invalid/canada_errors.cap", "<references> is empty"},
        {"invalid/invalid.cap", "missing required <scope>"},
        {"invalid/invalid_xmlns.cap",
         "<alert> is in namespace 'urn:oasis:names:tc:emergency:alerts:1.2'"},
        {"invalid/noaa_errors.cap", "info[1]: <urgency> is empty"},
        {"invalid/pelmorex_latin1_declared_utf8.atom",
         "invalid UTF-8 at byte offset 547 (byte 0xE9) in a document declared as UTF-8"},
        {"invalid/xee.cap", "<!DOCTYPE> is not allowed"},
    };
    return m;
}

TEST(CapParserTest, EverySharedFixtureIsNormalizedOrRejectedForItsReason) {
    int seen = 0;
    for (const char* folder : {"spec", "real", "invalid"}) {
        for (const auto& entry : fs::directory_iterator(fixtures_dir() / "cap" / folder)) {
            std::string relative = std::string(folder) + "/" + entry.path().filename().string();
            SCOPED_TRACE(relative);
            auto it = expectations().find(relative);
            ASSERT_NE(it, expectations().end()) << "new fixture without an expectation";
            ++seen;
            const std::string raw = read_file(entry.path());
            auto doc = read_source_document(raw, kLimit, SourceFormat::kCap);
            if (it->second.empty()) {
                ASSERT_TRUE(doc.ok()) << doc.error().message;
                const Alert& a = doc->alert;
                EXPECT_EQ(a.id,
                          cap_alert_id(a.source.sender, a.source.identifier, to_string(a.status)));
                EXPECT_EQ(a.id.size(), 4u + 24u);
                EXPECT_EQ(a.version, 1);
                EXPECT_EQ(a.source.kind, SourceKind::kCap);
                EXPECT_EQ(a.source.sha256, sha256_hex(raw));
                EXPECT_FALSE(a.source.sender.empty());
                // The canonical JSON carries everything: decode(encode(x)) == x.
                auto decoded = decode_alert(encode_alert(a));
                ASSERT_TRUE(decoded.ok()) << decoded.error().message;
                EXPECT_EQ(*decoded, a);
            } else {
                ASSERT_FALSE(doc.ok()) << "accepted, expected: " << it->second;
                EXPECT_NE(doc.error().message.find(it->second), std::string::npos)
                    << doc.error().message;
            }
        }
    }
    EXPECT_EQ(seen, static_cast<int>(expectations().size())) << "a listed fixture is missing";
}

TEST(CapParserTest, ThunderstormWarningMapsEveryField) {
    auto doc = parse_ok(thunderstorm());
    const Alert& a = doc.alert;
    EXPECT_EQ(a.id, cap_alert_id("KSTO@NWS.NOAA.GOV", "KSTO1055887203"));
    EXPECT_EQ(a.status, AlertStatus::kActual);
    EXPECT_EQ(a.msg_type, MsgType::kAlert);
    EXPECT_EQ(a.state, AlertState::kActive);
    EXPECT_EQ(a.source.sender, "KSTO@NWS.NOAA.GOV");
    EXPECT_EQ(a.source.identifier, "KSTO1055887203");
    EXPECT_EQ(a.source.sent, at("2003-06-17T14:57:00-07:00"));
    EXPECT_EQ(a.severity, Severity::kSevere);
    EXPECT_EQ(a.urgency, Urgency::kImmediate);
    EXPECT_EQ(a.certainty, Certainty::kObserved);
    EXPECT_EQ(a.category, "met");
    EXPECT_EQ(a.event_code, "SAME:SVR");
    EXPECT_EQ(a.event_name, (LocalizedText{{"en", "SEVERE THUNDERSTORM"}}));
    EXPECT_EQ(a.headline, (LocalizedText{{"en", "SEVERE THUNDERSTORM WARNING"}}));
    EXPECT_EQ(a.instruction.at("en"),
              "TAKE COVER IN A SUBSTANTIAL SHELTER UNTIL THE STORM PASSES.");
    EXPECT_EQ(a.description.at("en").substr(0, 10), "AT 254 PM ");  // trimmed
    EXPECT_EQ(a.expires, at("2003-06-17T16:00:00-07:00"));
    EXPECT_FALSE(a.effective.has_value());
    EXPECT_FALSE(a.level.has_value());
    ASSERT_EQ(a.areas.size(), 3u);
    const std::string county =
        "EXTREME NORTH CENTRAL TUOLUMNE COUNTY IN CALIFORNIA, EXTREME NORTHEASTERN CALAVERAS "
        "COUNTY IN CALIFORNIA, SOUTHWESTERN ALPINE COUNTY IN CALIFORNIA";
    EXPECT_EQ(a.areas[0], (AlertArea{"SAME", "006109", county}));
    EXPECT_EQ(a.areas[1], (AlertArea{"SAME", "006009", county}));
    EXPECT_EQ(a.areas[2], (AlertArea{"SAME", "006003", county}));
    ASSERT_EQ(a.polygons.size(), 1u);
    EXPECT_EQ(a.polygons[0].points,
              "38.47,-120.14 38.34,-119.95 38.52,-119.74 38.62,-119.89 38.47,-120.14");
    EXPECT_EQ(a.polygons[0].area_name, county);
    EXPECT_TRUE(a.links.empty());
    EXPECT_TRUE(doc.references.empty());
    EXPECT_EQ(doc.xml_namespace, kCap12Namespace);
    EXPECT_TRUE(doc.warnings.empty());
}

TEST(CapParserTest, XxeDocumentIsRejectedForItsDoctype) {
    auto reason = rejection(cap_file("invalid/xee.cap"));
    EXPECT_NE(reason.find("<!DOCTYPE> is not allowed"), std::string::npos) << reason;
    // A harmless-looking internal subset is refused just the same.
    auto with_internal_subset =
        replace(thunderstorm(), "<alert ", "<!DOCTYPE alert [<!ENTITY x \"y\">]>\n<alert ");
    EXPECT_NE(rejection(with_internal_subset).find("DOCTYPE"), std::string::npos);
}

TEST(CapParserTest, Iso88591DocumentIsConvertedToUtf8) {
    const std::string raw = cap_file("real/earthquake-iso8859-1.cap");
    auto doc = parse_ok(raw);
    EXPECT_EQ(doc.alert.headline.at("en"),
              "EQ 4.6 Usulut\xC3\xA1n, Usulut\xC3\xA1n, El Salvador - PRELIMINARY REPORT");
    EXPECT_EQ(doc.alert.source.sha256, sha256_hex(raw));  // of the bytes as received
    EXPECT_EQ(doc.alert.category, "geo");
    EXPECT_EQ(doc.alert.urgency, Urgency::kPast);
}

TEST(CapParserTest, Latin1BytesDeclaredAsUtf8AreRejected) {
    auto reason = rejection(cap_file("invalid/pelmorex_latin1_declared_utf8.atom"));
    EXPECT_NE(reason.find("invalid UTF-8 at byte offset 547"), std::string::npos) << reason;
}

TEST(CapParserTest, SeveralAlertsInOneDocumentAreRejectedButASingleWrappedOneIsNot) {
    auto reason = rejection(cap_file("real/smhi.se.alerts.cap"));
    EXPECT_NE(reason.find("several alerts in one document (17 <alert> elements in <alerts>)"),
              std::string::npos)
        << reason;
    std::string one = thunderstorm();
    one = replace(one, "<alert xmlns = \"urn:oasis:names:tc:emergency:cap:1.2\">",
                  "<alerts xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><alert>");
    one += "</alerts>";
    EXPECT_EQ(parse_ok(one).alert.source.identifier, "KSTO1055887203");
}

TEST(CapParserTest, EdxlDeDistributionIsUnwrapped) {
    auto doc = parse_ok(cap_file("real/rfs_nsw_edxlde.xml"));
    const Alert& a = doc.alert;
    EXPECT_EQ(a.source.sender, "webmaster@rfs.nsw.gov.au");
    EXPECT_EQ(a.source.identifier, "2014-05-08T10:31:00-00:00:160068");
    EXPECT_EQ(a.headline, (LocalizedText{{"en", "MVA Gwandalan"}}));
    EXPECT_EQ(a.category, "other");
    EXPECT_EQ(a.severity, Severity::kMinor);
    ASSERT_EQ(a.areas.size(), 1u);
    EXPECT_EQ(a.areas[0].code, "AU-NSW");
    EXPECT_EQ(a.areas[0].name, "86 Kullaroo Rd Gwandalan, Wyong");
    // The circle has no place in the canonical alert and says so.
    ASSERT_EQ(doc.warnings.size(), 1u);
    EXPECT_NE(doc.warnings[0].find("<circle>"), std::string::npos);

    std::string empty = R"(<?xml version="1.0"?>
<edxlde:EDXLDistribution xmlns:edxlde="urn:oasis:names:tc:emergency:EDXL:DE:1.0">
  <edxlde:contentObject><edxlde:xmlContent><edxlde:embeddedXMLContent/></edxlde:xmlContent>
  </edxlde:contentObject></edxlde:EDXLDistribution>)";
    EXPECT_NE(rejection(empty).find("carries no CAP <alert>"), std::string::npos);
}

TEST(CapParserTest, MultilingualAlertKeepsEveryLanguageAndTheFirstLanguagesAreas) {
    auto doc = parse_ok(cap_file("spec/Oasis_AmberAlert.xml"));
    const Alert& a = doc.alert;
    EXPECT_EQ(a.headline.at("en"), "Amber Alert in Los Angeles County");
    EXPECT_EQ(a.headline.at("es"), "Alerta Amber en el condado de Los \xC3\x81ngeles");
    EXPECT_EQ(a.event_name.at("es"), "Abducci\xC3\xB3n de Ni\xC3\xB1o");
    EXPECT_EQ(a.category, "rescue");
    // The Spanish block repeats the same county under its Spanish name: not a second area.
    ASSERT_EQ(a.areas.size(), 1u);
    EXPECT_EQ(a.areas[0], (AlertArea{"SAME", "006037", "Los Angeles County"}));
}

TEST(CapParserTest, MissingLanguageIsEnUsAndAreaWithoutGeocodeKeepsItsName) {
    auto doc = parse_ok(cap_file("spec/Oasis_HomelandAlert.xml"));
    const Alert& a = doc.alert;
    EXPECT_EQ(a.headline, (LocalizedText{{"en", "Homeland Security Sets Code ORANGE"}}));
    ASSERT_EQ(a.areas.size(), 1u);
    EXPECT_EQ(a.areas[0], (AlertArea{"", "", "U.S. nationwide and interests worldwide"}));
    ASSERT_EQ(a.links.size(), 1u);
    EXPECT_EQ(a.links[0].rel, "web");
    EXPECT_EQ(a.links[0].url, "http://www.dhs.gov/dhspublic/display?theme=29");
    EXPECT_EQ(a.category, "security");
}

TEST(CapParserTest, WrongNamespaceIsRejected) {
    auto reason = rejection(cap_file("invalid/invalid_xmlns.cap"));
    EXPECT_NE(reason.find("expected 'urn:oasis:names:tc:emergency:cap:1.2'"), std::string::npos);
    auto none = replace(thunderstorm(), " xmlns = \"urn:oasis:names:tc:emergency:cap:1.2\"", "");
    EXPECT_NE(rejection(none).find("namespace '(none)'"), std::string::npos);
}

TEST(CapParserTest, PrefixedNamespaceAndCap11AreAccepted) {
    auto bom = parse_ok(cap_file("real/australia_bom.cap"));
    EXPECT_EQ(bom.alert.source.sender, "CAP.Message@bom.gov.au");
    ASSERT_FALSE(bom.alert.areas.empty());
    EXPECT_EQ(bom.alert.areas[0].code, "AU-NSW");

    auto usgs = parse_ok(cap_file("real/usgs_earthquake_cap11.cap"));
    EXPECT_EQ(usgs.xml_namespace, kCap11Namespace);
    EXPECT_EQ(usgs.alert.event_code, "SAME:EQW");
}

TEST(CapParserTest, StatusMapsToCanonicalStatus) {
    EXPECT_EQ(parse_ok(cap_file("real/ph_pagasa_test.cap")).alert.status, AlertStatus::kTest);
    auto with = [&](const char* status) {
        return parse_ok(replace(thunderstorm(), "<status>Actual</status>",
                                std::string("<status>") + status + "</status>"))
            .alert.status;
    };
    EXPECT_EQ(with("Exercise"), AlertStatus::kExercise);
    EXPECT_EQ(with("System"), AlertStatus::kTest);
    EXPECT_EQ(with("Test"), AlertStatus::kTest);
    auto draft = replace(thunderstorm(), "<status>Actual</status>", "<status>Draft</status>");
    EXPECT_NE(rejection(draft).find("<status> is Draft"), std::string::npos);
    auto bogus = replace(thunderstorm(), "<status>Actual</status>", "<status>actual</status>");
    EXPECT_NE(rejection(bogus).find("<status> 'actual' is not one of Actual"), std::string::npos);
}

TEST(CapParserTest, UpdatesCarryTheirReferences) {
    auto doc = parse_ok(cap_file("real/canada_signed.cap"));
    EXPECT_EQ(doc.alert.msg_type, MsgType::kUpdate);
    EXPECT_EQ(doc.alert.state, AlertState::kActive);
    ASSERT_EQ(doc.references.size(), 9u);
    EXPECT_EQ(doc.references[0], (CapReference{"cap-pac@ec.gc.ca", "2.49.0.1.124.726d2331.2013",
                                               "2013-01-23T21:31:00-00:00"}));
}

TEST(CapParserTest, CancelIsCancelledAndNeedsReferences) {
    const std::string cancel = read_file(project_fixtures_dir() / "cap/thunderstorm_cancel.xml");
    auto doc = parse_ok(cancel);
    EXPECT_EQ(doc.alert.msg_type, MsgType::kCancel);
    EXPECT_EQ(doc.alert.state, AlertState::kCancelled);
    ASSERT_EQ(doc.references.size(), 1u);
    EXPECT_EQ(doc.references[0],
              (CapReference{"KSTO@NWS.NOAA.GOV", "KSTO1055887203", "2003-06-17T14:57:00-07:00"}));
    // Its own id: the journal re-keys it onto the chain.
    EXPECT_EQ(doc.alert.id, cap_alert_id("KSTO@NWS.NOAA.GOV", "KSTO1055889103"));

    auto without = cancel;
    auto start = without.find("  <references>");
    without.erase(start, without.find("</references>") + 14 - start);
    EXPECT_NE(rejection(without).find("missing <references>: required for msgType Cancel"),
              std::string::npos);
    auto malformed = replace(cancel, "KSTO@NWS.NOAA.GOV,KSTO1055887203,2003-06-17T14:57:00-07:00",
                             "KSTO1055887203");
    EXPECT_NE(rejection(malformed).find("<references>: 'KSTO1055887203' is not "
                                        "'sender,identifier,sent'"),
              std::string::npos);
}

TEST(CapParserTest, MinatoEvacuationOrderIsBilingualWithLevelAreasAndLink) {
    auto doc = parse_ok(read_file(project_fixtures_dir() / "cap/minato_evacuation_order.xml"));
    const Alert& a = doc.alert;
    EXPECT_EQ(a.level, 4);
    EXPECT_EQ(a.event_name, (LocalizedText{{"ja", "避難指示"}, {"en", "Evacuation order"}}));
    EXPECT_EQ(a.headline.at("ja"), "【警戒レベル4】芝浦一丁目～四丁目に避難指示（高潮）");
    EXPECT_NE(a.instruction.at("en").find("Everyone in the area"), std::string::npos);
    EXPECT_EQ(a.category, "safety");
    EXPECT_EQ(a.severity, Severity::kSevere);
    ASSERT_EQ(a.areas.size(), 2u);
    EXPECT_EQ(a.areas[0], (AlertArea{"jisx0402", "131032", "港区"}));
    EXPECT_EQ(a.areas[1], (AlertArea{"", "", "港区芝浦一丁目～四丁目"}));
    ASSERT_EQ(a.links.size(), 1u);
    EXPECT_EQ(a.links[0].url, "https://www.city.minato.tokyo.jp/bousai/hinanjo-map.html");
    ASSERT_TRUE(a.expires && a.effective);
    EXPECT_EQ(*a.expires - *a.effective, std::chrono::hours(6));

    auto cancel =
        parse_ok(read_file(project_fixtures_dir() / "cap/minato_evacuation_order_cancel.xml"));
    EXPECT_EQ(cancel.alert.state, AlertState::kCancelled);
    EXPECT_FALSE(cancel.alert.level.has_value());
    ASSERT_EQ(cancel.references.size(), 1u);
    EXPECT_EQ(cap_alert_id(cancel.references[0].sender, cancel.references[0].identifier), a.id);
}

TEST(CapParserTest, LevelParameterIsReadOrRejected) {
    auto with_level = [&](const std::string& value) {
        return replace(thunderstorm(), "<contact>",
                       "<parameter><valueName>警戒レベル</valueName><value>" + value +
                           "</value></parameter>\n<contact>");
    };
    // <parameter> comes after <contact> in CAP; the parser does not insist on the order.
    EXPECT_EQ(parse_ok(with_level("3")).alert.level, 3);
    EXPECT_EQ(parse_ok(with_level("警戒レベル５")).alert.level, 5);
    EXPECT_NE(rejection(with_level("7"))
                  .find("<parameter> 警戒レベル: '7' is not a level from 1 "
                        "to 5"),
              std::string::npos);
}

TEST(CapParserTest, LanguageTagsAreNormalized) {
    auto lang = [&](const std::string& tag) {
        auto doc = parse_ok(replace(thunderstorm(), "<category>Met</category>",
                                    "<language>" + tag + "</language><category>Met</category>"));
        return doc.alert.headline.begin()->first;
    };
    EXPECT_EQ(lang("en-US"), "en");
    EXPECT_EQ(lang("ja-JP"), "ja");
    EXPECT_EQ(lang("zh-CN"), "zh-Hans");
    EXPECT_EQ(lang("zh-tw"), "zh-Hant");
    EXPECT_EQ(lang("pt-BR"), "pt");
    auto bad = replace(thunderstorm(), "<category>Met</category>",
                       "<language>not a tag</language><category>Met</category>");
    EXPECT_NE(rejection(bad).find("info[1]: <language>: 'not a tag' is not a language tag"),
              std::string::npos);
}

TEST(CapParserTest, RequiredElementsAreNamedWhenMissingOrWrong) {
    auto without = [&](const std::string& element) {
        auto text = thunderstorm();
        auto open = "<" + element + ">";
        auto start = text.find(open);
        auto end = text.find("</" + element + ">", start) + element.size() + 3;
        text.erase(start, end - start);
        return rejection(text);
    };
    EXPECT_NE(without("identifier").find("missing required <identifier>"), std::string::npos);
    EXPECT_NE(without("sender").find("missing required <sender>"), std::string::npos);
    EXPECT_NE(without("sent").find("missing required <sent>"), std::string::npos);
    EXPECT_NE(without("msgType").find("missing required <msgType>"), std::string::npos);
    EXPECT_NE(without("event").find("info[1]: missing required <event>"), std::string::npos);
    EXPECT_NE(without("category").find("info[1]: missing required <category>"), std::string::npos);
    EXPECT_NE(without("certainty").find("info[1]: missing required <certainty>"),
              std::string::npos);
    EXPECT_NE(without("areaDesc").find("info[1]/area[1]: missing required <areaDesc>"),
              std::string::npos);

    auto bad_sent = replace(thunderstorm(), "2003-06-17T14:57:00-07:00", "17 June 2003");
    EXPECT_NE(rejection(bad_sent).find("<sent>: bad RFC 3339 time"), std::string::npos);
    auto twice = replace(thunderstorm(), "<sender>", "<sender>a@b</sender><sender>");
    EXPECT_NE(rejection(twice).find("<sender> appears 2 times"), std::string::npos);
    auto spaced = replace(thunderstorm(), "KSTO1055887203", "KSTO 1055887203");
    EXPECT_NE(rejection(spaced).find("<identifier> 'KSTO 1055887203' must not contain spaces"),
              std::string::npos);
    auto severity =
        replace(thunderstorm(), "<severity>Severe</severity>", "<severity>Bad</severity>");
    EXPECT_NE(rejection(severity).find("info[1]: <severity> 'Bad' is not one of Extreme"),
              std::string::npos);
    auto category =
        replace(thunderstorm(), "<category>Met</category>", "<category>Weather</category>");
    EXPECT_NE(rejection(category).find("<category> 'Weather' is not a CAP category"),
              std::string::npos);
}

TEST(CapParserTest, NonPublicAndNonAlertMessagesAreNotDistributed) {
    auto restricted = replace(thunderstorm(), "<scope>Public</scope>",
                              "<scope>Restricted</scope><restriction>staff</restriction>");
    EXPECT_NE(rejection(restricted).find("<scope> is Restricted"), std::string::npos);
    auto ack = replace(thunderstorm(), "<msgType>Alert</msgType>", "<msgType>Ack</msgType>");
    EXPECT_NE(rejection(ack).find("<msgType> is Ack"), std::string::npos);
}

TEST(CapParserTest, OversizedDocumentIsRefusedBeforeParsing) {
    auto doc = read_source_document(thunderstorm(), 1000, SourceFormat::kCap);
    ASSERT_FALSE(doc.ok());
    EXPECT_EQ(doc.error().code, ErrorCode::kResourceExhausted);
    EXPECT_NE(doc.error().message.find("over the limit of 1000 bytes"), std::string::npos);
}

TEST(CapParserTest, EncodingsOtherThanUtf8AndLatin1AreRefusedByName) {
    auto sjis = replace(thunderstorm(), "encoding = \"UTF-8\"", "encoding=\"Shift_JIS\"");
    EXPECT_NE(rejection(sjis).find("encoding 'shift_jis' is not accepted"), std::string::npos);
    EXPECT_NE(rejection(std::string("\xFF\xFE<\0a\0", 6)).find("UTF-16"), std::string::npos);
    EXPECT_EQ(parse_ok("\xEF\xBB\xBF" + thunderstorm()).alert.source.identifier, "KSTO1055887203");
}

TEST(CapParserTest, MalformedXmlAndGarbageAreRejectedWithAReason) {
    EXPECT_EQ(rejection(""), "empty document");
    EXPECT_NE(rejection("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>")
                  .find("not well-formed XML"),
              std::string::npos);
    EXPECT_NE(
        rejection("<feed xmlns=\"http://www.w3.org/2005/Atom\"/>").find("root element <feed>"),
        std::string::npos);
    auto polygon = replace(thunderstorm(), "38.47,-120.14 38.34", "north,-120.14 38.34");
    EXPECT_NE(rejection(polygon).find("<polygon> point 'north,-120.14'"), std::string::npos);
}

TEST(CapParserTest, QuestionableDetailsAreDroppedWithAWarning) {
    auto doc = parse_ok(cap_file("real/dwd-update.xml"));
    ASSERT_FALSE(doc.warnings.empty());
    EXPECT_NE(doc.warnings[0].find("not a closed ring"), std::string::npos);
    EXPECT_TRUE(doc.alert.polygons.empty());

    auto js = replace(thunderstorm(), "<contact>", "<web>javascript:alert(1)</web><contact>");
    auto with_js = parse_ok(js);
    EXPECT_TRUE(with_js.alert.links.empty());
    ASSERT_EQ(with_js.warnings.size(), 1u);
    EXPECT_NE(with_js.warnings[0].find("not an http(s) URL"), std::string::npos);
}

TEST(CapParserTest, AlertWithoutInfoIsAccepted) {
    auto doc = parse_ok(cap_file("real/no_optional_fields.cap"));
    EXPECT_TRUE(doc.alert.headline.empty());
    EXPECT_EQ(doc.alert.severity, Severity::kUnknown);
    EXPECT_TRUE(doc.alert.areas.empty());
}

TEST(CapReferencesTest, ParsesWhitespaceSeparatedTriples) {
    auto refs = parse_cap_references(
        "  a@b,id1,2003-06-17T14:57:00-07:00\n\tc@d,id2,2003-06-17T15:00:00Z ");
    ASSERT_TRUE(refs.ok());
    ASSERT_EQ(refs->size(), 2u);
    EXPECT_EQ((*refs)[1], (CapReference{"c@d", "id2", "2003-06-17T15:00:00Z"}));
    EXPECT_FALSE(parse_cap_references("a@b,id1").ok());
    EXPECT_FALSE(parse_cap_references("a@b,id1,sent,extra").ok());
    EXPECT_FALSE(parse_cap_references(",id,sent").ok());
    EXPECT_FALSE(parse_cap_references("   ").ok());
}

TEST(CapAlertIdTest, IsDerivedFromSenderAndIdentifier) {
    auto id = cap_alert_id("KSTO@NWS.NOAA.GOV", "KSTO1055887203");
    EXPECT_EQ(id, "cap-" + sha256_hex("KSTO@NWS.NOAA.GOV\nKSTO1055887203").substr(0, 24));
    EXPECT_NE(id, cap_alert_id("KSTO@NWS.NOAA.GOV", "KSTO1055887204"));
}

}  // namespace
}  // namespace alerthub::hub
