#include "core/base/retry_policy.h"

#include <gtest/gtest.h>

#include "core/config/config.h"

namespace alerthub {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, DoublesFromTheInitialBackoffUpToTheMaximum) {
    RetryPolicy p;
    EXPECT_EQ(p.backoff_after(1), milliseconds(1000));
    EXPECT_EQ(p.backoff_after(2), milliseconds(2000));
    EXPECT_EQ(p.backoff_after(6), milliseconds(32000));
    EXPECT_EQ(p.backoff_after(7), milliseconds(60000));
    EXPECT_EQ(p.backoff_after(100), milliseconds(60000));
}

TEST(RetryPolicy, IsExhaustedAtMaxAttempts) {
    RetryPolicy p;
    p.max_attempts = 3;
    EXPECT_FALSE(p.exhausted(1));
    EXPECT_FALSE(p.exhausted(2));
    EXPECT_TRUE(p.exhausted(3));
    EXPECT_TRUE(p.exhausted(4));
}

TEST(RetryPolicy, ReadsTheRetrySectionWithItsDefaults) {
    auto empty = ConfigReader::parse("", "empty.toml");
    ASSERT_TRUE(empty.ok());
    auto defaults = read_retry_policy(*empty);
    EXPECT_TRUE(empty->finish().ok());
    EXPECT_EQ(defaults.initial_backoff, milliseconds(1000));
    EXPECT_EQ(defaults.max_backoff, milliseconds(60000));
    EXPECT_EQ(defaults.max_attempts, 8);

    auto set = ConfigReader::parse(
        "[retry]\ninitial_backoff_ms = 50\nmax_backoff_ms = 400\nmax_attempts = 3\n", "r.toml");
    ASSERT_TRUE(set.ok());
    auto p = read_retry_policy(*set);
    EXPECT_TRUE(set->finish().ok());
    EXPECT_EQ(p.backoff_after(4), milliseconds(400));
    EXPECT_EQ(p.max_attempts, 3);
}

TEST(RetryPolicy, AMaximumBelowTheInitialBackoffIsAnError) {
    auto c = ConfigReader::parse("[retry]\ninitial_backoff_ms = 5000\nmax_backoff_ms = 1000\n",
                                 "r.toml");
    ASSERT_TRUE(c.ok());
    (void)read_retry_policy(*c);
    auto s = c->finish();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("retry.max_backoff_ms"), std::string::npos)
        << s.error().message;
}

}  // namespace
}  // namespace alerthub
