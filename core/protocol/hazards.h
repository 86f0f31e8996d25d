#pragma once
// The hazards a refuge is designated for (the GSI data's columns, 災害対策基本法 第49条の4)
// and the hazards an alert is about. One reading shared by the public site (hub/site) and
// the screens' facilities panel, so that a tsunami order lists only tsunami-safe sites on
// both.

#include <optional>
#include <string_view>
#include <vector>

#include "core/protocol/alert.h"

namespace alerthub {

// In the GSI data's order.
enum class Hazard {
    kFlood,        // 洪水
    kLandslide,    // 崖崩れ、土石流及び地滑り
    kStormSurge,   // 高潮
    kEarthquake,   // 地震
    kTsunami,      // 津波
    kLargeFire,    // 大規模な火事
    kInlandFlood,  // 内水氾濫
    kVolcano,      // 火山現象
};
inline constexpr int kHazardCount = 8;

// The GSI property name (Japanese) and the key files and payloads use ("tsunami").
std::string_view hazard_name_ja(Hazard h);
std::string_view hazard_key(Hazard h);
std::optional<Hazard> hazard_from_key(std::string_view key);

// The hazards an alert is about, read from its event and headline in Japanese (津波 ->
// tsunami, 大雨 -> flood and inland flood, 震度 -> earthquake, ...). Empty: none known.
std::vector<Hazard> hazards_of(const Alert& alert);

// Whether a refuge designated for `designated` suits every one of `hazards` (every refuge
// suits an alert of no known hazard).
bool designated_for_all(const std::vector<Hazard>& designated, const std::vector<Hazard>& hazards);

}  // namespace alerthub
