#pragma once
// An independent reading of a raw JMA telegram for one ward (issue 11, point 8): what the
// telegram says about the ward, read straight off the XML with a few XPath expressions
// (namespace-agnostic, local-name() based). It shares no code with the parser or with
// hub/policy/ward_reading: tests compare the hub's reading against it. Every rule here is
// meant to be checked against the XML by eye; where it does not judge something (a field, a
// family), it says so rather than guessing.

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace alerthub::hub::oracle {

// The codes a ward is known by in each of JMA's hierarchies. Codes collide across
// hierarchies (350 is 東京都２３区 in 地震情報／細分区域, a volcano in 火山名 and a sea area
// among 震央地名), so each is only looked for where its hierarchy is used.
struct WardCodes {
    std::string name;               // 港区
    std::string city;               // 1310300 (気象・地震・火山情報／市町村等)
    std::set<std::string> weather;  // city and the regions that contain it: 130011, 130010, 130000
    std::string quake_area;  // 350 東京都２３区 (地震情報／細分区域, also 緊急地震速報)
    std::string quake_pref;      // 13 東京都 (地震情報／都道府県等)
    std::string tsunami_region;  // 312 東京湾内湾 (津波予報区)
};

// The ward's codes from a JMA area table in the format of config/jma/areas_tokyo.tsv (code_type,
// code, name, parent, also_in): the row whose name is `ward`, its parents, and its also_in
// codes sorted by their code_type. nullopt when the table has no such row.
std::optional<WardCodes> ward_codes_from_table(const std::filesystem::path& tsv,
                                               const std::string& ward);

// Wards the telegram itself names, to read it for places other than 港区 (few fixtures
// concern Tokyo): for warnings the first municipality of the most detailed block with
// something in force and the first with nothing in force; for volcanoes the first
// municipality of VolcanoInfo（対象市町村等）; for tsunami the first forecast region; for
// 震度 the first City (with its Area and Pref), else the first Area; for 緊急地震速報 the first
// forecast Area. A ward given only a region (tsunami, 震度 Area, EEW) gets city "9999999", a
// municipality code JMA does not use. Empty for other families and for 取消.
std::vector<WardCodes> wards_named_in(const std::string& xml);

// How the telegram's type is read.
enum class Family {
    kNotRead,   // not judged here (南海トラフ, 地震回数, forecasts, …)
    kWarnings,  // 気象警報・注意報 (H27, R06, 特別警報), 土砂災害警戒情報, 記録的短時間大雨情報,
                // 竜巻注意情報, 指定河川洪水予報
    kVolcano,   // 噴火警報・予報, 噴火速報
    kTsunami,   // 津波警報・注意報・予報, 津波情報
    kSeismic,   // 震度速報, 震源・震度に関する情報, 震源に関する情報
    kEew,       // 緊急地震速報（警報）/（予報）/（地震動予報）
};

enum class Verdict { kInForce, kNothingInForce, kNotNamed, kWithdrawn };

struct Kind {
    std::string code;    // Kind/Code
    std::string name;    // Kind/Name
    std::string status;  // Kind/Status

    bool operator==(const Kind&) const = default;
};

struct WardTruth {
    std::string title;      // Control/Title as written
    std::string info_type;  // Head/InfoType
    Family family = Family::kNotRead;
    Verdict verdict = Verdict::kNotNamed;

    // Warnings: the kinds in force in the ward's own item(s) (the item naming the ward's
    // municipality; an item naming a region that contains it only when there is none), in
    // the telegram's order, and the ward's 警戒レベル (config/jma/levels.md) among them.
    // kinds_judged is false where the kinds are not read here (指定河川洪水予報, 噴火).
    std::vector<Kind> kinds;
    bool kinds_judged = false;
    std::optional<int> level;

    // Tsunami, for the ward's forecast region (Body/Tsunami/Forecast/Item).
    std::string tsunami_place;         // Area/Name (東京湾内湾)
    std::string grade_code;            // Category/Kind/Code
    std::string grade_name;            // Category/Kind/Name as written ("大津波警報：発表")
    std::string first_wave;            // FirstHeight/ArrivalTime as written
    std::string first_wave_condition;  // FirstHeight/Condition
    std::string max_height;            // MaxHeight/TsunamiHeight@description ("" when none)

    // Seismic: the ward's intensity (its city entry, else its 細分区域, else — in a telegram
    // that lists no 細分区域 — its prefecture) and where it was read, and the telegram's
    // maximum (Observation/MaxInt).
    std::string intensity;
    std::string intensity_place;
    std::string max_intensity;
};

// `xml`: the raw telegram. A telegram pugixml cannot read is kNotRead with an empty title.
WardTruth read_ward_truth(const std::string& xml, const WardCodes& ward);

// 警戒レベル of one kind of a warning-family telegram, from config/jma/levels.md's table
// (read independently of the parser): by Kind/Code for 気象特別警報・警報・注意報 and （Ｈ２７）,
// from the name (レベル４…) for （Ｒ０６）, 4 for 土砂災害警戒情報, by name for 指定河川洪水予報.
std::optional<int> level_of(const std::string& title, const Kind& kind);

// JMA intensities in order ("1" < … < "4" < "5-" < "5+" < "6-" < "6+" < "7"); -1 unknown.
int intensity_rank(const std::string& intensity);

const char* to_string(Verdict verdict);
const char* to_string(Family family);

}  // namespace alerthub::hub::oracle
