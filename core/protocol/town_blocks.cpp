#include "core/protocol/town_blocks.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "core/base/tsv.h"
#include "core/protocol/area_match.h"

namespace alerthub {
namespace {

bool valid_code(std::string_view code) {
    return !code.empty() && std::all_of(code.begin(), code.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

bool valid_jis_code(std::string_view code) {
    return (code.size() == 5 || code.size() == 6) &&
           std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool take(std::string_view& s, std::string_view prefix) {
    if (s.substr(0, prefix.size()) != prefix) return false;
    s.remove_prefix(prefix.size());
    return true;
}

// 1..99 written as 一..九十九, ASCII digits or full-width digits.
std::optional<int> take_number(std::string_view& s) {
    static constexpr std::array<std::string_view, 9> kKanji = {"一", "二", "三", "四", "五",
                                                               "六", "七", "八", "九"};
    static constexpr std::array<std::string_view, 10> kWide = {"０", "１", "２", "３", "４",
                                                               "５", "６", "７", "８", "９"};
    auto kanji_digit = [&](std::string_view& t) -> std::optional<int> {
        for (std::size_t i = 0; i < kKanji.size(); ++i)
            if (take(t, kKanji[i])) return static_cast<int>(i) + 1;
        return std::nullopt;
    };
    std::string_view t = s;
    if (auto tens = kanji_digit(t); tens && take(t, "十")) {  // 二十, 二十三
        int value = *tens * 10 + kanji_digit(t).value_or(0);
        s = t;
        return value;
    }
    t = s;
    if (take(t, "十")) {  // 十, 十二
        s = t;
        return 10 + kanji_digit(s).value_or(0);
    }
    t = s;
    if (auto d = kanji_digit(t)) {
        s = t;
        return d;
    }
    int value = 0;
    bool any = false;
    for (;;) {
        bool digit = false;
        if (!s.empty() && s[0] >= '0' && s[0] <= '9') {
            value = value * 10 + (s[0] - '0');
            s.remove_prefix(1);
            digit = true;
        } else {
            for (std::size_t i = 0; i < kWide.size() && !digit; ++i)
                if (take(s, kWide[i])) {
                    value = value * 10 + static_cast<int>(i);
                    digit = true;
                }
        }
        if (!digit) break;
        any = true;
        if (value > 99) return std::nullopt;
    }
    return any ? std::optional<int>(value) : std::nullopt;
}

bool take_range_separator(std::string_view& s) {
    for (auto sep : {"～", "〜", "~", "－", "-", "から"})
        if (take(s, sep)) return true;
    return false;
}

}  // namespace

Result<TownBlocks> TownBlocks::parse(std::string_view tsv) {
    TownBlocks table;
    std::set<std::string, std::less<>> codes;
    std::set<std::string, std::less<>> names;
    for (const auto& row : tsv_rows(tsv)) {
        auto bad = [&](const std::string& why) { return tsv_error(row, why); };
        const auto& cols = row.fields;
        if (cols[0] == "@municipality") {
            if (cols.size() < 3 || !valid_jis_code(cols[1]) || cols[2].empty())
                return bad("expected @municipality, a JIS X 0402 code (131032) and a name");
            table.municipality_code_ = std::string(cols[1]);
            table.municipality_name_ = std::string(cols[2]);
            continue;
        }
        if (cols.size() < 4) return bad("expected code, name, town and chome separated by tabs");
        TownBlock b{.code = std::string(cols[0]),
                    .name = std::string(cols[1]),
                    .town = std::string(cols[2]),
                    .chome = 0,
                    .romaji = cols.size() > 4 ? std::string(cols[4]) : std::string(),
                    .kana = cols.size() > 5 ? std::string(cols[5]) : std::string(),
                    .district = cols.size() > 6 ? std::string(cols[6]) : std::string()};
        if (!valid_code(b.code)) return bad(fmt::format("bad code '{}' (a-z, 0-9, '-')", b.code));
        if (b.name.empty() || b.town.empty()) return bad("empty name or town");
        auto [end, ec] = std::from_chars(cols[3].data(), cols[3].data() + cols[3].size(), b.chome);
        if (ec != std::errc() || end != cols[3].data() + cols[3].size() || b.chome < 0 ||
            b.chome > 99)
            return bad(fmt::format("chome must be 0..99, was '{}'", cols[3]));
        if (b.name.rfind(b.town, 0) != 0)
            return bad(fmt::format("name '{}' does not start with its town '{}'", b.name, b.town));
        if (!codes.insert(b.code).second) return bad(fmt::format("duplicate code '{}'", b.code));
        if (!names.insert(b.name).second) return bad(fmt::format("duplicate name '{}'", b.name));
        table.blocks_.push_back(std::move(b));
    }
    if (table.blocks_.empty())
        return make_error(ErrorCode::kInvalidArgument, "town blocks: no rows");
    return table;
}

Result<TownBlocks> TownBlocks::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::kNotFound, fmt::format("cannot read {}", path));
    std::stringstream text;
    text << in.rdbuf();
    auto table = parse(text.str());
    if (!table) return make_error(table.error().code, path + ": " + table.error().message);
    return table;
}

const TownBlock* TownBlocks::find(std::string_view code) const {
    auto it = std::find_if(blocks_.begin(), blocks_.end(),
                           [&](const TownBlock& b) { return b.code == code; });
    return it == blocks_.end() ? nullptr : &*it;
}

const TownBlock* TownBlocks::find_by_name(std::string_view name) const {
    auto it = std::find_if(blocks_.begin(), blocks_.end(),
                           [&](const TownBlock& b) { return b.name == name; });
    return it == blocks_.end() ? nullptr : &*it;
}

std::vector<std::string> TownBlocks::towns() const {
    std::vector<std::string> out;
    for (auto& b : blocks_)
        if (std::find(out.begin(), out.end(), b.town) == out.end()) out.push_back(b.town);
    return out;
}

std::vector<std::string> TownBlocks::districts() const {
    std::vector<std::string> out;
    for (auto& b : blocks_)
        if (!b.district.empty() && std::find(out.begin(), out.end(), b.district) == out.end())
            out.push_back(b.district);
    return out;
}

std::vector<const TownBlock*> TownBlocks::blocks_of(std::string_view town) const {
    std::vector<const TownBlock*> out;
    for (auto& b : blocks_)
        if (b.town == town) out.push_back(&b);
    return out;
}

bool TownBlocks::is_ward_code(std::string_view code) const {
    if (municipality_code_.empty() || !valid_jis_code(code)) return false;
    // 13103 and 131032 are the same ward: the sixth digit is only a check digit.
    return code.substr(0, 5) == std::string_view(municipality_code_).substr(0, 5);
}

bool TownBlocks::is_ward(const AlertArea& area) const {
    if (municipality_code_.empty()) return false;
    Place p = AreaMatcher(this).place_of(area);
    return p.kind == Place::Kind::kMunicipality &&
           p.jis == std::string_view(municipality_code_).substr(0, 5);
}

std::vector<std::string> TownBlocks::blocks_named(const AlertArea& area) const {
    if (area.scheme == "town") {
        if (auto* b = find(area.code)) return {b->code};
        if (auto slash = area.code.find('/'); slash != std::string::npos) {
            // L-Alert's "131032/芝浦一丁目": a block of this ward only when the code is ours.
            if (!is_ward_code(std::string_view(area.code).substr(0, slash))) return {};
            return blocks_in_ward_name(std::string_view(area.code).substr(slash + 1));
        }
        return blocks_in_ward_name(area.name);
    }
    if (!area.code.empty()) return {};  // a coded area of another scheme: not a block
    return blocks_in_ward_name(area.name);
}

std::vector<std::string> TownBlocks::blocks_in_ward_name(std::string_view name) const {
    if (name.empty()) return {};
    auto named = blocks_in_name(name);
    if (!named.empty()) return named;
    // "港区芝浦一丁目～四丁目", "東京都港区芝浦四丁目": the ward's own name before the blocks.
    take(name, "東京都");
    if (!municipality_name_.empty())
        return take(name, municipality_name_) ? blocks_in_name(name) : std::vector<std::string>{};
    auto ward = name.find("区");
    if (ward == std::string_view::npos || ward > 4 * 3) return {};
    return blocks_in_name(name.substr(ward + std::string_view("区").size()));
}

std::vector<std::string> TownBlocks::blocks_in_name(std::string_view name) const {
    if (auto* b = find_by_name(name)) return {b->code};

    // The longest town name the area's name starts with (芝公園 before 芝).
    std::string_view town;
    for (auto& b : blocks_)
        if (name.substr(0, b.town.size()) == b.town && b.town.size() > town.size()) town = b.town;
    if (town.empty()) return {};
    std::string_view rest = name.substr(town.size());
    auto blocks = blocks_of(town);
    std::vector<std::string> out;
    if (rest.empty() || rest == "全域") {
        for (auto* b : blocks) out.push_back(b->code);
        return out;
    }
    auto first = take_number(rest);
    if (!first) return {};
    take(rest, "丁目");
    int last = *first;
    if (!rest.empty()) {
        if (!take_range_separator(rest)) return {};
        auto to = take_number(rest);
        if (!to || *to < *first) return {};
        take(rest, "丁目");
        if (!rest.empty()) return {};
        last = *to;
    }
    for (int chome = *first; chome <= last; ++chome) {
        auto it = std::find_if(blocks.begin(), blocks.end(),
                               [&](const TownBlock* b) { return b->chome == chome; });
        if (it == blocks.end()) return {};  // a block the ward does not have: cannot place it
        out.push_back((*it)->code);
    }
    return out;
}

AreaTargeting TownBlocks::target(const std::vector<AlertArea>& areas) const {
    return AreaMatcher(this).target(areas);
}

}  // namespace alerthub
