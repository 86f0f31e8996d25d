#pragma once
// Where residents and stranded commuters can go: the ward's 指定緊急避難場所 and 指定避難所
// (GSI open data, config/shelters/), and its 一時滞在施設 (a file the ward keeps, since no
// open data exists), with the hazards each is designated for, and which of them suit an
// alert (a tsunami order lists only tsunami-safe sites), nearest first.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/protocol/alert.h"

namespace alerthub::hub::site {

// The hazards of the GSI data (災害対策基本法 第49条の4), in its order.
enum class Hazard {
    kFlood,        // 洪水
    kLandslide,    // 崖崩れ、土石流及び地滑り
    kStormSurge,   // 高潮
    kEarthquake,   // 地震
    kTsunami,      // 津波
    kLargeFire,    // 大規模な火事
    kInlandFlood,  // 内水氾濫
    kVolcano,      // 火山現象
};
inline constexpr int kHazardCount = 8;

// The GSI property name (Japanese) and the key the ward's file uses ("tsunami").
std::string_view hazard_name_ja(Hazard h);
std::string_view hazard_key(Hazard h);
std::optional<Hazard> hazard_from_key(std::string_view key);

enum class FacilityKind {
    kEmergencySite,  // 指定緊急避難場所: where to flee from a hazard
    kShelter,        // 指定避難所: where to stay
    kStayFacility,   // 一時滞在施設: where stranded commuters wait
};
std::string_view facility_kind_key(FacilityKind k);  // "emergency_site", "shelter", "stay"

struct Facility {
    std::string id;  // GSI 共通ID, or the ward file's id
    FacilityKind kind = FacilityKind::kEmergencySite;
    std::string name;
    std::string name_en;  // the ward's file only; may be empty
    std::string address;
    double lat = 0;
    double lon = 0;
    std::vector<Hazard> hazards;  // empty: not designated for a particular hazard
    bool welfare = false;         // for 要支援者 / 要配慮者 (福祉避難所)
    int capacity = 0;             // people; 0 unknown
    std::string note;
};

struct Facilities {
    std::vector<Facility> all;
    // The licence line the pages must show (config/shelters/ATTRIBUTION).
    std::string attribution;
};

// The two GSI GeoJSON files (FeatureCollections of Points, GSI properties unchanged). A
// designated shelter takes the hazards of the emergency site at the same address (the GSI
// data marks that pairing; shelters have no hazard columns of their own).
Result<Facilities> load_gsi_facilities(const std::string& emergency_sites_geojson,
                                       const std::string& shelters_geojson);

// The ward's 一時滞在施設 file (config/shelters/README.md): tab-separated, a header line
// "id name name_en address lat lon capacity hazards note", '#' comments. Every bad line is
// reported with its number.
Result<std::vector<Facility>> load_stay_facilities(const std::string& path);

// Great-circle distance in metres.
double distance_m(double lat1, double lon1, double lat2, double lon2);

// The hazards an alert is about, read from its event and headline in Japanese (津波 ->
// tsunami, 大雨 -> flood and inland flood, 震度 -> earthquake, ...). Empty: none known.
std::vector<Hazard> hazards_of(const Alert& alert);

// The facilities designated for every one of `hazards` (all of them when `hazards` is
// empty; a facility without hazards only then), nearest to `from` first when given, else
// in file order.
struct Place {
    double lat = 0;
    double lon = 0;
};
struct Suitable {
    const Facility* facility = nullptr;
    std::optional<double> distance_m;
};
std::vector<Suitable> suitable_facilities(const Facilities& facilities,
                                          const std::vector<Hazard>& hazards,
                                          const std::optional<Place>& from);

// "https://maps.gsi.go.jp/#17/<lat>/<lon>/": the facility on GSI's map.
std::string gsi_map_url(double lat, double lon);

}  // namespace alerthub::hub::site
