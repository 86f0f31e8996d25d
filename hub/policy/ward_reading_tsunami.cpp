// 津波警報・注意報・予報 (VTSE41) and 津波情報 (VTSE51) read for the ward: the grade of the
// ward's own forecast region (東京湾内湾 312 for 港区), its first wave and height. Another
// region's grade never raises the ward's, and the telegram's evacuation wording reaches the
// ward only when the ward's own grade is the one it was written for (issue 11).

#include <fmt/format.h>

#include <string>
#include <vector>

#include "core/base/time_format.h"
#include "hub/policy/ward_reading_parts.h"

namespace alerthub::hub {
namespace {

// What a grade means for the people of a region (config/jma/levels.md, "Tsunami").
struct Grade {
    int rank;  // 大津波警報 4, 津波警報 3, 津波注意報 2, 津波予報 1
    Severity severity;
    Urgency urgency;
    Reach reach;
};

std::optional<Grade> grade_of(std::string_view code) {
    if (code == "52" || code == "53")  // 大津波警報
        return Grade{4, Severity::kExtreme, Urgency::kImmediate, Reach::kEveryone};
    if (code == "51")  // 津波警報
        return Grade{3, Severity::kSevere, Urgency::kImmediate, Reach::kEveryone};
    if (code == "62")  // 津波注意報: leave the water and the shore
        return Grade{2, Severity::kModerate, Urgency::kImmediate, Reach::kEveryone};
    if (code == "71" || code == "72" || code == "73")  // 若干の海面変動: information only
        return Grade{1, Severity::kMinor, Urgency::kExpected, Reach::kScreens};
    return std::nullopt;
}

int rank_of(const JmxTsunamiRegion& r) {
    auto g = grade_of(r.grade_code);
    return g ? g->rank : 0;
}

}  // namespace

WardReading read_tsunami_for_ward(const SourceDocument& doc,
                                  const std::vector<ServedPlace>& served) {
    WardReading r;
    if (!doc.jma) {
        r.reason = "no JMA facts in the document";
        return r;
    }
    const JmxFacts& f = *doc.jma;
    const JmxTsunamiRegion* ward = nullptr;
    const JmxTsunamiRegion* top = nullptr;  // the telegram's highest grade, for context
    std::size_t top_count = 0;
    for (const auto& region : f.tsunami) {
        if (covers(served, region.place.code) && (!ward || rank_of(region) > rank_of(*ward)))
            ward = &region;
        if (!top || rank_of(region) > rank_of(*top)) {
            top = &region;
            top_count = 0;
        }
        if (rank_of(region) == rank_of(*top)) ++top_count;
    }
    if (!ward) {
        r.verdict = WardVerdict::kNotNamed;
        r.reason = fmt::format("{}: no forecast region of the hub's areas", f.info_kind);
        return r;
    }
    const std::string& place = ward->place.name;
    r.alert = facts_alert(doc, served);
    r.facts["place"] = place;
    r.place_code = ward->place.code;
    auto grade = grade_of(ward->grade_code);
    if (!ward->in_force || !grade) {
        // 津波なし, 警報解除, 注意報解除: the region is named and nothing is in force.
        const std::string what = ward->grade_name.empty() ? "津波なし" : ward->grade_name;
        r.verdict = WardVerdict::kNothingInForce;
        r.reason = fmt::format("{}: {}", place, what);
        r.alert.event_code = fmt::format("{}:00", f.type_code);
        r.alert.event_name["ja"] = fmt::format("{}（{}）", f.info_kind, what);
        r.alert.headline["ja"] = fmt::format("{}：{}", place, what);
        r.alert.severity = Severity::kMinor;
        r.alert.urgency = Urgency::kPast;
        r.alert.certainty = Certainty::kObserved;
        r.fingerprint = fmt::format("tsunami|{}|{}", ward->place.code, ward->grade_code);
        return r;
    }

    r.verdict = WardVerdict::kInForce;
    r.reach = grade->reach;
    r.alert.event_code = fmt::format("{}:{}", f.type_code, ward->grade_code);
    r.kinds = {r.alert.event_code};
    r.alert.event_name["ja"] = ward->grade_name;
    r.alert.severity = grade->severity;
    r.alert.urgency = grade->urgency;
    r.alert.certainty = Certainty::kLikely;

    // 「東京湾内湾：津波注意報 1m 14:30頃」: what the region expects, in the fewest words.
    std::string headline = fmt::format("{}：{}", place, ward->grade_name);
    const std::string height = ascii_figures(ward->max_height);
    if (!height.empty()) {
        r.facts["height"] = height;
        headline += " " + height;
    }
    const std::string arrival = ward->first_wave ? format_jst_hhmm(*ward->first_wave) : "";
    if (!arrival.empty()) {
        r.facts["arrival"] = arrival;
        headline += fmt::format(" {}頃", arrival);
    } else if (!ward->first_wave_condition.empty()) {
        headline += " " + ward->first_wave_condition;
    }
    r.alert.headline["ja"] = headline;

    std::vector<std::string> lines;
    lines.push_back(fmt::format("{}に{}が発表されています。", place, ward->grade_name));
    if (ward->first_wave)
        lines.push_back(
            fmt::format("第１波の到達予想時刻：{}", format_jst_minutes(*ward->first_wave)));
    if (!ward->first_wave_condition.empty()) lines.push_back(ward->first_wave_condition);
    if (!ward->max_height.empty())
        lines.push_back(fmt::format("予想される津波の最大波の高さ：{}", ward->max_height));
    if (!ward->observed.empty())
        lines.push_back(fmt::format("これまでの最大波（観測）：{}", ward->observed));
    if (f.quake && !f.quake->hypocenter.empty())
        lines.push_back(fmt::format("震源：{}　{}", f.quake->hypocenter, f.quake->magnitude));
    if (top && rank_of(*top) > grade->rank) {
        // Context, never an order: the telegram's own sentences speak to the other regions.
        lines.push_back(
            fmt::format("（この電文では、{}など{}の津波予報区に{}が発表されています。）",
                        top->place.name, top_count, top->grade_name));
    } else {
        for (auto& t : telegram_texts(doc)) lines.push_back(std::move(t));
    }
    r.alert.description["ja"] = join_nonempty(lines, "\n");

    r.reason = fmt::format("{}: {}", place, ward->grade_name);
    if (!height.empty()) r.reason += " " + height;
    if (!arrival.empty()) r.reason += " " + arrival;
    r.fingerprint = fmt::format("tsunami|{}|{}|{}|{}|{}|{}", ward->place.code, ward->grade_code,
                                height, arrival, ward->first_wave_condition, ward->observed);
    return r;
}

}  // namespace alerthub::hub
