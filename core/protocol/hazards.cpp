#include "core/protocol/hazards.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <string>

#include "core/protocol/alert_text.h"

namespace alerthub {
namespace {

struct HazardInfo {
    Hazard hazard;
    std::string_view name_ja;  // the GSI property
    std::string_view key;
};
constexpr std::array<HazardInfo, kHazardCount> kHazards = {{
    {Hazard::kFlood, "洪水", "flood"},
    {Hazard::kLandslide, "崖崩れ、土石流及び地滑り", "landslide"},
    {Hazard::kStormSurge, "高潮", "storm_surge"},
    {Hazard::kEarthquake, "地震", "earthquake"},
    {Hazard::kTsunami, "津波", "tsunami"},
    {Hazard::kLargeFire, "大規模な火事", "large_fire"},
    {Hazard::kInlandFlood, "内水氾濫", "inland_flood"},
    {Hazard::kVolcano, "火山現象", "volcano"},
}};

bool contains_any(const std::string& text, std::initializer_list<std::string_view> words) {
    return std::any_of(words.begin(), words.end(),
                       [&](std::string_view w) { return text.find(w) != std::string::npos; });
}

}  // namespace

std::string_view hazard_name_ja(Hazard h) {
    return kHazards[static_cast<std::size_t>(h)].name_ja;
}

std::string_view hazard_key(Hazard h) {
    return kHazards[static_cast<std::size_t>(h)].key;
}

std::optional<Hazard> hazard_from_key(std::string_view key) {
    for (const auto& info : kHazards)
        if (info.key == key) return info.hazard;
    return std::nullopt;
}

std::vector<Hazard> hazards_of(const Alert& alert) {
    const std::string text = alert.event_code + " " + text_in_language(alert.event_name, "ja") +
                             " " + text_in_language(alert.headline, "ja");
    std::vector<Hazard> out;
    auto add = [&](Hazard h) {
        if (std::find(out.begin(), out.end(), h) == out.end()) out.push_back(h);
    };
    if (contains_any(text, {"津波"})) add(Hazard::kTsunami);
    if (contains_any(text, {"高潮"})) add(Hazard::kStormSurge);
    if (contains_any(text, {"土砂", "崖", "がけ"})) add(Hazard::kLandslide);
    if (contains_any(text, {"洪水", "氾濫"})) add(Hazard::kFlood);
    if (contains_any(text, {"大雨", "内水"})) add(Hazard::kInlandFlood);
    if (contains_any(text, {"地震", "震度", "震源"})) add(Hazard::kEarthquake);
    if (contains_any(text, {"火災", "火事"})) add(Hazard::kLargeFire);
    if (contains_any(text, {"噴火", "火山"})) add(Hazard::kVolcano);
    return out;
}

bool designated_for_all(const std::vector<Hazard>& designated, const std::vector<Hazard>& hazards) {
    return std::all_of(hazards.begin(), hazards.end(), [&](Hazard h) {
        return std::find(designated.begin(), designated.end(), h) != designated.end();
    });
}

}  // namespace alerthub
