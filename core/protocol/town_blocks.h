#pragma once
// The ward's towns (町) and town blocks (丁目), from config/minato_town_blocks.tsv: what a
// subscriber can choose, and which blocks an alert names. Both adapters decide from this
// (target()) whether an alert concerns the whole ward or only some blocks (docs/protocol.md,
// "Area targeting"), by the same rule (core/protocol/area_match.h) that decides which alerts
// a signage player shows.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/protocol/alert.h"

namespace alerthub {

struct TownBlock {
    std::string code;    // stable ASCII id: "shibaura-4"; a town without 丁目: "azabunagasakacho"
    std::string name;    // 芝浦四丁目
    std::string town;    // 芝浦
    int chome = 0;       // 4; 0 for a town without 丁目
    std::string romaji;  // "Shibaura 4-chome"; "" when the file has none
    std::string kana;  // "しばうら よんちょうめ" (for やさしい日本語); "" when none
    std::string district;  // the 地区 that serves it: 芝, 麻布, 赤坂, 高輪, 芝浦港南, 台場
};

// What an alert concerns, for choosing its audience.
struct AreaTargeting {
    // True unless every area of the alert is a known town block (or a town, or a range of
    // blocks), apart from the ward's own area naming who issues it: an alert for the ward, for
    // a wider region, without areas, or naming an area we cannot place goes to everyone,
    // because missing someone is worse than telling too many.
    bool whole_ward = true;
    std::vector<std::string> codes;     // town-block codes, sorted, when !whole_ward
    std::vector<std::string> unplaced;  // names/codes that made it whole-ward, for the log
};

class TownBlocks {
public:
    // Tab-separated code, name, town, chome, then optionally the romanized name, the kana
    // reading and the district (more columns are ignored); '#' lines and blank
    // lines are skipped. One optional line "@municipality<TAB>131032<TAB>港区" gives the
    // ward's JIS X 0402 code and name. Refuses duplicate codes or names and bad rows, naming
    // the line.
    static Result<TownBlocks> parse(std::string_view tsv);
    static Result<TownBlocks> load(const std::string& path);

    const TownBlock* find(std::string_view code) const;
    const TownBlock* find_by_name(std::string_view name) const;
    const std::vector<TownBlock>& all() const { return blocks_; }
    std::size_t size() const { return blocks_.size(); }
    // Town names in file order, each once.
    std::vector<std::string> towns() const;
    std::vector<const TownBlock*> blocks_of(std::string_view town) const;
    // District names in file order, each once ("" blocks are left out).
    std::vector<std::string> districts() const;
    // The ward's JIS X 0402 code with its check digit ("131032"); "" when the file has none.
    const std::string& municipality_code() const { return municipality_code_; }
    // The ward's name ("港区"); "" when the file has none.
    const std::string& municipality_name() const { return municipality_name_; }

    // The blocks one area names. Scheme "town": by code (shibaura-4), by L-Alert's
    // "<municipality code>/<name>" (131032/芝浦四丁目, hub/sources/lalert/lalert_parser.cpp) when
    // the code is this ward's, else by the area's name. Otherwise an uncoded area by name, as a
    // block (芝浦四丁目), a town (芝浦: all its blocks) or a range (芝浦一丁目～四丁目,
    // 芝浦1～4丁目), also after the ward's name (港区芝浦四丁目). Empty when the area is not (only)
    // town blocks of this ward.
    std::vector<std::string> blocks_named(const AlertArea& area) const;
    // True for the ward itself, in any form AreaMatcher reads (area_match.h): scheme jisx0402
    // (any case) with the ward's code, with or without its check digit; JMA's code of the
    // ward (1310300); an uncoded area named for the ward (港区).
    bool is_ward(const AlertArea& area) const;
    // The ward's own area next to blocks names who issues the alert (L-Alert always sends it,
    // the ward's CAP too), not where: then the blocks are the audience. Alone, or with a
    // 警戒レベル of its own (L-Alert: an order for the whole municipality), it is the ward.
    // AreaMatcher::target with this table.
    AreaTargeting target(const std::vector<AlertArea>& areas) const;

private:
    std::vector<std::string> blocks_in_name(std::string_view name) const;
    std::vector<std::string> blocks_in_ward_name(std::string_view name) const;
    bool is_ward_code(std::string_view code) const;

    std::vector<TownBlock> blocks_;
    std::string municipality_code_;
    std::string municipality_name_;
};

}  // namespace alerthub
