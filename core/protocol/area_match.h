#pragma once
// Whether an alert's areas concern a place, whatever form either is written in: the one rule
// shared by the signage player (which alerts a screen shows, at which level) and both
// adapters (TownBlocks::target: whom LINE and mail reach). docs/protocol.md, "Area
// targeting".
//
// A place is understood as one of:
//   - a prefecture or a municipality, by JIS X 0402 code with or without its check digit
//     (130001, 131032, 13103), or by JMA's municipality code (1310300: the JIS code and "00");
//   - town blocks of the ward in the table (config/minato_town_blocks.tsv): by code
//     (shibaura-1), by L-Alert's "131032/芝浦一丁目", by name (芝浦一丁目), by town (芝浦: all its
//     blocks) or range (芝浦一丁目～四丁目); without the table only the L-Alert form is a block;
//   - anything else (a JMA region such as 350 東京都２３区, a CAP geocode): by its code alone.
// Two places match when either lies within the other (a ward holds its blocks, a prefecture
// its municipalities), when their blocks overlap, or when their codes are equal.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/protocol/alert.h"
#include "core/protocol/town_blocks.h"

namespace alerthub {

struct Place {
    enum class Kind {
        kEverywhere,    // "*"
        kPrefecture,    // jis: the 2-digit prefecture code
        kMunicipality,  // jis: the 5-digit municipality code
        kBlocks,        // town blocks of the municipality `jis` ("" when unknown)
        kOther,         // matched by `label` alone
    };
    Kind kind = Kind::kOther;
    std::string label;  // the code as written, or the name of an uncoded area
    std::string jis;
    // kBlocks: the table's block codes, sorted; without the table (or for another
    // municipality) "13103/芝浦一丁目". Empty: a block of `jis` the table does not know.
    std::vector<std::string> blocks;

    bool operator==(const Place&) const = default;
};

// Either lies within the other, their blocks overlap, or their labels are equal.
bool places_overlap(const Place& a, const Place& b);

class AreaMatcher {
public:
    // `blocks` may be null: then names and block codes are not understood, only code forms.
    explicit AreaMatcher(const TownBlocks* blocks = nullptr) : blocks_(blocks) {}

    // A place as written in a configuration ("131032", "1310300", "shibaura-1", "芝浦",
    // "131032/芝浦一丁目", "350", "*").
    Place place_of(std::string_view configured) const;
    // An alert's area, read by its scheme (jisx0402, jma, town, none; others by code).
    Place place_of(const AlertArea& area) const;

    // Indexes of the areas that say where the alert applies: all of them, except a
    // municipality's own area without a level next to areas that are all blocks of that
    // municipality: it names who issues the alert (L-Alert always sends it, the ward's CAP
    // too), and the blocks are where.
    std::vector<std::size_t> where(const std::vector<AlertArea>& areas) const;

    // Whom LINE and mail reach (TownBlocks::target); needs the table.
    AreaTargeting target(const std::vector<AlertArea>& areas) const;

private:
    const TownBlocks* blocks_;
};

// The areas one screen is configured for, read once; matched against every alert.
class ConfiguredAreas {
public:
    // `blocks` may be null (the table is missing): only code forms are understood then.
    ConfiguredAreas(std::vector<std::string> configured, std::shared_ptr<const TownBlocks> blocks);

    bool has_town_blocks() const { return blocks_ != nullptr; }
    const std::vector<std::string>& configured() const { return configured_; }

    // Some area of the alert (where()) matches one of ours, or ours hold "*".
    bool matches(const Alert& alert) const;
    // The 警戒レベル that applies here: the highest among the alert's areas (where()) that
    // match ours (an area without a level of its own has the alert's), never above the
    // alert's level; the alert's level when none matches.
    std::optional<int> level_for(const Alert& alert) const;

private:
    bool matches(const Place& area) const;

    std::vector<std::string> configured_;
    std::shared_ptr<const TownBlocks> blocks_;
    std::vector<Place> places_;
};

}  // namespace alerthub
