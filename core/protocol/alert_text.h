#pragma once
// The text a subscriber reads for an alert, the same on every channel (a channel only adds
// its own limits and framing: LINE cuts it to 5,000 UTF-16 units, mail puts it in a MIME
// body). Pure functions, so the wording is unit-tested. Texts come from the alert (the hub's
// reviewed phrase bank), never from machine translation: Japanese first, then English when
// the alert carries it.

#include <string>
#include <string_view>

#include "core/protocol/alert.h"

namespace alerthub {

// "【訓練】" / "【試験】" / "【取消】" / "【解除】" / "【終了】" / "【緊急】" / "【警報】" /
// "【注意】", and "【更新】" after them for an update: exercise and test first (with 【取消】,
// 【解除】 or 【終了】 after them when ended), then 【取消】 (withdrawn: a cancel), 【解除】
// (lifted: the hazard is over), 【終了】 (expired: its end has passed), else level 4+ or
// extreme severity, severe, the rest; an Update still in force adds 【更新】
// ("【緊急】【更新】", "【訓練】【更新】"): the reader must look again at what changed.
std::string alert_prefix(const Alert& alert);

// The same words in `language` (each of the phrase bank's nine; any other reads as English):
// "[EXERCISE][LIFTED]", "【演习】", "[훈련]", ... so that every half of a message says what
// it is, and a subject in English carries no Japanese.
std::string alert_prefix(const Alert& alert, std::string_view language);

// "This is an exercise" / "これは訓練です" / ... in `language` for an exercise or test; ""
// for an actual alert. Screens show it beside their drill band.
std::string drill_notice(const Alert& alert, std::string_view language);

// The update word alone, as alert_prefix writes it in `language` ("【更新】", "[UPDATED] ",
// "【かわりました】"): the console opens the headlines of its own updates with it, so that
// screens say it too, and alert_prefix does not repeat it before such a headline.
std::string update_mark(std::string_view language);

// The mark every headline of a deliberate replay starts with (hub/policy/freshness.h,
// mark_replay), in `language` like the other prefix words: "【再送】", "[REPLAY] ", "【重发】",
// "[재전송] ", ... Lists that name an alert by something else than its headline (the player's
// other alerts) carry it over, so that a replay never reads as news.
std::string replay_mark(std::string_view language);

// The line a replay's description opens with in `language`: "この情報は {issued_jst} に発表
// されたものの再送です。", "This is a replay of information issued at … JST.", ...
std::string replay_note(std::string_view language, std::string_view issued_jst);

// Whether a headline of `alert` starts with its language's replay mark (mark_replay marks
// them all).
bool is_marked_replay(const Alert& alert);

// The text in exactly `lang`, or "" (unlike pick_text, no other language stands in).
std::string text_in_language(const LocalizedText& text, std::string_view lang);

// One line (a mail's subject, a notification title): the prefix and the headline in
// `language`, else Japanese, else English, else the event name in the same order, the
// prefix in `language` (an English subject carries no Japanese word); control characters
// become spaces.
std::string alert_subject(const Alert& alert, std::string_view language = "ja");

// The whole message:
//   【緊急】<ja headline>
//   <ja instruction>
//   発表: YYYY-MM-DD HH:MM (JST)
//
//   [EXERCISE][LIFTED] <en headline>      (the prefix of an exercise, test, cancel or lift,
//   <en instruction>                        in that language: each half says what it is)
//
//   <first link URL>
// The headline falls back to the event name; without any Japanese the first line is the
// English headline (then not repeated below), else any headline.
std::string alert_text(const Alert& alert);

// The same with `second_language` where the above has English: Japanese first, then the
// reader's language, or English when the alert does not carry it (nothing more when the
// reader's language is Japanese). Without Japanese, the reader's language (or English, or
// any) comes first with its instruction. alert_text(alert) is alert_text(alert, "en").
std::string alert_text(const Alert& alert, std::string_view second_language);

// The same with each language's description after its instruction (what the ward ordered,
// why): for mail, which has room for it.
std::string alert_text_with_description(const Alert& alert, std::string_view second_language);

}  // namespace alerthub
