#include "core/protocol/area_match.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace alerthub {
namespace {

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// A JIS X 0402 code, 5 digits or 6 with the check digit: "13000" is the prefecture 東京都,
// "13103" the municipality 港区 (the check digit says nothing about the place).
Place jis_place(std::string_view code) {
    Place p;
    p.label = std::string(code);
    if (!all_digits(code) || (code.size() != 5 && code.size() != 6)) return p;
    auto five = code.substr(0, 5);
    if (five.substr(2) == "000") {
        p.kind = Place::Kind::kPrefecture;
        p.jis = std::string(five.substr(0, 2));
    } else {
        p.kind = Place::Kind::kMunicipality;
        p.jis = std::string(five);
    }
    return p;
}

// JMA's code of a municipality (市町村等) is its JIS code without the check digit and "00";
// JMA's other codes (regions, 350 東京都２３区, 312 東京湾内湾) are matched by code alone.
Place jma_place(std::string_view code) {
    if (all_digits(code) && code.size() == 7 && code.substr(5) == "00")
        return {Place::Kind::kMunicipality, std::string(code), std::string(code.substr(0, 5)), {}};
    return {Place::Kind::kOther, std::string(code), {}, {}};
}

bool contains(const Place& outer, const Place& inner) {
    if (inner.jis.empty()) return false;
    switch (outer.kind) {
        case Place::Kind::kPrefecture:
            return inner.kind != Place::Kind::kOther && inner.kind != Place::Kind::kEverywhere &&
                   inner.jis.starts_with(outer.jis);
        case Place::Kind::kMunicipality:
            return (inner.kind == Place::Kind::kMunicipality ||
                    inner.kind == Place::Kind::kBlocks) &&
                   inner.jis == outer.jis;
        default:
            return false;
    }
}

}  // namespace

bool places_overlap(const Place& a, const Place& b) {
    if (a.kind == Place::Kind::kEverywhere || b.kind == Place::Kind::kEverywhere) return true;
    if (!a.label.empty() && a.label == b.label) return true;
    if (contains(a, b) || contains(b, a)) return true;
    if (a.kind != Place::Kind::kBlocks || b.kind != Place::Kind::kBlocks) return false;
    return std::any_of(a.blocks.begin(), a.blocks.end(), [&](const std::string& block) {
        return std::find(b.blocks.begin(), b.blocks.end(), block) != b.blocks.end();
    });
}

Place AreaMatcher::place_of(std::string_view configured) const {
    if (configured == "*") return {Place::Kind::kEverywhere, "*", {}, {}};
    if (all_digits(configured))
        return configured.size() == 7 ? jma_place(configured) : jis_place(configured);
    if (configured.find('/') != std::string_view::npos)
        return place_of(AlertArea{"town", std::string(configured), ""});
    if (blocks_ && blocks_->find(configured))
        return place_of(AlertArea{"town", std::string(configured), ""});
    return place_of(AlertArea{"", "", std::string(configured)});
}

Place AreaMatcher::place_of(const AlertArea& area) const {
    const std::string scheme = lower(area.scheme);
    if (scheme == "jisx0402") return jis_place(area.code);
    if (scheme == "jma") return jma_place(area.code);
    const std::string ward = blocks_ ? blocks_->municipality_code().substr(0, 5) : std::string();
    Place p;
    p.label = area.code.empty() ? area.name : area.code;
    if (scheme != "town" && !area.code.empty()) return p;  // a code of another scheme
    if (blocks_) {
        if (auto named = blocks_->blocks_named(area); !named.empty()) {
            std::sort(named.begin(), named.end());
            return {Place::Kind::kBlocks, p.label, ward, std::move(named)};
        }
        if (area.code.empty() && !area.name.empty() &&
            (area.name == blocks_->municipality_name() ||
             area.name == "東京都" + blocks_->municipality_name()))
            return {Place::Kind::kMunicipality, p.label, ward, {}};
    }
    // L-Alert's "131032/芝浦一丁目": a block of that municipality, named, even without the table.
    auto slash = area.code.find('/');
    if (scheme != "town" || slash == std::string::npos) return p;
    Place municipality = jis_place(std::string_view(area.code).substr(0, slash));
    if (municipality.kind != Place::Kind::kMunicipality) return p;
    p.kind = Place::Kind::kBlocks;
    p.jis = municipality.jis;
    // A name the ward's own table does not know stays an unknown block of the ward.
    if (!blocks_ || p.jis != ward) p.blocks = {p.jis + area.code.substr(slash)};
    return p;
}

std::vector<std::size_t> AreaMatcher::where(const std::vector<AlertArea>& areas) const {
    std::vector<std::size_t> all(areas.size());
    for (std::size_t i = 0; i < areas.size(); ++i) all[i] = i;
    std::vector<std::size_t> blocks;
    std::vector<std::size_t> issuers;
    std::string jis;  // of the blocks
    for (std::size_t i = 0; i < areas.size(); ++i) {
        Place p = place_of(areas[i]);
        if (p.kind == Place::Kind::kMunicipality) {
            if (areas[i].level) return all;  // an order for the whole municipality
            issuers.push_back(i);
            continue;
        }
        // Anything but known blocks of one municipality: the municipality's area is a place.
        if (p.kind != Place::Kind::kBlocks || p.blocks.empty() || p.jis.empty()) return all;
        if (!jis.empty() && p.jis != jis) return all;
        jis = p.jis;
        blocks.push_back(i);
    }
    if (blocks.empty()) return all;
    for (auto i : issuers)
        if (place_of(areas[i]).jis != jis) return all;  // another municipality's area
    return blocks;
}

AreaTargeting AreaMatcher::target(const std::vector<AlertArea>& areas) const {
    AreaTargeting t;
    std::set<std::string> codes;
    std::vector<std::string> ward;  // the ward's own areas
    bool ward_has_level = false;
    const std::string ward_jis =
        blocks_ ? blocks_->municipality_code().substr(0, 5) : std::string();
    for (auto i : where(areas)) {
        const AlertArea& area = areas[i];
        auto label = area.code.empty() ? area.name : area.scheme + ":" + area.code;
        Place p = place_of(area);
        if (blocks_ && p.kind == Place::Kind::kMunicipality && !ward_jis.empty() &&
            p.jis == ward_jis) {
            ward.push_back(label);
            ward_has_level = ward_has_level || area.level.has_value();
        } else if (blocks_ && p.kind == Place::Kind::kBlocks && p.jis == ward_jis &&
                   !p.blocks.empty()) {
            codes.insert(p.blocks.begin(), p.blocks.end());
        } else {
            t.unplaced.push_back(label);
        }
    }
    // The ward's own area kept beside blocks (because of an area we cannot place) does not
    // itself make the alert ward-wide; alone, or with a level of its own, it does.
    if (codes.empty() || ward_has_level)
        t.unplaced.insert(t.unplaced.end(), ward.begin(), ward.end());
    t.whole_ward = codes.empty() || !t.unplaced.empty();
    if (!t.whole_ward) t.codes.assign(codes.begin(), codes.end());
    return t;
}

ConfiguredAreas::ConfiguredAreas(std::vector<std::string> configured,
                                 std::shared_ptr<const TownBlocks> blocks)
    : configured_(std::move(configured)), blocks_(std::move(blocks)) {
    AreaMatcher matcher(blocks_.get());
    for (auto& c : configured_) places_.push_back(matcher.place_of(c));
}

bool ConfiguredAreas::matches(const Place& area) const {
    return std::any_of(places_.begin(), places_.end(),
                       [&](const Place& ours) { return places_overlap(ours, area); });
}

bool ConfiguredAreas::matches(const Alert& alert) const {
    if (std::any_of(places_.begin(), places_.end(),
                    [](const Place& p) { return p.kind == Place::Kind::kEverywhere; }))
        return true;
    AreaMatcher matcher(blocks_.get());
    for (auto i : matcher.where(alert.areas))
        if (matches(matcher.place_of(alert.areas[i]))) return true;
    return false;
}

std::optional<int> ConfiguredAreas::level_for(const Alert& alert) const {
    if (!alert.level) return std::nullopt;
    AreaMatcher matcher(blocks_.get());
    std::optional<int> level;
    for (auto i : matcher.where(alert.areas)) {
        const AlertArea& area = alert.areas[i];
        if (matches(matcher.place_of(area)))
            level = std::max(level.value_or(0), area.level.value_or(*alert.level));
    }
    return level ? std::min(*level, *alert.level) : alert.level;
}

}  // namespace alerthub
