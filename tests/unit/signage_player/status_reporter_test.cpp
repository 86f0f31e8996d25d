#include "signage_player/status_reporter.h"

#include <gtest/gtest.h>

#include "tests/support/fake_message_bus.h"
#include "tests/support/test_support.h"

namespace alerthub::player {
namespace {

using alerthub::testing::FakeMessageBus;
using alerthub::testing::wait_for;

const Topics kTopics("alerthub/v1");
const WallTime kT = WallTime{} + std::chrono::hours(24 * 365 * 56);

std::vector<BusMessage> on(const FakeMessageBus& bus, const std::string& topic) {
    std::vector<BusMessage> out;
    for (auto& m : bus.published())
        if (m.topic == topic) out.push_back(m);
    return out;
}

DeviceStatus status_showing(std::string id, std::int64_t v) {
    DeviceStatus s;
    s.device_id = "lobby-1";
    s.online = true;
    if (!id.empty()) s.showing.push_back({std::move(id), v});
    s.last_frame = kT;
    s.software_version = "test";
    s.updated = kT;
    return s;
}

TEST(PlayerStatusReporter, OneAckPerAlertVersionHoweverOftenItIsShown) {
    FakeMessageBus bus;
    StatusReporter reporter(bus, kTopics, "lobby-1");
    reporter.start();
    for (int i = 0; i < 3; ++i) reporter.ack("a1", 1, kT);
    reporter.ack("a1", 2, kT + std::chrono::seconds(5));
    reporter.ack("a1", 1, kT);
    auto ack_topic = kTopics.device_ack("lobby-1");
    ASSERT_TRUE(wait_for([&] { return on(bus, ack_topic).size() >= 2; }));
    reporter.stop();
    auto acks = on(bus, ack_topic);
    ASSERT_EQ(acks.size(), 2u);
    auto first = decode_display_ack(acks[0].payload).value();
    auto second = decode_display_ack(acks[1].payload).value();
    EXPECT_EQ(first.device_id, "lobby-1");
    EXPECT_EQ(first.alert_id, "a1");
    EXPECT_EQ(first.version, 1);
    EXPECT_EQ(first.displayed_at, kT);
    EXPECT_EQ(second.version, 2);
    EXPECT_FALSE(acks[0].retained);
}

TEST(PlayerStatusReporter, StatusIsRetainedAndTheNewestWins) {
    FakeMessageBus bus;
    bus.set_connected(false);
    StatusReporter reporter(bus, kTopics, "lobby-1");
    reporter.start();
    reporter.update_status(status_showing("", 0));
    reporter.update_status(status_showing("a1", 4));
    EXPECT_TRUE(reporter.status_pending());
    bus.set_connected(true);
    reporter.resend();
    auto topic = kTopics.device_status("lobby-1");
    ASSERT_TRUE(wait_for([&] { return !on(bus, topic).empty() && !reporter.status_pending(); }));
    reporter.stop();
    auto sent = on(bus, topic);
    ASSERT_EQ(sent.size(), 1u);  // the stale idle status was never sent
    EXPECT_TRUE(sent[0].retained);
    auto status = decode_device_status(sent[0].payload).value();
    EXPECT_TRUE(status.online);
    ASSERT_EQ(status.showing.size(), 1u);
    EXPECT_EQ(status.showing[0].alert_id, "a1");
    EXPECT_EQ(status.showing[0].version, 4);
}

TEST(PlayerStatusReporter, AcksWaitForTheBrokerAndAreSentOnceItIsBack) {
    FakeMessageBus bus;
    bus.set_refuse_publish(true);  // connected, but every publish fails (PUBACK timeout)
    StatusReporter reporter(bus, kTopics, "lobby-1");
    reporter.start();
    reporter.ack("a1", 1, kT);
    reporter.update_status(status_showing("a1", 1));
    EXPECT_EQ(reporter.pending_acks(), 1u);
    bus.set_refuse_publish(false);
    // No explicit resend: the retry timer alone must get it out.
    ASSERT_TRUE(
        wait_for([&] { return reporter.pending_acks() == 0 && !reporter.status_pending(); }));
    reporter.stop();
    EXPECT_EQ(on(bus, kTopics.device_ack("lobby-1")).size(), 1u);
    EXPECT_EQ(on(bus, kTopics.device_status("lobby-1")).size(), 1u);
}

TEST(PlayerStatusReporter, ResendRepublishesTheStatusAfterAReconnect) {
    FakeMessageBus bus;
    StatusReporter reporter(bus, kTopics, "lobby-1");
    reporter.start();
    reporter.update_status(status_showing("", 0));
    auto topic = kTopics.device_status("lobby-1");
    ASSERT_TRUE(wait_for([&] { return on(bus, topic).size() == 1; }));
    reporter.resend();  // the broker has published our last will meanwhile
    ASSERT_TRUE(wait_for([&] { return on(bus, topic).size() == 2; }));
    reporter.stop();
}

TEST(PlayerStatusReporter, RepliesWaitForTheBrokerAndOnlyTheNewestFewAreKept) {
    FakeMessageBus bus;
    bus.set_connected(false);
    StatusReporter reporter(bus, kTopics, "lobby-1");
    reporter.start();
    for (int i = 0; i < 6; ++i)
        reporter.send(
            {kTopics.device_screenshot("lobby-1", "r" + std::to_string(i)), "png", false});
    bus.set_connected(true);
    reporter.resend();
    ASSERT_TRUE(
        wait_for([&] { return bus.published().size() == StatusReporter::kMaxQueuedReplies; }));
    reporter.stop();
    auto sent = bus.published();
    EXPECT_EQ(sent.front().topic, "alerthub/v1/devices/lobby-1/screenshot/r2");  // r0, r1 dropped
    EXPECT_EQ(sent.back().topic, "alerthub/v1/devices/lobby-1/screenshot/r5");
    EXPECT_FALSE(sent.back().retained);
}

}  // namespace
}  // namespace alerthub::player
