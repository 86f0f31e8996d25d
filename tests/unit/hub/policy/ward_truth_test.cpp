// What JMA says about 港区, checked against an independent reading of the raw XML (issue 11,
// point 8). For every real telegram in ../shared/fixtures/jma the oracle
// (ward_truth_oracle.h: a few XPath expressions, no parser code) derives the ward's facts, and
// the hub's reading (read_source_document, then read_for_ward) must agree: verdict, 警戒レベル,
// kinds, tsunami grade and first wave, the ward's intensity, who is told. Pinned rows below
// are the failures the issue reported, each checked against the XML by eye.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>

#include "core/protocol/alert_text.h"
#include "hub/policy/area_router.h"
#include "hub/policy/phrase_bank.h"
#include "hub/policy/ward_reading.h"
#include "hub/sources/source_reader.h"
#include "tests/support/test_support.h"
#include "tests/unit/hub/policy/ward_truth_oracle.h"

namespace alerthub::hub {
namespace {

namespace fs = std::filesystem;
using testing::fixtures_dir;
using testing::read_file;

constexpr std::size_t kMaxBytes = 1 << 20;

// The repository's config/ (tests/fixtures is two levels below the root).
fs::path config_dir() {
    return testing::project_fixtures_dir().parent_path().parent_path() / "config";
}

fs::path tokyo_table() {
    return config_dir() / "jma/areas_tokyo.tsv";
}

const oracle::WardCodes& minato() {
    static const auto codes = oracle::ward_codes_from_table(tokyo_table(), "港区");
    return codes.value();
}

// The hub's served places for the default [area] (港区), as the hub builds them.
std::vector<ServedPlace> served() {
    auto table = JmaAreaTable::load(tokyo_table().string());
    EXPECT_TRUE(table.ok());
    auto router = AreaRouter::create(AreaSettings{}, std::move(*table));
    EXPECT_TRUE(router.ok());
    return router->served_places();
}

// Paths relative to fixtures/jma, sorted; the schema and Atom feeds are not telegrams.
std::vector<std::string> telegram_files() {
    std::vector<std::string> out;
    const auto root = fixtures_dir() / "jma";
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        auto rel = fs::relative(e.path(), root).generic_string();
        if (rel.starts_with("schema/") || rel.starts_with("feed/")) continue;
        if (e.is_regular_file() && e.path().extension() == ".xml") out.push_back(rel);
    }
    std::sort(out.begin(), out.end());
    return out;
}

WardVerdict expected(oracle::Verdict v) {
    switch (v) {
        case oracle::Verdict::kInForce:
            return WardVerdict::kInForce;
        case oracle::Verdict::kNothingInForce:
            return WardVerdict::kNothingInForce;
        case oracle::Verdict::kNotNamed:
            return WardVerdict::kNotNamed;
        case oracle::Verdict::kWithdrawn:
            return WardVerdict::kWithdrawn;
    }
    return WardVerdict::kNotNamed;
}

const char* to_string(WardVerdict v) {
    switch (v) {
        case WardVerdict::kInForce:
            return "in force";
        case WardVerdict::kNothingInForce:
            return "nothing in force";
        case WardVerdict::kNotNamed:
            return "not named";
        case WardVerdict::kWithdrawn:
            return "withdrawn";
    }
    return "?";
}

// "VPWW53:05" -> "05".
std::string kind_code(const std::string& event_code) {
    auto colon = event_code.rfind(':');
    return colon == std::string::npos ? "" : event_code.substr(colon + 1);
}

// "2016-09-01T07:50:00+09:00" -> "07:50": the telegrams write JST, so no conversion.
std::string jst_hh_mm(const std::string& written) {
    static const std::regex kJst(R"(\d{4}-\d\d-\d\dT(\d\d:\d\d):\d\d\+09:00)");
    std::smatch m;
    return std::regex_match(written, m, kJst) ? m[1].str() : "";
}

// Who the thresholds of WardThresholds{} send an earthquake of `intensity` to.
Reach seismic_reach(const std::string& intensity) {
    const WardThresholds t;
    const int rank = oracle::intensity_rank(intensity);
    if (rank >= oracle::intensity_rank(t.everyone_intensity)) return Reach::kEveryone;
    if (rank >= oracle::intensity_rank(t.screens_intensity)) return Reach::kScreens;
    return Reach::kNone;
}

// The ward's alert must agree with the oracle's reading in everything the oracle judged.
void expect_agrees(const oracle::WardTruth& truth, const WardReading& r, const std::string& name) {
    SCOPED_TRACE(name + " (" + oracle::to_string(truth.family) + "): hub says " +
                 to_string(r.verdict) + " [" + r.reason + "], oracle says " +
                 oracle::to_string(truth.verdict));
    // A telegram with no intensity anywhere (震源に関する情報, 遠地地震) does not name the
    // ward either: kNotNamed like any other, journaled as context.
    ASSERT_EQ(r.verdict, expected(truth.verdict));
    EXPECT_FALSE(r.reason.empty());
    if (r.verdict == WardVerdict::kNotNamed) {
        EXPECT_EQ(r.reach, Reach::kNone);
    }
    if (r.verdict != WardVerdict::kInForce) return;

    switch (truth.family) {
        case oracle::Family::kWarnings:
            EXPECT_EQ(r.alert.level, truth.level);
            if (truth.kinds_judged) {
                std::vector<std::string> want, got;
                for (const auto& k : truth.kinds) want.push_back(k.code);
                for (const auto& k : r.kinds) got.push_back(kind_code(k));
                std::sort(want.begin(), want.end());
                want.erase(std::unique(want.begin(), want.end()), want.end());
                std::sort(got.begin(), got.end());
                EXPECT_EQ(got, want);
                for (const auto& k : truth.kinds)
                    EXPECT_NE(r.alert.headline.at("ja").find(k.name), std::string::npos)
                        << r.alert.headline.at("ja") << " lacks " << k.name;
            }
            EXPECT_NE(r.reach, Reach::kNone);
            break;
        case oracle::Family::kTsunami:
            ASSERT_FALSE(r.kinds.empty());
            EXPECT_EQ(kind_code(r.kinds.front()), truth.grade_code);
            // "大津波警報：発表" is written with its status; the grade is the part before it.
            EXPECT_NE(r.alert.headline.at("ja").find(
                          truth.grade_name.substr(0, truth.grade_name.find("："))),
                      std::string::npos)
                << r.alert.headline.at("ja");
            EXPECT_EQ(r.facts.count("place") ? r.facts.at("place") : "", truth.tsunami_place);
            if (!jst_hh_mm(truth.first_wave).empty()) {
                EXPECT_EQ(r.facts.count("arrival") ? r.facts.at("arrival") : "",
                          jst_hh_mm(truth.first_wave));
            }
            if (!truth.max_height.empty()) {
                EXPECT_TRUE(r.facts.count("height"));
            }
            EXPECT_FALSE(r.alert.level.has_value()) << "津波 is outside the five levels";
            // A 警報 or 注意報 for the ward's region tells everyone; 若干の海面変動 (71–73) is
            // information: shown, never rung on every phone.
            if (truth.grade_code.starts_with("7")) {
                EXPECT_EQ(r.reach, Reach::kScreens);
            } else {
                EXPECT_EQ(r.reach, Reach::kEveryone);
            }
            break;
        case oracle::Family::kSeismic:
            EXPECT_EQ(r.facts.count("intensity") ? r.facts.at("intensity") : "", truth.intensity);
            EXPECT_EQ(r.reach, seismic_reach(truth.intensity)) << "震度 " << truth.intensity;
            EXPECT_FALSE(r.alert.level.has_value()) << "地震 is outside the five levels";
            break;
        case oracle::Family::kEew:
            // Only the 警報 rings every phone; a 予報 arrives after the shaking there.
            if (truth.title == "緊急地震速報（警報）") {
                EXPECT_EQ(r.reach, Reach::kEveryone);
            } else {
                EXPECT_NE(r.reach, Reach::kEveryone);
            }
            break;
        case oracle::Family::kVolcano:
        case oracle::Family::kNotRead:
            break;
    }
}

TEST(WardTruthTest, TheOracleKnowsTheWard) {
    const auto& w = minato();
    EXPECT_EQ(w.city, "1310300");
    EXPECT_EQ(w.weather, (std::set<std::string>{"1310300", "130011", "130010", "130000"}));
    EXPECT_EQ(w.quake_area, "350");
    EXPECT_EQ(w.quake_pref, "13");
    EXPECT_EQ(w.tsunami_region, "312");
    ASSERT_EQ(served().size(), 1u);
    EXPECT_EQ(served().front().jma_code, "1310300");
}

TEST(WardTruthTest, TheCorpusIsThere) {
    // Guards the parameterized test below against an empty directory passing vacuously, and
    // against a corpus in which nothing concerns the ward.
    auto files = telegram_files();
    EXPECT_GE(files.size(), 160u);
    size_t in_force = 0;
    for (const auto& f : files)
        in_force +=
            oracle::read_ward_truth(read_file(fixtures_dir() / "jma" / f), minato()).verdict ==
            oracle::Verdict::kInForce;
    EXPECT_GE(in_force, 10u);
}

class WardTruthFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(WardTruthFileTest, TheHubReadsTheWardAsTheXmlSays) {
    const auto& rel = GetParam();
    const auto raw = read_file(fixtures_dir() / "jma" / rel);
    const auto truth = oracle::read_ward_truth(raw, minato());
    ASSERT_FALSE(truth.title.empty()) << rel << ": the oracle cannot read it";
    auto doc = read_source_document(raw, kMaxBytes, SourceFormat::kJma);
    if (!doc) {
        // Refused types say why; a refused telegram must not be one that tells the ward of
        // something in force.
        EXPECT_FALSE(doc.error().message.empty()) << rel;
        EXPECT_NE(
            truth.verdict == oracle::Verdict::kInForce && truth.family != oracle::Family::kNotRead,
            true)
            << rel << " (" << truth.title
            << ") is in force for the ward but refused: " << doc.error().message;
        return;
    }
    ASSERT_TRUE(doc->jma.has_value()) << rel << ": a JMA telegram without facts";
    const auto reading = read_for_ward(*doc, served(), WardThresholds{});
    if (truth.family == oracle::Family::kNotRead) {
        // Types the oracle does not read (南海トラフ, …): the hub must still say why.
        EXPECT_FALSE(reading.reason.empty()) << rel;
        return;
    }
    expect_agrees(truth, reading, rel);
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string out;
    for (char c : info.param) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return out;
}

INSTANTIATE_TEST_SUITE_P(EveryTelegram, WardTruthFileTest, ::testing::ValuesIn(telegram_files()),
                         test_name);

// The same comparison for places the telegram itself names (few fixtures concern Tokyo): a
// served place made from the oracle's choice (wards_named_in), in force and not, for every
// family the oracle reads.
std::vector<ServedPlace> served_as(const oracle::WardCodes& w) {
    ServedPlace p;
    p.name = w.name;
    p.jma_code = w.city;
    p.jis = jisx0402_with_check_digit(w.city.substr(0, 5));
    p.covering = w.weather;
    for (const auto& code : {w.quake_area, w.quake_pref, w.tsunami_region})
        if (!code.empty()) p.covering.insert(code);
    return {p};
}

TEST(WardTruthTest, TheTelegramsNameEnoughOtherWards) {
    size_t wards = 0, in_force = 0, nothing = 0;
    for (const auto& f : telegram_files()) {
        const auto raw = read_file(fixtures_dir() / "jma" / f);
        for (const auto& w : oracle::wards_named_in(raw)) {
            auto v = oracle::read_ward_truth(raw, w).verdict;
            ++wards;
            in_force += v == oracle::Verdict::kInForce;
            nothing += v == oracle::Verdict::kNothingInForce;
        }
    }
    EXPECT_GE(wards, 80u);
    EXPECT_GE(in_force, 50u);
    EXPECT_GE(nothing, 15u);
}

class WardTruthElsewhereTest : public ::testing::TestWithParam<std::string> {};

TEST_P(WardTruthElsewhereTest, TheHubReadsAWardTheTelegramNamesAsTheXmlSays) {
    const auto& rel = GetParam();
    const auto raw = read_file(fixtures_dir() / "jma" / rel);
    const auto wards = oracle::wards_named_in(raw);
    ASSERT_FALSE(wards.empty());
    auto doc = read_source_document(raw, kMaxBytes, SourceFormat::kJma);
    ASSERT_TRUE(doc.ok()) << rel << " names " << wards.front().name
                          << ", read by the oracle, but is refused: " << doc.error().message;
    for (const auto& w : wards) {
        const auto truth = oracle::read_ward_truth(raw, w);
        expect_agrees(truth, read_for_ward(*doc, served_as(w), WardThresholds{}),
                      rel + " for " + w.name + " (" + w.city + ")");
    }
}

// The telegrams that name a ward the oracle can read them for.
std::vector<std::string> telegrams_naming_wards() {
    std::vector<std::string> out;
    for (const auto& f : telegram_files())
        if (!oracle::wards_named_in(read_file(fixtures_dir() / "jma" / f)).empty())
            out.push_back(f);
    return out;
}

INSTANTIATE_TEST_SUITE_P(EveryTelegramNamingAWard, WardTruthElsewhereTest,
                         ::testing::ValuesIn(telegrams_naming_wards()), test_name);

// ---- Pinned rows: the failures of issue 11, checked against the XML by eye. ----

struct Read {
    oracle::WardTruth truth;
    WardReading reading;
};

Read read(const std::string& raw) {
    Read out{oracle::read_ward_truth(raw, minato()), {}};
    auto doc = read_source_document(raw, kMaxBytes, SourceFormat::kJma);
    EXPECT_TRUE(doc.ok()) << (doc ? "" : doc.error().message);
    if (doc) out.reading = read_for_ward(*doc, served(), WardThresholds{});
    return out;
}

Read read_fixture(const std::string& rel) {
    return read(read_file(fixtures_dir() / "jma" / rel));
}

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return text;
}

// The ward's alert in every language of the phrase bank, as the pipeline fills it, for
// wording checks.
Alert in_every_language(const WardReading& reading) {
    Alert alert = reading.alert;
    auto bank = PhraseBank::load((config_dir() / "phrases").string());
    EXPECT_TRUE(bank.ok());
    auto table = JmaAreaTable::load(tokyo_table().string());
    if (bank && table) {
        EXPECT_TRUE(bank->apply(alert, &*table, &reading).empty());
    }
    return alert;
}

TEST(WardTruthPinnedTest, AFalseSpecialWarningIsNotTheWards) {
    // 港区's item (Warning 気象警報・注意報（市町村等）, Area 1310300) lists 暴風警報 (05) and
    // 波浪警報 (07), both 発表; the 大雨特別警報 (33) is 小笠原村's (1342100).
    auto r = read_fixture("warning/15_13_01_161226_VPWW53.xml");
    ASSERT_EQ(r.truth.verdict, oracle::Verdict::kInForce);
    EXPECT_EQ(r.truth.kinds,
              (std::vector<oracle::Kind>{{"05", "暴風警報", "発表"}, {"07", "波浪警報", "発表"}}));
    EXPECT_EQ(r.truth.level, std::nullopt);

    EXPECT_EQ(r.reading.verdict, WardVerdict::kInForce);
    EXPECT_EQ(r.reading.alert.level, std::nullopt) << "no level 5 (nor any) for 暴風・波浪";
    EXPECT_EQ(r.reading.kinds, (std::vector<std::string>{"VPWW53:05", "VPWW53:07"}));
    EXPECT_NE(r.reading.alert.severity, Severity::kExtreme);
    const auto& ja = r.reading.alert.headline.at("ja");
    EXPECT_NE(ja.find("港区"), std::string::npos) << ja;
    EXPECT_NE(ja.find("暴風警報"), std::string::npos) << ja;
    EXPECT_NE(ja.find("波浪警報"), std::string::npos) << ja;
    EXPECT_EQ(ja.find("特別警報"), std::string::npos) << ja;
    EXPECT_EQ(ja.find("小笠原"), std::string::npos) << ja;
    for (const auto& [lang, text] : in_every_language(r.reading).instruction)
        EXPECT_EQ(text.find("直ちに身の安全を確保"), std::string::npos) << lang << ": " << text;
}

TEST(WardTruthPinnedTest, SlightSeaLevelChangeInTokyoBayIsNoEvacuation) {
    // Item 312 東京湾内湾: Category/Kind 71 津波予報（若干の海面変動）, no FirstHeight, MaxHeight
    // description "". The 大津波警報 is 岩手県's and others'.
    auto r = read_fixture("tsunami/32-39_11_02_250206_VTSE41.xml");
    EXPECT_EQ(r.truth.grade_code, "71");
    EXPECT_EQ(r.truth.grade_name, "津波予報（若干の海面変動）");
    EXPECT_EQ(r.truth.first_wave, "");
    EXPECT_EQ(r.truth.max_height, "");

    EXPECT_EQ(r.reading.verdict, WardVerdict::kInForce);
    ASSERT_FALSE(r.reading.kinds.empty());
    EXPECT_EQ(r.reading.kinds.front(), "VTSE41:71");
    EXPECT_NE(r.reading.alert.severity, Severity::kExtreme);
    EXPECT_NE(r.reading.alert.urgency, Urgency::kImmediate);
    EXPECT_NE(r.reading.alert.headline.at("ja").find("東京湾内湾"), std::string::npos);
    const auto alert = in_every_language(r.reading);
    for (const auto* texts : {&alert.headline, &alert.instruction, &alert.event_name})
        for (const auto& [lang, text] : *texts) {
            EXPECT_EQ(text.find("避難"), std::string::npos) << lang << ": " << text;
            EXPECT_EQ(text.find("高台"), std::string::npos) << lang << ": " << text;
            EXPECT_EQ(text.find("大津波"), std::string::npos) << lang << ": " << text;
            EXPECT_EQ(lowercase(text).find("evacuat"), std::string::npos) << lang << ": " << text;
            EXPECT_EQ(lowercase(text).find("major tsunami"), std::string::npos)
                << lang << ": " << text;
        }
}

TEST(WardTruthPinnedTest, TheEarthquakeIsTheWardsIntensity) {
    // 震度速報: Observation/MaxInt 6- (静岡県); Pref 13 東京都 MaxInt 4, Area 350 東京都２３区
    // MaxInt 4; no City entries.
    auto r = read_fixture("earthquake/32-35_01_01_100806_VXSE51.xml");
    EXPECT_EQ(r.truth.max_intensity, "6-");
    EXPECT_EQ(r.truth.intensity, "4");
    EXPECT_EQ(r.truth.intensity_place, "東京都２３区");

    EXPECT_EQ(r.reading.verdict, WardVerdict::kInForce);
    EXPECT_EQ(r.reading.facts.count("intensity") ? r.reading.facts.at("intensity") : "", "4");
    EXPECT_EQ(r.reading.reach, Reach::kEveryone);
    EXPECT_NE(r.reading.alert.severity, Severity::kExtreme) << "6弱 is 静岡県's, not the ward's";
    EXPECT_NE(r.reading.alert.headline.at("ja").find("震度4"), std::string::npos)
        << r.reading.alert.headline.at("ja");
}

TEST(WardTruthPinnedTest, TheWardsOwnCityEntryLeads) {
    // 震源・震度に関する情報: City 1310300 東京港区 MaxInt 1 under Area 350 (1) and Pref 13 (1);
    // the telegram's maximum is 4 (岩手県). 震度1 is below the screens threshold (3).
    auto r = read_fixture("earthquake/32-35_08_07_240613_VXSE53.xml");
    EXPECT_EQ(r.truth.intensity, "1");
    EXPECT_EQ(r.truth.intensity_place, "東京港区");
    EXPECT_EQ(r.truth.max_intensity, "4");
    EXPECT_EQ(r.reading.verdict, WardVerdict::kInForce);
    EXPECT_EQ(r.reading.facts.count("intensity") ? r.reading.facts.at("intensity") : "", "1");
    EXPECT_EQ(r.reading.reach, Reach::kNone);
}

TEST(WardTruthPinnedTest, CodesOfOtherHierarchiesAreNotTheWards) {
    // 350 and 13 are volcano codes in 噴火警報・予報 (火山名), 312 in 噴火速報: not 東京都２３区,
    // 東京都 or 東京湾内湾.
    for (const char* rel :
         {"volcano/45_01_01_200522_VFVO50.xml", "volcano/45_03_01_200731_VFVO50.xml",
          "volcano/67_01_01_140927_VFVO56.xml"}) {
        SCOPED_TRACE(rel);
        auto r = read_fixture(rel);
        EXPECT_EQ(r.truth.verdict, oracle::Verdict::kNotNamed);
        EXPECT_EQ(r.reading.verdict, WardVerdict::kNotNamed) << r.reading.reason;
        EXPECT_EQ(r.reading.reach, Reach::kNone);
    }
}

TEST(WardTruthPinnedTest, AnEarthquakeWithNoIntensityDoesNotNameTheWard) {
    // 震源に関する情報 (VXSE52) and 震源・震度に関する情報 with no intensity in Japan: nothing
    // about the ward's shaking, so nothing is in force for it; context in the journal only.
    size_t context_only = 0;
    for (const auto& rel : telegram_files()) {
        const auto raw = read_file(fixtures_dir() / "jma" / rel);
        const auto truth = oracle::read_ward_truth(raw, minato());
        if (truth.family != oracle::Family::kSeismic || !truth.max_intensity.empty()) continue;
        auto doc = read_source_document(raw, kMaxBytes, SourceFormat::kJma);
        if (!doc || !doc->jma || doc->jma->info_type == "取消") continue;  // 取消: withdrawn
        SCOPED_TRACE(rel);
        ++context_only;
        EXPECT_EQ(truth.verdict, oracle::Verdict::kNotNamed);
        const auto reading = read_for_ward(*doc, served(), WardThresholds{});
        EXPECT_EQ(reading.verdict, WardVerdict::kNotNamed) << reading.reason;
        EXPECT_EQ(reading.reach, Reach::kNone);
        EXPECT_NE(reading.reason.find("context only"), std::string::npos) << reading.reason;
    }
    EXPECT_GE(context_only, 8u);  // the corpus's 震源 telegrams and distant earthquakes
}

TEST(WardTruthPinnedTest, WithdrawnIsNotLifted) {
    // InfoType 取消 in each family: the ward is told the telegram was withdrawn, never 【解除】.
    for (const char* rel :
         {"earthquake/32-35_10_01_220510_VXSE51.xml", "earthquake/32-35_06_06_100915_VXSE53.xml",
          "tsunami/38-39_03_01_210805_VTSE41.xml", "eew/37_01_03_240613_VXSE43.xml"}) {
        SCOPED_TRACE(rel);
        auto r = read_fixture(rel);
        EXPECT_EQ(r.truth.info_type, "取消");
        EXPECT_EQ(r.reading.verdict, WardVerdict::kWithdrawn) << r.reading.reason;
        EXPECT_NE(r.reading.alert.state, AlertState::kLifted);
        const auto alert = in_every_language(r.reading);
        EXPECT_EQ(alert_prefix(alert).find("【解除】"), std::string::npos) << alert_prefix(alert);
        EXPECT_NE(alert_prefix(alert).find("【取消】"), std::string::npos) << alert_prefix(alert);
        for (const auto& [lang, text] : alert.headline)
            EXPECT_EQ(text.find("解除"), std::string::npos) << lang << ": " << text;
        for (const auto& [lang, text] : alert.headline)
            EXPECT_EQ(lowercase(text).find("lifted"), std::string::npos) << lang << ": " << text;
    }
}

TEST(WardTruthPinnedTest, NothingInForceForTheWardIsNotNews) {
    // The 2016 Tokyo telegram with 港区's item rewritten the way JMA writes an item with
    // nothing in force (Kind 00 発表警報・注意報はなし, as in 15_12_01_161130_VPWW53.xml): other
    // municipalities keep their warnings; the ward has nothing in force.
    auto raw = read_file(fixtures_dir() / "jma/warning/15_13_01_161226_VPWW53.xml");
    const std::string block = "<Warning type=\"気象警報・注意報（市町村等）\">";
    const std::string minato_area = "<Area>\n<Name>港区</Name>\n<Code>1310300</Code>\n</Area>";
    auto area_at = raw.find(minato_area, raw.find(block));
    ASSERT_NE(area_at, std::string::npos);
    auto item_at = raw.rfind("<Item>", area_at);
    ASSERT_NE(item_at, std::string::npos);
    raw.replace(item_at, area_at - item_at,
                "<Item>\n<Kind>\n<Name>発表警報・注意報はなし</Name>\n<Code>00</Code>\n"
                "<Status>発表警報・注意報はなし</Status>\n</Kind>\n");

    auto r = read(raw);
    EXPECT_EQ(r.truth.verdict, oracle::Verdict::kNothingInForce);
    EXPECT_TRUE(r.truth.kinds.empty());
    EXPECT_EQ(r.reading.verdict, WardVerdict::kNothingInForce) << r.reading.reason;
    EXPECT_TRUE(r.reading.kinds.empty());
    EXPECT_EQ(r.reading.alert.level, std::nullopt);
    const auto& ja = r.reading.alert.headline.at("ja");
    EXPECT_EQ(ja.find("特別警報"), std::string::npos) << ja;
    EXPECT_EQ(ja.find("小笠原"), std::string::npos) << ja;
}

}  // namespace
}  // namespace alerthub::hub
