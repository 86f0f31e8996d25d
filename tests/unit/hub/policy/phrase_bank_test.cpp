// The phrase bank: loading (and refusing a broken bank with its reason), placeholders, the
// fallback to Japanese and English with every gap reported, and the shipped bank in
// config/phrases covering every event the JMA parser can emit, in all nine languages.

#include "hub/policy/phrase_bank.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

#include "core/base/time_format.h"
#include "hub/sources/jma/jmx_parser.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using testing::project_fixtures_dir;

std::filesystem::path config_dir() {
    return project_fixtures_dir().parent_path().parent_path() / "config";
}

// The ward's notices' table every language needs, with a marker of its language.
std::string staff_table(std::string_view tag) {
    std::string out = "[staff]\n";
    for (const auto& key : staff_phrase_keys())
        out +=
            fmt::format("{} = \"{}\"\n", key,
                        key == "place" ? std::string("{name}") : fmt::format("{} [{}]", key, tag));
    return out;
}

// A small, complete bank: one event (大雨警報 by level), lifted and cancelled.
std::map<std::string, std::string> small_bank() {
    std::map<std::string, std::string> files;
    files["events.toml"] = R"(
[families]
VPWW53 = "weather"
[events]
"VPWW:03" = { ja = "大雨警報", class = "by_level" }
"lifted" = { ja = "（解除）", class = "lifted" }
"cancelled" = { ja = "（取消）", class = "cancelled" }
)";
    files["ja.toml"] = R"(
[meta]
language = "ja"
written_by = "test"
reviewed = false
[instructions]
level3 = "高齢者等は避難"
fallback = "最新の情報を確認"
lifted = "解除されました"
cancelled = "取り消されました"
)";
    for (auto tag : kPhraseLanguages) {
        if (tag == "ja") {
            files["ja.toml"] += staff_table(tag);
            continue;
        }
        files[std::string(tag) + ".toml"] = fmt::format(R"toml(
[meta]
language = "{0}"
written_by = "test"
reviewed = false
[format]
headline = "{{event}} / {{areas}}"
headline_level = "{{event}} L{{level}} / {{areas}}"
headline_no_areas = "{{event}}"
place = "{{name}} ({{romaji}})"
list_separator = "; "
more_areas = "{{areas}} +{{count}}"
ward_headline = "{{areas}}: {{events}}"
ward_lifted = "{{areas}}: {{events}} lifted"
[intensity]
"1" = "1"
"2" = "2"
"3" = "3"
"4" = "4"
"5-" = "5L"
"5+" = "5U"
"6-" = "6L"
"6+" = "6U"
"7" = "7"
[families]
weather = "Weather [{0}]"
[names]
"VPWW:03" = "Heavy Rain Warning [{0}]"
"lifted" = "{{family}} lifted"
"cancelled" = "{{family}} cancelled"
[instructions]
level3 = "Older people evacuate [{0}] at {{time}}"
fallback = "Check the news [{0}]"
lifted = "Lifted [{0}]"
cancelled = "Cancelled [{0}]"
)toml",
                                                        tag) +
                                            staff_table(tag);
    }
    return files;
}

std::string load_error(const std::map<std::string, std::string>& files) {
    auto bank = PhraseBank::parse(files);
    return bank.ok() ? std::string("accepted") : bank.error().message;
}

JmaAreaTable places() {
    auto t = JmaAreaTable::parse(
        "t\t130011\t２３区西部\t\t\t23-ku Seibu\tにじゅうさんくせいぶ\n"
        "t\t1310300\t港区\t130011\t\tMinato-ku\tみなとく\n"
        "t\t1320100\t八王子市\t\t\t\t\n");
    EXPECT_TRUE(t.ok());
    return t.ok() ? std::move(*t) : JmaAreaTable();
}

Alert heavy_rain(std::vector<AlertArea> areas) {
    Alert a;
    a.source.kind = SourceKind::kJma;
    a.event_code = "VPWW53:03";
    a.level = 3;
    a.event_name = {{"ja", "大雨警報"}, {"en", "Heavy Rain Warning"}};
    a.headline = {{"ja", "東京地方に大雨警報"}};
    a.effective = *parse_rfc3339("2026-07-01T09:05:00+09:00");
    a.areas = std::move(areas);
    return a;
}

TEST(PhraseBankTest, KeysFollowEventAndLevel) {
    EXPECT_EQ(PhraseBank::key_of("VPWW53:33", 5, false), "VPWW:33");
    EXPECT_EQ(PhraseBank::key_of("VPWW55:03", 3, false), "VPWW:03");
    EXPECT_EQ(PhraseBank::key_of("VXKO:41", 4, false), "VXKO@4");
    EXPECT_EQ(PhraseBank::key_of("VXSE53:5+", std::nullopt, false), "VXSE53:int");
    EXPECT_EQ(PhraseBank::key_of("VXSE53", std::nullopt, false), "VXSE53");
    EXPECT_EQ(PhraseBank::key_of("VTSE41:00", std::nullopt, false), "lifted");
    EXPECT_EQ(PhraseBank::key_of("VTSE41", std::nullopt, true), "cancelled");
    EXPECT_EQ(PhraseBank::key_of("VTSE41:51", std::nullopt, false), "VTSE41:51");
}

TEST(PhraseBankTest, FillsEveryLanguageWithPlacesAndPlaceholders) {
    auto bank = PhraseBank::parse(small_bank());
    ASSERT_TRUE(bank.ok()) << bank.error().message;
    auto table = places();
    Alert a = heavy_rain({{"jma", "1310300", "港区"},
                          {"jma", "1320100", "八王子市"},
                          {"jma", "130011", "２３区西部"},
                          {"jma", "9999999", "どこか"}});
    auto gaps = bank->apply(a, &table);
    EXPECT_TRUE(gaps.empty()) << gaps.front().describe();
    // Japanese: the telegram's name and headline, the bank's instruction.
    EXPECT_EQ(a.event_name.at("ja"), "大雨警報");
    EXPECT_EQ(a.headline.at("ja"), "東京地方に大雨警報");
    EXPECT_EQ(a.instruction.at("ja"), "高齢者等は避難");
    // Romaji where known, the Japanese name alone where not; three places, then a count.
    EXPECT_EQ(
        a.headline.at("en"),
        "Heavy Rain Warning [en] L3 / 港区 (Minato-ku); 八王子市; ２３区西部 (23-ku Seibu) +1");
    EXPECT_EQ(a.instruction.at("en"), "Older people evacuate [en] at 09:05");
    for (auto tag : kPhraseLanguages) {
        SCOPED_TRACE(tag);
        EXPECT_FALSE(a.event_name[std::string(tag)].empty());
        EXPECT_FALSE(a.headline[std::string(tag)].empty());
        EXPECT_FALSE(a.instruction[std::string(tag)].empty());
    }
    EXPECT_EQ(a.event_name.at("pt"), "Heavy Rain Warning [pt]");
}

TEST(PhraseBankTest, LiftedAndCancelledNameTheFamily) {
    auto bank = PhraseBank::parse(small_bank());
    ASSERT_TRUE(bank.ok()) << bank.error().message;
    Alert lifted = heavy_rain({});
    lifted.event_code = "VPWW53:00";
    lifted.level.reset();
    EXPECT_TRUE(bank->apply(lifted, nullptr).empty());
    EXPECT_EQ(lifted.headline.at("ko"), "Weather [ko] lifted");
    EXPECT_EQ(lifted.instruction.at("ko"), "Lifted [ko]");

    Alert cancel = heavy_rain({});
    cancel.event_code = "VPWW53";
    cancel.msg_type = MsgType::kCancel;
    EXPECT_TRUE(bank->apply(cancel, nullptr).empty());
    EXPECT_EQ(cancel.event_name.at("vi"), "Weather [vi] cancelled");
    EXPECT_EQ(cancel.instruction.at("ja"), "取り消されました");
}

// A ward reading: the headline names the ward's kinds in each language ({events}), and the
// reading's facts fill the placeholders of their name (an intensity in the language's words).
TEST(PhraseBankTest, AWardReadingNamesTheWardsKindsAndFacts) {
    auto files = small_bank();
    auto& en = files["en.toml"];
    en.replace(en.find("ward_headline = "),
               en.find('\n', en.find("ward_headline = ")) - en.find("ward_headline = "),
               "ward_headline = \"{areas}: {events} ({place} {intensity})\"");
    auto bank = PhraseBank::parse(files);
    ASSERT_TRUE(bank.ok()) << bank.error().message;
    auto table = places();
    WardReading reading;
    reading.verdict = WardVerdict::kInForce;
    reading.kinds = {"VPWW53:03"};
    reading.facts = {{"place", "東京都２３区"}, {"intensity", "5+"}};
    Alert a = heavy_rain({{"jma", "1310300", "港区"}, {"jisx0402", "131032", "港区"}});
    EXPECT_TRUE(bank->apply(a, &table, &reading).empty());
    EXPECT_EQ(a.headline.at("en"), "港区 (Minato-ku): Heavy Rain Warning [en] (東京都２３区 5U)");
    EXPECT_EQ(a.headline.at("ko"), "港区 (Minato-ku): Heavy Rain Warning [ko]");
    EXPECT_EQ(a.event_name.at("ko"), "Heavy Rain Warning [ko]");

    // The ward's lift names what it lifts; without named kinds, the family.
    WardReading lift;
    lift.verdict = WardVerdict::kNothingInForce;
    lift.kinds = {"VPWW53:03"};
    Alert lifted = heavy_rain({{"jma", "1310300", "港区"}});
    lifted.event_code = "VPWW53:00";
    lifted.level.reset();
    EXPECT_TRUE(bank->apply(lifted, &table, &lift).empty());
    EXPECT_EQ(lifted.headline.at("vi"), "港区 (Minato-ku): Heavy Rain Warning [vi] lifted");
    EXPECT_EQ(lifted.instruction.at("vi"), "Lifted [vi]");
    lift.kinds.clear();
    EXPECT_TRUE(bank->apply(lifted, &table, &lift).empty());
    EXPECT_EQ(lifted.headline.at("vi"), "港区 (Minato-ku): Weather [vi] lifted");
}

TEST(PhraseBankTest, AMissingPhraseFallsBackToJapaneseAndEnglishAndIsReported) {
    auto files = small_bank();
    // Korean lacks the event's name; Nepali lacks the level-3 instruction.
    auto& ko = files["ko.toml"];
    ko.erase(ko.find("\"VPWW:03\""),
             ko.find('\n', ko.find("\"VPWW:03\"")) - ko.find("\"VPWW:03\""));
    auto& ne = files["ne.toml"];
    ne.erase(ne.find("level3 ="), ne.find('\n', ne.find("level3 =")) - ne.find("level3 ="));
    auto bank = PhraseBank::parse(files);
    ASSERT_TRUE(bank.ok()) << bank.error().message;

    Alert a = heavy_rain({{"jma", "1310300", "港区"}});
    auto gaps = bank->apply(a, nullptr);
    ASSERT_EQ(gaps.size(), 2u);
    EXPECT_EQ(gaps[0], (PhraseGap{"VPWW53:03", 3, "VPWW:03", "ko", "name"}));
    EXPECT_EQ(gaps[1], (PhraseGap{"VPWW53:03", 3, "VPWW:03", "ne", "instruction"}));
    EXPECT_EQ(gaps[0].describe(), "event VPWW53:03, level 3 (key VPWW:03): no name in ko");
    // Never half invented: Korean gets nothing (channels fall back to ja/en), Nepali keeps
    // its name and headline but no instruction.
    EXPECT_FALSE(a.event_name.count("ko"));
    EXPECT_FALSE(a.headline.count("ko"));
    EXPECT_FALSE(a.instruction.count("ko"));
    EXPECT_EQ(a.event_name.at("ne"), "Heavy Rain Warning [ne]");
    EXPECT_FALSE(a.instruction.count("ne"));
    EXPECT_EQ(a.instruction.at("en"), "Older people evacuate [en] at 09:05");

    // An event the bank does not know at all: ja keeps the telegram, en gets the family's
    // generic name and the fallback instruction, nothing else is filled.
    Alert unknown = heavy_rain({{"jma", "1310300", "港区"}});
    unknown.event_code = "VPWW53:99";
    unknown.level.reset();
    gaps = bank->apply(unknown, nullptr);
    ASSERT_EQ(gaps.size(), 1u);
    EXPECT_EQ(gaps[0].describe(), "event VPWW53:99: no entry 'VPWW:99' in events.toml");
    EXPECT_EQ(unknown.event_name.at("ja"), "大雨警報");
    EXPECT_EQ(unknown.instruction.at("ja"), "最新の情報を確認");
    EXPECT_EQ(unknown.event_name.at("en"), "Weather [en]");
    EXPECT_EQ(unknown.headline.at("en"), "Weather [en] / 港区");
    EXPECT_EQ(unknown.instruction.at("en"), "Check the news [en]");
    EXPECT_FALSE(unknown.event_name.count("zh-Hans"));
    EXPECT_FALSE(unknown.instruction.count("ja-x-easy"));

    // check() reports the same ahead of time.
    auto checked = bank->check({{"VPWW53:03", 3, false}, {"VPWW53:99", std::nullopt, false}});
    EXPECT_EQ(checked.size(), 3u);
}

TEST(PhraseBankTest, OtherSourcesAreLeftAlone) {
    auto bank = PhraseBank::parse(small_bank());
    ASSERT_TRUE(bank.ok());
    Alert a = heavy_rain({});
    a.source.kind = SourceKind::kCap;
    Alert before = a;
    EXPECT_TRUE(bank->apply(a, nullptr).empty());
    EXPECT_EQ(a, before);
}

TEST(PhraseBankTest, ABrokenBankIsRefusedWithItsReason) {
    auto with = [](std::string file, std::string from, std::string to) {
        auto files = small_bank();
        auto& text = files[file];
        auto pos = text.find(from);
        EXPECT_NE(pos, std::string::npos) << from;
        if (pos != std::string::npos) text.replace(pos, from.size(), to);
        return load_error(files);
    };
    EXPECT_EQ(load_error(small_bank()), "accepted");
    EXPECT_NE(with("en.toml", "{event} / {areas}", "{event} / {area}")
                  .find("en.toml:7: format.headline: unknown placeholder {area}"),
              std::string::npos);
    EXPECT_NE(with("vi.toml", "level3 = \"Older", "level3 = \"{Older")
                  .find("vi.toml:32: instructions.level3: unknown placeholder"),
              std::string::npos);
    EXPECT_NE(with("ko.toml", "[names]", "[names]\n\"VPWW:04\" = \"Flood\"")
                  .find("names.VPWW:04: is not an event of events.toml"),
              std::string::npos);
    EXPECT_NE(with("pt.toml", "written_by", "writen_by").find("unknown key 'meta.writen_by'"),
              std::string::npos);
    EXPECT_NE(with("zh-Hans.toml", "language = \"zh-Hans\"", "language = \"zh\"")
                  .find("meta.language: must be \"zh-Hans\""),
              std::string::npos);
    EXPECT_NE(with("ja.toml", "reviewed = false", "").find("meta.reviewed (true or false)"),
              std::string::npos);
    EXPECT_NE(with("en.toml", "reviewed = false", "reviewed = true")
                  .find("meta.reviewed_by: name who reviewed it"),
              std::string::npos);
    EXPECT_NE(with("events.toml", "class = \"lifted\"", "class = \"liftd\"")
                  .find("events.lifted: class 'liftd' has no instruction in any language"),
              std::string::npos);
    EXPECT_NE(with("ne.toml", "\"5+\" = \"5U\"", "").find("needs intensity \"5+\""),
              std::string::npos);
    EXPECT_NE(with("en.toml", "[meta", "[[meta").find("en.toml:"), std::string::npos);
    auto files = small_bank();
    files.erase("ne.toml");
    EXPECT_EQ(load_error(files), "ne.toml is missing");
    // The ward's notices: every phrase in every language, no stray key, known placeholders.
    EXPECT_NE(with("ko.toml", "evac_order_instruction = \"evac_order_instruction [ko]\"\n", "")
                  .find("staff: needs \"evac_order_instruction\""),
              std::string::npos);
    EXPECT_NE(with("pt.toml", "free_name =", "fre_name =")
                  .find("staff.fre_name: is not a phrase of the ward's notices"),
              std::string::npos);
    EXPECT_NE(with("vi.toml", "whole_ward = \"whole_ward [vi]\"", "whole_ward = \"{ward}\"")
                  .find("staff.whole_ward: unknown placeholder {ward}"),
              std::string::npos);
}

TEST(PhraseBankTest, StaffPhrasesAreServedUnfilledPerLanguage) {
    auto bank = PhraseBank::parse(small_bank());
    ASSERT_TRUE(bank.ok()) << bank.error().message;
    EXPECT_EQ(bank->staff_phrase("ko", "evac_order_name"), "evac_order_name [ko]");
    EXPECT_EQ(bank->staff_phrase("ja-x-easy", "place"), "{name}");
    EXPECT_EQ(bank->staff_phrase("ko", "no_such_key"), std::nullopt);
    EXPECT_EQ(bank->staff_phrase("klingon", "evac_order_name"), std::nullopt);
}

TEST(PhraseBankTest, LoadNamesTheFilesItCannotRead) {
    testing::TempDir dir;
    for (const auto& [name, text] : small_bank())
        if (name != "vi.toml") testing::write_file(dir / name, text);
    auto bank = PhraseBank::load(dir.path().string());
    ASSERT_FALSE(bank.ok());
    EXPECT_EQ(bank.error().message, (dir / "vi.toml").string() + ": cannot read");
    testing::write_file(dir / "vi.toml", small_bank()["vi.toml"]);
    EXPECT_TRUE(PhraseBank::load(dir.path().string()).ok());
}

// ----- the shipped bank --------------------------------------------------------------

TEST(ShippedPhraseBankTest, LoadsWithEveryLanguageMarkedUnreviewed) {
    auto bank = PhraseBank::load((config_dir() / "phrases").string());
    ASSERT_TRUE(bank.ok()) << bank.error().message;
    auto langs = bank->languages();
    ASSERT_EQ(langs.size(), std::size(kPhraseLanguages));
    for (const auto& l : langs) {
        SCOPED_TRACE(l.language);
        EXPECT_FALSE(l.written_by.empty());
        // Nobody has reviewed the draft yet: flipping this needs a name in reviewed_by.
        EXPECT_FALSE(l.reviewed);
    }
}

TEST(ShippedPhraseBankTest, EveryEventTheJmaParserCanEmitHasAPhraseInEveryLanguage) {
    auto bank = PhraseBank::load((config_dir() / "phrases").string());
    ASSERT_TRUE(bank.ok()) << bank.error().message;
    auto known = jmx_known_events();
    ASSERT_GT(known.size(), 100u);
    // Known to be missing: none.
    const std::set<std::string> kKnownMissing = {};
    for (const auto& gap : bank->check(known))
        EXPECT_TRUE(kKnownMissing.count(gap.describe())) << gap.describe();
}

}  // namespace
}  // namespace alerthub::hub
