#include "core/base/tsv.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace alerthub {
namespace {

using Fields = std::vector<std::string_view>;

TEST(TsvTest, SkipsCommentsAndBlankLinesAndKeepsEachRowsLineNumber) {
    const std::string text = "# code\tminutes\n\nVXSE44\t10\n  \n# VXSE51\t60\nVPWW53\t\t1440";
    auto rows = tsv_rows(text);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].line, 3);
    EXPECT_EQ(rows[0].fields, (Fields{"VXSE44", "10"}));
    // Only an empty line is blank: a line of spaces is a row (its one field says so).
    EXPECT_EQ(rows[1].line, 4);
    EXPECT_EQ(rows[1].fields, (Fields{"  "}));
    // Empty fields stay, so column positions hold; a last line without '\n' counts.
    EXPECT_EQ(rows[2].line, 6);
    EXPECT_EQ(rows[2].fields, (Fields{"VPWW53", "", "1440"}));
}

TEST(TsvTest, ReadsAWindowsFileLikeAUnixOne) {
    auto rows = tsv_rows("# header\r\n\r\na\tb\r\nc\td\t\r\n");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].line, 3);
    EXPECT_EQ(rows[0].fields, (Fields{"a", "b"}));
    EXPECT_EQ(rows[1].line, 4);
    EXPECT_EQ(rows[1].fields, (Fields{"c", "d", ""}));
    EXPECT_TRUE(tsv_rows("").empty());
    EXPECT_TRUE(tsv_rows("\n\r\n#only a comment\n").empty());
}

TEST(TsvTest, AWrongFieldCountNamesTheLineTheCountAndTheColumns) {
    auto rows = tsv_rows("a\tb\tc\n\na\tb\n");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_TRUE(tsv_expect_fields(rows[0], 3, "code, minutes, why").ok());
    auto short_row = tsv_expect_fields(rows[1], 3, "code, minutes, why");
    ASSERT_FALSE(short_row.ok());
    EXPECT_EQ(short_row.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(short_row.error().message, "line 3: 2 fields, expected 3 (code, minutes, why)");
    auto bad = tsv_error(rows[0], "VXSE51 is listed twice");
    EXPECT_EQ(bad.code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(bad.message, "line 1: VXSE51 is listed twice");
}

}  // namespace
}  // namespace alerthub
