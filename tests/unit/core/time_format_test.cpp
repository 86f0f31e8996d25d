#include "core/base/time_format.h"

#include <gtest/gtest.h>

namespace alerthub {
namespace {

TEST(TimeFormatTest, ParsesOffsetsToTheSameInstant) {
    auto a = parse_rfc3339("2003-06-17T14:57:00-07:00");
    auto b = parse_rfc3339("2003-06-17T21:57:00Z");
    auto c = parse_rfc3339("2003-06-18T06:57:00+09:00");
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    EXPECT_EQ(*a, *b);
    EXPECT_EQ(*b, *c);
    EXPECT_EQ(format_rfc3339_jst(*a), "2003-06-18T06:57:00+09:00");
    EXPECT_EQ(format_jst_minutes(*a), "2003-06-18 06:57");
    EXPECT_EQ(format_jst_hhmm(*a), "06:57");
}

TEST(TimeFormatTest, KeepsMilliseconds) {
    auto t = parse_rfc3339("2026-11-23T01:02:03.456Z");
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(format_rfc3339_jst(*t), "2026-11-23T10:02:03.456+09:00");
    EXPECT_EQ(*parse_rfc3339(format_rfc3339_jst(*t)), *t);
}

TEST(TimeFormatTest, TrimsWhitespaceAndRejectsGarbage) {
    EXPECT_TRUE(parse_rfc3339("  2026-01-01T00:00:00+09:00\n").ok());
    for (auto bad :
         {"", "2026-01-01", "2026-01-01T00:00:00", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
          "2026-01-01T25:00:00Z", "2026-01-01T00:00:00+9", "2026-01-01T00:00:00Zjunk",
          "4040-08-26T04:14:00-05:00", "0001-01-01T00:00:00Z"}) {  // (found by the fuzzer)
        auto r = parse_rfc3339(bad);
        EXPECT_FALSE(r.ok()) << bad;
    }
}

}  // namespace
}  // namespace alerthub
