#pragma once
// What a JMA telegram says, place by place: the parser's reading of its items before any
// ward is chosen. parse_jmx fills it (SourceDocument::jma) beside the telegram-wide alert;
// hub/policy/ward_reading.h picks out what it says about the hub's own areas. Plain data:
// every string is as the telegram writes it, nothing is ranked or summarised here.

#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/protocol/alert.h"

namespace alerthub::hub {

// A place as the telegram names it: a JMA area code of any hierarchy (1310300 港区, 130011
// ２３区西部, 350 東京都２３区, 312 東京湾内湾, 13 東京都) or a 浸水想定地区 CityCode.
struct JmxPlace {
    std::string code;
    std::string name;

    bool operator==(const JmxPlace&) const = default;
};

// One Kind of an item: a warning, 土砂災害警戒情報, 記録的短時間大雨情報, 竜巻注意情報, a 洪水予報
// or a 噴火警報 for the item's places.
struct JmxKindFact {
    std::string code;  // Kind/Code ("05")
    std::string name;  // Kind/Name ("暴風警報", "レベル４大雨危険警報")
    // Kind/Status as written (発表, 継続, 解除, 特別警報から警報, …); may be "".
    std::string status;
    bool in_force = false;     // false for 解除 / なし / 発表警報・注意報はなし
    std::optional<int> level;  // 警戒レベル(相当) of this kind (config/jma/levels.md)
    Severity severity = Severity::kUnknown;
    Urgency urgency = Urgency::kUnknown;
    Certainty certainty = Certainty::kUnknown;

    bool operator==(const JmxKindFact&) const = default;
};

// One Item of the most detailed Warning block (…（市町村等）), of 浸水想定地区, or of
// VolcanoInfo（対象市町村等）: what is in force (or lifted) for its places.
struct JmxAreaItem {
    std::vector<JmxPlace> places;
    std::vector<JmxKindFact> kinds;  // every kind listed, lifted ones too

    bool operator==(const JmxAreaItem&) const = default;
};

// One forecast region of a 津波警報・注意報・予報 or 津波情報.
struct JmxTsunamiRegion {
    JmxPlace place;  // 津波予報区 (312 東京湾内湾)
    std::string grade_code;  // Category/Kind/Code: 52/53 大津波警報, 51 津波警報, 62 津波注意報,
                             // 71-73 津波予報, 00/50/60 none or lifted
    std::string grade_name;  // Category/Kind/Name without "：発表" ("津波注意報")
    bool in_force = false;   // grade_code is one of 51, 52, 53, 62, 71, 72, 73
    std::optional<WallTime> first_wave;  // FirstHeight/ArrivalTime
    std::string first_wave_condition;  // FirstHeight/Condition ("ただちに津波来襲と予測", …)
    // MaxHeight/TsunamiHeight@description ("１ｍ", "巨大", "高い"); "" unknown.
    std::string max_height;
    std::string observed;  // 津波情報: the highest observation so far as written, "" none

    bool operator==(const JmxTsunamiRegion&) const = default;
};

// The earthquake a seismic telegram is about (震源・震度, 震源, 津波 with Earthquake).
struct JmxQuake {
    std::optional<WallTime> origin_time;  // OriginTime (else ArrivalTime)
    std::string hypocenter;               // Hypocenter/Area/Name ("千葉県北西部")
    std::string magnitude;  // jmx_eb:Magnitude@description ("Ｍ６．８", "Ｍ不明"); "" unknown
    std::string max_intensity;  // Observation/MaxInt ("1".."7", "5-", "5+", "6-", "6+"); "" none

    bool operator==(const JmxQuake&) const = default;
};

// An observed intensity at one place of Body/Intensity/Observation.
struct JmxIntensityPlace {
    enum class Tier { kPref, kArea, kCity };
    JmxPlace place;
    Tier tier = Tier::kArea;
    std::string intensity;  // MaxInt as written ("4", "5-"); "" when only "入電なし" etc.

    bool operator==(const JmxIntensityPlace&) const = default;
};

// An area of a 緊急地震速報 (Body/Intensity/Forecast/Pref/Area), or of its warning list.
struct JmxEewArea {
    JmxPlace place;
    std::string intensity_from;       // ForecastInt/From ("5-"); "" unknown
    std::string intensity_to;         // ForecastInt/To ("6-", "over")
    std::optional<WallTime> arrival;  // ArrivalTime, when given
    std::string arrival_condition;    // Condition ("既に主要動到達と推測", …)
    bool warning = false;             // a 警報 area (Category/Kind/Code 10, 11, 19)

    bool operator==(const JmxEewArea&) const = default;
};

struct JmxFacts {
    std::string type_code;           // "VPWW54", "VTSE41", …
    std::string info_kind;           // Control/Title without its variant letter
    std::string info_type;           // Head/InfoType: 発表, 訂正, 取消
    std::string headline;            // Head/Headline/Text: the telegram's own sentence
    std::vector<JmxAreaItem> items;  // warning families, 洪水予報, 噴火警報
    std::vector<JmxTsunamiRegion> tsunami;
    std::optional<JmxQuake> quake;
    std::vector<JmxIntensityPlace> intensities;
    std::vector<JmxEewArea> eew;

    bool operator==(const JmxFacts&) const = default;
};

}  // namespace alerthub::hub
