// The ward's notices' texts from the shipped phrase bank, in all nine of its languages: what
// an order, an opening, a lift or an end says, and what the channels make of it (an exercise
// and a lift say so in every half of a message; names of blocks and facilities reach them).

#include "hub/console/notice_templates.h"

#include <gtest/gtest.h>

#include "core/protocol/alert_text.h"
#include "hub/policy/phrase_bank.h"
#include "tests/unit/hub/console/console_fixture.h"

namespace alerthub::hub::console {
namespace {

class NoticeTemplatesTest : public ::testing::Test {
protected:
    void SetUp() override {
        phrases_ = testing::shipped_phrases();
        ASSERT_TRUE(phrases_);
        auto blocks = TownBlocks::load(testing::town_blocks_path());
        ASSERT_TRUE(blocks.ok()) << blocks.error().message;
        blocks_.emplace(std::move(*blocks));
    }

    NoticeFacts facts(std::vector<std::string> codes, std::vector<std::string> shelters,
                      std::string hazard = "") const {
        NoticeFacts f{.area_names = {},
                      .shelters = std::move(shelters),
                      .hazard = std::move(hazard),
                      .blocks = {}};
        for (const auto& code : codes) {
            const TownBlock* b = blocks_->find(code);
            EXPECT_NE(b, nullptr) << code;
            if (!b) continue;
            f.area_names.push_back(b->name);
            f.blocks.push_back(*b);
        }
        return f;
    }

    ComposedTexts compose(std::string_view id, const NoticeFacts& f) const {
        return compose_texts(*find_template(id), f, *phrases_);
    }

    std::shared_ptr<const PhraseBank> phrases_;
    std::optional<TownBlocks> blocks_;
};

// What each language calls a lift or an end, as the bank writes it.
const std::map<std::string, std::string> kEndWords = {
    {"ja", "解除"},  {"en", "lifted"}, {"zh-Hans", "解除"}, {"zh-Hant", "解除"},  {"ko", "해제"},
    {"vi", "dỡ bỏ"}, {"ne", "हटाइयो"}, {"pt", "encerrad"},  {"ja-x-easy", "終わ"}};

// Words of an instruction to move, per language, that no end may contain.
const std::map<std::string, std::vector<std::string>> kMoveWords = {
    {"ja", {"避難して", "移動して"}},
    {"en", {"evacuate", "Move", "go to"}},
    {"zh-Hans", {"避难。", "转移"}},
    {"zh-Hant", {"避難。", "移動到"}},
    {"ko", {"대피하십시오", "이동하십시오"}},
    {"vi", {"sơ tán khỏi", "di chuyển"}},
    {"ne", {"जानुहोस्"}},
    {"pt", {"evacuar", "Vá"}},
    {"ja-x-easy", {"逃げて", "行って"}}};

TEST_F(NoticeTemplatesTest, EveryNoticeHasEveryLanguageOfTheBank) {
    for (const auto& t : notice_templates()) {
        SCOPED_TRACE(t.id);
        auto texts = compose(t.id, facts({"shibaura-1"}, {"芝浦小学校"}));
        for (auto lang : kPhraseLanguages) {
            SCOPED_TRACE(lang);
            const std::string tag(lang);
            EXPECT_FALSE(texts.event_name[tag].empty());
            if (t.id == "free") continue;  // staff write free text themselves
            EXPECT_FALSE(texts.headline[tag].empty());
            EXPECT_FALSE(texts.description[tag].empty());
            EXPECT_FALSE(texts.instruction[tag].empty());
        }
    }
}

TEST_F(NoticeTemplatesTest, BlocksAreRomanizedOrReadWhereTheLanguageNeedsIt) {
    auto texts = compose("evac_order", facts({"shibaura-1", "mita-4"}, {}, "storm_surge"));
    EXPECT_EQ(texts.headline["ja"], "【警戒レベル4】芝浦一丁目、三田四丁目に避難指示（高潮）");
    EXPECT_EQ(texts.headline["en"],
              "[Alert Level 4] Evacuation instructions (storm surge): Shibaura 1-chome, Mita "
              "4-chome");
    EXPECT_EQ(texts.headline["ko"],
              "[경계 레벨 4] 대피 지시 (폭풍해일): Shibaura 1-chome, Mita 4-chome");
    EXPECT_EQ(texts.headline["zh-Hant"], "【警戒級別4】芝浦一丁目、三田四丁目：避難指示（風暴潮）");
    EXPECT_NE(texts.headline["ja-x-easy"].find("芝浦一丁目（しばうら いっちょうめ）"),
              std::string::npos);
    // Latin-script languages carry no kanji block names (what a subject line would mix).
    for (const auto* lang : {"en", "ko", "vi", "ne", "pt"}) {
        SCOPED_TRACE(lang);
        EXPECT_EQ(texts.headline[lang].find("芝浦"), std::string::npos);
        EXPECT_EQ(texts.description[lang].find("芝浦"), std::string::npos);
    }
    // No block chosen: the whole ward, in each language's words.
    auto ward = compose("evac_elderly", facts({}, {}));
    EXPECT_EQ(ward.headline["ja"], "【警戒レベル3】港区全域に高齢者等避難");
    EXPECT_EQ(ward.headline["en"],
              "[Alert Level 3] Evacuation of older people and others: all of Minato City");
    EXPECT_NE(ward.headline["pt"].find("toda a cidade de Minato"), std::string::npos);
}

TEST_F(NoticeTemplatesTest, FacilitiesAndSheltersAreNamedInEveryLanguage) {
    for (const auto* id : {"stay_facility_open", "shelter_open"}) {
        SCOPED_TRACE(id);
        auto texts = compose(id, facts({}, {"港区立芝公園", "東京タワー"}));
        for (auto lang : kPhraseLanguages) {
            SCOPED_TRACE(lang);
            const std::string tag(lang);
            // The headline is what LINE and the screens show first; the instruction too.
            EXPECT_NE(texts.headline[tag].find("港区立芝公園"), std::string::npos);
            EXPECT_NE(texts.headline[tag].find("東京タワー"), std::string::npos);
            EXPECT_NE(texts.instruction[tag].find("東京タワー"), std::string::npos);
        }
    }
    auto evac = compose("evac_order", facts({"daiba-1"}, {"台場小学校"}));
    for (auto lang : kPhraseLanguages)
        EXPECT_NE(evac.instruction[std::string(lang)].find("台場小学校"), std::string::npos)
            << lang;
}

TEST_F(NoticeTemplatesTest, AnEndSaysItIsOverInEveryLanguageAndNeverAsksToMove) {
    for (const auto& t : notice_templates()) {
        if (t.id == "free") continue;
        SCOPED_TRACE(t.id);
        const auto f = facts({"shibaura-1"}, {"芝浦小学校"}, t.takes_hazard ? "tsunami" : "");
        auto issued = compose(t.id, f);
        auto end = compose_end_texts(t, f, *phrases_);
        for (auto lang : kPhraseLanguages) {
            SCOPED_TRACE(lang);
            const std::string tag(lang);
            EXPECT_NE(end.headline[tag], issued.headline[tag]);
            EXPECT_NE(end.instruction[tag], issued.instruction[tag]);
            EXPECT_EQ(end.instruction[tag].find("芝浦小学校"), std::string::npos);
            for (const auto& word : kMoveWords.at(tag))
                EXPECT_EQ(end.instruction[tag].find(word), std::string::npos) << word;
            // An order is lifted (解除); an opening has ended (終了), named in the headline.
            if (t.level) {
                EXPECT_NE(end.headline[tag].find(kEndWords.at(tag)), std::string::npos)
                    << end.headline[tag];
            }
            EXPECT_NE(end.headline[tag].find(issued.event_name[tag]), std::string::npos)
                << end.headline[tag];
        }
    }
}

// The alert a published notice becomes, as the channels read it.
Alert alert_of_texts(const ComposedTexts& texts) {
    Alert a;
    a.source.kind = SourceKind::kStaff;
    a.event_code = "alerthub:evac_order";
    a.level = 4;
    a.severity = Severity::kSevere;
    a.event_name = texts.event_name;
    a.headline = texts.headline;
    a.description = texts.description;
    a.instruction = texts.instruction;
    return a;
}

TEST_F(NoticeTemplatesTest, ChannelsSayExerciseAndLiftInEveryHalfOfEveryLanguage) {
    const auto f = facts({"shibaura-1"}, {"芝浦小学校"});
    Alert drill = alert_of_texts(compose("evac_order", f));
    drill.status = AlertStatus::kExercise;
    Alert lift = alert_of_texts(compose_end_texts(*find_template("evac_order"), f, *phrases_));
    lift.msg_type = MsgType::kCancel;
    lift.state = AlertState::kLifted;
    const std::map<std::string, std::pair<std::string, std::string>> kPrefixes = {
        {"en", {"[EXERCISE] ", "[LIFTED] "}},    {"zh-Hans", {"【演习】", "【解除】"}},
        {"zh-Hant", {"【演習】", "【解除】"}},   {"ko", {"[훈련] ", "[해제] "}},
        {"vi", {"[DIỄN TẬP] ", "[ĐÃ DỠ BỎ] "}},  {"ne", {"[अभ्यास] ", "[हटाइयो] "}},
        {"pt", {"[SIMULADO] ", "[ENCERRADO] "}}, {"ja-x-easy", {"【くんれん】", "【おわり】"}}};
    for (const auto& [lang, prefixes] : kPrefixes) {
        SCOPED_TRACE(lang);
        // Japanese first with its own words, then the reader's language with its own.
        const std::string drill_text = alert_text(drill, lang);
        EXPECT_EQ(drill_text.rfind("【訓練】【警戒レベル4】", 0), 0u) << drill_text;
        EXPECT_NE(drill_text.find("\n\n" + prefixes.first + drill.headline.at(lang)),
                  std::string::npos)
            << drill_text;
        const std::string lift_text = alert_text(lift, lang);
        EXPECT_EQ(lift_text.rfind("【解除】芝浦一丁目の避難指示を解除しました", 0), 0u)
            << lift_text;
        EXPECT_NE(lift_text.find("\n\n" + prefixes.second + lift.headline.at(lang)),
                  std::string::npos)
            << lift_text;
        // A subject in the reader's language carries that language's prefix only.
        EXPECT_EQ(alert_subject(drill, lang), prefixes.first + drill.headline.at(lang));
        EXPECT_EQ(alert_subject(lift, lang), prefixes.second + lift.headline.at(lang));
    }
}

TEST_F(NoticeTemplatesTest, WithoutABankOnlyTheNameIsGiven) {
    auto texts = compose_texts(*find_template("evac_order"), facts({"shibaura-1"}, {}));
    EXPECT_EQ(texts.event_name.at("ja"), "避難指示");
    EXPECT_TRUE(texts.headline.empty());
    EXPECT_TRUE(texts.instruction.empty());
}

}  // namespace
}  // namespace alerthub::hub::console
