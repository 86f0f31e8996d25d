#include "core/base/tsv.h"

#include <fmt/format.h>

namespace alerthub {
namespace {

std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> out;
    for (;;) {
        auto tab = line.find('\t');
        out.push_back(line.substr(0, tab));
        if (tab == std::string_view::npos) return out;
        line.remove_prefix(tab + 1);
    }
}

}  // namespace

std::vector<TsvRow> tsv_rows(std::string_view text) {
    std::vector<TsvRow> rows;
    int number = 0;
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        rows.push_back({.line = number, .fields = split_tabs(line)});
    }
    return rows;
}

Error tsv_error(const TsvRow& row, std::string_view why) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("line {}: {}", row.line, why));
}

Status tsv_expect_fields(const TsvRow& row, std::size_t count, std::string_view names) {
    if (row.fields.size() == count) return {};
    return tsv_error(row,
                     fmt::format("{} fields, expected {} ({})", row.fields.size(), count, names));
}

}  // namespace alerthub
