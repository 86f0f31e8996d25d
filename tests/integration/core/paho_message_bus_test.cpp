// PahoMessageBus against a real mosquitto: retained delivery, persistent sessions across
// client and broker restarts, reconnect. (The last will is tested with the player binary,
// which can be SIGKILLed.)

#include "core/mqtt/paho_message_bus.h"

#include <gtest/gtest.h>

#include <mutex>

#include "tests/support/test_support.h"

namespace alerthub {
namespace {

using namespace std::chrono_literals;
using testing::MosquittoBroker;
using testing::wait_for;

// Collects what a bus receives (the handler runs on Paho's thread).
struct Inbox {
    std::mutex mu;
    std::vector<BusMessage> messages;
    bool connected = false;

    MessageHandler handler() {
        return [this](BusMessage m) {
            std::lock_guard lock(mu);
            messages.push_back(std::move(m));
        };
    }
    ConnectionHandler on_connection() {
        return [this](bool c) {
            std::lock_guard lock(mu);
            connected = c;
        };
    }
    size_t count() {
        std::lock_guard lock(mu);
        return messages.size();
    }
    std::vector<BusMessage> all() {
        std::lock_guard lock(mu);
        return messages;
    }
    bool is_connected() {
        std::lock_guard lock(mu);
        return connected;
    }
};

MqttSettings settings(const MosquittoBroker& broker, std::string id) {
    MqttSettings s;
    s.uri = broker.uri();
    s.client_id = std::move(id);
    s.keep_alive_s = 5;
    return s;
}

TEST(PahoMessageBusTest, RetainedMessageReachesALateSubscriber) {
    MosquittoBroker broker;
    PahoMessageBus pub(settings(broker, "pub"));
    Inbox pub_inbox;
    pub.start(pub_inbox.handler(), pub_inbox.on_connection());
    ASSERT_TRUE(wait_for([&] { return pub.connected(); }));
    EXPECT_EQ(pub.protocol_version(), 5);
    ASSERT_TRUE(pub.publish({"t/alerts/a1", "避難指示 {\"v\":1}", true}, 2s).ok());

    PahoMessageBus sub(settings(broker, "sub"));
    Inbox inbox;
    sub.subscribe("t/alerts/+");
    sub.start(inbox.handler(), inbox.on_connection());
    ASSERT_TRUE(wait_for([&] { return inbox.count() == 1; }));
    auto m = inbox.all()[0];
    EXPECT_EQ(m.topic, "t/alerts/a1");
    EXPECT_EQ(m.payload, "避難指示 {\"v\":1}");
    EXPECT_TRUE(m.retained);
    EXPECT_TRUE(inbox.is_connected());
}

TEST(PahoMessageBusTest, PublishWhileDisconnectedFailsFast) {
    MosquittoBroker broker;
    PahoMessageBus bus(settings(broker, "lonely"));
    broker.stop();
    Inbox inbox;
    bus.start(inbox.handler(), inbox.on_connection());
    auto s = bus.publish({"t/x", "1", false}, 1s);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
    // And it connects once the broker is there.
    broker.start();
    EXPECT_TRUE(wait_for([&] { return bus.connected(); }, 15s));
}

TEST(PahoMessageBusTest, PersistentSessionQueuesWhileAwayEvenAcrossBrokerRestart) {
    MosquittoBroker broker;
    Inbox inbox;
    {
        PahoMessageBus sub(settings(broker, "durable"));
        sub.subscribe("t/jobs/line");
        sub.start(inbox.handler(), inbox.on_connection());
        ASSERT_TRUE(wait_for([&] { return sub.connected(); }));
        sub.stop();
    }
    PahoMessageBus pub(settings(broker, "pub2"));
    Inbox pub_inbox;
    pub.start(pub_inbox.handler(), pub_inbox.on_connection());
    ASSERT_TRUE(wait_for([&] { return pub.connected(); }));
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(pub.publish({"t/jobs/line", std::to_string(i), false}, 2s).ok());
    pub.stop();

    broker.stop();  // SIGTERM: mosquitto saves the queued messages
    broker.start();

    PahoMessageBus sub(settings(broker, "durable"));
    sub.subscribe("t/jobs/line");
    sub.start(inbox.handler(), inbox.on_connection());
    ASSERT_TRUE(wait_for([&] { return inbox.count() == 5; }, 10s)) << inbox.count();
    auto all = inbox.all();
    for (int i = 0; i < 5; ++i) EXPECT_EQ(all[static_cast<size_t>(i)].payload, std::to_string(i));
}

TEST(PahoMessageBusTest, ReconnectsAndResubscribesAfterBrokerRestart) {
    MosquittoBroker broker;
    PahoMessageBus sub(settings(broker, "resub"));
    Inbox inbox;
    sub.subscribe("t/x");
    sub.start(inbox.handler(), inbox.on_connection());
    ASSERT_TRUE(wait_for([&] { return sub.connected(); }));

    broker.stop();
    ASSERT_TRUE(wait_for([&] { return !inbox.is_connected(); }, 15s));
    broker.start();
    ASSERT_TRUE(wait_for([&] { return inbox.is_connected(); }, 20s));

    PahoMessageBus pub(settings(broker, "pub3"));
    Inbox pub_inbox;
    pub.start(pub_inbox.handler(), pub_inbox.on_connection());
    ASSERT_TRUE(wait_for([&] { return pub.connected(); }));
    ASSERT_TRUE(pub.publish({"t/x", "after", false}, 2s).ok());
    ASSERT_TRUE(wait_for([&] { return inbox.count() == 1; }));
    EXPECT_EQ(inbox.all()[0].payload, "after");
}

}  // namespace
}  // namespace alerthub
