// The warning families read for the ward: 気象警報・注意報 (VPWW53/54, R06 VPWW55-61),
// 土砂災害警戒情報 (VXWW50), 記録的短時間大雨情報 (VPOA50), 竜巻注意情報 (VPHW50/51),
// 指定河川洪水予報 (VXKO, by its 浸水想定地区) and 噴火警報 (VFVO50, 対象市町村等). Each names
// what is in force municipality by municipality; the ward is told what its own item says,
// at its own level, and nothing another municipality's item says.

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/protocol/alert.h"
#include "hub/policy/ward_reading_parts.h"

namespace alerthub::hub {
namespace {

// Most severe first: 警戒レベル, then severity (as the parser ranks the telegram's kinds).
int rank(const JmxKindFact& k) {
    return severity_rank(k.level, k.severity);
}

// JMA's municipality codes (市町村等) have seven digits; area codes fewer.
bool municipality_level(const JmxAreaItem& item) {
    return std::any_of(item.places.begin(), item.places.end(),
                       [](const JmxPlace& p) { return p.code.size() == 7; });
}

const JmxAreaItem* own_item(const JmxFacts& facts, const ServedPlace& place) {
    for (const auto& item : facts.items)
        for (const auto& p : item.places)
            if (p.code == place.jma_code) return &item;
    return nullptr;
}

// Only for telegrams that speak of areas, never of municipalities (記録的短時間大雨情報 by
// 府県, a 竜巻注意情報 without its 市町村等 block): the item of an area that contains the
// ward. `area` names it for the reason.
const JmxAreaItem* covering_item(const JmxFacts& facts, const ServedPlace& place,
                                 std::string& area) {
    for (const auto& item : facts.items)
        for (const auto& p : item.places)
            if (covers(place, p.code)) {
                area = p.name.empty() ? p.code : p.name;
                return &item;
            }
    return nullptr;
}

std::string event_code_of(const JmxFacts& facts, const JmxKindFact& k) {
    return k.code.empty() ? facts.type_code : fmt::format("{}:{}", facts.type_code, k.code);
}

// What one served place's item says.
struct PlaceReading {
    const ServedPlace* place = nullptr;
    const JmxAreaItem* item = nullptr;
    std::vector<const JmxKindFact*> in_force;  // most severe first
    std::vector<std::string> lifted;           // names of kinds the item lifts (解除)
    std::string covering_area;                 // non-empty: read from this area's item
};

// Names of lifted kinds as a resident knows them: weather kinds by their own name
// (大雨警報); the single-kind families by the product's name (土砂災害警戒情報).
std::vector<std::string> lifted_names(const JmxFacts& facts, const JmxAreaItem& item) {
    std::vector<std::string> out;
    const bool weather = facts.type_code.starts_with("VPWW");
    for (const auto& k : item.kinds) {
        if (k.in_force || k.status != "解除") continue;
        const std::string name = weather ? k.name : facts.info_kind;
        if (!name.empty() && name != "解除" && std::find(out.begin(), out.end(), name) == out.end())
            out.push_back(name);
    }
    return out;
}

}  // namespace

WardReading read_warnings_for_ward(const SourceDocument& doc,
                                   const std::vector<ServedPlace>& served) {
    const JmxFacts& facts = *doc.jma;
    const bool by_municipality =
        std::any_of(facts.items.begin(), facts.items.end(), municipality_level);

    std::vector<PlaceReading> named;
    for (const auto& place : served) {
        PlaceReading pr{&place, nullptr, {}, {}, {}};
        const JmxAreaItem* item = own_item(facts, place);
        if (!item && !by_municipality) item = covering_item(facts, place, pr.covering_area);
        if (!item) continue;
        pr.item = item;
        for (const auto& k : item->kinds)
            if (k.in_force) pr.in_force.push_back(&k);
        std::stable_sort(pr.in_force.begin(), pr.in_force.end(),
                         [](const auto* a, const auto* b) { return rank(*a) > rank(*b); });
        pr.lifted = lifted_names(facts, *item);
        named.push_back(std::move(pr));
    }
    if (named.empty())
        return not_named(doc, served,
                         fmt::format("{} names none of the hub's places{}", facts.type_code,
                                     by_municipality ? "" : " nor an area that contains one"));

    std::vector<const PlaceReading*> affected;
    for (const auto& pr : named)
        if (!pr.in_force.empty()) affected.push_back(&pr);

    WardReading r;
    std::vector<std::string> fingerprint;
    std::vector<std::string> reasons;
    if (!affected.empty()) {
        // In force: each affected place with its kinds, the ward's level the highest of them.
        r.verdict = WardVerdict::kInForce;
        std::vector<const ServedPlace*> places;
        std::vector<std::string> headlines, names, lifted_lines;
        std::vector<const JmxKindFact*> ward_kinds;  // each kind once, over every place
        const JmxKindFact* top = nullptr;
        std::set<std::string> seen_codes;
        for (const auto* pr : affected) {
            places.push_back(pr->place);
            std::vector<std::string> place_names, codes;
            for (const auto* k : pr->in_force) {
                place_names.push_back(k->name);
                codes.push_back(event_code_of(facts, *k));
                if (seen_codes.insert(codes.back()).second) ward_kinds.push_back(k);
                if (!top || rank(*k) > rank(*top)) top = k;
            }
            headlines.push_back(
                fmt::format("{}：{}", pr->place->name, join_nonempty(place_names, "・")));
            if (!pr->lifted.empty())
                lifted_lines.push_back(
                    fmt::format("{}：{}は解除", pr->place->name, join_nonempty(pr->lifted, "・")));
            fingerprint.push_back(
                fmt::format("{}={}", pr->place->jma_code, join_nonempty(codes, ",")));
            reasons.push_back(fmt::format(
                "{}: {}{}", pr->place->name, join_nonempty(place_names, ", "),
                pr->covering_area.empty()
                    ? ""
                    : fmt::format(" (no item per municipality: {}'s item)", pr->covering_area)));
        }
        std::stable_sort(ward_kinds.begin(), ward_kinds.end(),
                         [](const auto* a, const auto* b) { return rank(*a) > rank(*b); });
        for (const auto* k : ward_kinds) {
            r.kinds.push_back(event_code_of(facts, *k));
            names.push_back(k->name);
        }
        r.alert = ward_alert(doc, places, join_nonempty(headlines, "／"));
        r.alert.event_code = event_code_of(facts, *top);
        r.alert.event_name = {{"ja", join_nonempty(names, "・")}};
        std::optional<int> level;
        for (const auto* pr : affected)
            for (const auto* k : pr->in_force)
                if (k->level && (!level || *k->level > *level)) level = k->level;
        r.alert.level = level;
        r.alert.severity = top->severity;
        r.alert.urgency = top->urgency;
        r.alert.certainty = top->certainty;
        if (!lifted_lines.empty()) {
            auto& description = r.alert.description["ja"];
            description = join_nonempty({join_nonempty(lifted_lines, "\n"), description}, "\n");
        }
        // 注意報 alone is for screens; a 警報 or worse goes to every channel too.
        const bool warning = top->severity == Severity::kExtreme ||
                             top->severity == Severity::kSevere || level.value_or(0) >= 3;
        r.reach = warning ? Reach::kEveryone : Reach::kScreens;
        r.reason = fmt::format("in force: {}{}", join_nonempty(reasons, "; "),
                               warning ? "" : " (advisories only: screens)");
    } else {
        // Named, nothing in force: the ward's lift, sent only if the chain told the ward
        // something (the lifecycle decides).
        r.verdict = WardVerdict::kNothingInForce;
        std::vector<const ServedPlace*> places;
        std::vector<std::string> lifted, place_reasons;
        for (const auto& pr : named) {
            places.push_back(pr.place);
            for (const auto& n : pr.lifted)
                if (std::find(lifted.begin(), lifted.end(), n) == lifted.end()) lifted.push_back(n);
            fingerprint.push_back(pr.place->jma_code);
            place_reasons.push_back(pr.place->name);
        }
        const bool weather = facts.type_code.starts_with("VPWW");
        const std::string what = !lifted.empty() ? join_nonempty(lifted, "・")
                                 : weather       ? "警報・注意報"
                                                 : facts.info_kind;
        r.alert = ward_alert(doc, places,
                             fmt::format("{}：{}は解除されました", ward_names(places), what));
        r.alert.state = AlertState::kLifted;
        if (r.alert.msg_type == MsgType::kAlert) r.alert.msg_type = MsgType::kUpdate;
        r.alert.event_code = facts.type_code + ":00";
        r.alert.event_name = {{"ja", facts.info_kind + "（解除）"}};
        r.alert.level = std::nullopt;
        r.alert.severity = Severity::kMinor;
        r.alert.urgency = Urgency::kPast;
        r.alert.certainty = Certainty::kObserved;
        // The weather kinds it lifts, for the other languages' headline ("Heavy Rain Warning
        // lifted"); the single-kind families are named by their family there.
        std::set<std::string> seen;
        for (const auto& pr : named)
            for (const auto& k : pr.item->kinds)
                if (weather && !k.in_force && k.status == "解除" && !k.code.empty() &&
                    seen.insert(event_code_of(facts, k)).second)
                    r.kinds.push_back(event_code_of(facts, k));
        r.reason = fmt::format("nothing in force for {}{}", join_nonempty(place_reasons, ", "),
                               lifted.empty() ? "" : fmt::format(" ({} lifted)", what));
    }
    r.fingerprint = ward_fingerprint(r.verdict, fingerprint);
    return r;
}

}  // namespace alerthub::hub
