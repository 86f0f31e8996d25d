#pragma once
// What the player knows: the newest version of every alert it has heard of, fed from the
// retained {root}/alerts/{id} topics. Pure (no I/O, no clock): the loop feeds it and asks
// it which alert belongs on screen.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.h"
#include "core/protocol/alert.h"
#include "core/protocol/area_match.h"
#include "core/protocol/payload_limits.h"
#include "core/protocol/signature.h"

namespace alerthub::player {

// True when one of the alert's areas matches one of the screen's, whatever form either is
// written in (core/protocol/area_match.h): a screen for the ward (131032) shows the ward's
// orders for town blocks, a screen for a block shows an alert for the whole ward.
bool area_matches(const Alert& alert, const ConfiguredAreas& areas);

// The 警戒レベル that applies to `areas`: the highest among the alert's areas that match
// (an area without a level of its own has the alert's), never above the alert's level.
// An L-Alert evacuation order names a level per town block; a screen in a level-3 block
// must not show the level 5 of a block across the ward.
std::optional<int> level_for_areas(const Alert& alert, const ConfiguredAreas& areas);

// The alert as it applies to `areas`: level_for_areas as its level. Below the alert's own
// level, its event name (which names the highest level's order) is dropped and an extreme
// severity (which came with that level) becomes severe, so neither claims more than the
// level shown.
Alert alert_for_areas(const Alert& alert, const ConfiguredAreas& areas);

// In force at `now`: state active and not past its expiry.
bool is_in_force(const Alert& alert, WallTime now);

enum class ApplyOutcome {
    kAdded,     // first version of a new id
    kUpdated,   // a newer version replaced the one we had
    kIgnored,   // same or older version, or removal of an id we never had
    kRejected,  // malformed or inconsistent payload; nothing changed
    kRefused,   // not the hub's: unsigned, badly signed, unknown key, signed for another
                // topic, or a cleared topic for an alert in force; nothing changed
};

struct ApplyResult {
    ApplyOutcome outcome = ApplyOutcome::kIgnored;
    std::int64_t version = 0;  // of the payload, when it decoded
    std::string reason;        // why it was ignored, rejected or refused
    // Alerts dropped to make room (the store was full): ended ones first, then the least
    // urgent. The new alert itself when everything held is in force and more urgent.
    std::vector<std::string> evicted;
};

// The alerts in force for us as they apply to our areas (alert_for_areas), most urgent
// first: the first belongs on screen, the others are listed.
struct Selection {
    std::vector<Alert> in_force;

    const Alert* shown() const { return in_force.empty() ? nullptr : &in_force.front(); }
    std::vector<const Alert*> others() const;
};

class AlertStore {
public:
    // Far more than a ward ever has in force; a flood of ids cannot exhaust memory.
    static constexpr std::size_t kMaxAlerts = 5000;
    static constexpr std::size_t kMaxPayloadBytes = kMaxAlertPayloadBytes;

    // Only alerts signed by one of `verifier`'s keys are taken.
    explicit AlertStore(SignatureVerifier verifier) : verifier_(std::move(verifier)) {}

    // One message from {root}/alerts/{alert_id} at `now`. Never throws, whatever the
    // payload. The alert kept is decoded from the bytes the hub signed, with its
    // `signature` (so the state file can verify it again). An empty payload (a cleared
    // retained topic: unsigned by nature) is refused for an alert in force and ignored for
    // an ended one, which stays as the mark of the highest version seen.
    ApplyResult apply(std::string_view alert_id, std::string_view payload, WallTime now);

    // The alerts in force for `areas` at `now`, most urgent first: actual alerts before
    // exercises and tests (a drill must never hide a real alert), then urgency_rank at the
    // level for `areas`, then the most recently sent.
    Selection select(const ConfiguredAreas& areas, WallTime now) const;

    // The next moment after `now` at which an alert we hold expires: the screen must change
    // then even when nothing arrives (offline, an expired alert leaves at its expiry).
    std::optional<WallTime> next_expiry(WallTime now) const;

    // Forgets an alert (a restored one the broker no longer has); false if unknown.
    bool remove(std::string_view alert_id);

    const Alert* find(std::string_view alert_id) const;
    std::size_t size() const { return alerts_.size(); }
    const std::map<std::string, Alert, std::less<>>& alerts() const { return alerts_; }

private:
    // Makes room for `incoming` (a new id) when full; the ids dropped, `incoming`'s own
    // when it is the one to go.
    std::vector<std::string> make_room(const Alert& incoming, WallTime now);

    SignatureVerifier verifier_;
    std::map<std::string, Alert, std::less<>> alerts_;
};

}  // namespace alerthub::player
