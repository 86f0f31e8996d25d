#include "hub/policy/lifetimes.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/base/tsv.h"

namespace alerthub::hub {

Result<LifetimeTable> LifetimeTable::parse(std::string_view tsv) {
    LifetimeTable table;
    for (const auto& row : tsv_rows(tsv)) {
        auto bad = [&](const std::string& what) { return tsv_error(row, what); };
        const auto& cols = row.fields;
        if (cols.size() != 3 || cols[0].empty() || cols[2].empty())
            return bad("expected code<TAB>minutes<TAB>why (with its source)");
        long minutes = 0;
        auto [p, ec] = std::from_chars(cols[1].data(), cols[1].data() + cols[1].size(), minutes);
        if (ec != std::errc() || p != cols[1].data() + cols[1].size() || minutes <= 0)
            return bad(fmt::format("'{}' is not a positive number of minutes", cols[1]));
        if (!table.minutes_.emplace(std::string(cols[0]), std::chrono::minutes(minutes)).second)
            return bad(fmt::format("{} is listed twice", cols[0]));
    }
    return table;
}

Result<LifetimeTable> LifetimeTable::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::kNotFound, fmt::format("cannot read {}", path));
    std::stringstream buf;
    buf << in.rdbuf();
    auto table = parse(buf.str());
    if (!table) return make_error(table.error().code, path + ": " + table.error().message);
    return table;
}

std::optional<std::chrono::minutes> LifetimeTable::lifetime(std::string_view type_code) const {
    auto it = minutes_.find(type_code);
    if (it == minutes_.end()) return std::nullopt;
    return it->second;
}

bool LifetimeTable::give_end(const SourceDocument& doc, Alert& alert,
                             std::optional<WallTime> replayed_at) const {
    if (alert.expires || !doc.jma) return false;
    auto minutes = lifetime(doc.jma->type_code);
    if (!minutes) return false;
    const WallTime from = replayed_at.value_or(alert.effective.value_or(alert.source.sent));
    alert.expires = from + *minutes;
    return true;
}

}  // namespace alerthub::hub
