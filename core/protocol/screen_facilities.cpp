#include "core/protocol/screen_facilities.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/base/time_format.h"
#include "core/protocol/payload_limits.h"

namespace alerthub {
namespace {

using nlohmann::json;

constexpr ScreenFacility::State kStates[] = {
    ScreenFacility::State::kOpen, ScreenFacility::State::kFull, ScreenFacility::State::kClosed};
constexpr ScreenFacility::Kind kKinds[] = {ScreenFacility::Kind::kEmergencySite,
                                           ScreenFacility::Kind::kShelter,
                                           ScreenFacility::Kind::kStay};

template <typename T, std::size_t N>
std::optional<T> from_key(const T (&values)[N], std::string_view key) {
    for (T v : values)
        if (to_string(v) == key) return v;
    return std::nullopt;
}

const json* member(const json& j, const char* key) {
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

std::optional<std::string> string_at(const json& j, const char* key) {
    const json* v = member(j, key);
    if (!v || !v->is_string()) return std::nullopt;
    return v->get<std::string>();
}

std::optional<WallTime> time_at(const json& j, const char* key) {
    auto text = string_at(j, key);
    if (!text) return std::nullopt;
    auto t = parse_rfc3339(*text);
    if (!t) return std::nullopt;
    return *t;
}

// A whole number 0 .. 10,000,000 (people, metres).
std::optional<int> count_at(const json& j, const char* key) {
    const json* v = member(j, key);
    if (!v || !v->is_number_integer()) return std::nullopt;
    auto n = v->get<std::int64_t>();
    if (n < 0 || n > 10'000'000) return std::nullopt;
    return static_cast<int>(n);
}

Result<ScreenFacility> decode_facility(const json& j, std::size_t index) {
    auto bad = [&](std::string why) {
        return make_error(
            ErrorCode::kInvalidArgument,
            fmt::format("{}: facility {}: {}", kScreenFacilitiesSchema, index + 1, why));
    };
    if (!j.is_object()) return bad("not an object");
    ScreenFacility f;
    auto id = string_at(j, "id");
    if (!id || id->empty() || id->size() > 200) return bad("'id' must be a string of 1-200 bytes");
    f.id = *id;
    auto kind = string_at(j, "kind");
    auto k = kind ? from_key(kKinds, *kind) : std::nullopt;
    if (!k) return bad("'kind' must be emergency_site, shelter or stay");
    f.kind = *k;
    auto state = string_at(j, "state");
    auto s = state ? from_key(kStates, *state) : std::nullopt;
    if (!s) return bad("'state' must be open, full or closed");
    f.state = *s;
    const json* name = member(j, "name");
    if (!name || !name->is_object()) return bad("'name' must be an object of language -> text");
    for (auto& [lang, text] : name->items()) {
        if (!text.is_string()) return bad(fmt::format("name '{}' is not a string", lang));
        auto value = text.get<std::string>();
        if (value.size() > kMaxFacilityNameBytes)
            return bad(fmt::format("name '{}' longer than {} bytes", lang, kMaxFacilityNameBytes));
        if (!value.empty()) f.name[lang] = std::move(value);
    }
    if (!f.name.contains("ja")) return bad("no Japanese name");
    auto taken_in = count_at(j, "taken_in");
    auto capacity = count_at(j, "capacity");
    auto distance = count_at(j, "distance_m");
    if (!taken_in || !capacity || !distance)
        return bad("'taken_in', 'capacity' and 'distance_m' must be whole numbers 0-10000000");
    f.taken_in = *taken_in;
    f.capacity = *capacity;
    f.distance_m = *distance;
    const json* hazards = member(j, "hazards");
    if (!hazards || !hazards->is_array()) return bad("'hazards' must be an array");
    for (auto& h : *hazards) {
        if (!h.is_string()) return bad("a hazard is not a string");
        if (auto hazard = hazard_from_key(h.get<std::string>())) f.hazards.push_back(*hazard);
    }
    auto t = time_at(j, "updated");
    if (!t) return bad("'updated' must be an RFC 3339 time");
    f.updated = *t;
    return f;
}

}  // namespace

std::string_view to_string(ScreenFacility::State s) {
    switch (s) {
        case ScreenFacility::State::kOpen:
            return "open";
        case ScreenFacility::State::kFull:
            return "full";
        case ScreenFacility::State::kClosed:
            return "closed";
    }
    return "closed";
}

std::string_view to_string(ScreenFacility::Kind k) {
    switch (k) {
        case ScreenFacility::Kind::kEmergencySite:
            return "emergency_site";
        case ScreenFacility::Kind::kShelter:
            return "shelter";
        case ScreenFacility::Kind::kStay:
            return "stay";
    }
    return "emergency_site";
}

std::string encode_screen_facilities(const ScreenFacilities& list) {
    json items = json::array();
    for (const auto& f : list.facilities) {
        json hazards = json::array();
        for (Hazard h : f.hazards) hazards.push_back(std::string(hazard_key(h)));
        items.push_back({{"id", f.id},
                         {"kind", std::string(to_string(f.kind))},
                         {"name", f.name},
                         {"state", std::string(to_string(f.state))},
                         {"taken_in", f.taken_in},
                         {"capacity", f.capacity},
                         {"hazards", std::move(hazards)},
                         {"distance_m", f.distance_m},
                         {"updated", format_rfc3339_jst(f.updated)}});
    }
    json j = {{"schema", std::string(kScreenFacilitiesSchema)},
              {"location", list.location},
              {"version", list.version},
              {"published", format_rfc3339_jst(list.published)},
              {"facilities", std::move(items)},
              {"signature", ""}};
    return j.dump();
}

Result<ScreenFacilities> decode_screen_facilities(std::string_view text) {
    auto bad = [](std::string why) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("{}: {}", kScreenFacilitiesSchema, why));
    };
    if (text.size() > kMaxFacilitiesPayloadBytes)
        return bad(fmt::format("{} bytes, more than the {} a screen takes", text.size(),
                               kMaxFacilitiesPayloadBytes));
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
    if (string_at(j, "schema") != kScreenFacilitiesSchema)
        return bad("wrong or missing schema tag");
    ScreenFacilities out;
    auto location = string_at(j, "location");
    if (!location || location->empty()) return bad("'location' must be a non-empty string");
    out.location = *location;
    const json* version = member(j, "version");
    if (!version || !version->is_number_integer() || version->get<std::int64_t>() < 0)
        return bad("'version' must be a whole number");
    out.version = version->get<std::int64_t>();
    auto t = time_at(j, "published");
    if (!t) return bad("'published' must be an RFC 3339 time");
    out.published = *t;
    const json* items = member(j, "facilities");
    if (!items || !items->is_array()) return bad("'facilities' must be an array");
    if (items->size() > kMaxScreenFacilities)
        return bad(fmt::format("{} facilities, more than {}", items->size(), kMaxScreenFacilities));
    for (std::size_t i = 0; i < items->size(); ++i) {
        auto f = decode_facility((*items)[i], i);
        if (!f) return f.error();
        out.facilities.push_back(std::move(*f));
    }
    return out;
}

}  // namespace alerthub
