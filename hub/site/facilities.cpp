#include "hub/site/facilities.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/base/tsv.h"

namespace alerthub::hub::site {
namespace {

using nlohmann::json;

Result<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::kNotFound, fmt::format("{}: cannot open", path));
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string string_property(const json& props, const char* key) {
    auto it = props.find(key);
    if (it == props.end() || !it->is_string()) return {};
    return it->get<std::string>();
}

// The features of a GSI GeoJSON file, each checked for a point and a name.
Result<std::vector<json>> read_features(const std::string& path) {
    auto text = read_file(path);
    if (!text) return text.error();
    json doc = json::parse(*text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("features") ||
        !doc["features"].is_array())
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("{}: not a GeoJSON FeatureCollection", path));
    std::vector<json> out;
    int n = 0;
    for (auto& f : doc["features"]) {
        ++n;
        const json* coords = nullptr;
        if (f.contains("geometry") && f["geometry"].is_object() &&
            f["geometry"].value("type", "") == "Point")
            coords = &f["geometry"]["coordinates"];
        if (!coords || !coords->is_array() || coords->size() < 2 || !(*coords)[0].is_number() ||
            !(*coords)[1].is_number() || !f.contains("properties") || !f["properties"].is_object())
            return make_error(
                ErrorCode::kInvalidArgument,
                fmt::format("{}: feature {} is not a Point with properties", path, n));
        if (string_property(f["properties"], "施設・場所名").empty())
            return make_error(ErrorCode::kInvalidArgument,
                              fmt::format("{}: feature {} has no 施設・場所名", path, n));
        out.push_back(std::move(f));
    }
    return out;
}

Facility facility_of(const json& f, FacilityKind kind) {
    const json& p = f["properties"];
    Facility fac;
    fac.kind = kind;
    fac.id = string_property(p, "共通ID");
    fac.name = string_property(p, "施設・場所名");
    fac.address = string_property(p, "住所");
    fac.lon = f["geometry"]["coordinates"][0].get<double>();
    fac.lat = f["geometry"]["coordinates"][1].get<double>();
    fac.note = string_property(p, "備考");
    return fac;
}

std::vector<std::string> split(std::string_view line, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        auto end = line.find(sep, start);
        out.emplace_back(line.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) return out;
        start = end + 1;
    }
}

std::optional<double> to_double(const std::string& s) {
    double v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace

std::string_view facility_kind_key(FacilityKind k) {
    switch (k) {
        case FacilityKind::kEmergencySite:
            return "emergency_site";
        case FacilityKind::kShelter:
            return "shelter";
        case FacilityKind::kStayFacility:
            return "stay";
    }
    return "emergency_site";
}

Result<Facilities> load_gsi_facilities(const std::string& emergency_sites_geojson,
                                       const std::string& shelters_geojson) {
    auto sites = read_features(emergency_sites_geojson);
    if (!sites) return sites.error();
    auto shelters = read_features(shelters_geojson);
    if (!shelters) return shelters.error();
    Facilities out;
    std::map<std::string, std::vector<Hazard>> hazards_at;  // address -> the site's hazards
    for (const auto& f : *sites) {
        Facility fac = facility_of(f, FacilityKind::kEmergencySite);
        for (int i = 0; i < kHazardCount; ++i) {
            const auto h = static_cast<Hazard>(i);
            if (string_property(f["properties"], std::string(hazard_name_ja(h)).c_str()) == "1")
                fac.hazards.push_back(h);
        }
        hazards_at[fac.address] = fac.hazards;
        out.all.push_back(std::move(fac));
    }
    for (const auto& f : *shelters) {
        Facility fac = facility_of(f, FacilityKind::kShelter);
        // GSI's 受入対象者 reads 要支援者 for 港区's welfare shelters (要配慮者 elsewhere).
        const std::string for_whom = string_property(f["properties"], "受入対象者");
        fac.welfare = for_whom.find("要支援者") != std::string::npos ||
                      for_whom.find("要配慮者") != std::string::npos;
        if (string_property(f["properties"], "指定緊急避難場所との住所同一") == "1")
            if (auto it = hazards_at.find(fac.address); it != hazards_at.end())
                fac.hazards = it->second;
        out.all.push_back(std::move(fac));
    }
    return out;
}

Result<std::vector<Facility>> load_stay_facilities(const std::string& path) {
    auto text = read_file(path);
    if (!text) return text.error();
    static const std::vector<std::string> kHeader = {"id",  "name",     "name_en", "address", "lat",
                                                     "lon", "capacity", "hazards", "note"};
    std::vector<Facility> out;
    std::vector<std::string> problems;
    bool header_seen = false;
    for (const auto& row : tsv_rows(*text)) {
        const int number = row.line;
        std::vector<std::string> cols(row.fields.begin(), row.fields.end());
        if (!header_seen) {
            if (cols != kHeader) {
                problems.push_back(
                    fmt::format("{}:{}: the header must be the tab-separated "
                                "columns: id name name_en address lat lon "
                                "capacity hazards note",
                                path, number));
                break;
            }
            header_seen = true;
            continue;
        }
        if (cols.size() != kHeader.size()) {
            problems.push_back(fmt::format("{}:{}: {} columns, expected {}", path, number,
                                           cols.size(), kHeader.size()));
            continue;
        }
        Facility fac;
        fac.kind = FacilityKind::kStayFacility;
        fac.id = cols[0];
        fac.name = cols[1];
        fac.name_en = cols[2];
        fac.address = cols[3];
        fac.note = cols[8];
        auto lat = to_double(cols[4]);
        auto lon = to_double(cols[5]);
        int capacity = 0;
        auto [ptr, ec] = std::from_chars(cols[6].data(), cols[6].data() + cols[6].size(), capacity);
        std::string why;
        if (fac.id.empty() || fac.id.find_first_of(" /\"'<>&") != std::string::npos)
            why = "id must be non-empty without spaces, '/', quotes, '<', '>' or '&'";
        else if (fac.name.empty())
            why = "name is empty";
        else if (!lat || !lon || *lat < -90 || *lat > 90 || *lon < -180 || *lon > 180)
            why = "lat and lon must be decimal degrees";
        else if (!cols[6].empty() &&
                 (ec != std::errc{} || ptr != cols[6].data() + cols[6].size() || capacity < 0))
            why = "capacity must be a whole number of people (or empty)";
        for (const auto& key : split(cols[7], ',')) {
            if (key.empty() || !why.empty()) continue;
            if (auto h = hazard_from_key(key))
                fac.hazards.push_back(*h);
            else
                why = fmt::format(
                    "unknown hazard '{}' (flood, landslide, storm_surge, earthquake, "
                    "tsunami, large_fire, inland_flood, volcano)",
                    key);
        }
        for (const auto& other : out)
            if (why.empty() && other.id == fac.id) why = fmt::format("id '{}' repeated", fac.id);
        if (!why.empty()) {
            problems.push_back(fmt::format("{}:{}: {}", path, number, why));
            continue;
        }
        fac.lat = *lat;
        fac.lon = *lon;
        fac.capacity = capacity;
        out.push_back(std::move(fac));
    }
    if (!header_seen && problems.empty())
        problems.push_back(fmt::format("{}: no header line", path));
    if (!problems.empty()) {
        std::string all;
        for (const auto& p : problems) all += (all.empty() ? "" : "\n") + p;
        return make_error(ErrorCode::kInvalidArgument, all);
    }
    return out;
}

double distance_m(double lat1, double lon1, double lat2, double lon2) {
    constexpr double kEarthRadiusM = 6371008.8;
    constexpr double kRad = 3.14159265358979323846 / 180.0;
    const double dlat = (lat2 - lat1) * kRad;
    const double dlon = (lon2 - lon1) * kRad;
    const double a =
        std::sin(dlat / 2) * std::sin(dlat / 2) +
        std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(a)));
}

std::vector<Suitable> suitable_facilities(const Facilities& facilities,
                                          const std::vector<Hazard>& hazards,
                                          const std::optional<Place>& from) {
    std::vector<Suitable> out;
    for (const auto& f : facilities.all) {
        if (!designated_for_all(f.hazards, hazards)) continue;
        Suitable s{.facility = &f, .distance_m = std::nullopt};
        if (from) s.distance_m = distance_m(from->lat, from->lon, f.lat, f.lon);
        out.push_back(s);
    }
    if (from)
        std::stable_sort(out.begin(), out.end(), [](const Suitable& a, const Suitable& b) {
            return *a.distance_m < *b.distance_m;
        });
    return out;
}

std::string gsi_map_url(double lat, double lon) {
    return fmt::format("https://maps.gsi.go.jp/#17/{:.6f}/{:.6f}/", lat, lon);
}

}  // namespace alerthub::hub::site
