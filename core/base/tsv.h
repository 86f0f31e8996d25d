#pragma once
// Tab-separated tables (the JMA lifetimes and area codes, the town blocks, the site's stay
// facilities and screen locations): one row a line, fields split at every tab, blank lines
// and lines starting with '#' skipped, a trailing '\r' dropped (a file saved on Windows
// reads the same). Every row keeps its line number so that errors can name it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace alerthub {

struct TsvRow {
    int line = 0;                          // 1-based, counting every line of the text
    std::vector<std::string_view> fields;  // views into the text given to tsv_rows
};

// The data rows of `text`, in order; the views stay valid as long as `text` does.
std::vector<TsvRow> tsv_rows(std::string_view text);

// "line N: why", as a table's parse() reports a bad row (its load() puts the path before it).
Error tsv_error(const TsvRow& row, std::string_view why);

// Fails with "line N: K fields, expected `count` (`names`)" unless the row has `count` fields.
Status tsv_expect_fields(const TsvRow& row, std::size_t count, std::string_view names);

}  // namespace alerthub
