// Real JMA telegrams (../shared/fixtures/jma) normalized with the shipped phrase bank and the
// Tokyo area table: all nine languages, the phrases a resident would read, place names with
// their romaji; and every telegram of the corpus finds its event in the bank.

#include <gtest/gtest.h>

#include <filesystem>

#include "hub/policy/phrase_bank.h"
#include "hub/sources/jma/jmx_area_table.h"
#include "hub/sources/jma/jmx_parser.h"
#include "hub/sources/source_reader.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

namespace fs = std::filesystem;
using testing::fixtures_dir;
using testing::project_fixtures_dir;
using testing::read_file;

fs::path config_dir() {
    return project_fixtures_dir().parent_path().parent_path() / "config";
}

class PhraseFixturesTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto b = PhraseBank::load((config_dir() / "phrases").string());
        ASSERT_TRUE(b.ok()) << b.error().message;
        bank_.emplace(std::move(*b));
        auto t = JmaAreaTable::load((config_dir() / "jma/areas_tokyo.tsv").string());
        ASSERT_TRUE(t.ok()) << t.error().message;
        table_.emplace(std::move(*t));
    }

    // The telegram normalized and phrased; fails the test on any gap.
    Alert phrased(const std::string& rel) {
        auto doc = read_source_document(read_file(fixtures_dir() / "jma" / rel), 1 << 20,
                                        SourceFormat::kJma);
        EXPECT_TRUE(doc.ok()) << rel << ": " << (doc.ok() ? "" : doc.error().message);
        if (!doc.ok()) return {};
        Alert a = doc->alert;
        for (const auto& gap : bank_->apply(a, &*table_))
            ADD_FAILURE() << rel << ": " << gap.describe();
        for (auto tag : kPhraseLanguages) {
            const std::string t(tag);
            EXPECT_FALSE(a.event_name[t].empty()) << rel << " " << t;
            EXPECT_FALSE(a.headline[t].empty()) << rel << " " << t;
            EXPECT_FALSE(a.instruction[t].empty()) << rel << " " << t;
        }
        return a;
    }

    std::optional<PhraseBank> bank_;
    std::optional<JmaAreaTable> table_;
};

TEST_F(PhraseFixturesTest, HeavyRainEmergencyWarningForTokyo) {
    // 2016-12-26 (a JMA sample): 大雨特別警報 for 東京都, 千代田区 first.
    Alert a = phrased("warning/15_13_01_161226_VPWW53.xml");
    EXPECT_EQ(a.event_code, "VPWW53:33");
    EXPECT_EQ(a.event_name.at("ja"), "大雨特別警報");
    EXPECT_EQ(a.headline.at("en"),
              "Heavy Rain Emergency Warning (Alert Level 5 equivalent): 千代田区 (Chiyoda-ku), "
              "中央区 (Chuo-ku), 港区 (Minato-ku) and 21 more areas");
    EXPECT_EQ(a.headline.at("ja-x-easy"),
              "大雨特別警報（とても 危ない "
              "大雨）（警戒レベル5）：千代田区（ちよだく）、中央区（ちゅうおうく）、"
              "港区（みなとく）など（ほかに 21か所）");
    EXPECT_EQ(a.event_name.at("zh-Hant"), "大雨特別警報");
    EXPECT_EQ(a.event_name.at("ko"), "호우 특별경보");
    EXPECT_TRUE(a.instruction.at("ja").starts_with("【警戒レベル５相当】"));
    EXPECT_TRUE(a.instruction.at("en").starts_with("Alert Level 5 equivalent"));
    EXPECT_TRUE(a.instruction.at("pt").starts_with("Equivalente ao Nível de alerta 5"));
}

TEST_F(PhraseFixturesTest, LevelBasedWarningsTakeTheirInstructionFromTheLevel) {
    Alert rain = phrased("warning/15_16_03_241226_VPWW55.xml");  // レベル４大雨危険警報
    EXPECT_EQ(rain.level, 4);
    EXPECT_EQ(rain.event_name.at("en"), "Heavy Rain Danger Warning");
    EXPECT_TRUE(rain.instruction.at("en").starts_with("Alert Level 4 equivalent: everyone"));
    EXPECT_TRUE(rain.instruction.at("ja-x-easy").starts_with("警戒レベル４です。"));
    Alert surge = phrased("warning/15_11_01_150916_VPWW54.xml");  // 高潮警報, 4相当 (H27)
    EXPECT_EQ(surge.event_name.at("en"), "Storm Surge Warning");
    EXPECT_TRUE(surge.instruction.at("vi").starts_with("Tương đương Cấp độ cảnh giác 4"));
    Alert landslide = phrased("landslide/17_01_01_190529_VXWW50.xml");
    EXPECT_EQ(landslide.event_name.at("zh-Hans"), "土砂灾害警戒信息");
    EXPECT_TRUE(landslide.instruction.at("ne").starts_with("सतर्कता स्तर 4 बराबर"));
    Alert river = phrased("flood/16_06_01_220728_VXKOii.xml");  // 氾濫危険情報
    EXPECT_EQ(river.event_name.at("en"), "Flood Danger Information (river)");
}

TEST_F(PhraseFixturesTest, EarthquakesCarryTheIntensityInEveryLanguage) {
    // The telegram-wide reading (hubctl's summary of the telegram): here the figure is the
    // telegram's maximum and the headline says so. What the ward is told: the next test.
    Alert a = phrased("earthquake/32-35_01_03_240613_VXSE53.xml");  // 最大震度5弱
    EXPECT_EQ(a.event_code, "VXSE53:5-");
    EXPECT_TRUE(a.headline.at("en").starts_with("Earthquake: maximum seismic intensity 5 Lower – "))
        << a.headline.at("en");
    EXPECT_TRUE(a.headline.at("ja-x-easy").starts_with("地震：震度5弱："));
    EXPECT_TRUE(a.headline.at("ko").starts_with("지진: 최대 진도 5약 ("));
    Alert eew = phrased("eew/37_01_01_240613_VXSE43.xml");
    EXPECT_TRUE(eew.headline.at("en").starts_with("Earthquake Early Warning: strong shaking"));
    EXPECT_TRUE(eew.instruction.at("ja").starts_with("強い揺れに警戒してください。"));
    Alert distant = phrased("real/20230410231623_04156158_VXSE53.xml");  // no areas
    EXPECT_EQ(distant.headline.at("en"), "Earthquake Information (distant earthquake)");
}

TEST_F(PhraseFixturesTest, AnEarthquakeReadForTheWardSaysTheWardsIntensityNotTheMaximum) {
    // The same telegram read for 港区: 東京都２３区 felt 3 (the maximum, 5弱, was elsewhere).
    auto doc = read_source_document(
        read_file(fixtures_dir() / "jma/earthquake/32-35_01_03_240613_VXSE53.xml"), 1 << 20,
        SourceFormat::kJma);
    ASSERT_TRUE(doc.ok()) << doc.error().message;
    const std::vector<ServedPlace> minato{
        {"港区", "131032", "1310300", table_->covering("1310300")}};
    auto reading = read_for_ward(*doc, minato, WardThresholds{});
    ASSERT_EQ(reading.verdict, WardVerdict::kInForce) << reading.reason;
    Alert a = reading.alert;
    for (const auto& gap : bank_->apply(a, &*table_, &reading)) ADD_FAILURE() << gap.describe();
    EXPECT_EQ(a.headline.at("ja"), "東京都２３区 震度3");
    EXPECT_EQ(a.headline.at("en"), "Seismic intensity 3 in 東京都２３区 (Tokyo-to 23-ku)");
    EXPECT_EQ(a.headline.at("zh-Hans"), "東京都２３区（Tokyo-to 23-ku）：震度3");
    EXPECT_EQ(a.headline.at("vi"), "Cường độ địa chấn 3 tại 東京都２３区 (Tokyo-to 23-ku)");
    EXPECT_EQ(a.headline.at("ja-x-easy"), "東京都２３区（とうきょうと にじゅうさんく）：震度3");
    for (const auto& [lang, headline] : a.headline)
        EXPECT_EQ(headline.find("5"), std::string::npos) << lang << ": " << headline;
}

TEST_F(PhraseFixturesTest, TsunamiLiftedAndCancelled) {
    Alert major = phrased("tsunami/32-39_11_02_250206_VTSE41.xml");
    EXPECT_EQ(major.event_name.at("en"), "Major Tsunami Warning");
    EXPECT_TRUE(major.instruction.at("en").starts_with("A major tsunami is expected."));
    Alert bay = phrased("tsunami/32-39_13_02_250206_VTSE41.xml");  // includes 東京湾内湾
    EXPECT_NE(bay.headline.at("en").find("東京湾内湾 (Tokyo-wan Naiwan)"), std::string::npos)
        << bay.headline.at("en");
    // No height or time in the telegram-wide reading: the template leaves no gap behind.
    for (const auto& [lang, headline] : bay.headline) {
        EXPECT_FALSE(headline.ends_with(" ")) << lang << ": [" << headline << "]";
        EXPECT_EQ(headline.find("  "), std::string::npos) << lang << ": [" << headline << "]";
    }
    Alert lifted = phrased("real/20220918171502_07401528_VTSE41.xml");
    EXPECT_EQ(lifted.event_name.at("en"), "Tsunami warnings and advisories: lifted");
    Alert cancelled = phrased("tsunami/38-39_03_01_210805_VTSE41.xml");
    EXPECT_EQ(cancelled.event_name.at("pt"), "Alertas e avisos de tsunami: cancelado");
    EXPECT_EQ(cancelled.instruction.at("ja"),
              "この情報は取り消されました。先の情報は無視してください。");
}

// Every supported telegram of the corpus: its event is on the parser's list and in the bank.
TEST_F(PhraseFixturesTest, TheWholeCorpusFindsItsPhrases) {
    std::set<std::string> known_keys;
    for (const auto& e : jmx_known_events())
        known_keys.insert(PhraseBank::key_of(e.event_code, e.level, e.cancel));
    std::set<std::string> listed;
    for (const auto& e : jmx_event_codes()) listed.insert(e.code);
    int phrased_count = 0;
    const auto root = fixtures_dir() / "jma";
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (!it->is_regular_file() || it->path().extension() != ".xml") continue;
        auto doc = read_source_document(read_file(it->path()), 1 << 20, SourceFormat::kJma);
        if (!doc.ok()) continue;  // not an alerting type: the parser's tests cover these
        const Alert& a = doc->alert;
        const bool cancel = a.msg_type == MsgType::kCancel;
        if (!cancel) {
            EXPECT_TRUE(listed.count(a.event_code))
                << it->path() << ": " << a.event_code << " is not in jmx_event_codes()";
        }
        EXPECT_TRUE(known_keys.count(PhraseBank::key_of(a.event_code, a.level, cancel)))
            << it->path();
        Alert copy = a;
        auto gaps = bank_->apply(copy, &*table_);
        EXPECT_TRUE(gaps.empty()) << it->path() << ": " << gaps.front().describe();
        ++phrased_count;
    }
    EXPECT_GE(phrased_count, 80);
}

}  // namespace
}  // namespace alerthub::hub
