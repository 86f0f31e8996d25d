#include "hub/journal/retained_audit.h"

#include <optional>

#include "core/protocol/alert.h"

namespace alerthub::hub {
namespace {

// When the alert stopped being in force: the version that ended it (cancel, lift, the hub's
// expired version) was journaled then; an active version ends at its `expires`.
std::optional<WallTime> ended_at(const Alert& alert, WallTime created, WallTime now) {
    if (alert.state != AlertState::kActive) return created;
    if (alert.expires && *alert.expires <= now) return *alert.expires;
    return std::nullopt;
}

}  // namespace

RetainedPlan plan_retained(const std::vector<RetainedVersion>& versions, const Topics& topics,
                           WallTime now, bool after_connect, const RetainedAuditOptions& options) {
    RetainedPlan plan;
    std::vector<RetainedAction> clears;
    for (const auto& v : versions) {
        auto alert = decode_alert(v.alert_json);
        if (!alert) {
            plan.unreadable.push_back(v.alert_id);
            continue;
        }
        const std::string topic = topics.alert(v.alert_id);
        auto republish = [&] {
            plan.actions.push_back({RetainedAction::Kind::kRepublish, v.alert_id, v.version,
                                    BusMessage{topic, v.alert_json, true}});
        };
        auto clear = [&] {
            clears.push_back(
                {RetainedAction::Kind::kClear, v.alert_id, v.version, BusMessage{topic, "", true}});
        };
        auto ended = ended_at(*alert, v.created, now);
        if (!ended) {
            republish();
        } else if (v.cleared) {
            if (after_connect && *v.cleared + options.reclear_window > now) clear();
        } else if (*ended + options.clear_after <= now) {
            clear();
        } else {
            republish();
        }
    }
    plan.actions.insert(plan.actions.end(), clears.begin(), clears.end());
    return plan;
}

}  // namespace alerthub::hub
