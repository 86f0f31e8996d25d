// Every real JMA telegram in ../shared/fixtures/jma is either normalized or refused with a
// specific reason, never a crash; and a hand-checked table pins what a duty officer would
// read off 30+ of them (checked against the XML by eye: kind, level, area counts and codes).

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "core/base/time_format.h"
#include "hub/sources/jma/jmx_parser.h"
#include "hub/sources/source_reader.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

namespace fs = std::filesystem;
using testing::fixtures_dir;
using testing::read_file;

constexpr std::size_t kMaxBytes = 1 << 20;

// Paths relative to fixtures/jma, sorted; the schema and Atom feeds are not telegrams.
std::vector<std::string> telegram_files() {
    std::vector<std::string> out;
    const auto root = fixtures_dir() / "jma";
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        auto rel = fs::relative(it->path(), root).generic_string();
        if (rel.starts_with("schema/") || rel.starts_with("feed/")) continue;
        if (it->is_regular_file() && it->path().extension() == ".xml") out.push_back(rel);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The type code in a fixture's file name: "15_16_03_241226_VPWW55.xml" -> "VPWW55",
// "20210216071046_0_VXSE53_270000.xml" -> "VXSE53", "..._VXKOii.xml" -> "VXKO".
std::string type_code_of(const std::string& rel) {
    auto name = fs::path(rel).stem().string();
    size_t start = 0;
    while (start < name.size()) {
        auto end = name.find('_', start);
        auto token = name.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (token.size() >= 6 && token[0] == 'V' &&
            std::isupper(static_cast<unsigned char>(token[1]))) {
            if (token.ends_with("ii")) token.resize(token.size() - 2);
            return token;
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return {};
}

const std::set<std::string> kSupported = {
    "VPWW53", "VPWW54", "VPWW55", "VPWW56", "VPWW57", "VPWW58", "VPWW59", "VPWW60", "VPWW61",
    "VXWW50", "VXKO", "VPOA50", "VPHW50", "VPHW51", "VXSE51", "VXSE52", "VXSE53", "VXSE43",
    "VXSE44", "VTSE41", "VFVO50",
    // Issue 11 point 6.
    "VTSE51", "VXSE45", "VYSE50", "VYSE51", "VYSE52", "VYSE60", "VFVO56", "VPNO50"};

TEST(JmxCorpusTest, TheCorpusIsThere) {
    // Guards the parameterized test below against an empty directory passing vacuously.
    auto files = telegram_files();
    EXPECT_GE(files.size(), 160u);
    size_t supported = 0;
    for (const auto& f : files) supported += kSupported.count(type_code_of(f));
    EXPECT_GE(supported, 80u);
}

class JmxCorpusFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(JmxCorpusFileTest, NormalizedWhenSupportedElseRejectedWithTheReason) {
    const auto& rel = GetParam();
    const auto raw = read_file(fixtures_dir() / "jma" / rel);
    const auto code = type_code_of(rel);
    ASSERT_FALSE(code.empty()) << rel;
    ASSERT_TRUE(looks_like_jmx(raw)) << rel;
    auto doc = read_source_document(raw, kMaxBytes, SourceFormat::kJma);
    if (kSupported.count(code)) {
        ASSERT_TRUE(doc.ok()) << rel << ": " << doc.error().message;
        const Alert& a = doc->alert;
        EXPECT_EQ(doc->kind, code);
        EXPECT_TRUE(a.event_code.starts_with(code)) << a.event_code;
        EXPECT_TRUE(a.id.starts_with("jma-")) << a.id;
        EXPECT_EQ(a.id.size(), 4u + 24u);
        EXPECT_EQ(a.source.kind, SourceKind::kJma);
        EXPECT_FALSE(a.source.sender.empty());
        EXPECT_FALSE(a.event_name.at("ja").empty());
        EXPECT_FALSE(a.event_name.at("en").empty());
        EXPECT_FALSE(a.headline.at("ja").empty());
        EXPECT_EQ(a.state == AlertState::kCancelled, a.msg_type == MsgType::kCancel);
        for (const auto& area : a.areas) {
            EXPECT_EQ(area.scheme, "jma");
            EXPECT_FALSE(area.code.empty() && area.name.empty());
        }
        if (a.level) {
            EXPECT_GE(*a.level, 1);
            EXPECT_LE(*a.level, 5);
        }
        // What the journal stores must read back as the same alert.
        auto decoded = decode_alert(encode_alert(a));
        ASSERT_TRUE(decoded.ok()) << decoded.error().message;
        EXPECT_EQ(*decoded, a);
    } else {
        ASSERT_FALSE(doc.ok()) << rel << " (" << code << ") was normalized";
        EXPECT_EQ(doc.error().code, ErrorCode::kInvalidArgument);
        EXPECT_TRUE(doc.error().message.starts_with("not an alerting type: "))
            << rel << ": " << doc.error().message;
    }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string out;
    for (char c : info.param) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return out;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, JmxCorpusFileTest, ::testing::ValuesIn(telegram_files()),
                         test_name);

struct Pinned {
    const char* file;
    const char* event_code;
    const char* name_ja;
    int level;  // 0: none
    size_t areas;
    const char* first_area;  // "" when there are none
    AlertState state;
    AlertStatus status;
    MsgType msg_type;
    Severity severity;
};

constexpr auto kActive = AlertState::kActive;
constexpr auto kCancelled = AlertState::kCancelled;
constexpr auto kLifted = AlertState::kLifted;  // everything lifted: 解除, not 取消
constexpr auto kActual = AlertStatus::kActual;
constexpr auto kExercise = AlertStatus::kExercise;
constexpr auto kAlertT = MsgType::kAlert;
constexpr auto kCancelT = MsgType::kCancel;

// Hand-checked against the XML.
const Pinned kPinned[] = {
    // 気象特別警報・警報・注意報 / （Ｈ２７）: the most severe kind in force, areas at 市町村等
    // level.
    {"warning/15_08_01_130412_VPWW53.xml", "VPWW53:33", "大雨特別警報", 5, 40, "2920100", kActive,
     kActual, kAlertT, Severity::kExtreme},
    {"warning/15_08_05_130412_VPWW53.xml", "VPWW53:00", "気象特別警報・警報・注意報（解除）", 0, 40,
     "2920100", kLifted, kActual, kAlertT, Severity::kMinor},
    {"warning/15_09_03_130826_VPWW53.xml", "VPWW53:07", "波浪警報", 0, 30, "3020100", kActive,
     kActual, kAlertT, Severity::kSevere},
    {"warning/15_10_03_160628_VPWW53.xml", "VPWW53:33", "大雨特別警報", 5, 41, "2810000", kActive,
     kActual, kAlertT, Severity::kExtreme},
    {"warning/15_13_01_161226_VPWW53.xml", "VPWW53:33", "大雨特別警報", 5, 24, "1310100", kActive,
     kActual, kAlertT, Severity::kExtreme},
    {"warning/15_11_01_150916_VPWW54.xml", "VPWW54:08", "高潮警報", 4, 19, "3520100", kActive,
     kActual, kAlertT, Severity::kSevere},
    {"warning/15_11_03_150916_VPWW54.xml", "VPWW54:36", "大雪特別警報", 0, 9, "1620100", kActive,
     kActual, kAlertT, Severity::kExtreme},
    {"warning/15_15_01_220314_VPWW54.xml", "VPWW54:08", "高潮警報", 4, 1, "3640300", kActive,
     kActual, kAlertT, Severity::kSevere},
    {"warning/15_17_01_250123_VPWW54.xml", "VPWW54:03", "大雨警報", 3, 19, "3220100", kActive,
     kActual, kAlertT, Severity::kSevere},
    // 気象警報・注意報（Ｒ０６）: the level is read from the telegram ("レベル４…").
    {"warning/15_16_03_241226_VPWW55.xml", "VPWW55:43", "レベル４大雨危険警報", 4, 10, "0121400",
     kActive, kActual, kAlertT, Severity::kSevere},
    {"warning/15_17_01_250630_VPWW55.xml", "VPWW55:03", "レベル３大雨警報", 3, 15, "3220100",
     kActive, kActual, kAlertT, Severity::kSevere},
    {"warning/15_16_01_241031_VPWW56.xml", "VPWW56:49", "レベル４土砂災害危険警報", 4, 10,
     "0121400", kActive, kActual, kAlertT, Severity::kSevere},
    {"warning/15_16_02_250630_VPWW57.xml", "VPWW57:48", "レベル４高潮危険警報", 4, 5, "2620200",
     kActive, kActual, kAlertT, Severity::kSevere},
    {"warning/15_16_04_250630_VPWW58.xml", "VPWW58:05", "暴風警報", 0, 10, "0121400", kActive,
     kActual, kAlertT, Severity::kSevere},
    {"warning/15_16_06_241226_VPWW60.xml", "VPWW60:06", "大雪警報", 0, 10, "0121400", kActive,
     kActual, kAlertT, Severity::kSevere},
    {"warning/15_16_07_250630_VPWW61.xml", "VPWW61:14", "雷注意報", 0, 10, "0121400", kActive,
     kActual, kAlertT, Severity::kModerate},
    // 土砂災害警戒情報: 警戒レベル４相当; a telegram lifting everything is the all-clear.
    {"landslide/17_01_01_190529_VXWW50.xml", "VXWW50:3", "土砂災害警戒情報", 4, 25, "4010000",
     kActive, kActual, kAlertT, Severity::kSevere},
    {"landslide/17_03_01_190529_VXWW50.xml", "VXWW50:3", "土砂災害警戒情報", 4, 1, "3320900",
     kActive, kActual, kAlertT, Severity::kSevere},
    {"landslide/17_02_03_190529_VXWW50.xml", "VXWW50:00", "土砂災害警戒情報（解除）", 0, 19,
     "0120200", kLifted, kActual, kAlertT, Severity::kMinor},
    // 指定河川洪水予報: 氾濫注意 2, 警戒 3, 危険 4.
    {"flood/16_01_01_220728_VXKOii.xml", "VXKO:20", "氾濫注意情報", 2, 6, "990000", kActive,
     kActual, kAlertT, Severity::kModerate},
    {"flood/16_02_02_220728_VXKOii.xml", "VXKO:30", "氾濫警戒情報", 3, 6, "410000", kActive,
     kActual, kAlertT, Severity::kSevere},
    {"flood/16_06_01_220728_VXKOii.xml", "VXKO:41", "氾濫危険情報", 4, 5, "990000", kActive,
     kActual, kAlertT, Severity::kSevere},
    // 記録的短時間大雨情報, 竜巻注意情報.
    {"rain/18_01_01_100806_VPOA50.xml", "VPOA50:1", "記録的短時間大雨情報", 0, 1, "270000", kActive,
     kActual, kAlertT, Severity::kSevere},
    {"tornado/19_02_01_111226_VPHW50.xml", "VPHW50:1", "竜巻注意情報", 0, 26, "2610000", kActive,
     kActual, kAlertT, Severity::kSevere},
    {"tornado/19_08_03_250630_VPHW50.xml", "VPHW50:1", "竜巻注意情報", 0, 58, "1110000", kActive,
     kActual, kAlertT, Severity::kSevere},
    // 地震: the maximum intensity is in the event code.
    {"earthquake/32-35_01_01_100806_VXSE51.xml", "VXSE51:6-", "震度速報", 0, 37, "442", kActive,
     kActual, kAlertT, Severity::kExtreme},
    {"earthquake/32-39_11_01_120615_VXSE51.xml", "VXSE51:6+", "震度速報", 0, 17, "220", kActive,
     kActual, kAlertT, Severity::kExtreme},
    {"earthquake/32-35_10_01_220510_VXSE51.xml", "VXSE51", "震度速報", 0, 0, "", kCancelled,
     kActual, kCancelT, Severity::kUnknown},
    {"earthquake/32-35_01_02_240613_VXSE52.xml", "VXSE52", "震源に関する情報", 0, 0, "", kActive,
     kExercise, kAlertT, Severity::kUnknown},
    {"earthquake/32-35_01_03_240613_VXSE53.xml", "VXSE53:5-", "震源・震度に関する情報", 0, 129,
     "2230600", kActive, kExercise, kAlertT, Severity::kSevere},
    {"earthquake/32-35_06_06_100915_VXSE53.xml", "VXSE53", "震源・震度に関する情報", 0, 0, "",
     kCancelled, kActual, kCancelT, Severity::kUnknown},
    {"real/20210217140958_0_VXSE53_010000.xml", "VXSE53:3", "震源・震度に関する情報", 0, 2,
     "0420200", kActive, kActual, kAlertT, Severity::kMinor},
    // 緊急地震速報.
    {"eew/37_01_01_240613_VXSE43.xml", "VXSE43", "緊急地震速報（警報）", 0, 9, "622", kActive,
     kActual, kAlertT, Severity::kExtreme},
    {"eew/37_01_03_240613_VXSE43.xml", "VXSE43", "緊急地震速報（警報）", 0, 0, "", kCancelled,
     kActual, kCancelT, Severity::kUnknown},
    {"eew/36_01_10_240613_VXSE44.xml", "VXSE44", "緊急地震速報（予報）", 0, 31, "622", kActive,
     kActual, kAlertT, Severity::kModerate},
    // 津波警報・注意報・予報: areas are the 津波予報区 under a warning or advisory.
    {"tsunami/32-39_11_02_250206_VTSE41.xml", "VTSE41:53", "大津波警報", 0, 43, "210", kActive,
     kActual, kAlertT, Severity::kExtreme},
    {"tsunami/32-39_12_02_250206_VTSE41.xml", "VTSE41:53", "大津波警報", 0, 66, "300", kActive,
     kExercise, kAlertT, Severity::kExtreme},
    {"tsunami/38-39_03_01_210805_VTSE41.xml", "VTSE41", "津波警報・注意報・予報", 0, 0, "",
     kCancelled, kActual, kCancelT, Severity::kUnknown},
    {"real/20220918154907_08013775_VTSE41.xml", "VTSE41:62", "津波注意報", 0, 5, "802", kActive,
     kActual, kAlertT, Severity::kModerate},
    {"real/20220918171502_07401528_VTSE41.xml", "VTSE41:00", "津波警報・注意報・予報（解除）", 0, 1,
     "802", kLifted, kActual, kAlertT, Severity::kMinor},
    // 噴火警報・予報: 噴火警戒レベル stays in the name, not in the 警戒レベル.
    {"volcano/45_01_01_200522_VFVO50.xml", "VFVO50:02", "火口周辺警報（レベル３（入山規制））", 0,
     4, "1042500", kActive, kActual, kAlertT, Severity::kSevere},
};

TEST(JmxPinnedTest, HandCheckedTelegrams) {
    EXPECT_GE(std::size(kPinned), 30u);
    for (const auto& p : kPinned) {
        SCOPED_TRACE(p.file);
        auto doc = read_source_document(read_file(fixtures_dir() / "jma" / p.file), kMaxBytes,
                                        SourceFormat::kJma);
        ASSERT_TRUE(doc.ok()) << doc.error().message;
        const Alert& a = doc->alert;
        EXPECT_EQ(a.event_code, p.event_code);
        EXPECT_EQ(a.event_name.at("ja"), p.name_ja);
        EXPECT_EQ(a.level.value_or(0), p.level);
        EXPECT_EQ(a.areas.size(), p.areas);
        EXPECT_EQ(a.areas.empty() ? std::string() : a.areas.front().code, p.first_area);
        EXPECT_EQ(a.state, p.state);
        EXPECT_EQ(a.status, p.status);
        EXPECT_EQ(a.msg_type, p.msg_type);
        EXPECT_EQ(a.severity, p.severity);
    }
}

TEST(JmxPinnedTest, TokyoWardsAppearWithTheirJmaCodes) {
    // 15_13_01: 東京都 (小笠原諸島 特別警報); 港区 is 1310300 in JMA's 市町村等 table.
    auto doc =
        read_source_document(read_file(fixtures_dir() / "jma/warning/15_13_01_161226_VPWW53.xml"),
                             kMaxBytes, SourceFormat::kJma);
    ASSERT_TRUE(doc.ok()) << doc.error().message;
    bool minato = false;
    for (const auto& area : doc->alert.areas)
        if (area.code == "1310300") minato = area.name == "港区";
    EXPECT_TRUE(minato);
}

TEST(JmxPinnedTest, TimesAndTextsComeFromTheTelegram) {
    auto doc =
        read_source_document(read_file(fixtures_dir() / "jma/tornado/19_02_01_111226_VPHW50.xml"),
                             kMaxBytes, SourceFormat::kJma);
    ASSERT_TRUE(doc.ok()) << doc.error().message;
    const Alert& a = doc->alert;
    EXPECT_EQ(format_rfc3339_jst(a.source.sent), "2011-12-15T18:15:00+09:00");
    ASSERT_TRUE(a.effective.has_value());
    EXPECT_EQ(format_rfc3339_jst(*a.effective), "2011-12-15T18:15:00+09:00");
    ASSERT_TRUE(a.expires.has_value());
    EXPECT_EQ(format_rfc3339_jst(*a.expires), "2011-12-15T19:30:00+09:00");
    EXPECT_TRUE(a.headline.at("ja").starts_with("京都府では、竜巻発生のおそれがあります。"));
    EXPECT_EQ(a.source.sender, "京都地方気象台");
    EXPECT_EQ(a.event_name.at("en"), "Tornado Alert");
    EXPECT_EQ(a.urgency, Urgency::kImmediate);
    EXPECT_EQ(a.certainty, Certainty::kPossible);
    EXPECT_EQ(a.category, "met");

    auto eq = read_source_document(
        read_file(fixtures_dir() / "jma/earthquake/32-35_01_03_240613_VXSE53.xml"), kMaxBytes,
        SourceFormat::kJma);
    ASSERT_TRUE(eq.ok()) << eq.error().message;
    EXPECT_EQ(eq->alert.source.identifier, "VXSE53/20091001134500#1");
    EXPECT_EQ(eq->sequence, 1);
    EXPECT_EQ(eq->alert.id,
              jmx_alert_id("exercise", "20091001134500", "震源・震度に関する情報"));  // 訓練
    EXPECT_EQ(eq->alert.description.at("ja"),
              "この地震による津波の心配はありません。\n"
              "＊印は気象庁以外の震度観測点についての情報です。");
}

}  // namespace
}  // namespace alerthub::hub
