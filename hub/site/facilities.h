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
#include "core/protocol/hazards.h"

namespace alerthub::hub::site {

// The hazards and the reading of an alert's are shared with the screens
// (core/protocol/hazards.h).
using alerthub::Hazard;
using alerthub::hazard_from_key;
using alerthub::hazard_key;
using alerthub::hazard_name_ja;
using alerthub::hazards_of;
using alerthub::kHazardCount;

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
