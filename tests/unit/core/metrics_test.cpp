// The Prometheus text format: HELP and TYPE, label escaping, cumulative histogram buckets,
// collectors run at render; the output passes Debian's `promtool check metrics`.

#include "core/base/metrics.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "tests/support/test_support.h"

namespace alerthub {
namespace {

using alerthub::testing::TempDir;
using alerthub::testing::write_file;

// promtool's verdict on an exposition: its exit status and what it printed.
std::pair<int, std::string> promtool_check(const std::string& exposition) {
    TempDir dir;
    write_file(dir / "metrics.txt", exposition);
    std::string cmd = "promtool check metrics < " + (dir / "metrics.txt").string() + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    std::string output;
    char buf[512];
    while (p && fgets(buf, sizeof buf, p)) output += buf;
    int status = p ? pclose(p) : -1;
    return {status, output};
}

TEST(MetricsTest, RendersEveryTypeWithEscapedLabels) {
    MetricsRegistry m;
    m.declare("alerthub_documents_total", MetricType::kCounter,
              "Documents received, by source and outcome.");
    m.declare("alerthub_outbox_depth", MetricType::kGauge, "Outbox rows\\waiting.\nNow.");
    m.declare("alerthub_latency_seconds", MetricType::kHistogram, "Ingest to publish.", {0.1, 1});
    m.add("alerthub_documents_total", {{"source", "jma"}, {"outcome", "accepted"}});
    m.add("alerthub_documents_total", {{"source", "jma"}, {"outcome", "accepted"}}, 2);
    m.add("alerthub_documents_total", {{"source", "a\"b\\c\nd"}, {"outcome", "rejected"}});
    m.set("alerthub_outbox_depth", {}, 4);
    m.observe("alerthub_latency_seconds", {{"channel", "line"}}, 0.05);
    m.observe("alerthub_latency_seconds", {{"channel", "line"}}, 0.5);
    m.observe("alerthub_latency_seconds", {{"channel", "line"}}, 7.25);

    EXPECT_EQ(m.render(),
              "# HELP alerthub_documents_total Documents received, by source and outcome.\n"
              "# TYPE alerthub_documents_total counter\n"
              "alerthub_documents_total{source=\"a\\\"b\\\\c\\nd\",outcome=\"rejected\"} 1\n"
              "alerthub_documents_total{source=\"jma\",outcome=\"accepted\"} 3\n"
              "# HELP alerthub_outbox_depth Outbox rows\\\\waiting.\\nNow.\n"
              "# TYPE alerthub_outbox_depth gauge\n"
              "alerthub_outbox_depth 4\n"
              "# HELP alerthub_latency_seconds Ingest to publish.\n"
              "# TYPE alerthub_latency_seconds histogram\n"
              "alerthub_latency_seconds_bucket{channel=\"line\",le=\"0.1\"} 1\n"
              "alerthub_latency_seconds_bucket{channel=\"line\",le=\"1\"} 2\n"
              "alerthub_latency_seconds_bucket{channel=\"line\",le=\"+Inf\"} 3\n"
              "alerthub_latency_seconds_sum{channel=\"line\"} 7.8\n"
              "alerthub_latency_seconds_count{channel=\"line\"} 3\n");
    auto [status, output] = promtool_check(m.render());
    EXPECT_EQ(status, 0) << output;
}

TEST(MetricsTest, CollectorsRefreshGaugesAtEveryRender) {
    MetricsRegistry m;
    m.declare("alerthub_alerts_in_force", MetricType::kGauge, "Alerts in force, by level.");
    int levels = 2;
    m.on_render([&](MetricsRegistry& r) {
        r.clear("alerthub_alerts_in_force");
        for (int l = 1; l <= levels; ++l)
            r.set("alerthub_alerts_in_force", {{"level", std::to_string(l)}}, l * 10);
    });
    EXPECT_NE(m.render().find("alerthub_alerts_in_force{level=\"2\"} 20\n"), std::string::npos);
    levels = 1;
    auto text = m.render();
    EXPECT_EQ(text.find("level=\"2\""), std::string::npos) << text;
    EXPECT_NE(text.find("alerthub_alerts_in_force{level=\"1\"} 10\n"), std::string::npos);
}

TEST(MetricsTest, ValuesAsPrometheusReadsThem) {
    EXPECT_EQ(format_metric_value(3), "3");
    EXPECT_EQ(format_metric_value(0.25), "0.25");
    EXPECT_EQ(format_metric_value(1.0 / 0.0), "+Inf");
    EXPECT_EQ(format_metric_value(-1.0 / 0.0), "-Inf");
    EXPECT_EQ(format_metric_value(0.0 / 0.0), "NaN");
    EXPECT_EQ(format_metric_value(1788224400123.0), "1788224400123");
}

TEST(MetricsTest, PromtoolCatchesABrokenExposition) {
    // The check itself works: a counter without _total and a bad line are reported.
    auto [status, output] = promtool_check("# TYPE x counter\nx{a=\"1\" 2\n");
    EXPECT_NE(status, 0) << output;
}

}  // namespace
}  // namespace alerthub
