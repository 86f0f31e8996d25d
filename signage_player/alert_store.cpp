#include "signage_player/alert_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace alerthub::player {

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

ApplyResult AlertStore::apply(std::string_view alert_id, std::string_view payload) {
    if (payload.empty()) {
        auto it = alerts_.find(alert_id);
        if (it == alerts_.end()) return {ApplyOutcome::kIgnored, 0, "removal of an unknown alert"};
        std::int64_t version = it->second.version;
        alerts_.erase(it);
        return {ApplyOutcome::kRemoved, version, {}};
    }
    if (payload.size() > kMaxPayloadBytes)
        return {ApplyOutcome::kRejected, 0,
                fmt::format("payload of {} bytes is too large", payload.size())};
    auto decoded = decode_alert(payload);
    if (!decoded) return {ApplyOutcome::kRejected, 0, decoded.error().message};
    Alert& alert = *decoded;
    if (alert.id != alert_id)
        return {ApplyOutcome::kRejected, alert.version,
                fmt::format("payload id '{}' does not match its topic", alert.id)};

    auto it = alerts_.find(alert_id);
    if (it == alerts_.end()) {
        if (alerts_.size() >= kMaxAlerts)
            return {ApplyOutcome::kRejected, alert.version, "too many alerts held"};
        std::int64_t version = alert.version;
        alerts_.emplace(std::string(alert_id), std::move(alert));
        return {ApplyOutcome::kAdded, version, {}};
    }
    if (alert.version <= it->second.version) {
        return {ApplyOutcome::kIgnored, alert.version,
                fmt::format("version {} is not newer than the held version {}", alert.version,
                            it->second.version)};
    }
    std::int64_t version = alert.version;
    it->second = std::move(alert);
    return {ApplyOutcome::kUpdated, version, {}};
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
