#pragma once
// The whole hub in the test's process: a real Mosquitto on loopback, a temp dir, and a HubApp
// on its own PahoMessageBus with its owner loop on a thread, as alerthub-hub's main runs it.
// config_ starts with what every such test needs (the broker, topic root test/v1, journal
// and spool in dir_, a free ingest port, kHubTestToken); a test changes or replaces any of
// it before start_hub().

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "core/base/clock.h"
#include "core/mqtt/paho_message_bus.h"
#include "hub/hub_app.h"
#include "hub/hub_config.h"
#include "tests/support/test_support.h"

namespace alerthub::hub::testing {

inline constexpr const char* kHubTestToken = "test-token-0123456789abcdef";

class HubAppFixture : public ::testing::Test {
protected:
    HubAppFixture();
    ~HubAppFixture() override;
    void TearDown() override { stop_hub(); }

    // Starts a HubApp on config_ and runs its loop on a thread; a failed start fails the
    // test. `clock` (the system clock unless given) must outlive the hub.
    void start_hub();
    void start_hub(const Clock& clock);
    // Stops the loop and the app; start_hub() may run again afterwards.
    void stop_hub();

    ::alerthub::testing::MosquittoBroker broker_;
    ::alerthub::testing::TempDir dir_;
    SystemClock system_clock_;
    HubConfig config_;
    std::unique_ptr<PahoMessageBus> bus_;
    std::unique_ptr<HubApp> app_;

private:
    std::atomic<bool> stop_{false};
    std::thread loop_;
};

}  // namespace alerthub::hub::testing
