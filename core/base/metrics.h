#pragma once
// Metrics in the Prometheus text exposition format (0.0.4): counters, gauges and histograms
// with labels, HELP and TYPE, escaping as the format asks. Debian 12 has no prometheus-cpp;
// this is the small part of it alerthub needs. Thread-safe: any thread counts, the monitoring
// listener's thread renders. Label values are never personal data (an address, a LINE user):
// only sources, channels, levels, outcomes, device ids and feed names.

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace alerthub {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { kCounter, kGauge, kHistogram };

class MetricsRegistry {
public:
    // A family is declared once, before use; names and label names are checked (CHECK):
    // [a-zA-Z_:][a-zA-Z0-9_:]*, counters end in "_total". `buckets`: a histogram's upper
    // bounds, ascending (+Inf is added).
    void declare(std::string name, MetricType type, std::string help,
                 std::vector<double> buckets = {});

    void add(std::string_view counter, const MetricLabels& labels = {}, double by = 1);
    // A counter whose total is kept elsewhere and read at render time (rows of a table that
    // only grows): sets the total instead of adding to it.
    void set_total(std::string_view counter, const MetricLabels& labels, double total);
    void set(std::string_view gauge, const MetricLabels& labels, double value);
    void observe(std::string_view histogram, const MetricLabels& labels, double value);
    // Forgets a family's samples: a collector that sets a gauge per label value (alerts in
    // force by level) clears it first, so that a level no longer in force disappears.
    void clear(std::string_view name);

    // Runs before every render, outside the registry's lock: reads state that is cheaper to
    // look at when scraped than to track (outbox depth, alerts in force) and set()s gauges.
    void on_render(std::function<void(MetricsRegistry&)> collector);

    // The whole exposition, families in declaration order.
    std::string render();

private:
    struct Series {
        double value = 0;                   // counter, gauge; a histogram's sum
        std::vector<double> bucket_counts;  // a histogram's, not cumulative
        double count = 0;
    };
    struct Family {
        std::string name;
        MetricType type;
        std::string help;
        std::vector<double> buckets;
        std::map<std::string, Series> series;  // by rendered label set
    };
    Family& family(std::string_view name, MetricType type);

    std::mutex mu_;
    std::vector<Family> families_;
    std::vector<std::function<void(MetricsRegistry&)>> collectors_;
};

// `{name="value",...}` with values escaped (\\, \", \n); "" for no labels.
std::string render_labels(const MetricLabels& labels);
// A sample value as Prometheus reads it: integers without exponent, +Inf, -Inf, NaN.
std::string format_metric_value(double value);

// Seconds buckets for latencies from 5 ms to 5 min.
std::vector<double> latency_buckets();

}  // namespace alerthub
