// tests/support's wait_for: a failed wait says what was waited for, where and how long.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/support/test_support.h"

namespace alerthub {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(WaitForTest, AFailedWaitNamesItsCallSiteAndTimeout) {
    auto line = __LINE__ + 1;
    auto r = testing::wait_for([] { return false; }, 30ms);
    EXPECT_FALSE(r);
    EXPECT_EQ(r.message(), "condition at tests/unit/core/wait_for_test.cpp:" +
                               std::to_string(line) + " not met within 30 ms");
    auto named = testing::wait_for(
        "the broker's answer", [] { return false; }, 20ms);
    EXPECT_FALSE(named);
    EXPECT_THAT(named.message(), HasSubstr("the broker's answer (tests/unit/core/"));
    EXPECT_THAT(named.message(), HasSubstr("not met within 20 ms"));
}

TEST(WaitForTest, ASuccessfulWaitConvertsToTrueWhereverABoolIsWanted) {
    std::atomic<bool> done{false};
    std::thread later([&] {
        std::this_thread::sleep_for(30ms);
        done = true;
    });
    ASSERT_TRUE(testing::wait_for([&] { return done.load(); }));
    later.join();
    bool as_bool = testing::wait_for([] { return true; });
    EXPECT_TRUE(as_bool);
    if (!testing::wait_for([] { return true; }, 10ms)) ADD_FAILURE() << "not converted";
    EXPECT_THAT(testing::wait_for([] { return true; }).message(), HasSubstr("met after"));
}

}  // namespace
}  // namespace alerthub
