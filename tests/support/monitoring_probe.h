#pragma once
// A daemon's monitoring listener (core/http/monitoring_server.h) as the adapters' tests probe
// it: a GET, Debian's `promtool check metrics` on a scrape, and /health following the broker
// down and back.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>

#include "core/http/curl_http_client.h"
#include "tests/support/test_support.h"

namespace alerthub::testing {

// A GET on 127.0.0.1:`port`; status 0 when it does not answer.
inline std::pair<int, std::string> monitoring_get(int port, const std::string& path) {
    CurlHttpClient http;
    auto r = http.send({"GET",
                        fmt::format("http://127.0.0.1:{}{}", port, path),
                        {},
                        "",
                        std::chrono::milliseconds(5000)});
    if (!r) return {0, ""};
    return {r->status, r->body};
}

// Debian's `promtool check metrics` on a scrape: its complaints, empty when it passes.
inline std::string promtool_problems(const TempDir& dir, const std::string& metrics) {
    write_file(dir / "scrape.txt", metrics);
    std::string cmd = "promtool check metrics < " + (dir / "scrape.txt").string() + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return "promtool did not run";
    std::string output;
    char buf[512];
    while (fgets(buf, sizeof buf, p)) output += buf;
    return pclose(p) == 0 ? "" : "promtool: " + output;
}

// With `broker` stopped, /health says degraded ("broker down") and the metrics say so; with
// it back, /health is ready again.
inline void expect_health_follows_broker(MosquittoBroker& broker, int port) {
    broker.stop();
    std::pair<int, std::string> health;
    ASSERT_TRUE(wait_for([&] {
        health = monitoring_get(port, "/health");
        return health.first == 503;
    })) << health.second;
    EXPECT_EQ(health.second, R"({"status":"degraded","problems":["broker down"]})");
    const std::string metrics = monitoring_get(port, "/metrics").second;
    EXPECT_NE(metrics.find("alerthub_broker_connected 0\n"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("alerthub_ready 0\n"), std::string::npos) << metrics;

    broker.start();
    ASSERT_TRUE(wait_for(
        [&] {
            health = monitoring_get(port, "/health");
            return health.first == 200;
        },
        std::chrono::seconds(30)))
        << health.second;
    EXPECT_EQ(health.second, R"({"status":"ready"})");
}

}  // namespace alerthub::testing
