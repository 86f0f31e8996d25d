#include "hub/sources/jma/jmx_parser.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <set>

#include "core/base/crypto.h"
#include "core/base/join.h"
#include "core/base/time_format.h"
#include "core/protocol/alert.h"
#include "hub/sources/jma/jmx_seismic_facts.h"
#include "hub/sources/xml_reading.h"

namespace alerthub::hub {
namespace {

// What build() fills; parse_jmx hands it on as a SourceDocument.
struct JmxDocument {
    Alert alert;
    std::string type_code;  // "VPWW54", "VXSE53", ...
    std::string info_kind;  // Control/Title without the variant suffix ("津波警報・注意報・予報")
    std::string event_id;  // Head/EventID as written (may be empty: VPWW53/54/55-61)
    std::optional<std::int64_t> serial;
    std::string identity;
    std::vector<std::string> warnings;
    JmxFacts facts;  // the telegram place by place (SourceDocument::jma)
};

// The event code suffix of a telegram that lifts everything ("VPWW53:00"); JMA's own kind
// codes use 00 for 解除 / なし as well.
constexpr std::string_view kAllClearKind = ":00";

enum class Family {
    kWeatherWarning,  // 気象警報・注意報 (all three generations)
    kAreaWarning,  // 土砂災害警戒情報, 記録的短時間大雨情報, 竜巻注意情報: Body/Warning items
    kFlood,
    kIntensity,  // 震度速報, 震源・震度に関する情報
    kHypocenter,
    kEew,
    kTsunami,
    kVolcano,
    kEruptionFlash,         // 噴火速報
    kSpecialWarningNotice,  // 気象特別警報報知: Head/Headline/Information items
    kQuakeOutlook,  // 南海トラフ地震臨時情報 / 関連解説情報, 後発地震注意情報
};

struct TypeSpec {
    std::string_view title;  // Control/Title without the variant suffix
    std::string_view code;
    Family family;
    std::string_view category;
    // Reviewed phrase table (issue 3 item 2 replaces it with the phrase bank): the English
    // name of the information type, used when the event itself has no entry below.
    std::string_view en;
};

constexpr std::array<TypeSpec, 29> kTypes{{
    {"気象特別警報・警報・注意報", "VPWW53", Family::kWeatherWarning, "met",
     "Weather emergency warnings, warnings and advisories"},
    {"気象警報・注意報（Ｈ２７）", "VPWW54", Family::kWeatherWarning, "met",
     "Weather warnings and advisories"},
    {"気象警報・注意報（Ｒ０６）（大雨）", "VPWW55", Family::kWeatherWarning, "met",
     "Heavy rain (inundation) warnings and advisories"},
    {"気象警報・注意報（Ｒ０６）（土砂）", "VPWW56", Family::kWeatherWarning, "met",
     "Landslide warnings and advisories"},
    {"気象警報・注意報（Ｒ０６）（高潮）", "VPWW57", Family::kWeatherWarning, "met",
     "Storm surge warnings and advisories"},
    {"気象警報・注意報（Ｒ０６）（暴風）", "VPWW58", Family::kWeatherWarning, "met",
     "Storm warnings and advisories"},
    {"気象警報・注意報（Ｒ０６）（波浪）", "VPWW59", Family::kWeatherWarning, "met",
     "High wave warnings and advisories"},
    {"気象警報・注意報（Ｒ０６）（大雪）", "VPWW60", Family::kWeatherWarning, "met",
     "Heavy snow warnings and advisories"},
    {"気象警報・注意報（Ｒ０６）（その他注意報）", "VPWW61", Family::kWeatherWarning, "met",
     "Other weather advisories"},
    {"土砂災害警戒情報", "VXWW50", Family::kAreaWarning, "geo", "Landslide Alert Information"},
    {"指定河川洪水予報", "VXKO", Family::kFlood, "met", "Flood forecast for designated rivers"},
    {"記録的短時間大雨情報", "VPOA50", Family::kAreaWarning, "met",
     "Record short-term heavy rain information"},
    {"竜巻注意情報", "VPHW50", Family::kAreaWarning, "met", "Tornado Alert"},
    {"竜巻注意情報（目撃情報付き）", "VPHW51", Family::kAreaWarning, "met",
     "Tornado Alert (with sighting report)"},
    {"震度速報", "VXSE51", Family::kIntensity, "geo", "Seismic Intensity Information"},
    {"震源に関する情報", "VXSE52", Family::kHypocenter, "geo", "Earthquake Information"},
    {"震源・震度に関する情報", "VXSE53", Family::kIntensity, "geo",
     "Earthquake and Seismic Intensity Information"},
    {"緊急地震速報（警報）", "VXSE43", Family::kEew, "geo", "Earthquake Early Warning"},
    {"緊急地震速報（予報）", "VXSE44", Family::kEew, "geo", "Earthquake Early Warning (forecast)"},
    {"津波警報・注意報・予報", "VTSE41", Family::kTsunami, "geo",
     "Tsunami warnings, advisories and forecasts"},
    {"噴火警報・予報", "VFVO50", Family::kVolcano, "geo", "Volcanic warnings and forecasts"},
    // Issue 11 point 6: the other types a ward acts on (config/jma/levels.md says why each is
    // read and config/jma/README.md lists the types refused).
    {"津波情報", "VTSE51", Family::kTsunami, "geo", "Tsunami information"},
    {"緊急地震速報（地震動予報）", "VXSE45", Family::kEew, "geo",
     "Earthquake Early Warning (ground motion forecast)"},
    {"南海トラフ地震臨時情報", "VYSE50", Family::kQuakeOutlook, "geo",
     "Nankai Trough Earthquake Extra Information"},
    // VYSE51 (臨時解説) and VYSE52 (定例解説) share their title: InfoSerial tells them apart
    // (resolve_type).
    {"南海トラフ地震関連解説情報", "VYSE51", Family::kQuakeOutlook, "geo",
     "Nankai Trough Earthquake Commentary"},
    {"南海トラフ地震関連解説情報", "VYSE52", Family::kQuakeOutlook, "geo",
     "Nankai Trough Earthquake Commentary (regular)"},
    {"北海道・三陸沖後発地震注意情報", "VYSE60", Family::kQuakeOutlook, "geo",
     "Off Hokkaido and Sanriku Subsequent Earthquake Advisory"},
    {"噴火速報", "VFVO56", Family::kEruptionFlash, "geo", "Eruption Flash Report"},
    {"気象特別警報報知", "VPNO50", Family::kSpecialWarningNotice, "met",
     "Emergency Warning notice"},
}};

// Reviewed phrase table, event names: JMA's own English names for its products
// (気象庁 "Emergency Warning / Warning / Advisory"). Names missing here fall back to the
// type's name above; nothing is machine-translated.
constexpr std::array<std::pair<std::string_view, std::string_view>, 44> kEventEn{{
    {"暴風雪特別警報", "Snowstorm Emergency Warning"},
    {"大雨特別警報", "Heavy Rain Emergency Warning"},
    {"暴風特別警報", "Storm Emergency Warning"},
    {"大雪特別警報", "Heavy Snow Emergency Warning"},
    {"波浪特別警報", "High Wave Emergency Warning"},
    {"高潮特別警報", "Storm Surge Emergency Warning"},
    {"暴風雪警報", "Snowstorm Warning"},
    {"大雨警報", "Heavy Rain Warning"},
    {"洪水警報", "Flood Warning"},
    {"暴風警報", "Storm Warning"},
    {"大雪警報", "Heavy Snow Warning"},
    {"波浪警報", "High Wave Warning"},
    {"高潮警報", "Storm Surge Warning"},
    {"大雨注意報", "Heavy Rain Advisory"},
    {"大雪注意報", "Heavy Snow Advisory"},
    {"風雪注意報", "Gale and Snow Advisory"},
    {"雷注意報", "Thunderstorm Advisory"},
    {"強風注意報", "Gale Advisory"},
    {"波浪注意報", "High Wave Advisory"},
    {"融雪注意報", "Snowmelt Advisory"},
    {"洪水注意報", "Flood Advisory"},
    {"高潮注意報", "Storm Surge Advisory"},
    {"濃霧注意報", "Dense Fog Advisory"},
    {"乾燥注意報", "Dry Air Advisory"},
    {"なだれ注意報", "Avalanche Advisory"},
    {"低温注意報", "Low Temperature Advisory"},
    {"霜注意報", "Frost Advisory"},
    {"着氷注意報", "Ice Accretion Advisory"},
    {"着雪注意報", "Snow Accretion Advisory"},
    {"土砂災害警戒情報", "Landslide Alert Information"},
    {"氾濫発生情報", "Flood Occurrence Information"},
    {"氾濫危険情報", "Flood Danger Information"},
    {"氾濫警戒情報", "Flood Warning Information"},
    {"氾濫注意情報", "Flood Advisory Information"},
    {"記録的短時間大雨情報", "Record Short-term Heavy Rain Information"},
    {"竜巻注意情報", "Tornado Alert"},
    {"大津波警報", "Major Tsunami Warning"},
    {"津波警報", "Tsunami Warning"},
    {"津波注意報", "Tsunami Advisory"},
    {"津波予報（若干の海面変動）", "Tsunami Forecast (slight sea level change)"},
    {"噴火警報（居住地域）", "Eruption Warning (residential areas)"},
    {"噴火警報（火口周辺）", "Eruption Warning (crater area)"},
    {"火口周辺警報", "Eruption Warning (crater area)"},
    {"噴火予報", "Eruption Forecast"},
}};

// Where a refusal points: the types a ward does not act on, each with the reason.
constexpr std::string_view kRefusedTypesNote = "(see config/jma/README.md, \"Refused types\")";

const TypeSpec* find_type(std::string_view info_kind) {
    for (const auto& t : kTypes)
        if (t.title == info_kind) return &t;
    return nullptr;
}

const TypeSpec* find_type_code(std::string_view code) {
    for (const auto& t : kTypes)
        if (t.code == code) return &t;
    return nullptr;
}

// Each type's format as its Head names it (InfoKind, and InfoKindVersion up to the '_'), as
// the fixture telegrams of ../shared/fixtures/jma carry them. A title the hub does not know
// is read as a known type only when it is that type's title with a revision suffix and its
// format is the same (recognised_by_structure).
struct TypeFormat {
    std::string_view code;
    std::string_view info_kind;
    std::string_view version;  // "1.5" of "1.5_0"
};

constexpr std::array<TypeFormat, 29> kFormats{{
    {"VPWW53", "気象警報・注意報", "1.1"},
    {"VPWW54", "気象警報・注意報", "1.2"},
    {"VPWW55", "気象警報・注意報", "1.5"},
    {"VPWW56", "気象警報・注意報", "1.5"},
    {"VPWW57", "気象警報・注意報", "1.5"},
    {"VPWW58", "気象警報・注意報", "1.5"},
    {"VPWW59", "気象警報・注意報", "1.5"},
    {"VPWW60", "気象警報・注意報", "1.5"},
    {"VPWW61", "気象警報・注意報", "1.5"},
    {"VXWW50", "土砂災害警戒情報", "1.0"},
    {"VXKO", "指定河川洪水予報", "1.1"},
    {"VPOA50", "記録的短時間大雨情報", "1.0"},
    {"VPHW50", "竜巻注意情報", "1.0"},
    {"VPHW51", "竜巻注意情報", "1.1"},
    {"VXSE51", "震度速報", "1.0"},
    {"VXSE52", "震源速報", "1.0"},
    {"VXSE53", "地震情報", "1.0"},
    {"VXSE43", "緊急地震速報", "1.2"},
    {"VXSE44", "緊急地震速報", "1.0"},
    {"VTSE41", "津波警報・注意報・予報", "1.0"},
    {"VFVO50", "噴火警報・予報", "1.0"},
    {"VTSE51", "津波情報", "1.0"},
    {"VXSE45", "緊急地震速報", "1.2"},
    {"VYSE50", "南海トラフ地震に関連する情報", "1.1"},
    {"VYSE51", "南海トラフ地震に関連する情報", "1.1"},
    {"VYSE52", "南海トラフ地震に関連する情報", "1.1"},
    {"VYSE60", "北海道・三陸沖後発地震注意情報", "1.3"},
    {"VFVO56", "噴火速報", "1.2"},
    {"VPNO50", "気象特別警報報知", "1.1"},
}};

const TypeFormat* find_format(std::string_view code) {
    for (const auto& f : kFormats)
        if (f.code == code) return &f;
    return nullptr;
}

std::string_view version_of(std::string_view info_kind_version) {
    return info_kind_version.substr(0, info_kind_version.find('_'));
}

// "（Ｒ０７）", "（改）（Ｒ０７）": one or more full-width parenthesised groups, the way JMA marks
// a revised format in a title (気象警報・注意報（Ｈ２７）, 府県天気予報（Ｒ１）).
bool is_revision_suffix(std::string_view rest) {
    constexpr std::string_view kOpen = "（";
    constexpr std::string_view kClose = "）";
    if (rest.empty()) return false;
    while (!rest.empty()) {
        if (!rest.starts_with(kOpen)) return false;
        auto close = rest.find(kClose);
        if (close == std::string_view::npos || close == kOpen.size()) return false;
        rest.remove_prefix(close + kClose.size());
    }
    return true;
}

// Families, not titles (issue 13): JMA's sample revisions spell some titles differently. A
// title the hub does not know is read as the known type whose title it extends by a
// revision suffix ("震度速報（Ｒ０７）" -> 震度速報) when its Head/InfoKind and format version
// are that type's: the same structure under a new name. Anything else is refused with the
// reason; `why` gets it when a known type came close.
const TypeSpec* recognised_by_structure(std::string_view info_kind_title, XmlElement head,
                                        std::string& why) {
    const auto info_kind = head.child_text("InfoKind");
    const auto info_kind_version = head.child_text("InfoKindVersion");
    const auto version = version_of(info_kind_version);
    const TypeSpec* found = nullptr;
    for (const auto& t : kTypes) {
        if (!info_kind_title.starts_with(t.title) ||
            !is_revision_suffix(info_kind_title.substr(t.title.size())))
            continue;
        const TypeFormat* format = find_format(t.code);
        if (!format || format->info_kind != info_kind) {
            why = fmt::format("its title extends {}'s ({}) but its Head/InfoKind '{}' is not '{}'",
                              t.code, t.title, info_kind, format ? format->info_kind : "");
            continue;
        }
        if (format->version != version) {
            why = fmt::format(
                "its title extends {}'s ({}) but its format version {} is not {}: the structure "
                "may have changed",
                t.code, t.title, version, format->version);
            continue;
        }
        // The longest known title wins (気象特別警報報知 is not a revision of anything, but a
        // title could extend two).
        if (!found || t.title.size() > found->title.size()) found = &t;
    }
    return found;
}

// 南海トラフ地震関連解説情報 is one title for two types: 定例解説 (the monthly assessment,
// VYSE52) and 臨時解説 (during a 臨時情報, VYSE51); Body/EarthquakeInfo/InfoSerial names it.
const TypeSpec* resolve_type(const TypeSpec* type, XmlElement body) {
    if (type->code != "VYSE51") return type;
    auto serial = body.child("EarthquakeInfo").child("InfoSerial");
    if (serial.child_text("Name") == "定例解説" || serial.child_text("Code") == "200")
        return find_type_code("VYSE52");
    return type;
}

std::string_view event_en(std::string_view name_ja, const TypeSpec& type) {
    for (const auto& [ja, en] : kEventEn)
        if (ja == name_ja) return en;
    return type.en;
}

// "津波警報・注意報・予報a" -> "津波警報・注意報・予報": JMA marks format variants with a
// trailing ASCII letter that says nothing about the information itself.
std::string strip_variant(std::string_view title) {
    while (!title.empty() && title.back() >= 'a' && title.back() <= 'z') title.remove_suffix(1);
    return std::string(title);
}

bool contains(std::string_view s, std::string_view part) {
    return s.find(part) != std::string_view::npos;
}

// The digit after "レベル" in a kind name ("レベル４大雨危険警報"), full-width or ASCII.
std::optional<int> level_in_name(std::string_view name) {
    constexpr std::string_view kLevel = "レベル";
    auto pos = name.find(kLevel);
    if (pos == std::string_view::npos) return std::nullopt;
    auto rest = name.substr(pos + kLevel.size());
    int digit = -1;
    if (!rest.empty() && rest[0] >= '1' && rest[0] <= '5') {
        digit = rest[0] - '0';
    } else if (rest.size() >= 3 && rest.substr(0, 2) == "\xEF\xBC") {
        // U+FF11..U+FF15 are EF BC 91..95.
        auto b = static_cast<unsigned char>(rest[2]);
        if (b >= 0x91 && b <= 0x95) digit = b - 0x90;
    }
    if (digit < 1) return std::nullopt;
    return digit;
}

struct Kind {
    std::string code;
    std::string name;
    std::optional<int> level;
    Severity severity = Severity::kUnknown;
    Urgency urgency = Urgency::kUnknown;
    Certainty certainty = Certainty::kUnknown;
};

int rank(const Kind& k) {
    return severity_rank(k.level, k.severity);
}

// 警戒レベル相当 for the warnings of VPWW53/54, by warning code (config/jma/levels.md).
std::optional<int> weather_level_by_code(std::string_view code) {
    if (code == "33") return 5;                                  // 大雨特別警報
    if (code == "08" || code == "38") return 4;                  // 高潮警報, 高潮特別警報
    if (code == "03" || code == "04") return 3;                  // 大雨警報, 洪水警報
    if (code == "10" || code == "18" || code == "19") return 2;  // 大雨/洪水/高潮注意報
    return std::nullopt;
}

Kind classify_weather(std::string code, std::string name) {
    Kind k{std::move(code), std::move(name), {}, {}, {}, Certainty::kLikely};
    k.level = level_in_name(k.name);
    if (!k.level) k.level = weather_level_by_code(k.code);
    if (contains(k.name, "特別警報")) {
        k.severity = Severity::kExtreme;
        k.urgency = Urgency::kImmediate;
    } else if (contains(k.name, "危険警報")) {
        k.severity = Severity::kSevere;
        k.urgency = Urgency::kImmediate;
    } else if (contains(k.name, "警報")) {
        k.severity = Severity::kSevere;
        k.urgency = Urgency::kExpected;
    } else {
        k.severity = Severity::kModerate;
        k.urgency = Urgency::kExpected;
    }
    return k;
}

Kind classify_area_warning(const TypeSpec& type, std::string code, std::string name) {
    Kind k{std::move(code), std::move(name), {}, {}, {}, {}};
    if (type.code == "VXWW50") {
        k.name = "土砂災害警戒情報";
        k.level = 4;
        k.severity = Severity::kSevere;
        k.urgency = Urgency::kImmediate;
        k.certainty = Certainty::kLikely;
    } else if (type.code == "VPOA50") {
        k.severity = Severity::kSevere;
        k.urgency = Urgency::kImmediate;
        k.certainty = Certainty::kObserved;
    } else {  // 竜巻注意情報; a sighting makes it likely rather than possible
        k.severity = Severity::kSevere;
        k.urgency = Urgency::kImmediate;
        k.certainty = type.code == "VPHW51" ? Certainty::kLikely : Certainty::kPossible;
    }
    return k;
}

Kind classify_flood(std::string code, std::string name) {
    Kind k{std::move(code), std::move(name), {}, {}, {}, Certainty::kLikely};
    // "氾濫注意情報解除" ends the incident; "氾濫注意情報（警戒情報解除）" is a 氾濫注意情報.
    if (std::string_view(k.name).ends_with("解除")) {
        k.severity = Severity::kMinor;
        k.urgency = Urgency::kPast;
    } else if (contains(k.name, "氾濫発生")) {
        k.level = 5;
        k.severity = Severity::kExtreme;
        k.urgency = Urgency::kImmediate;
        k.certainty = Certainty::kObserved;
    } else if (contains(k.name, "氾濫危険")) {
        k.level = 4;
        k.severity = Severity::kSevere;
        k.urgency = Urgency::kImmediate;
    } else if (contains(k.name, "氾濫警戒")) {
        k.level = 3;
        k.severity = Severity::kSevere;
        k.urgency = Urgency::kExpected;
    } else if (contains(k.name, "氾濫注意")) {
        k.level = 2;
        k.severity = Severity::kModerate;
        k.urgency = Urgency::kExpected;
    } else {
        k.severity = Severity::kMinor;
        k.urgency = Urgency::kPast;
    }
    return k;
}

Kind classify_tsunami(std::string code, std::string name) {
    // "大津波警報：発表" -> "大津波警報": the suffix says it is new, the code says the same.
    if (auto p = name.find("："); p != std::string::npos) name.resize(p);
    Kind k{std::move(code), std::move(name), {}, {}, Urgency::kImmediate, Certainty::kLikely};
    if (k.code == "52" || k.code == "53") {
        k.severity = Severity::kExtreme;
    } else if (k.code == "51") {
        k.severity = Severity::kSevere;
    } else if (k.code == "62") {
        k.severity = Severity::kModerate;
    } else {
        k.severity = Severity::kMinor;
        k.urgency = Urgency::kExpected;
    }
    return k;
}

// 震度 "1".."7" with "5-", "5+", "6-", "6+".
Kind classify_intensity(const TypeSpec& type, const std::string& max_int) {
    Kind k{std::string(type.code), std::string(type.title), {}, {}, {}, Certainty::kObserved};
    if (!max_int.empty()) k.code = fmt::format("{}:{}", type.code, max_int);
    if (max_int == "7" || max_int.starts_with("6")) {
        k.severity = Severity::kExtreme;
        k.urgency = Urgency::kImmediate;
    } else if (max_int.starts_with("5")) {
        k.severity = Severity::kSevere;
        k.urgency = Urgency::kImmediate;
    } else if (max_int == "4") {
        k.severity = Severity::kModerate;
        k.urgency = Urgency::kPast;
    } else {
        k.severity = max_int.empty() ? Severity::kUnknown : Severity::kMinor;
        k.urgency = Urgency::kPast;
    }
    return k;
}

bool lifted(std::string_view status, std::string_view name) {
    return status == "解除" || status == "発表警報・注意報はなし" || name == "解除" ||
           name == "なし" || name.empty();
}

class AreaList {
public:
    void add(std::string code, std::string name) {
        if (code.empty() && name.empty()) return;
        if (!seen_.insert(code + "\n" + name).second) return;
        areas_.push_back({"jma", std::move(code), std::move(name)});
    }
    void add_item_areas(XmlElement item) {
        for (auto area : item.children("Area"))
            add(area.child_text("Code"), area.child_text("Name"));
        for (auto areas : item.children("Areas"))
            for (auto area : areas.children("Area"))
                add(area.child_text("Code"), area.child_text("Name"));
    }
    bool empty() const { return areas_.empty(); }
    std::vector<AlertArea> take() { return std::move(areas_); }

private:
    std::vector<AlertArea> areas_;
    std::set<std::string> seen_;
};

struct Extract {
    std::optional<Kind> kind;  // nullopt: nothing in force (everything lifted)
    std::vector<AlertArea> areas;
    std::vector<std::string> texts;
};

// The most detailed of several same-named blocks: the "（市町村等）" one, else the last.
XmlElement most_detailed(const std::vector<XmlElement>& blocks) {
    if (blocks.empty()) return {};
    for (auto b : blocks) {
        std::string_view type = b.attribute("type");
        if (type.ends_with("（市町村等）")) return b;
    }
    return blocks.back();
}

void keep_best(std::optional<Kind>& best, Kind k) {
    if (!best || rank(k) > rank(*best)) best = std::move(k);
}

Extract extract_warning_items(const TypeSpec& type, XmlElement body) {
    Extract out;
    auto warning = most_detailed(body.children("Warning"));
    AreaList in_force;
    AreaList all;
    for (auto item : warning.children("Item")) {
        bool any = false;
        for (auto kind : item.children("Kind")) {
            auto name = kind.child_text("Name");
            auto status = kind.child_text("Status");
            if (lifted(status, name)) continue;
            any = true;
            auto code = kind.child_text("Code");
            keep_best(out.kind, type.family == Family::kWeatherWarning
                                    ? classify_weather(std::move(code), std::move(name))
                                    : classify_area_warning(type, std::move(code), name));
        }
        if (any) in_force.add_item_areas(item);
        all.add_item_areas(item);
    }
    // A telegram lifting everything still names the areas it lifts.
    out.areas = out.kind ? in_force.take() : all.take();
    return out;
}

JmxKindFact kind_fact(const Kind& k, std::string status, bool in_force) {
    return {k.code,  k.name,     std::move(status), in_force,
            k.level, k.severity, k.urgency,         k.certainty};
}

std::vector<JmxPlace> item_places(XmlElement item) {
    std::vector<JmxPlace> out;
    for (auto area : item.children("Area"))
        out.push_back({area.child_text("Code"), area.child_text("Name")});
    for (auto areas : item.children("Areas"))
        for (auto area : areas.children("Area"))
            out.push_back({area.child_text("Code"), area.child_text("Name")});
    return out;
}

// Every item of the most detailed Warning block with every kind it lists, lifted ones too
// (a ward's item saying 解除 or なし is what ends the ward's alert).
std::vector<JmxAreaItem> warning_item_facts(const TypeSpec& type, XmlElement body) {
    std::vector<JmxAreaItem> out;
    auto warning = most_detailed(body.children("Warning"));
    for (auto item : warning.children("Item")) {
        JmxAreaItem fact{item_places(item), {}};
        for (auto kind : item.children("Kind")) {
            auto name = kind.child_text("Name");
            auto status = kind.child_text("Status");
            const bool in_force = !lifted(status, name);
            Kind k = type.family == Family::kWeatherWarning
                         ? classify_weather(kind.child_text("Code"), name)
                         : classify_area_warning(type, kind.child_text("Code"), name);
            if (!in_force) k.name = name;  // "なし", "解除": as written, not the product's name
            fact.kinds.push_back(kind_fact(k, std::move(status), in_force));
        }
        out.push_back(std::move(fact));
    }
    return out;
}

// 指定河川洪水予報: one item per 浸水想定地区 item, its places the municipalities that may
// flood (CityCode), its kinds the river's kinds from the headline (one river per telegram).
std::vector<JmxAreaItem> flood_item_facts(XmlElement head, XmlElement body) {
    std::vector<JmxKindFact> kinds;
    std::set<std::string> seen;
    for (auto info : head.child("Headline").children("Information"))
        for (auto item : info.children("Item"))
            for (auto kind : item.children("Kind")) {
                auto k = classify_flood(kind.child_text("Code"), kind.child_text("Name"));
                if (!seen.insert(k.code + "\n" + k.name).second) continue;
                const bool in_force = k.level.has_value();  // 解除 kinds carry no level
                kinds.push_back(kind_fact(k, in_force ? "発表" : "解除", in_force));
            }
    std::vector<JmxAreaItem> out;
    for (auto warning : body.children("Warning"))
        for (auto item : warning.children("Item")) {
            JmxAreaItem fact;
            for (auto as : item.children("Areas"))
                for (auto a : as.children("Area"))
                    if (auto city = a.child_text("CityCode"); !city.empty())
                        fact.places.push_back({city, a.child_text("City")});
            if (fact.places.empty()) continue;  // the river's own item (主文, 基準地点)
            fact.kinds = kinds;
            out.push_back(std::move(fact));
        }
    return out;
}

// 噴火警報・予報（対象市町村等）: a 噴火警報 (居住地域, 火口周辺, 周辺海域) is in force; 噴火予報
// and 警報解除 are information, never an alert for the municipality.
std::vector<JmxAreaItem> volcano_item_facts(XmlElement body) {
    std::vector<JmxAreaItem> out;
    for (auto info : body.children("VolcanoInfo")) {
        if (!std::string_view(info.attribute("type")).ends_with("（対象市町村等）")) continue;
        for (auto item : info.children("Item")) {
            auto kind = item.child("Kind");
            auto name = kind.child_text("Name");
            const bool in_force = contains(name, "警報") && !contains(name, "解除");
            Kind k{kind.child_text("Code"), name, {}, Severity::kMinor, Urgency::kFuture,
                   Certainty::kPossible};
            if (contains(name, "居住地域")) {
                k.severity = Severity::kExtreme;
                k.urgency = Urgency::kImmediate;
                k.certainty = Certainty::kLikely;
            } else if (in_force) {
                k.severity = Severity::kSevere;
                k.urgency = Urgency::kExpected;
                k.certainty = Certainty::kLikely;
            }
            out.push_back({item_places(item), {kind_fact(k, kind.child_text("Status"), in_force)}});
        }
    }
    return out;
}

// Head/Headline/Information: JMA's own summary of kinds and areas; the last block is the
// most detailed one.
XmlElement last_headline_information(XmlElement head) {
    auto infos = head.child("Headline").children("Information");
    return infos.empty() ? XmlElement() : infos.back();
}

Extract extract_flood(XmlElement head, XmlElement body) {
    Extract out;
    auto infos = head.child("Headline").children("Information");
    AreaList areas;
    for (auto info : infos) {
        for (auto item : info.children("Item")) {
            for (auto kind : item.children("Kind"))
                keep_best(out.kind,
                          classify_flood(kind.child_text("Code"), kind.child_text("Name")));
        }
    }
    if (!infos.empty())
        for (auto item : infos.back().children("Item")) areas.add_item_areas(item);
    // 浸水想定地区: the municipalities that may flood, which is what a ward matches on.
    for (auto warning : body.children("Warning")) {
        for (auto item : warning.children("Item")) {
            for (auto kind : item.children("Kind")) {
                for (auto prop : kind.children("Property"))
                    if (prop.child_text("Type") == "主文")
                        out.texts.push_back(prop.child_text("Text"));
            }
            for (auto as : item.children("Areas"))
                for (auto a : as.children("Area"))
                    if (auto city = a.child_text("CityCode"); !city.empty())
                        areas.add(city, a.child_text("City"));
        }
    }
    if (out.kind && out.kind->level == std::nullopt) out.kind.reset();  // 解除
    out.areas = areas.take();
    return out;
}

Extract extract_seismic(const TypeSpec& type, XmlElement head, XmlElement body) {
    Extract out;
    AreaList areas;
    if (auto info = last_headline_information(head))
        for (auto item : info.children("Item")) areas.add_item_areas(item);
    auto intensity = body.child("Intensity");
    if (type.family == Family::kIntensity) {
        auto observation = intensity.child("Observation");
        out.kind = classify_intensity(type, observation.child_text("MaxInt"));
        if (areas.empty())
            for (auto pref : observation.children("Pref")) areas.add_item_areas(pref);
    } else if (type.family == Family::kHypocenter) {
        out.kind = Kind{std::string(type.code), std::string(type.title), {},
                        Severity::kUnknown,     Urgency::kPast,          Certainty::kObserved};
    } else {  // EEW
        bool warning = type.code == "VXSE43";
        out.kind = Kind{std::string(type.code),
                        std::string(type.title),
                        {},
                        warning ? Severity::kExtreme : Severity::kModerate,
                        Urgency::kImmediate,
                        warning ? Certainty::kLikely : Certainty::kPossible};
        if (areas.empty())
            for (auto pref : intensity.child("Forecast").children("Pref"))
                areas.add_item_areas(pref);
    }
    out.areas = areas.take();
    return out;
}

Extract extract_tsunami(XmlElement body) {
    Extract out;
    AreaList in_force;
    AreaList all;
    auto forecast = body.child("Tsunami").child("Forecast");
    for (auto item : forecast.children("Item")) {
        auto kind = item.child("Category").child("Kind");
        auto code = kind.child_text("Code");
        all.add_item_areas(item);
        if (code.empty() || code == "00" || code == "50" || code == "60") continue;
        keep_best(out.kind, classify_tsunami(code, kind.child_text("Name")));
        in_force.add_item_areas(item);
    }
    out.areas = out.kind ? in_force.take() : all.take();
    return out;
}

// What a volcano telegram says in words (both 噴火警報・予報 and 噴火速報 carry it).
void add_volcano_texts(XmlElement body, std::vector<std::string>& texts) {
    auto content = body.child("VolcanoInfoContent");
    for (auto name : {"VolcanoHeadline", "VolcanoActivity", "VolcanoPrevention"})
        if (auto t = content.child_text(name); !t.empty()) texts.push_back(t);
}

// 噴火速報: the municipalities around the volcano (VolcanoInfo（対象市町村等）) and the kind
// (52 噴火, 62 噴火したもよう). Unlike 噴火予報 it says an eruption is happening now.
Extract extract_eruption_flash(XmlElement body) {
    Extract out;
    AreaList areas;
    for (auto info : body.children("VolcanoInfo")) {
        if (!std::string_view(info.attribute("type")).ends_with("（対象市町村等）")) continue;
        for (auto item : info.children("Item")) {
            areas.add_item_areas(item);
            auto kind = item.child("Kind");
            auto code = kind.child_text("Code");
            Kind k{code,
                   kind.child_text("Name"),
                   {},
                   Severity::kSevere,
                   Urgency::kImmediate,
                   code == "52" ? Certainty::kObserved : Certainty::kLikely};
            keep_best(out.kind, std::move(k));
        }
    }
    add_volcano_texts(body, out.texts);
    out.areas = areas.take();
    return out;
}

// 気象特別警報報知: JMA's notice that a 特別警報 was issued (or lifted) for a prefecture; the
// kinds and areas are in Head/Headline/Information, the most detailed block (市町村等) last.
Extract extract_special_warning_notice(XmlElement head) {
    Extract out;
    AreaList in_force;
    AreaList all;
    auto infos = head.child("Headline").children("Information");
    XmlElement block = infos.empty() ? XmlElement() : infos.back();
    for (auto info : infos)
        if (std::string_view(info.attribute("type")).ends_with("（市町村等）")) block = info;
    for (auto item : block.children("Item")) {
        all.add_item_areas(item);
        bool any = false;
        for (auto kind : item.children("Kind")) {
            auto code = kind.child_text("Code");
            auto name = kind.child_text("Name");
            if (code.empty() || code == "00" || name == "解除") continue;
            any = true;
            keep_best(out.kind, classify_weather(std::move(code), std::move(name)));
        }
        if (any) in_force.add_item_areas(item);
    }
    out.areas = out.kind ? in_force.take() : all.take();
    return out;
}

// The stage of a 南海トラフ地震臨時情報 is the keyword in Head/Title
// ("南海トラフ地震臨時情報（巨大地震警戒）"): JMA's own naming of the stage (気象庁「南海トラフ地震
// 臨時情報」解説). Our event code suffixes are not JMA codes (levels.md).
struct OutlookStage {
    std::string_view keyword;
    std::string_view code;  // "" for 調査終了: nothing in force any more
    Severity severity;
};
constexpr std::array<OutlookStage, 4> kNankaiStages{{
    {"巨大地震警戒", "warning", Severity::kSevere},
    {"巨大地震注意", "advisory", Severity::kModerate},
    {"調査中", "investigating", Severity::kMinor},
    {"調査終了", "", Severity::kMinor},
}};

Extract extract_quake_outlook(const TypeSpec& type, XmlElement head, XmlElement body) {
    Extract out;
    auto info = body.child("EarthquakeInfo");
    if (auto t = info.child_text("Text"); !t.empty()) out.texts.push_back(t);
    Kind k{
        "", std::string(type.title), {}, Severity::kMinor, Urgency::kFuture, Certainty::kPossible};
    if (type.code == "VYSE50") {
        const auto head_title = head.child_text("Title");
        for (const auto& stage : kNankaiStages) {
            if (!contains(head_title, stage.keyword)) continue;
            if (stage.code.empty()) return out;  // 調査終了: the all-clear of the 臨時情報
            k.code = std::string(stage.code);
            k.name = fmt::format("{}（{}）", type.title, stage.keyword);
            k.severity = stage.severity;
            break;
        }
    } else if (type.code == "VYSE60") {
        k.severity = Severity::kModerate;
    }
    out.kind = std::move(k);
    return out;
}

Extract extract_volcano(XmlElement body) {
    Extract out;
    std::string volcano_level;
    AreaList areas;
    for (auto info : body.children("VolcanoInfo")) {
        std::string_view type = info.attribute("type");
        for (auto item : info.children("Item")) {
            auto kind = item.child("Kind");
            if (type.ends_with("（対象火山）")) {
                volcano_level = kind.child_text("Name");
            } else if (type.ends_with("（対象市町村等）")) {
                areas.add_item_areas(item);
                auto name = kind.child_text("Name");
                Kind k{kind.child_text("Code"), name, {}, {}, {}, {}};
                if (contains(name, "居住地域")) {
                    k = {k.code,
                         k.name,
                         {},
                         Severity::kExtreme,
                         Urgency::kImmediate,
                         Certainty::kLikely};
                } else if (contains(name, "火口周辺") || contains(name, "入山危険")) {
                    k = {k.code,
                         k.name,
                         {},
                         Severity::kSevere,
                         Urgency::kExpected,
                         Certainty::kLikely};
                } else {
                    k = {k.code,           k.name,           {},
                         Severity::kMinor, Urgency::kFuture, Certainty::kPossible};
                }
                keep_best(out.kind, std::move(k));
            }
        }
    }
    // 噴火警戒レベル is its own scale, not the 警戒レベル of the Alert: it stays in the name.
    if (out.kind && !volcano_level.empty())
        out.kind->name = fmt::format("{}（{}）", out.kind->name, volcano_level);
    add_volcano_texts(body, out.texts);
    out.areas = areas.take();
    return out;
}

// Free texts a duty officer reads: comments, cancellation texts.
void collect_common_texts(XmlElement body, std::vector<std::string>& texts) {
    if (auto t = body.child_text("Text"); !t.empty()) texts.push_back(t);
    auto comments = body.child("Comments");
    for (auto c : comments.elements()) {
        auto t = c.local_name() == "FreeFormComment" ? c.text() : c.child_text("Text");
        if (!t.empty()) texts.push_back(t);
    }
}

std::string area_summary(const std::vector<AlertArea>& areas) {
    constexpr size_t kShown = 3;
    std::vector<std::string> names;
    for (size_t i = 0; i < areas.size() && i < kShown; ++i) names.push_back(areas[i].name);
    auto out = join_nonempty(names, "、");
    if (areas.size() > kShown) out += "ほか";
    return out;
}

Result<JmxDocument> build(XmlElement root, std::string_view raw) {
    auto control = root.child("Control");
    auto head = root.child("Head");
    auto body = root.child("Body");
    if (!control) return invalid("missing <Control>");
    if (!head) return invalid("missing <Head>");
    if (head.namespace_uri() != kJmxHeadNamespace)
        return invalid(fmt::format("<Head> is in namespace '{}', not '{}'", head.namespace_uri(),
                                   kJmxHeadNamespace));
    if (!body) return invalid("missing <Body>");

    JmxDocument doc;
    const auto title = control.child_text("Title");
    if (title.empty()) return invalid("missing <Control/Title>");
    doc.info_kind = strip_variant(title);
    const TypeSpec* type = find_type(doc.info_kind);
    if (!type && doc.info_kind != "気象警報・注意報") {
        std::string why;
        type = recognised_by_structure(doc.info_kind, head, why);
        if (type) {
            doc.warnings.push_back(fmt::format(
                "<Control/Title> '{}' is not one the hub knows: read as {} ({}), whose title it "
                "extends with the same Head/InfoKind and format version",
                title, type->code, type->title));
            // The family's name: the alert id and the chain stay those of the known title.
            doc.info_kind = std::string(type->title);
        } else if (!why.empty()) {
            return invalid(
                fmt::format("not an alerting type: {}: {}; refused rather than read "
                            "by a guess {}",
                            title, why, kRefusedTypesNote));
        }
    }
    if (type) type = resolve_type(type, body);
    if (!type) {
        if (doc.info_kind == "気象警報・注意報")
            return invalid(fmt::format(
                "not an alerting type: {} (VPWW50, the retired format; JMA sends VPWW53/54)",
                title));
        return invalid(fmt::format("not an alerting type: {} {}", title, kRefusedTypesNote));
    }
    doc.type_code = std::string(type->code);
    doc.facts.type_code = doc.type_code;
    doc.facts.info_kind = doc.info_kind;
    doc.facts.info_type = head.child_text("InfoType");
    doc.facts.headline = head.child("Headline").child_text("Text");

    Alert& a = doc.alert;
    a.source.kind = SourceKind::kJma;
    a.source.sha256 = sha256_hex(raw);
    a.category = std::string(type->category);

    const auto status = control.child_text("Status");
    if (status == "通常") {
        a.status = AlertStatus::kActual;
    } else if (status == "訓練") {
        a.status = AlertStatus::kExercise;
    } else if (status == "試験") {
        a.status = AlertStatus::kTest;
    } else {
        return invalid(fmt::format("<Control/Status> '{}' is not one of 通常, 訓練, 試験", status));
    }
    const auto editorial = control.child_text("EditorialOffice");
    const auto publishing = control.child_text("PublishingOffice");
    if (editorial.empty()) return invalid("missing <Control/EditorialOffice>");
    if (publishing.empty()) return invalid("missing <Control/PublishingOffice>");
    a.source.sender = editorial == publishing ? editorial : editorial + " / " + publishing;

    auto report_time = required_time(head, "ReportDateTime", "Head");
    if (!report_time) return report_time.error();
    if (control.child("DateTime")) {
        auto sent = required_time(control, "DateTime", "Control");
        if (!sent) return sent.error();
        a.source.sent = *sent;
    } else {
        a.source.sent = *report_time;
    }
    a.effective = *report_time;
    if (head.child("ValidDateTime")) {
        auto valid = required_time(head, "ValidDateTime", "Head");
        if (!valid) return valid.error();
        a.expires = *valid;
    }

    const auto info_type = head.child_text("InfoType");
    if (info_type == "発表") {
        a.msg_type = MsgType::kAlert;
    } else if (info_type == "訂正") {
        a.msg_type = MsgType::kUpdate;
    } else if (info_type == "取消") {
        a.msg_type = MsgType::kCancel;
        a.state = AlertState::kCancelled;
    } else {
        return invalid(
            fmt::format("<Head/InfoType> '{}' is not one of 発表, 訂正, 取消", info_type));
    }

    const auto head_title = head.child_text("Title");
    if (head_title.empty()) return invalid("missing <Head/Title>");
    doc.event_id = head.child_text("EventID");
    if (auto serial = head.child_text("Serial"); !serial.empty()) {
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(serial.data(), serial.data() + serial.size(), n);
        if (ec == std::errc() && end == serial.data() + serial.size() && n >= 0) {
            doc.serial = n;
        } else {
            doc.warnings.push_back(
                fmt::format("<Head/Serial> '{}' is not a number; ordering by time only", serial));
        }
    }
    const std::string incident =
        doc.event_id.empty() ? editorial + "\n" + head_title : doc.event_id;
    a.id = jmx_alert_id(to_string(a.status), incident, doc.info_kind);
    // The type code keeps the identifier unique: 緊急地震速報 (警報) and (予報), or 震度速報 and
    // 震源・震度に関する情報, share EventID, Serial and often the second they were sent.
    a.source.identifier = fmt::format(
        "{}/{}", type->code, doc.event_id.empty() ? editorial + ":" + head_title : doc.event_id);
    if (doc.serial) a.source.identifier += fmt::format("#{}", *doc.serial);
    doc.identity = fmt::format("jma\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}", title, status,
                               editorial, publishing, format_rfc3339_jst(a.source.sent), head_title,
                               format_rfc3339_jst(*report_time), info_type, doc.event_id,
                               head.child_text("Serial"));

    Extract ex;
    if (a.msg_type != MsgType::kCancel) {
        switch (type->family) {
            case Family::kWeatherWarning:
            case Family::kAreaWarning:
                ex = extract_warning_items(*type, body);
                doc.facts.items = warning_item_facts(*type, body);
                break;
            case Family::kFlood:
                ex = extract_flood(head, body);
                doc.facts.items = flood_item_facts(head, body);
                break;
            case Family::kIntensity:
            case Family::kHypocenter:
            case Family::kEew:
                ex = extract_seismic(*type, head, body);
                break;
            case Family::kTsunami:
                ex = extract_tsunami(body);
                break;
            case Family::kVolcano:
                ex = extract_volcano(body);
                doc.facts.items = volcano_item_facts(body);
                break;
            case Family::kEruptionFlash:
                ex = extract_eruption_flash(body);
                break;
            case Family::kSpecialWarningNotice:
                ex = extract_special_warning_notice(head);
                break;
            case Family::kQuakeOutlook:
                ex = extract_quake_outlook(*type, head, body);
                break;
        }
    }
    doc.facts.type_code = doc.type_code;
    doc.facts.info_kind = doc.info_kind;
    doc.facts.info_type = info_type;
    doc.facts.headline = head.child("Headline").child_text("Text");
    if (a.msg_type != MsgType::kCancel)
        read_seismic_facts(type->code, head, body, doc.facts, doc.warnings);
    collect_common_texts(body, ex.texts);

    if (ex.kind) {
        const Kind& k = *ex.kind;
        if (k.code.starts_with(type->code)) {
            a.event_code = k.code;
        } else {
            a.event_code =
                k.code.empty() ? std::string(type->code) : fmt::format("{}:{}", type->code, k.code);
        }
        a.event_name["ja"] = k.name;
        a.event_name["en"] = std::string(event_en(k.name, *type));
        a.level = k.level;
        a.severity = k.severity;
        a.urgency = k.urgency;
        a.certainty = k.certainty;
    } else if (a.msg_type == MsgType::kCancel) {
        a.event_code = std::string(type->code);
        a.event_name["ja"] = doc.info_kind;
        a.event_name["en"] = std::string(type->en);
    } else {
        // Everything lifted (解除): the all-clear of the incident, kept as a version so that
        // screens stop showing the warning; a lift, not a withdrawal.
        a.state = AlertState::kLifted;
        a.event_code = fmt::format("{}{}", type->code, kAllClearKind);
        a.event_name["ja"] = doc.info_kind + "（解除）";
        a.event_name["en"] = std::string(type->en) + " (lifted)";
        a.severity = Severity::kMinor;
        a.urgency = Urgency::kPast;
        a.certainty = Certainty::kObserved;
        doc.warnings.push_back("no warning in force: all lifted");
    }
    a.areas = std::move(ex.areas);

    auto headline = head.child("Headline").child_text("Text");
    if (headline.empty()) {
        headline = head_title;
        if (auto summary = area_summary(a.areas); !summary.empty())
            headline += "（" + summary + "）";
    }
    a.headline["ja"] = headline;
    if (auto description = join_nonempty(ex.texts, "\n"); !description.empty())
        a.description["ja"] = description;
    return doc;
}

}  // namespace

bool looks_like_jmx(std::string_view bytes) {
    auto root = first_start_tag(bytes);
    return root.local_name == "Report" && contains(root.text, kJmxNamespace);
}

bool jmx_handles_title(std::string_view title) {
    return find_type(strip_variant(title)) != nullptr;
}

std::string jmx_alert_id(std::string_view status, std::string_view incident,
                         std::string_view info_kind) {
    std::string key(status);
    key += '\n';
    key += incident;
    key += '\n';
    key += info_kind;
    return "jma-" + sha256_hex(key).substr(0, 24);
}

bool jmx_is_all_clear(std::string_view event_code) {
    return event_code.starts_with("V") && event_code.ends_with(kAllClearKind);
}

std::vector<std::string> jmx_type_codes() {
    std::vector<std::string> out;
    for (const auto& t : kTypes) out.emplace_back(t.code);
    return out;
}

std::vector<JmxEventCode> jmx_event_codes() {
    std::vector<JmxEventCode> out;
    auto add = [&](std::string_view type, std::string_view kind, std::optional<int> level) {
        out.push_back({kind.empty() ? std::string(type) : fmt::format("{}:{}", type, kind), level});
    };
    // 気象警報・注意報 (VPWW53/54): JMA's kind code table; levels as weather_level_by_code.
    constexpr std::array<std::string_view, 29> kWeather = {
        "02", "03", "04", "05", "06", "07", "08", "10", "12", "13", "14", "15", "16", "17", "18",
        "19", "20", "21", "22", "23", "24", "25", "26", "32", "33", "35", "36", "37", "38"};
    for (auto type : {"VPWW53", "VPWW54"})
        for (auto kind : kWeather) add(type, kind, weather_level_by_code(kind));
    // The level-based format (R06): each type's kinds with the level its name carries.
    struct R06 {
        std::string_view type, kind;
        std::optional<int> level;
    };
    constexpr std::array<R06, 32> kR06{{
        {"VPWW55", "10", 2},  {"VPWW55", "03", 3},  {"VPWW55", "43", 4},  {"VPWW55", "33", 5},
        {"VPWW56", "29", 2},  {"VPWW56", "09", 3},  {"VPWW56", "49", 4},  {"VPWW57", "19", 2},
        {"VPWW57", "08", 3},  {"VPWW57", "48", 4},  {"VPWW57", "38", 5},  {"VPWW58", "15", {}},
        {"VPWW58", "05", {}}, {"VPWW58", "35", {}}, {"VPWW58", "13", {}}, {"VPWW58", "02", {}},
        {"VPWW58", "32", {}}, {"VPWW59", "16", {}}, {"VPWW59", "07", {}}, {"VPWW59", "37", {}},
        {"VPWW60", "12", {}}, {"VPWW60", "06", {}}, {"VPWW60", "36", {}}, {"VPWW61", "14", {}},
        {"VPWW61", "17", {}}, {"VPWW61", "20", {}}, {"VPWW61", "21", {}}, {"VPWW61", "22", {}},
        {"VPWW61", "23", {}}, {"VPWW61", "24", {}}, {"VPWW61", "25", {}}, {"VPWW61", "26", {}},
    }};
    for (const auto& r : kR06) add(r.type, r.kind, r.level);
    add("VXWW50", "3", 4);
    add("VPOA50", "1", {});
    add("VPHW50", "1", {});
    add("VPHW51", "1", {});
    // 指定河川洪水予報: kind codes as in JMA's samples (氾濫発生情報's taken as 50); the level
    // (from the kind's name) is what matters downstream.
    add("VXKO", "20", 2);
    add("VXKO", "30", 3);
    add("VXKO", "41", 4);
    add("VXKO", "50", 5);
    for (auto type : {"VXSE51", "VXSE53"})
        for (auto intensity : {"1", "2", "3", "4", "5-", "5+", "6-", "6+", "7"})
            add(type, intensity, {});
    add("VXSE53", "", {});  // a distant quake: no intensity in Japan
    add("VXSE52", "", {});
    add("VXSE43", "", {});
    add("VXSE44", "", {});
    add("VXSE45", "", {});
    for (auto type : {"VTSE41", "VTSE51"})
        for (auto kind : {"51", "52", "53", "62", "71", "72", "73"}) add(type, kind, {});
    // 南海トラフ地震臨時情報 by the stage in its title (調査終了 is VYSE50:00); the bare code for
    // a title without a known keyword. 関連解説情報 and 後発地震注意情報 have no stages.
    for (auto stage : {"investigating", "advisory", "warning", ""}) add("VYSE50", stage, {});
    for (auto type : {"VYSE51", "VYSE52", "VYSE60"}) add(type, "", {});
    // 噴火速報: 52 噴火, 62 噴火したもよう (the kinds JMA's samples use).
    for (auto kind : {"52", "62"}) add("VFVO56", kind, {});
    // 気象特別警報報知: the 特別警報 kind codes, levels as weather_level_by_code.
    for (auto kind : {"32", "33", "35", "36", "37", "38"})
        add("VPNO50", kind, weather_level_by_code(kind));
    // 噴火警報・予報（対象市町村等）: 噴火警報（居住地域）, 火口周辺警報, 噴火警報（周辺海域）,
    // 噴火予報：警報解除, 噴火予報.
    for (auto kind : {"01", "02", "03", "04", "05"}) add("VFVO50", kind, {});
    for (const auto& t : kTypes)
        if (t.family != Family::kIntensity && t.family != Family::kHypocenter &&
            t.family != Family::kEew && (t.family != Family::kQuakeOutlook || t.code == "VYSE50"))
            add(t.code, kAllClearKind.substr(1), {});
    return out;
}

Result<SourceDocument> parse_jmx(const SourceText& text) {
    XmlDocument xml;
    if (auto s = load_xml(xml, text.text(), "a JMA telegram"); !s) return s.error();
    auto root = xml.document_element();
    if (root.local_name() != "Report" || root.namespace_uri() != kJmxNamespace)
        return invalid(fmt::format("root element is <{}> in namespace '{}', not <Report> in '{}'",
                                   root.name(), root.namespace_uri(), kJmxNamespace));
    auto jmx = build(root, text.raw());
    if (!jmx) return jmx.error();
    SourceDocument doc;
    doc.format = SourceFormat::kJma;
    doc.ends_episode = jmx_is_all_clear(jmx->alert.event_code);
    doc.alert = std::move(jmx->alert);
    doc.identity = std::move(jmx->identity);
    doc.sequence = jmx->serial;
    doc.kind = std::move(jmx->type_code);
    doc.xml_namespace = std::string(kJmxNamespace);
    doc.warnings = std::move(jmx->warnings);
    doc.jma = std::move(jmx->facts);
    return doc;
}

}  // namespace alerthub::hub
