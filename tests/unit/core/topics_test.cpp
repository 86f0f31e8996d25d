#include "core/protocol/topics.h"

#include <gtest/gtest.h>

namespace alerthub {
namespace {

TEST(TopicsTest, BuildsTheContractTree) {
    Topics t;
    EXPECT_EQ(t.alert("cap-1"), "alerthub/v1/alerts/cap-1");
    EXPECT_EQ(t.job("line"), "alerthub/v1/jobs/line");
    EXPECT_EQ(t.receipt("mail"), "alerthub/v1/receipts/mail");
    EXPECT_EQ(t.device_status("p1"), "alerthub/v1/devices/p1/status");
    EXPECT_EQ(t.device_ack("p1"), "alerthub/v1/devices/p1/ack");
    EXPECT_EQ(t.content("lobby"), "alerthub/v1/content/lobby");
    EXPECT_EQ(t.id_under("alerts", "alerthub/v1/alerts/cap-1"), "cap-1");
    EXPECT_EQ(t.id_under("devices", "alerthub/v1/devices/p1/ack"), "p1");
    EXPECT_EQ(t.id_under("alerts", "training/v1/alerts/cap-1"), "");
}

TEST(TopicsTest, TrainingRootNeverOverlapsProduction) {
    Topics prod, training("alerthub-training/v1");
    EXPECT_EQ(training.id_under("alerts", prod.alert("x")), "");
    EXPECT_EQ(prod.id_under("alerts", training.alert("x")), "");
}

TEST(TopicsTest, ValidatesTopicLevels) {
    EXPECT_TRUE(valid_topic_level("lobby-1"));
    for (auto bad : {"", "a/b", "a+", "#"}) EXPECT_FALSE(valid_topic_level(bad)) << bad;
}

}  // namespace
}  // namespace alerthub
