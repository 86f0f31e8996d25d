#include "signage_player/alert_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace alerthub::player {

namespace {

ApplyResult outcome(ApplyOutcome what, std::int64_t version, std::string reason) {
    ApplyResult result;
    result.outcome = what;
    result.version = version;
    result.reason = std::move(reason);
    return result;
}

}  // namespace

bool area_matches(const Alert& alert, const ConfiguredAreas& areas) {
    return areas.matches(alert);
}

std::optional<int> level_for_areas(const Alert& alert, const ConfiguredAreas& areas) {
    return areas.level_for(alert);
}

Alert alert_for_areas(const Alert& alert, const ConfiguredAreas& areas) {
    Alert view = alert;
    view.level = level_for_areas(alert, areas);
    if (view.level < alert.level) {
        view.event_name.clear();
        if (view.severity == Severity::kExtreme) view.severity = Severity::kSevere;
    }
    return view;
}

bool is_in_force(const Alert& alert, WallTime now) {
    if (alert.state != AlertState::kActive) return false;
    return !alert.expires || *alert.expires > now;
}

ApplyResult AlertStore::apply(std::string_view alert_id, std::string_view payload, WallTime now) {
    if (payload.empty()) {
        auto it = alerts_.find(alert_id);
        if (it == alerts_.end())
            return outcome(ApplyOutcome::kIgnored, 0, "removal of an unknown alert");
        std::int64_t version = it->second.version;
        // The hub never clears a topic; whoever did cannot take down what is in force.
        if (is_in_force(it->second, now))
            return outcome(ApplyOutcome::kRefused, version,
                           "a cleared topic cannot remove an alert in force (only the hub's signed "
                           "cancel can)");
        // An ended alert is kept (it is not shown): its version is what keeps a replay of
        // an older signed version off the screen.
        return outcome(ApplyOutcome::kIgnored, version,
                       "cleared topic of an ended alert: kept, so that older versions stay "
                       "refused");
    }
    if (payload.size() > kMaxPayloadBytes)
        return outcome(ApplyOutcome::kRejected, 0,
                       fmt::format("payload of {} bytes is too large", payload.size()));
    auto verified = verifier_.verify(payload);
    if (!verified) return outcome(ApplyOutcome::kRefused, 0, verified.error().message);
    auto decoded = decode_alert(verified->signed_bytes);
    if (!decoded) return outcome(ApplyOutcome::kRejected, 0, decoded.error().message);
    Alert& alert = *decoded;
    alert.signature = verified->signature;
    // A signed alert replayed on another alert's topic would overwrite what that topic
    // retains for new players.
    if (alert.id != alert_id)
        return outcome(ApplyOutcome::kRefused, alert.version,
                       fmt::format("payload id '{}' does not match its topic", alert.id));

    auto it = alerts_.find(alert_id);
    if (it == alerts_.end()) {
        std::int64_t version = alert.version;
        auto evicted = make_room(alert, now);
        if (!evicted.empty() && evicted.back() == alert_id)
            return {ApplyOutcome::kIgnored, version,
                    "the store is full of alerts in force that are more urgent", evicted};
        alerts_.emplace(std::string(alert_id), std::move(alert));
        return {ApplyOutcome::kAdded, version, {}, std::move(evicted)};
    }
    if (alert.version <= it->second.version) {
        return outcome(ApplyOutcome::kIgnored, alert.version,
                       fmt::format("version {} is not newer than the held version {}",
                                   alert.version, it->second.version));
    }
    std::int64_t version = alert.version;
    it->second = std::move(alert);
    return outcome(ApplyOutcome::kUpdated, version, {});
}

std::vector<std::string> AlertStore::make_room(const Alert& incoming, WallTime now) {
    // The first to go: ended (cancelled, expired), then exercises before actual alerts,
    // then the least urgent, then the longest ago sent.
    auto keep_rank = [&](const Alert& a) {
        return std::make_tuple(is_in_force(a, now), a.status == AlertStatus::kActual,
                               urgency_rank(a), a.source.sent);
    };
    std::vector<std::string> evicted;
    while (alerts_.size() >= kMaxAlerts) {
        auto victim = std::min_element(alerts_.begin(), alerts_.end(), [&](auto& a, auto& b) {
            return keep_rank(a.second) < keep_rank(b.second);
        });
        if (keep_rank(incoming) < keep_rank(victim->second)) {
            evicted.push_back(incoming.id);
            return evicted;
        }
        evicted.push_back(victim->first);
        alerts_.erase(victim);
    }
    return evicted;
}

Selection AlertStore::select(const ConfiguredAreas& areas, WallTime now) const {
    auto key = [](const Alert& a) {
        return std::make_tuple(a.status == AlertStatus::kActual, urgency_rank(a), a.source.sent);
    };
    Selection s;
    for (auto& [id, alert] : alerts_)
        if (is_in_force(alert, now) && area_matches(alert, areas))
            s.in_force.push_back(alert_for_areas(alert, areas));
    // Stable: ties keep id order, so the choice never flickers between equals.
    std::stable_sort(s.in_force.begin(), s.in_force.end(),
                     [&](const Alert& a, const Alert& b) { return key(a) > key(b); });
    return s;
}

std::vector<const Alert*> Selection::others() const {
    std::vector<const Alert*> out;
    for (std::size_t i = 1; i < in_force.size(); ++i) out.push_back(&in_force[i]);
    return out;
}

std::optional<WallTime> AlertStore::next_expiry(WallTime now) const {
    std::optional<WallTime> next;
    for (auto& [id, alert] : alerts_)
        if (alert.expires && *alert.expires > now && (!next || *alert.expires < *next))
            next = alert.expires;
    return next;
}

bool AlertStore::remove(std::string_view alert_id) {
    auto it = alerts_.find(alert_id);
    if (it == alerts_.end()) return false;
    alerts_.erase(it);
    return true;
}

const Alert* AlertStore::find(std::string_view alert_id) const {
    auto it = alerts_.find(alert_id);
    return it == alerts_.end() ? nullptr : &it->second;
}

}  // namespace alerthub::player
