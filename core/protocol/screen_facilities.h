#pragma once
// The facilities a screen shows (schema "alerthub.facilities/1"): for one screen location,
// the open and full shelters and facilities nearest to it with what staff said of them,
// retained and signed on {root}/facilities/{location}. The hub publishes it again on every
// status change; the player shows a panel of it under an evacuation alert
// (docs/protocol.md, "Facilities for screens").

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/protocol/alert.h"
#include "core/protocol/hazards.h"

namespace alerthub {

inline constexpr std::string_view kScreenFacilitiesSchema = "alerthub.facilities/1";

// Enough to fill a screen's panel for any hazard mix, and few enough to stay small
// (kMaxFacilitiesPayloadBytes); the hub lists the nearest ones.
inline constexpr std::size_t kMaxScreenFacilities = 40;
// Longer names are refused: a screen's line has no room for them anyway.
inline constexpr std::size_t kMaxFacilityNameBytes = 300;

struct ScreenFacility {
    enum class State { kOpen, kFull, kClosed };
    enum class Kind { kEmergencySite, kShelter, kStay };

    std::string id;
    Kind kind = Kind::kEmergencySite;
    LocalizedText name;  // always "ja"; "en" where the ward's file gives one
    State state = State::kClosed;
    int taken_in = 0;             // people, as staff last said
    int capacity = 0;             // people; 0 unknown
    std::vector<Hazard> hazards;  // designated for; empty: none in particular
    int distance_m = 0;           // from the screen's location
    WallTime updated{};           // when staff last set the status

    bool operator==(const ScreenFacility&) const = default;
};

struct ScreenFacilities {
    std::string location;      // the screen location's key (one topic level)
    std::int64_t version = 0;  // grows with every status change (the hub's change log)
    WallTime published{};
    std::vector<ScreenFacility> facilities;  // nearest first

    bool operator==(const ScreenFacilities&) const = default;
};

std::string_view to_string(ScreenFacility::State s);  // "open", "full", "closed"
std::string_view to_string(ScreenFacility::Kind k);   // "emergency_site", "shelter", "stay"

// Compact JSON with sorted keys and a "signature": "" for the hub's bus to fill.
std::string encode_screen_facilities(const ScreenFacilities& list);
// Refuses, with the reason: more than kMaxFacilitiesPayloadBytes, not the schema, a bad
// field, more than kMaxScreenFacilities entries, a name without "ja" or too long. Hazard
// keys this reader does not know are left out (a newer hub may name more).
Result<ScreenFacilities> decode_screen_facilities(std::string_view json);

}  // namespace alerthub
