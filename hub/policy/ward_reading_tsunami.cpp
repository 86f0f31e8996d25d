// First version (helper h1, to be replaced by h2's reading): a tsunami telegram is read for
// the ward by the grade of the forecast region that contains it; where the parser gave no
// regions, by whether the telegram's areas contain the ward.

#include <fmt/format.h>

#include "hub/policy/ward_reading_parts.h"

namespace alerthub::hub {
namespace {

std::vector<const ServedPlace*> all_of(const std::vector<ServedPlace>& served) {
    std::vector<const ServedPlace*> out;
    for (const auto& s : served) out.push_back(&s);
    return out;
}

}  // namespace

WardReading read_tsunami_for_ward(const SourceDocument& doc,
                                  const std::vector<ServedPlace>& served) {
    const JmxFacts& facts = *doc.jma;
    const auto places = all_of(served);
    WardReading r;
    for (const auto& region : facts.tsunami)
        for (const auto& place : served) {
            if (!place.covering.count(region.place.code)) continue;
            r.facts = {{"place", region.place.name}};
            if (!region.max_height.empty()) r.facts["height"] = region.max_height;
            if (!region.in_force) {
                r.verdict = WardVerdict::kNothingInForce;
                r.alert = ward_alert(doc, places,
                                     fmt::format("{}：津波の予報はありません", region.place.name));
                r.alert.state = AlertState::kLifted;
                r.reason = fmt::format("nothing in force for {}", region.place.name);
                r.fingerprint = ward_fingerprint(r.verdict, {region.place.code});
                return r;
            }
            const bool order = region.grade_code == "51" || region.grade_code == "52" ||
                               region.grade_code == "53" || region.grade_code == "62";
            r.verdict = WardVerdict::kInForce;
            r.reach = order ? Reach::kEveryone : Reach::kScreens;
            r.alert = ward_alert(doc, places,
                                 fmt::format("{}：{}", region.place.name, region.grade_name));
            r.kinds = {fmt::format("{}:{}", facts.type_code, region.grade_code)};
            r.alert.event_code = r.kinds.front();
            r.alert.event_name = {{"ja", region.grade_name}};
            r.reason = fmt::format("{} at {} ({})", region.grade_name, region.place.name,
                                   region.place.code);
            r.fingerprint = ward_fingerprint(
                r.verdict, {region.place.code, region.grade_code, region.max_height});
            return r;
        }
    for (const auto& a : doc.alert.areas)
        for (const auto& place : served)
            if (a.scheme == "jma" && place.covering.count(a.code)) {
                r.verdict = WardVerdict::kInForce;
                r.reach = Reach::kEveryone;
                r.alert = ward_alert(
                    doc, places,
                    fmt::format("{}：{}", a.name,
                                doc.alert.event_name.count("ja") ? doc.alert.event_name.at("ja")
                                                                 : facts.info_kind));
                r.kinds = {doc.alert.event_code};
                r.reason = fmt::format("{} ({}) contains {}", a.name, a.code, place.name);
                r.fingerprint = ward_fingerprint(r.verdict, {doc.alert.event_code, a.code});
                return r;
            }
    return not_named(
        doc, served,
        fmt::format("{} names no forecast region that contains the hub's places", facts.type_code));
}

}  // namespace alerthub::hub
