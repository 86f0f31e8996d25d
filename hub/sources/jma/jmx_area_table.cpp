#include "hub/sources/jma/jmx_area_table.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "core/base/tsv.h"

namespace alerthub::hub {
namespace {

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        auto pos = s.find(sep, start);
        out.emplace_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
        if (pos == std::string_view::npos) return out;
        start = pos + 1;
    }
}

}  // namespace

Result<JmaAreaTable> JmaAreaTable::parse(std::string_view tsv) {
    JmaAreaTable table;
    std::map<std::string, int> line_of;
    for (const auto& row : tsv_rows(tsv)) {
        auto columns =
            tsv_expect_fields(row, 7, "code_type, code, name, parent, also_in, romaji, kana");
        if (!columns) return columns.error();
        const auto& fields = row.fields;
        JmaArea area{.code_type = std::string(fields[0]),
                     .code = std::string(fields[1]),
                     .name = std::string(fields[2]),
                     .parent = std::string(fields[3]),
                     .also_in = {},
                     .romaji = std::string(fields[5]),
                     .kana = std::string(fields[6])};
        if (area.code.empty() || area.name.empty()) return tsv_error(row, "empty code or name");
        if (!fields[4].empty()) area.also_in = split(fields[4], ',');
        if (!line_of.emplace(area.code, row.line).second)
            return tsv_error(
                row, fmt::format("code {} already on line {}", area.code, line_of[area.code]));
        table.areas_.emplace(area.code, std::move(area));
    }
    for (const auto& [code, area] : table.areas_) {
        std::vector<std::string> refs = area.also_in;
        if (!area.parent.empty()) refs.push_back(area.parent);
        for (const auto& ref : refs)
            if (!table.areas_.count(ref))
                return make_error(
                    ErrorCode::kInvalidArgument,
                    fmt::format("line {}: {} refers to unknown code {}", line_of[code], code, ref));
        // Walking up must end: a cycle would make covering() loop.
        std::set<std::string> seen{code};
        for (auto p = area.parent; !p.empty(); p = table.areas_.at(p).parent)
            if (!seen.insert(p).second)
                return make_error(
                    ErrorCode::kInvalidArgument,
                    fmt::format("line {}: parents of {} form a cycle", line_of[code], code));
    }
    return table;
}

Result<JmaAreaTable> JmaAreaTable::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::kNotFound, fmt::format("cannot read {}", path));
    std::stringstream buf;
    buf << in.rdbuf();
    auto table = parse(buf.str());
    if (!table) return make_error(table.error().code, path + ": " + table.error().message);
    return table;
}

const JmaArea* JmaAreaTable::find(std::string_view code) const {
    auto it = areas_.find(code);
    return it == areas_.end() ? nullptr : &it->second;
}

std::set<std::string> JmaAreaTable::covering(std::string_view code) const {
    std::set<std::string> out;
    const JmaArea* start = find(code);
    if (!start) return out;
    std::vector<std::string> roots{start->code};
    roots.insert(roots.end(), start->also_in.begin(), start->also_in.end());
    for (const auto& root : roots)
        for (const JmaArea* a = find(root); a; a = a->parent.empty() ? nullptr : find(a->parent))
            out.insert(a->code);
    return out;
}

bool JmaAreaTable::concerns(const std::vector<AlertArea>& areas,
                            std::string_view municipality) const {
    auto cover = covering(municipality);
    for (const auto& a : areas)
        if (a.scheme == "jma" && cover.count(a.code)) return true;
    return false;
}

}  // namespace alerthub::hub
