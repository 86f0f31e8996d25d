#include "hub/sources/jma/jmx_seismic_facts.h"

#include <fmt/format.h>

#include <array>
#include <set>

#include "core/base/time_format.h"

namespace alerthub::hub {
namespace {

constexpr std::array<std::string_view, 9> kIntensities = {"1",  "2",  "3",  "4", "5-",
                                                          "5+", "6-", "6+", "7"};

// 津波警報・注意報・予報 Category/Kind/Code values that put something in force for the region
// (コード表「警報等情報要素／津波警報・注意報・予報」): 52/53 大津波警報, 51 津波警報, 62
// 津波注意報, 71-73 津波予報. 00 津波なし, 50 警報解除, 60 注意報解除 are not.
const std::set<std::string_view> kTsunamiInForce = {"51", "52", "53", "62", "71", "72", "73"};

// 緊急地震速報 Area Category/Kind/Code of a 警報 area (10 主要動未到達, 11 既に到達と予測,
// 19 到達予想なし); 00/01 are 予報 areas.
const std::set<std::string_view> kEewWarningKinds = {"10", "11", "19"};

// The time in child `name` of `parent`, when there is one; a bad one is reported, not fatal.
std::optional<WallTime> optional_time(XmlElement parent, std::string_view name,
                                      std::string_view where, std::vector<std::string>& warnings) {
    auto text = parent.child_text(name);
    if (text.empty()) return std::nullopt;
    auto t = parse_rfc3339(text);
    if (!t) {
        warnings.push_back(
            fmt::format("<{}/{}> '{}' is not a time: {}", where, name, text, t.error().message));
        return std::nullopt;
    }
    return *t;
}

// "大津波警報：発表" -> "大津波警報": the suffix says the grade is new, which in_force and the
// LastKind already tell.
std::string grade_name(std::string name) {
    constexpr std::string_view kIssued = "：発表";
    if (std::string_view(name).ends_with(kIssued)) name.resize(name.size() - kIssued.size());
    return name;
}

JmxPlace place_of(XmlElement e) {
    return {e.child_text("Code"), e.child_text("Name")};
}

void read_quake(XmlElement body, JmxFacts& facts, std::vector<std::string>& warnings) {
    auto eq = body.child("Earthquake");
    if (!eq) return;
    JmxQuake q;
    q.origin_time = optional_time(eq, "OriginTime", "Earthquake", warnings);
    if (!q.origin_time) q.origin_time = optional_time(eq, "ArrivalTime", "Earthquake", warnings);
    q.hypocenter = eq.child("Hypocenter").child("Area").child_text("Name");
    q.magnitude = std::string(eq.child("Magnitude").attribute("description"));
    q.max_intensity = body.child("Intensity").child("Observation").child_text("MaxInt");
    facts.quake = std::move(q);
}

// Body/Intensity/Observation: Pref, Area and City tiers with their MaxInt (stations are
// finer than any area a hub serves).
void read_intensities(XmlElement body, JmxFacts& facts) {
    auto observation = body.child("Intensity").child("Observation");
    using Tier = JmxIntensityPlace::Tier;
    for (auto pref : observation.children("Pref")) {
        facts.intensities.push_back({place_of(pref), Tier::kPref, pref.child_text("MaxInt")});
        for (auto area : pref.children("Area")) {
            facts.intensities.push_back({place_of(area), Tier::kArea, area.child_text("MaxInt")});
            for (auto city : area.children("City"))
                facts.intensities.push_back(
                    {place_of(city), Tier::kCity, city.child_text("MaxInt")});
        }
    }
}

// Body/Intensity/Forecast/Pref/Area of 緊急地震速報 (警報, 予報, 地震動予報).
void read_eew(XmlElement body, JmxFacts& facts, std::vector<std::string>& warnings) {
    auto forecast = body.child("Intensity").child("Forecast");
    for (auto pref : forecast.children("Pref")) {
        for (auto area : pref.children("Area")) {
            JmxEewArea a;
            a.place = place_of(area);
            auto forecast_int = area.child("ForecastInt");
            a.intensity_from = forecast_int.child_text("From");
            a.intensity_to = forecast_int.child_text("To");
            a.arrival = optional_time(area, "ArrivalTime", "Forecast/Pref/Area", warnings);
            a.arrival_condition = area.child_text("Condition");
            a.warning =
                kEewWarningKinds.count(area.child("Category").child("Kind").child_text("Code")) > 0;
            facts.eew.push_back(std::move(a));
        }
    }
}

// The highest observation of a region of 津波情報 (Body/Tsunami/Observation/Item/Station):
// "<station> <height as written>" of the largest height, else the first condition
// (観測中, 微弱); "" when the region has no observation.
std::string highest_observation(XmlElement item) {
    std::string best;
    double best_height = -1;
    std::string condition;
    for (auto station : item.children("Station")) {
        auto max = station.child("MaxHeight");
        auto height = max.child("TsunamiHeight");
        std::string_view description = height.attribute("description");
        double value = -1;
        auto text = height.text();
        if (!text.empty() && text != "NaN") {
            try {
                value = std::stod(text);
            } catch (...) {
                value = -1;
            }
        }
        if (!description.empty() && value > best_height) {
            best_height = value;
            best = fmt::format("{} {}", station.child_text("Name"), description);
        }
        if (condition.empty()) {
            auto c = max.child_text("Condition");
            if (!c.empty()) condition = fmt::format("{} {}", station.child_text("Name"), c);
        }
    }
    return best.empty() ? condition : best;
}

void read_tsunami(XmlElement body, JmxFacts& facts, std::vector<std::string>& warnings) {
    auto tsunami = body.child("Tsunami");
    for (auto item : tsunami.child("Forecast").children("Item")) {
        JmxTsunamiRegion r;
        r.place = place_of(item.child("Area"));
        auto kind = item.child("Category").child("Kind");
        r.grade_code = kind.child_text("Code");
        r.grade_name = grade_name(kind.child_text("Name"));
        r.in_force = kTsunamiInForce.count(r.grade_code) > 0;
        auto first = item.child("FirstHeight");
        r.first_wave = optional_time(first, "ArrivalTime", "Forecast/Item/FirstHeight", warnings);
        r.first_wave_condition = first.child_text("Condition");
        r.max_height =
            std::string(item.child("MaxHeight").child("TsunamiHeight").attribute("description"));
        facts.tsunami.push_back(std::move(r));
    }
    // 津波情報: observations per region, matched to the forecast region by code.
    for (auto item : tsunami.child("Observation").children("Item")) {
        auto code = item.child("Area").child_text("Code");
        auto observed = highest_observation(item);
        if (observed.empty()) continue;
        for (auto& r : facts.tsunami)
            if (r.place.code == code) r.observed = observed;
    }
}

// The most detailed of several Information / VolcanoInfo blocks: the "（市町村等）" one, else
// the last.
XmlElement municipality_block(const std::vector<XmlElement>& blocks) {
    if (blocks.empty()) return {};
    for (auto b : blocks)
        if (std::string_view(b.attribute("type")).ends_with("（市町村等）")) return b;
    return blocks.back();
}

// 気象特別警報報知 (VPNO50): Head/Headline/Information items, the most detailed tier. A 解除
// telegram names only the prefecture with kind 00 解除.
void read_special_warning_notice(XmlElement head, JmxFacts& facts) {
    auto block = municipality_block(head.child("Headline").children("Information"));
    for (auto item : block.children("Item")) {
        JmxAreaItem out;
        for (auto areas : item.children("Areas"))
            for (auto area : areas.children("Area")) out.places.push_back(place_of(area));
        for (auto kind : item.children("Kind")) {
            JmxKindFact k;
            k.code = kind.child_text("Code");
            k.name = kind.child_text("Name");
            k.in_force = !k.code.empty() && k.code != "00" && k.name != "解除";
            if (k.in_force) {
                k.status = "発表";
                k.severity = Severity::kExtreme;
                k.urgency = Urgency::kImmediate;
                k.certainty = Certainty::kLikely;
                if (k.code == "33") k.level = 5;  // 大雨特別警報: 警戒レベル５相当
                if (k.code == "38") k.level = 4;  // 高潮特別警報: ４相当 (levels.md)
            } else {
                k.status = "解除";
            }
            out.kinds.push_back(std::move(k));
        }
        facts.items.push_back(std::move(out));
    }
}

// 噴火速報 (VFVO56): VolcanoInfo（対象市町村等）, the municipalities around the volcano. The
// volcano itself is coded in its own table (火山名 312 御嶽山), which must never be read as
// a place.
void read_eruption_flash(XmlElement body, JmxFacts& facts) {
    for (auto info : body.children("VolcanoInfo")) {
        if (!std::string_view(info.attribute("type")).ends_with("（対象市町村等）")) continue;
        for (auto item : info.children("Item")) {
            JmxAreaItem out;
            for (auto areas : item.children("Areas"))
                for (auto area : areas.children("Area")) out.places.push_back(place_of(area));
            auto kind = item.child("Kind");
            JmxKindFact k;
            k.code = kind.child_text("Code");
            k.name = kind.child_text("Name");
            k.status = "発表";
            k.in_force = true;
            k.severity = Severity::kSevere;
            k.urgency = Urgency::kImmediate;
            // 噴火 (52) was seen; 噴火したもよう (62) is not yet confirmed.
            k.certainty = k.code == "52" ? Certainty::kObserved : Certainty::kLikely;
            out.kinds.push_back(std::move(k));
            facts.items.push_back(std::move(out));
        }
    }
}

}  // namespace

int intensity_rank(std::string_view intensity) {
    for (std::size_t i = 0; i < kIntensities.size(); ++i)
        if (kIntensities[i] == intensity) return static_cast<int>(i) + 1;
    return 0;
}

void read_seismic_facts(std::string_view type_code, XmlElement head, XmlElement body,
                        JmxFacts& facts, std::vector<std::string>& warnings) {
    if (type_code == "VXSE51") {
        // 震度速報 has no Earthquake element: only the maximum is known.
        read_intensities(body, facts);
        facts.quake = JmxQuake{};
        facts.quake->max_intensity =
            body.child("Intensity").child("Observation").child_text("MaxInt");
    } else if (type_code == "VXSE52" || type_code == "VXSE53") {
        read_quake(body, facts, warnings);
        read_intensities(body, facts);
    } else if (type_code == "VXSE43" || type_code == "VXSE44" || type_code == "VXSE45") {
        read_quake(body, facts, warnings);
        read_eew(body, facts, warnings);
    } else if (type_code == "VTSE41" || type_code == "VTSE51") {
        read_quake(body, facts, warnings);
        read_tsunami(body, facts, warnings);
    } else if (type_code == "VPNO50") {
        read_special_warning_notice(head, facts);
    } else if (type_code == "VFVO56") {
        read_eruption_flash(body, facts);
    }
}

}  // namespace alerthub::hub
