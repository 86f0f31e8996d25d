#pragma once
// One alert in each state a reader must be told apart (an actual order, an exercise, a
// cancel, a lift, an update, an expiry, a replay), with texts in all nine languages of the
// phrase bank, and the word that marks each state in each language: the LINE, mail and
// player tests check that every channel carries them (core/protocol/alert_text.cpp has the
// words; tests/unit/core/alert_text_test.cpp pins them).

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/base/time_format.h"
#include "core/protocol/alert.h"
#include "core/protocol/alert_text.h"

namespace alerthub::testing {

inline const std::vector<std::string> kNineLanguages = {
    "ja", "ja-x-easy", "en", "zh-Hans", "zh-Hant", "ko", "vi", "ne", "pt"};

// 避難指示 (警戒レベル4) for 芝浦一丁目, in every language.
inline Alert nine_language_order() {
    Alert a;
    a.id = "staff-states-1";
    a.version = 1;
    a.level = 4;
    a.severity = Severity::kSevere;
    a.source.kind = SourceKind::kStaff;
    a.source.sent = *parse_rfc3339("2026-11-23T01:05:00Z");
    const std::map<std::string, std::pair<std::string, std::string>> texts = {
        {"ja", {"【警戒レベル4】避難指示: 芝浦一丁目", "危険な場所から全員避難してください。"}},
        {"ja-x-easy",
         {"【レベル4】みんな 逃げてください: 芝浦一丁目", "危ない ところから 逃げてください。"}},
        {"en",
         {"[Alert Level 4] Evacuation instructions: Shibaura 1-chome",
          "Everyone must leave dangerous places now."}},
        {"zh-Hans", {"【警戒等级4】避难指示：芝浦一丁目", "所有人请立即从危险场所避难。"}},
        {"zh-Hant", {"【警戒等級4】避難指示：芝浦一丁目", "所有人請立即從危險場所避難。"}},
        {"ko", {"[경계 레벨 4] 대피 지시: Shibaura 1-chome", "위험한 장소에서 전원 대피하십시오."}},
        {"vi",
         {"[Cấp độ cảnh giác 4] Chỉ thị sơ tán: Shibaura 1-chome",
          "Mọi người hãy rời khỏi nơi nguy hiểm ngay."}},
        {"ne",
         {"[सतर्कता स्तर 4] स्थानान्तरण निर्देशन: Shibaura 1-chome",
          "सबैजना खतरनाक ठाउँबाट तुरुन्त बाहिर जानुहोस्।"}},
        {"pt",
         {"[Nível de alerta 4] Ordem de evacuação: Shibaura 1-chome",
          "Todos devem sair dos lugares perigosos agora."}},
    };
    for (const auto& [lang, t] : texts) {
        a.headline[lang] = t.first;
        a.instruction[lang] = t.second;
    }
    a.event_name = {{"ja", "避難指示"}, {"en", "Evacuation instructions"}};
    return a;
}

// The states, by name, of `base` (an actual order in force).
inline std::vector<std::pair<std::string, Alert>> alert_states(const Alert& base) {
    std::vector<std::pair<std::string, Alert>> out;
    out.emplace_back("actual", base);
    Alert exercise = base;
    exercise.status = AlertStatus::kExercise;
    out.emplace_back("exercise", exercise);
    Alert cancel = base;
    cancel.version = 2;
    cancel.msg_type = MsgType::kCancel;
    cancel.state = AlertState::kCancelled;
    out.emplace_back("cancel", cancel);
    Alert lift = base;
    lift.version = 2;
    lift.msg_type = MsgType::kUpdate;
    lift.state = AlertState::kLifted;
    out.emplace_back("lift", lift);
    Alert update = base;
    update.version = 2;
    update.msg_type = MsgType::kUpdate;
    out.emplace_back("update", update);
    Alert expiry = base;
    expiry.state = AlertState::kExpired;
    out.emplace_back("expiry", expiry);
    // As hub/policy/freshness.cpp's mark_replay leaves it.
    Alert replay = base;
    for (auto& [lang, text] : replay.headline) text = std::string(replay_mark(lang)) + text;
    out.emplace_back("replay", replay);
    return out;
}

// The word that marks each state (but "actual") in each language.
inline const std::map<std::string, std::map<std::string, std::string>> kStateWords = {
    {"ja",
     {{"exercise", "【訓練】"},
      {"cancel", "【取消】"},
      {"lift", "【解除】"},
      {"update", "【更新】"},
      {"expiry", "【終了】"},
      {"replay", "【再送】"}}},
    {"ja-x-easy",
     {{"exercise", "【くんれん】"},
      {"cancel", "【とりけし】"},
      {"lift", "【おわり】"},
      {"update", "【かわりました】"},
      {"expiry", "【しゅうりょう】"},
      {"replay", "【再送】"}}},
    {"en",
     {{"exercise", "[EXERCISE]"},
      {"cancel", "[CANCELLED]"},
      {"lift", "[LIFTED]"},
      {"update", "[UPDATED]"},
      {"expiry", "[ENDED]"},
      {"replay", "[REPLAY]"}}},
    {"zh-Hans",
     {{"exercise", "【演习】"},
      {"cancel", "【撤销】"},
      {"lift", "【解除】"},
      {"update", "【更新】"},
      {"expiry", "【结束】"},
      {"replay", "【重发】"}}},
    {"zh-Hant",
     {{"exercise", "【演習】"},
      {"cancel", "【撤銷】"},
      {"lift", "【解除】"},
      {"update", "【更新】"},
      {"expiry", "【結束】"},
      {"replay", "【重發】"}}},
    {"ko",
     {{"exercise", "[훈련]"},
      {"cancel", "[취소]"},
      {"lift", "[해제]"},
      {"update", "[갱신]"},
      {"expiry", "[종료]"},
      {"replay", "[재전송]"}}},
    {"vi",
     {{"exercise", "[DIỄN TẬP]"},
      {"cancel", "[ĐÃ HỦY]"},
      {"lift", "[ĐÃ DỠ BỎ]"},
      {"update", "[CẬP NHẬT]"},
      {"expiry", "[ĐÃ KẾT THÚC]"},
      {"replay", "[GỬI LẠI]"}}},
    {"ne",
     {{"exercise", "[अभ्यास]"},
      {"cancel", "[रद्द]"},
      {"lift", "[हटाइयो]"},
      {"update", "[अद्यावधिक]"},
      {"expiry", "[समाप्त]"},
      {"replay", "[पुनः प्रसारण]"}}},
    {"pt",
     {{"exercise", "[SIMULADO]"},
      {"cancel", "[CANCELADO]"},
      {"lift", "[ENCERRADO]"},
      {"update", "[ATUALIZADO]"},
      {"expiry", "[EXPIRADO]"},
      {"replay", "[REENVIO]"}}},
};

}  // namespace alerthub::testing
