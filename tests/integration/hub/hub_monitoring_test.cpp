// The hub's monitoring listener (issue 16): /metrics in the Prometheus text format, passing
// Debian's promtool, with documents, the outbox, alerts in force, jobs and receipts; /health
// ready, then degraded with the reason when the broker goes away or a JMA feed is stale.

#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdio>

#include "tests/integration/hub/hub_app_fixture.h"
#include "tests/integration/hub/hub_test_helpers.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using namespace std::chrono_literals;
using alerthub::testing::free_port;
using alerthub::testing::project_fixtures_dir;
using alerthub::testing::read_file;
using alerthub::testing::TempDir;
using alerthub::testing::wait_for;
using alerthub::testing::write_file;

constexpr const char* kToken = "monitoring-test-token-0123456789";

httplib::Result get(int port, const std::string& path) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(std::chrono::seconds(10));
    return client.Get(path);
}

class HubMonitoringTest : public testing::HubAppFixture {
protected:
    void SetUp() override {
        config_.mqtt.settings.client_id = "hub-monitoring-test";
        config_.mqtt.settings.keep_alive_s = 5;
        config_.ingest_token = kToken;
        config_.channels = {"line", "mail"};
        config_.monitoring.listen_port = free_port();
    }
    int monitoring() const { return config_.monitoring.listen_port; }
};

TEST_F(HubMonitoringTest, MetricsPassPromtoolAndCountWhatHappened) {
    ASSERT_NO_FATAL_FAILURE(start_hub());
    ASSERT_TRUE(wait_for([&] { return bus_->connected(); }, 10s));
    // In force: the fixture's evacuation order, expiring far in the future.
    auto cap = read_file(project_fixtures_dir() / "cap/minato_evacuation_order.xml");
    for (auto at = cap.find("<expires>2025"); at != std::string::npos;
         at = cap.find("<expires>2025"))
        cap.replace(at + 9, 4, "2099");
    auto accepted = testing::post_cap(config_.listen_port, cap, kToken);
    ASSERT_TRUE(accepted);
    ASSERT_EQ(accepted->status, 202);
    auto duplicate = testing::post_cap(config_.listen_port, cap, kToken);
    ASSERT_TRUE(duplicate);
    auto rejected = testing::post_cap(config_.listen_port, "<not-an-alert/>", kToken);
    ASSERT_TRUE(rejected);

    std::string text;
    ASSERT_TRUE(wait_for(
        [&] {
            auto r = get(monitoring(), "/metrics");
            text = r ? r->body : "";
            return text.find("alerthub_outbox_depth 0\n") != std::string::npos;
        },
        10s))
        << text;
    auto r = get(monitoring(), "/metrics");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    for (const char* line :
         {"alerthub_documents_total{door=\"http\",format=\"CAP\",outcome=\"accepted\"} 1\n",
          "alerthub_documents_total{door=\"http\",format=\"CAP\",outcome=\"duplicate\"} 1\n",
          "alerthub_documents_total{door=\"http\",format=\"CAP\",outcome=\"rejected\"} 1\n",
          "alerthub_alerts_in_force{level=\"4\"} 1\n", "alerthub_jobs_total{channel=\"line\"} 1\n",
          "alerthub_jobs_total{channel=\"mail\"} 1\n",
          "alerthub_ingest_to_publish_seconds_count 3\n",
          // Milliseconds: the three rows (alert, two jobs) went out within the 1 s goal.
          "alerthub_ingest_to_publish_seconds_bucket{le=\"1\"} 3\n",
          "alerthub_broker_connected 1\n", "alerthub_ready 1\n"})
        EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;

    TempDir scrape;
    write_file(scrape / "metrics.txt", text);
    std::string cmd = "promtool check metrics < " + (scrape / "metrics.txt").string() + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string output;
    char buf[512];
    while (fgets(buf, sizeof buf, p)) output += buf;
    EXPECT_EQ(pclose(p), 0) << output;

    auto health = get(monitoring(), "/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    EXPECT_EQ(health->body, R"({"status":"ready"})");
}

TEST_F(HubMonitoringTest, HealthIsDegradedWithTheReason) {
    // A JMA feed that never answers: stale from the start.
    config_.jma_feed.enabled = true;
    config_.jma_feed.base_url = "http://127.0.0.1:" + std::to_string(free_port()) + "/";
    config_.jma_feed.feeds = {"extra"};
    ASSERT_NO_FATAL_FAILURE(start_hub());
    ASSERT_TRUE(wait_for([&] { return bus_->connected(); }, 10s));
    auto health = get(monitoring(), "/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 503);
    EXPECT_EQ(health->body,
              R"({"status":"degraded","problems":["feed extra stale: no successful poll yet"]})");

    broker_.stop();  // the broker goes away
    ASSERT_TRUE(wait_for([&] { return !bus_->connected(); }, 10s));
    health = get(monitoring(), "/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 503);
    EXPECT_NE(health->body.find("broker down"), std::string::npos) << health->body;
    auto metrics = get(monitoring(), "/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_NE(metrics->body.find("alerthub_ready 0\n"), std::string::npos);
    EXPECT_NE(metrics->body.find("alerthub_broker_connected 0\n"), std::string::npos);
}

}  // namespace
}  // namespace alerthub::hub
