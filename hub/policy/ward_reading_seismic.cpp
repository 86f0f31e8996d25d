// Earthquake telegrams read for the ward (issue 11): the intensity observed in the ward leads
// (its city entry, else its 細分区域 such as 東京都２３区), and the maximum elsewhere, the
// epicentre and the magnitude are context. 緊急地震速報 reaches the ward only when the ward's
// area is among its areas; 南海トラフ地震臨時情報 and 後発地震注意情報 are information for the
// whole prefecture. Choices and their sources: config/jma/levels.md, "Earthquakes".

#include <fmt/format.h>

#include <string>
#include <vector>

#include "core/base/time_format.h"
#include "hub/policy/ward_reading_parts.h"
#include "hub/sources/jma/jmx_seismic_facts.h"

namespace alerthub::hub {
namespace {

using Tier = JmxIntensityPlace::Tier;

// JMA's "5-" as residents read it: "5弱".
std::string intensity_ja(std::string_view i) {
    if (i.size() == 2 && i[1] == '-') return fmt::format("{}弱", i[0]);
    if (i.size() == 2 && i[1] == '+') return fmt::format("{}強", i[0]);
    return std::string(i);
}

// CAP severity of an intensity (config/jma/levels.md): 6弱 and above extreme, 5弱/5強 severe,
// 4 moderate, 3 and below minor.
Severity severity_of(std::string_view intensity) {
    int rank = intensity_rank(intensity);
    if (rank >= intensity_rank("6-")) return Severity::kExtreme;
    if (rank >= intensity_rank("5-")) return Severity::kSevere;
    if (rank >= intensity_rank("4")) return Severity::kModerate;
    return Severity::kMinor;
}

Reach reach_of(std::string_view intensity, const WardThresholds& t) {
    int rank = intensity_rank(intensity);
    if (rank >= intensity_rank(t.everyone_intensity)) return Reach::kEveryone;
    if (rank >= intensity_rank(t.screens_intensity)) return Reach::kScreens;
    return Reach::kNone;
}

// The intensity the telegram gives for a served place: its own city entry (震源・震度), else
// the 細分区域 that contains it (東京都２３区), else — only in a telegram that lists no
// 細分区域 at all — the prefecture. A prefecture's maximum is never taken for the ward when
// the telegram says which of its areas shook how much: 新島's 4 is not 港区's.
const JmxIntensityPlace* intensity_for(const JmxFacts& f, const ServedPlace& s) {
    auto find = [&](Tier tier, auto&& match) -> const JmxIntensityPlace* {
        for (const auto& i : f.intensities)
            if (i.tier == tier && intensity_rank(i.intensity) > 0 && match(i.place.code)) return &i;
        return nullptr;
    };
    if (auto city = find(Tier::kCity, [&](const std::string& c) { return c == s.jma_code; }))
        return city;
    if (auto area = find(Tier::kArea, [&](const std::string& c) { return covers(s, c); }))
        return area;
    for (const auto& i : f.intensities)
        if (i.tier == Tier::kArea) return nullptr;
    return find(Tier::kPref, [&](const std::string& c) { return covers(s, c); });
}

// "震源：千葉県北西部　Ｍ６．８　最大震度６弱（静岡県中部、静岡県西部）": the earthquake as
// context.
std::string quake_context(const JmxFacts& f) {
    std::vector<std::string> parts;
    if (f.quake && !f.quake->hypocenter.empty())
        parts.push_back(fmt::format("震源：{}", f.quake->hypocenter));
    if (f.quake && !f.quake->magnitude.empty()) parts.push_back(f.quake->magnitude);
    if (f.quake && !f.quake->max_intensity.empty()) {
        std::vector<std::string> where;
        for (const auto& i : f.intensities)
            if (i.tier == Tier::kArea && i.intensity == f.quake->max_intensity && where.size() < 3)
                where.push_back(i.place.name);
        const std::string at = join_nonempty(where, "、");
        parts.push_back(
            at.empty() ? fmt::format("最大震度{}", intensity_ja(f.quake->max_intensity))
                       : fmt::format("最大震度{}（{}）", intensity_ja(f.quake->max_intensity), at));
    }
    return join_nonempty(parts, "　");
}

// 震度速報, 震源・震度に関する情報.
WardReading read_intensity(const SourceDocument& doc, const std::vector<ServedPlace>& served,
                           const WardThresholds& thresholds) {
    const JmxFacts& f = *doc.jma;
    WardReading r;
    const JmxIntensityPlace* best = nullptr;
    const ServedPlace* best_place = nullptr;
    for (const auto& s : served) {
        auto i = intensity_for(f, s);
        if (i && (!best || intensity_rank(i->intensity) > intensity_rank(best->intensity))) {
            best = i;
            best_place = &s;
        }
    }
    if (!best) {
        r.verdict = WardVerdict::kNotNamed;
        r.reason =
            fmt::format("{}: no intensity for the hub's areas ({})", f.info_kind, quake_context(f));
        return r;
    }
    // The city entry is named as JMA names it ("東京港区"): show the ward's own name.
    const std::string place = best->tier == Tier::kCity ? best_place->name : best->place.name;
    const std::string shown = intensity_ja(best->intensity);
    r.verdict = WardVerdict::kInForce;
    r.reach = reach_of(best->intensity, thresholds);
    r.alert = facts_alert(doc, served);
    r.alert.event_code = fmt::format("{}:{}", f.type_code, best->intensity);
    r.kinds = {r.alert.event_code};
    r.alert.event_name["ja"] = f.info_kind;
    r.alert.severity = severity_of(best->intensity);
    r.alert.urgency = intensity_rank(best->intensity) >= intensity_rank("5-") ? Urgency::kImmediate
                                                                              : Urgency::kPast;
    r.alert.certainty = Certainty::kObserved;
    r.alert.headline["ja"] = fmt::format("{} 震度{}", place, shown);
    std::vector<std::string> lines{fmt::format("{}で震度{}を観測しました。", place, shown),
                                   quake_context(f)};
    for (auto& t : telegram_texts(doc)) lines.push_back(std::move(t));
    r.alert.description["ja"] = join_nonempty(lines, "\n");
    r.facts["intensity"] = best->intensity;
    r.facts["place"] = place;
    r.place_code = best->tier == Tier::kCity ? best_place->jma_code : best->place.code;
    r.reason = fmt::format("{}: 震度{}{}", place, shown,
                           r.reach == Reach::kNone ? " (below the screens threshold)" : "");
    r.fingerprint = fmt::format("intensity|{}|{}", best->place.code, best->intensity);
    return r;
}

// 震源に関する情報, or a 震源・震度 that lists no intensity in Japan (遠地地震): nothing about
// the ward's shaking, so the telegram does not name the ward and nobody is told; the journal
// keeps the earthquake as context (the 震度速報 of the same quake is what reaches the ward).
WardReading read_hypocentre(const SourceDocument& doc, const std::vector<ServedPlace>& served) {
    const JmxFacts& f = *doc.jma;
    WardReading r;
    r.verdict = WardVerdict::kNotNamed;
    r.reach = Reach::kNone;
    r.alert = facts_alert(doc, served);
    r.alert.event_code = f.type_code;
    r.alert.event_name["ja"] = f.info_kind;
    r.alert.severity = Severity::kUnknown;
    r.alert.urgency = Urgency::kPast;
    r.alert.certainty = Certainty::kObserved;
    const auto context = quake_context(f);
    r.alert.headline["ja"] =
        context.empty() ? f.info_kind : fmt::format("{}：{}", f.info_kind, context);
    std::vector<std::string> lines{context};
    for (auto& t : telegram_texts(doc)) lines.push_back(std::move(t));
    r.alert.description["ja"] = join_nonempty(lines, "\n");
    r.reason = fmt::format("{}: no intensity for the ward; context only, journaled", f.info_kind);
    r.fingerprint = ward_fingerprint(r.verdict, {});
    return r;
}

// "5-".."5+" as 「5弱～5強」, "over" (JMA: 程度以上) as 「6弱以上」.
std::string forecast_range(const JmxEewArea& a) {
    if (a.intensity_to == "over") return fmt::format("{}以上", intensity_ja(a.intensity_from));
    if (a.intensity_to.empty() || a.intensity_to == a.intensity_from)
        return intensity_ja(a.intensity_from);
    return fmt::format("{}～{}", intensity_ja(a.intensity_from), intensity_ja(a.intensity_to));
}

// 緊急地震速報 (警報 VXSE43, 予報 VXSE44, 地震動予報 VXSE45).
WardReading read_eew(const SourceDocument& doc, const std::vector<ServedPlace>& served,
                     const WardThresholds& thresholds) {
    const JmxFacts& f = *doc.jma;
    const bool warning_type = f.type_code == "VXSE43";
    WardReading r;
    const JmxEewArea* ward = nullptr;
    for (const auto& a : f.eew) {
        if (!covers(served, a.place.code)) continue;
        if (warning_type && !a.warning) continue;  // 警報: only its warning areas
        ward = &a;
        break;
    }
    if (!ward) {
        r.verdict = WardVerdict::kNotNamed;
        r.reason = fmt::format("{}: the hub's areas are not among its areas", f.info_kind);
        return r;
    }
    // The expected intensity that decides: the upper end, or the lower when open-ended.
    const std::string expected = ward->intensity_to.empty() || ward->intensity_to == "over"
                                     ? ward->intensity_from
                                     : ward->intensity_to;
    r.verdict = WardVerdict::kInForce;
    if (warning_type) {
        r.reach = Reach::kEveryone;
    } else {
        // 予報 / 地震動予報: screens from the screens threshold; LINE and mail would arrive after
        // the shaking, and the 警報 (VXSE43) is the telegram that tells everyone.
        r.reach = reach_of(expected, thresholds) == Reach::kNone ? Reach::kNone : Reach::kScreens;
    }
    r.alert = facts_alert(doc, served);
    r.alert.event_code = f.type_code;
    r.kinds = {r.alert.event_code};
    r.alert.event_name["ja"] = f.info_kind;
    r.alert.severity = warning_type ? Severity::kExtreme : severity_of(expected);
    r.alert.urgency = Urgency::kImmediate;
    r.alert.certainty = warning_type ? Certainty::kLikely : Certainty::kPossible;

    const std::string& place = ward->place.name;
    std::string headline = fmt::format("{}：{}", f.info_kind, place);
    if (!ward->intensity_from.empty())
        headline += fmt::format(" 予想震度{}", forecast_range(*ward));
    // JST "HH:MM" as every arrival the ward is told (ward_reading.h); a new time, even by
    // seconds, is a new version (the fingerprint keeps the full time).
    const std::string arrival = ward->arrival ? format_jst_hhmm(*ward->arrival) : "";
    const std::string arrival_exact = ward->arrival ? format_rfc3339_jst(*ward->arrival) : "";
    if (!arrival.empty()) {
        r.facts["arrival"] = arrival;
        headline += fmt::format(" {}頃", arrival);
    } else if (!ward->arrival_condition.empty()) {
        headline += " " + ward->arrival_condition;
    }
    r.alert.headline["ja"] = headline;
    if (!expected.empty()) r.facts["intensity"] = expected;
    r.facts["place"] = place;
    r.place_code = ward->place.code;
    std::vector<std::string> lines{
        fmt::format("{}で震度{}程度の揺れが予想されます。", place, forecast_range(*ward)),
        ward->arrival_condition, quake_context(f)};
    for (auto& t : telegram_texts(doc)) lines.push_back(std::move(t));
    r.alert.description["ja"] = join_nonempty(lines, "\n");
    r.reason = fmt::format("{}: 予想震度{}", place, forecast_range(*ward));
    r.fingerprint = fmt::format("eew|{}|{}|{}|{}", f.type_code, ward->place.code,
                                forecast_range(*ward), arrival_exact);
    return r;
}

// 南海トラフ地震臨時情報, 南海トラフ地震関連解説情報, 北海道・三陸沖後発地震注意情報: about a
// coming earthquake, not about any place's shaking now. 東京都's 23 wards are not in the
// 推進地域 of either plan; what JMA and the Cabinet Office ask of everyone else is to check
// their everyday preparations, so screens show it as information and phones are not rung.
WardReading read_outlook(const SourceDocument& doc, const std::vector<ServedPlace>& served) {
    const JmxFacts& f = *doc.jma;
    WardReading r;
    r.alert = facts_alert(doc, served);
    r.alert.event_code = doc.alert.event_code;
    const std::string name =
        doc.alert.event_name.count("ja") ? doc.alert.event_name.at("ja") : f.info_kind;
    r.alert.event_name["ja"] = name;
    r.alert.headline["ja"] = name;
    r.alert.description["ja"] = join_nonempty(telegram_texts(doc), "\n");
    r.alert.urgency = Urgency::kFuture;
    r.alert.certainty = Certainty::kPossible;
    r.fingerprint = fmt::format("outlook|{}", doc.alert.event_code);
    if (f.type_code == "VYSE50" && doc.alert.event_code.ends_with(":00")) {  // 調査終了
        r.verdict = WardVerdict::kNothingInForce;
        r.alert.severity = Severity::kMinor;
        r.alert.urgency = Urgency::kPast;
        r.reason = fmt::format("{}: the investigation has ended", name);
        return r;
    }
    r.verdict = WardVerdict::kInForce;
    r.kinds = {r.alert.event_code};
    if (f.type_code == "VYSE51" || f.type_code == "VYSE52") {
        // 関連解説情報: JMA's commentary (daily during a 臨時情報, monthly otherwise).
        r.reach = Reach::kNone;
        r.alert.severity = Severity::kMinor;
        r.reason = fmt::format("{}: commentary, journaled only", name);
        return r;
    }
    r.reach = Reach::kScreens;
    r.alert.severity =
        doc.alert.event_code == "VYSE50:warning" ? Severity::kModerate : Severity::kMinor;
    r.reason = fmt::format("{}: information for the prefecture", name);
    return r;
}

}  // namespace

WardReading read_seismic_for_ward(const SourceDocument& doc, const std::vector<ServedPlace>& served,
                                  const WardThresholds& thresholds) {
    if (!doc.jma) {
        WardReading r;
        r.reason = "no JMA facts in the document";
        return r;
    }
    const auto& type = doc.jma->type_code;
    if (type == "VXSE43" || type == "VXSE44" || type == "VXSE45")
        return read_eew(doc, served, thresholds);
    if (type.starts_with("VYSE")) return read_outlook(doc, served);
    if (type == "VXSE52" || doc.jma->intensities.empty()) return read_hypocentre(doc, served);
    return read_intensity(doc, served, thresholds);
}

}  // namespace alerthub::hub
