#pragma once
// What the broker's retained alert topics must hold, decided from the journal alone (the hub
// is the source of truth for retained state, docs/protocol.md "Retained state"): the latest
// sent version of every alert in force; the version that ended an alert for `clear_after`
// after it ended (so a screen that was away learns why it ended); then nothing (an empty
// retained payload clears the topic). A pure function: the outbox publisher acts on it.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/mqtt/message_bus.h"
#include "core/protocol/topics.h"
#include "hub/journal/journal.h"

namespace alerthub::hub {

struct RetainedAuditOptions {
    // How long an ended alert's last version stays retained before the topic is cleared.
    std::chrono::seconds clear_after{3600};
    // After a (re)connect, topics cleared this recently are cleared again: a broker that
    // restarted from an older snapshot may hold their last version once more.
    std::chrono::seconds reclear_window{86400};
};

struct RetainedAction {
    enum class Kind { kRepublish, kClear };
    Kind kind = Kind::kRepublish;
    std::string alert_id;
    std::int64_t version = 0;
    BusMessage message;  // retained: the version's JSON, or empty to clear
};

struct RetainedPlan {
    std::vector<RetainedAction> actions;  // republishes first: they matter to screens now
    std::vector<std::string> unreadable;  // alert ids whose stored JSON did not decode
};

// `after_connect`: the broker may have lost or rolled back its state, so recently cleared
// topics are cleared again too.
RetainedPlan plan_retained(const std::vector<RetainedVersion>& versions, const Topics& topics,
                           WallTime now, bool after_connect, const RetainedAuditOptions& options);

}  // namespace alerthub::hub
