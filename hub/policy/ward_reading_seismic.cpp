// First version (helper h1, to be replaced by h2's reading): an earthquake telegram is read
// for the ward by the intensity of the ward's own entry (its city, else an area containing
// it), a 緊急地震速報 by whether the ward's area is among its areas, and anything else by
// whether its headline areas contain the ward. Thresholds decide who is told.

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "hub/policy/ward_reading_parts.h"

namespace alerthub::hub {
namespace {

constexpr std::array<std::string_view, 9> kIntensityOrder = {"1",  "2",  "3",  "4", "5-",
                                                             "5+", "6-", "6+", "7"};

// Position on JMA's scale; -1 when not an intensity.
int intensity_rank(std::string_view intensity) {
    auto it = std::find(kIntensityOrder.begin(), kIntensityOrder.end(), intensity);
    return it == kIntensityOrder.end() ? -1 : static_cast<int>(it - kIntensityOrder.begin());
}

std::vector<const ServedPlace*> all_of(const std::vector<ServedPlace>& served) {
    std::vector<const ServedPlace*> out;
    for (const auto& s : served) out.push_back(&s);
    return out;
}

// The ward's observed intensity: the city entry where the telegram has one, else the
// highest of the areas that contain a served place.
const JmxIntensityPlace* ward_intensity(const JmxFacts& facts,
                                        const std::vector<ServedPlace>& served) {
    const JmxIntensityPlace* best = nullptr;
    for (const auto& place : served)
        for (const auto& i : facts.intensities)
            if (i.place.code == place.jma_code) return &i;
    for (const auto& place : served)
        for (const auto& i : facts.intensities)
            if (i.tier != JmxIntensityPlace::Tier::kPref && place.covering.count(i.place.code) &&
                (!best || intensity_rank(i.intensity) > intensity_rank(best->intensity)))
                best = &i;
    return best;
}

}  // namespace

WardReading read_seismic_for_ward(const SourceDocument& doc, const std::vector<ServedPlace>& served,
                                  const WardThresholds& thresholds) {
    const JmxFacts& facts = *doc.jma;
    const auto places = all_of(served);
    WardReading r;
    if (const auto* found = ward_intensity(facts, served)) {
        const int rank = intensity_rank(found->intensity);
        r.verdict = WardVerdict::kInForce;
        r.reach = rank >= intensity_rank(thresholds.everyone_intensity)  ? Reach::kEveryone
                  : rank >= intensity_rank(thresholds.screens_intensity) ? Reach::kScreens
                                                                         : Reach::kNone;
        r.alert =
            ward_alert(doc, places, fmt::format("{} 震度{}", found->place.name, found->intensity));
        r.kinds = {doc.alert.event_code};
        r.facts = {{"intensity", found->intensity}, {"place", found->place.name}};
        r.reason = fmt::format("intensity {} at {} ({})", found->intensity, found->place.name,
                               found->place.code);
        r.fingerprint = ward_fingerprint(r.verdict, {found->place.code, found->intensity});
        return r;
    }
    for (const auto& area : facts.eew)
        for (const auto& place : served)
            if (place.covering.count(area.place.code)) {
                r.verdict = WardVerdict::kInForce;
                r.reach = area.warning ? Reach::kEveryone : Reach::kScreens;
                r.alert = ward_alert(doc, places,
                                     fmt::format("{}：{}", area.place.name, facts.info_kind));
                r.kinds = {doc.alert.event_code};
                r.facts = {{"place", area.place.name}};
                if (!area.intensity_from.empty()) r.facts["intensity"] = area.intensity_from;
                r.reason = fmt::format("{} is among the 緊急地震速報's areas{}", area.place.name,
                                       area.warning ? " (警報)" : "");
                r.fingerprint = ward_fingerprint(
                    r.verdict, {area.place.code, area.intensity_from, area.intensity_to});
                return r;
            }
    for (const auto& a : doc.alert.areas)
        for (const auto& place : served)
            if (a.scheme == "jma" && place.covering.count(a.code)) {
                r.verdict = WardVerdict::kInForce;
                r.reach = Reach::kScreens;
                r.alert = ward_alert(
                    doc, places,
                    doc.alert.headline.count("ja") ? doc.alert.headline.at("ja") : facts.info_kind);
                r.kinds = {doc.alert.event_code};
                r.reason =
                    fmt::format("{} ({}) contains {}: screens only", a.name, a.code, place.name);
                r.fingerprint = ward_fingerprint(r.verdict, {doc.alert.event_code, a.code});
                return r;
            }
    return not_named(
        doc, served,
        fmt::format("{} names no area that contains the hub's places", facts.type_code));
}

}  // namespace alerthub::hub
