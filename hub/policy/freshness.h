#pragma once
// Freshness of JMA telegrams (docs/protocol.md, Lifecycle L7). A telegram that reaches the
// hub long after JMA sent it is history (a 震度速報 of an hour ago, a warning of 2016): it is
// journaled with the reason and not published as news. A deliberate replay (a demo, a drill)
// is published whatever its age, and every reader is told it is a replay.

#include <chrono>
#include <optional>
#include <string>

#include "core/base/clock.h"
#include "core/protocol/alert.h"

namespace alerthub::hub {

// [jma] max_age_s. JMA's high-frequency feeds are updated each minute and the hub polls them
// every minute (jma_feed.interval_s), retrying a failed fetch after 5, 10, 20 … s: a telegram
// that comes the normal way arrives within two or three minutes of its Control/DateTime.
// Ten minutes is what the high-frequency feed lists and when the hub turns to the long feed
// (jma_feed.catch_up_after_s): what only the long feed still has, after an outage, is older,
// and a 震度速報 or 津波警報 of that age has been followed by newer telegrams already.
inline constexpr std::chrono::seconds kDefaultJmaMaxAge{600};
inline constexpr std::chrono::seconds kMinJmaMaxAge{60};
inline constexpr std::chrono::seconds kMaxJmaMaxAge{86400};

// The routing reason for a JMA telegram (source.kind jma, from any door, also relayed by
// L-Alert) whose source.sent (Control/DateTime) is more than `max_age` before `now`:
// "stale: sent 2016-12-26 15:13 JST, 5256000 min before it arrived (max_age_s 600)".
// nullopt for a fresh telegram and for every other kind of document.
std::optional<std::string> stale_reason(const Alert& alert, WallTime now,
                                        std::chrono::seconds max_age);

// Marks a replayed alert so that nobody takes it for news: every headline starts with its
// language's replay mark (【再送】, "[REPLAY] ", 【重发】, ...: replay_mark()), and every
// description with a line in its language saying when it was first issued (JST). Run last, after
// every rewrite of the texts.
void mark_replay(Alert& alert);

}  // namespace alerthub::hub
