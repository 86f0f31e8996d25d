// The channel-neutral text of an alert, which the LINE and mail adapters both send.

#include "core/protocol/alert_text.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "core/base/time_format.h"
#include "tests/support/alert_states.h"

namespace alerthub {
namespace {

// 高齢者等避難 (level 3), severe.
Alert elderly_evacuation() {
    Alert a;
    a.id = "staff-2024-0001";
    a.version = 2;
    a.severity = Severity::kSevere;
    a.level = 3;
    a.source.sent = *parse_rfc3339("2024-07-25T01:30:00Z");  // 10:30 JST
    a.headline = {{"ja", "港区に高齢者等避難"}, {"en", "Evacuation of the elderly: Minato"}};
    a.instruction = {{"ja", "避難に時間のかかる方は避難してください。"},
                     {"en", "People who need time to evacuate, please evacuate now."},
                     {"zh-Hans", "需要时间避难的人请立即避难。"}};
    a.links = {{"web", "", {}}, {"shelter_map", "https://www.city.minato.tokyo.jp/map", {}}};
    return a;
}

// 避難指示 (level 4), severity unknown.
Alert evacuation_order() {
    Alert a;
    a.id = "staff-2024-0001";
    a.level = 4;
    a.source.sent = *parse_rfc3339("2024-07-25T01:30:00Z");  // 10:30 JST
    a.headline = {{"ja", "港区に避難指示（警戒レベル４）"}, {"en", "Evacuation order: Minato"}};
    a.instruction = {{"ja", "危険な場所から全員避難してください。"},
                     {"en", "Everyone must leave dangerous places now."}};
    a.links = {{"shelter_map", "https://www.city.minato.tokyo.jp/hinan", {}}};
    return a;
}

TEST(AlertPrefix, FollowsStatusThenStateThenLevelAndSeverity) {
    Alert a = elderly_evacuation();
    EXPECT_EQ(alert_prefix(a), "【警報】");
    a.level = 4;
    EXPECT_EQ(alert_prefix(a), "【緊急】");
    a.level = std::nullopt;
    a.severity = Severity::kExtreme;
    EXPECT_EQ(alert_prefix(a), "【緊急】");
    a.severity = Severity::kModerate;
    EXPECT_EQ(alert_prefix(a), "【注意】");
    a.state = AlertState::kCancelled;  // withdrawn: 取消, never 解除
    EXPECT_EQ(alert_prefix(a), "【取消】");
    a.state = AlertState::kLifted;  // the hazard is over
    EXPECT_EQ(alert_prefix(a), "【解除】");
    a.state = AlertState::kExpired;  // its end passed: over, but nobody declared a lift
    EXPECT_EQ(alert_prefix(a), "【終了】");
    a.state = AlertState::kActive;
    a.msg_type = MsgType::kCancel;
    EXPECT_EQ(alert_prefix(a), "【取消】");
    a.status = AlertStatus::kTest;
    EXPECT_EQ(alert_prefix(a), "【試験】【取消】");
    a.status = AlertStatus::kExercise;  // an exercise says so even when it cancels
    EXPECT_EQ(alert_prefix(a), "【訓練】【取消】");
    a.msg_type = MsgType::kAlert;
    a.state = AlertState::kLifted;
    EXPECT_EQ(alert_prefix(a), "【訓練】【解除】");
    a.state = AlertState::kActive;
    EXPECT_EQ(alert_prefix(a), "【訓練】");
    // An update in force says so after the rest; an ended one says only that it ended.
    a.msg_type = MsgType::kUpdate;
    EXPECT_EQ(alert_prefix(a), "【訓練】【更新】");
    a.status = AlertStatus::kActual;
    EXPECT_EQ(alert_prefix(a), "【注意】【更新】");
    EXPECT_EQ(alert_prefix(a, "en"), "[NOTICE][UPDATED] ");
    a.state = AlertState::kLifted;
    EXPECT_EQ(alert_prefix(a), "【解除】");
}

TEST(AlertText, JapaneseFirstThenEnglishThenTheFirstLink) {
    EXPECT_EQ(alert_text(elderly_evacuation()),
              "【警報】港区に高齢者等避難\n"
              "避難に時間のかかる方は避難してください。\n"
              "発表: 2024-07-25 10:30 (JST)\n"
              "\n"
              "Evacuation of the elderly: Minato\n"
              "People who need time to evacuate, please evacuate now.\n"
              "\n"
              "https://www.city.minato.tokyo.jp/map");
}

TEST(AlertText, ExerciseAndCancelPrefixes) {
    Alert a = elderly_evacuation();
    a.status = AlertStatus::kExercise;
    EXPECT_EQ(alert_text(a).rfind("【訓練】港区に高齢者等避難\n", 0), 0u);
    a.status = AlertStatus::kActual;
    a.state = AlertState::kCancelled;
    a.msg_type = MsgType::kCancel;
    EXPECT_EQ(alert_text(a).rfind("【取消】港区に高齢者等避難\n", 0), 0u);
    a.msg_type = MsgType::kUpdate;
    a.state = AlertState::kLifted;
    EXPECT_EQ(alert_text(a).rfind("【解除】港区に高齢者等避難\n", 0), 0u);
}

TEST(AlertText, WithoutEnglishOrLinksHasNoEmptySections) {
    Alert a = elderly_evacuation();
    a.headline.erase("en");
    a.instruction.erase("en");
    a.links.clear();
    EXPECT_EQ(alert_text(a),
              "【警報】港区に高齢者等避難\n"
              "避難に時間のかかる方は避難してください。\n"
              "発表: 2024-07-25 10:30 (JST)");
}

TEST(AlertText, WithoutJapaneseHeadlineUsesTheEventNameOrEnglish) {
    Alert a = elderly_evacuation();
    a.headline.erase("ja");
    a.event_name = {{"ja", "大雨警報"}};
    EXPECT_EQ(alert_text(a).rfind("【警報】大雨警報\n", 0), 0u);
    a.event_name.clear();
    auto text = alert_text(a);
    EXPECT_EQ(text.rfind("【警報】Evacuation of the elderly: Minato\n", 0), 0u);
    // The English headline is not repeated in the English part.
    EXPECT_EQ(text.find("Evacuation of the elderly", 13), std::string::npos);
}

TEST(AlertText, AnEvacuationOrderIsUrgentAndATestSaysSo) {
    EXPECT_EQ(alert_text(evacuation_order()),
              "【緊急】港区に避難指示（警戒レベル４）\n"
              "危険な場所から全員避難してください。\n"
              "発表: 2024-07-25 10:30 (JST)\n"
              "\n"
              "Evacuation order: Minato\n"
              "Everyone must leave dangerous places now.\n"
              "\n"
              "https://www.city.minato.tokyo.jp/hinan");
    Alert test = evacuation_order();
    test.status = AlertStatus::kTest;
    test.severity = Severity::kMinor;
    EXPECT_EQ(alert_text(test).rfind("【試験】", 0), 0u);
}

TEST(AlertText, IssueTimeFallsBackToEffectiveAndIsLeftOutWithoutEither) {
    Alert a = elderly_evacuation();
    a.source.sent = WallTime{};
    a.effective = *parse_rfc3339("2024-07-25T02:00:00Z");
    EXPECT_NE(alert_text(a).find("発表: 2024-07-25 11:00 (JST)\n"), std::string::npos);
    a.effective.reset();
    EXPECT_EQ(alert_text(a).find("発表"), std::string::npos);
}

TEST(AlertText, AMissingReaderLanguageFallsBackToEnglish) {
    auto text = alert_text(evacuation_order(), "vi");
    EXPECT_NE(text.find("\n\nEvacuation order: Minato\nEveryone must leave"), std::string::npos)
        << text;
    // A reader whose language the alert carries gets it instead of English.
    text = alert_text(elderly_evacuation(), "zh-Hans");
    EXPECT_NE(text.find("需要时间避难的人请立即避难。"), std::string::npos) << text;
    EXPECT_EQ(text.find("People who need time"), std::string::npos) << text;
    // A Japanese reader gets Japanese only.
    EXPECT_EQ(alert_text(evacuation_order(), "ja").find("Evacuation"), std::string::npos);
}

TEST(AlertText, WithoutJapaneseTheFallbackLanguageComesFirstWithItsInstruction) {
    // An English-only CAP alert read by a Japanese subscriber: nothing of it is lost.
    Alert a;
    a.severity = Severity::kSevere;
    a.headline = {{"en", "Severe thunderstorm warning"}};
    a.instruction = {{"en", "TAKE COVER NOW."}};
    EXPECT_EQ(alert_text(a, "ja"), "【警報】Severe thunderstorm warning\nTAKE COVER NOW.");
    a.headline = {{"es", "Aviso de tormenta"}};
    a.instruction = {{"es", "Refúgiese."}};
    // The first line is then in the reader's words ("[경보]"), not Japanese ones.
    EXPECT_EQ(alert_text(a, "ko"), "[경보] Aviso de tormenta\nRefúgiese.");
}

TEST(AlertText, TextInLanguageHasNoFallback) {
    LocalizedText text = {{"ja", "避難"}, {"en", "Evacuate"}};
    EXPECT_EQ(text_in_language(text, "ja"), "避難");
    EXPECT_EQ(text_in_language(text, "en"), "Evacuate");
    EXPECT_EQ(text_in_language(text, "ko"), "");
    EXPECT_EQ(text_in_language({}, "ja"), "");
}

TEST(AlertSubject, PrefixAndHeadlineInTheLanguageThenJapaneseEnglishAndEventName) {
    Alert a = elderly_evacuation();
    EXPECT_EQ(alert_subject(a), "【警報】港区に高齢者等避難");
    EXPECT_EQ(alert_subject(a, "en"), "[WARNING] Evacuation of the elderly: Minato");
    EXPECT_EQ(alert_subject(a, "ko"), "[경보] 港区に高齢者等避難");
    a.status = AlertStatus::kExercise;
    a.headline = {{"en", "two\nlines"}};
    EXPECT_EQ(alert_subject(a, "ko"), "[훈련] two lines");
    a.headline.clear();
    a.event_name = {{"ja", "高齢者等避難"}};
    EXPECT_EQ(alert_subject(a, "en"), "[EXERCISE] 高齢者等避難");
    EXPECT_EQ(alert_subject(a, "ja"), "【訓練】高齢者等避難");
}

// Every language of the phrase bank has its own words for every kind of message.
TEST(AlertPrefix, EveryLanguageSaysExerciseTestCancelAndLiftInItsOwnWords) {
    Alert a = evacuation_order();
    const std::map<std::string, std::vector<std::string>> kExpected = {
        // exercise, test, exercise lifted, withdrawn, lifted, urgent
        {"ja", {"【訓練】", "【試験】", "【訓練】【解除】", "【取消】", "【解除】", "【緊急】"}},
        {"en",
         {"[EXERCISE] ", "[TEST] ", "[EXERCISE][LIFTED] ", "[CANCELLED] ", "[LIFTED] ",
          "[URGENT] "}},
        {"zh-Hans",
         {"【演习】", "【测试】", "【演习】【解除】", "【撤销】", "【解除】", "【紧急】"}},
        {"zh-Hant",
         {"【演習】", "【測試】", "【演習】【解除】", "【撤銷】", "【解除】", "【緊急】"}},
        {"ko", {"[훈련] ", "[시험] ", "[훈련][해제] ", "[취소] ", "[해제] ", "[긴급] "}},
        {"vi",
         {"[DIỄN TẬP] ", "[THỬ NGHIỆM] ", "[DIỄN TẬP][ĐÃ DỠ BỎ] ", "[ĐÃ HỦY] ", "[ĐÃ DỠ BỎ] ",
          "[KHẨN CẤP] "}},
        {"ne", {"[अभ्यास] ", "[परीक्षण] ", "[अभ्यास][हटाइयो] ", "[रद्द] ", "[हटाइयो] ", "[आपतकालीन] "}},
        {"pt",
         {"[SIMULADO] ", "[TESTE] ", "[SIMULADO][ENCERRADO] ", "[CANCELADO] ", "[ENCERRADO] ",
          "[URGENTE] "}},
        {"ja-x-easy",
         {"【くんれん】", "【しけん】", "【くんれん】【おわり】", "【とりけし】", "【おわり】",
          "【きんきゅう】"}}};
    for (const auto& [lang, words] : kExpected) {
        SCOPED_TRACE(lang);
        Alert x = a;
        x.status = AlertStatus::kExercise;
        EXPECT_EQ(alert_prefix(x, lang), words[0]);
        EXPECT_FALSE(drill_notice(x, lang).empty());
        x.status = AlertStatus::kTest;
        EXPECT_EQ(alert_prefix(x, lang), words[1]);
        EXPECT_NE(drill_notice(x, lang), drill_notice(a, lang));
        x.status = AlertStatus::kExercise;
        x.state = AlertState::kLifted;
        EXPECT_EQ(alert_prefix(x, lang), words[2]);
        Alert withdrawn = a;
        withdrawn.msg_type = MsgType::kCancel;
        EXPECT_EQ(alert_prefix(withdrawn, lang), words[3]);
        Alert lifted = a;
        lifted.state = AlertState::kLifted;
        EXPECT_EQ(alert_prefix(lifted, lang), words[4]);
        EXPECT_EQ(alert_prefix(a, lang), words[5]);
        EXPECT_EQ(drill_notice(a, lang), "");
    }
}

TEST(AlertText, TheSecondHalfSaysExerciseOrLiftToo) {
    Alert a = evacuation_order();
    a.status = AlertStatus::kExercise;
    EXPECT_NE(alert_text(a).find("\n\n[EXERCISE] Evacuation order: Minato\n"), std::string::npos)
        << alert_text(a);
    a.status = AlertStatus::kActual;
    a.state = AlertState::kLifted;
    a.msg_type = MsgType::kCancel;
    EXPECT_NE(alert_text(a).find("\n\n[LIFTED] Evacuation order: Minato\n"), std::string::npos);
    // Urgency words stay with the first line: an actual order's English half is as before.
    EXPECT_NE(alert_text(evacuation_order()).find("\n\nEvacuation order: Minato\n"),
              std::string::npos);
}

TEST(AlertText, WithDescriptionAddsEachLanguagesDescriptionAfterItsInstruction) {
    Alert a = evacuation_order();
    a.description = {{"ja", "港区は、港区全域に避難指示を発令しました。"},
                     {"en", "Minato City has issued evacuation instructions."}};
    EXPECT_EQ(alert_text_with_description(a, "en"),
              "【緊急】港区に避難指示（警戒レベル４）\n"
              "危険な場所から全員避難してください。\n"
              "港区は、港区全域に避難指示を発令しました。\n"
              "発表: 2024-07-25 10:30 (JST)\n"
              "\n"
              "Evacuation order: Minato\n"
              "Everyone must leave dangerous places now.\n"
              "Minato City has issued evacuation instructions.\n"
              "\n"
              "https://www.city.minato.tokyo.jp/hinan");
    EXPECT_EQ(alert_text(a).find("発令しました"), std::string::npos);
}

}  // namespace
}  // namespace alerthub

namespace alerthub {
namespace {

// The part of a message the reader of `lang` reads in their language: all of it for
// Japanese, else the half after the Japanese one.
std::string readers_part(const std::string& text, const std::string& lang) {
    if (lang == "ja") return text;
    auto split = text.find("\n\n");
    return split == std::string::npos ? std::string() : text.substr(split + 2);
}

// Issue 14: an exercise, a cancel, a lift, an update, an expiry and a replay each say what
// they are, in every language, on the first line of the Japanese half and in the reader's
// half; no two states read alike.
TEST(AlertText, EveryStateSaysWhatItIsInEveryLanguage) {
    using alerthub::testing::kStateWords;
    for (const auto& lang : alerthub::testing::kNineLanguages) {
        SCOPED_TRACE(lang);
        std::set<std::string> texts, subjects;
        for (const auto& [state, a] :
             alerthub::testing::alert_states(alerthub::testing::nine_language_order())) {
            SCOPED_TRACE(state);
            const std::string text = alert_text(a, lang);
            const std::string subject = alert_subject(a, lang);
            EXPECT_TRUE(texts.insert(text).second) << text;
            EXPECT_TRUE(subjects.insert(subject).second) << subject;
            if (state == "actual") continue;
            const std::string& word = kStateWords.at(lang).at(state);
            EXPECT_NE(readers_part(text, lang).find(word), std::string::npos) << text;
            EXPECT_NE(subject.find(word), std::string::npos) << subject;
            const std::string first_line = text.substr(0, text.find('\n'));
            EXPECT_NE(first_line.find(kStateWords.at("ja").at(state)), std::string::npos)
                << first_line;
        }
    }
}

}  // namespace
}  // namespace alerthub
