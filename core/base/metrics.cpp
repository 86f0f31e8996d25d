#include "core/base/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/base/check.h"

namespace alerthub {
namespace {

bool valid_name(std::string_view name, bool colons) {
    if (name.empty()) return false;
    auto ok = [&](char c, bool first) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
               (colons && c == ':') || (!first && c >= '0' && c <= '9');
    };
    for (std::size_t i = 0; i < name.size(); ++i)
        if (!ok(name[i], i == 0)) return false;
    return true;
}

std::string escape(std::string_view text, bool quotes) {
    std::string out;
    for (char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (quotes && c == '"')
            out += "\\\"";
        else
            out += c;
    }
    return out;
}

std::string_view type_name(MetricType type) {
    switch (type) {
        case MetricType::kCounter:
            return "counter";
        case MetricType::kGauge:
            return "gauge";
        case MetricType::kHistogram:
            return "histogram";
    }
    return "untyped";
}

// A label set rendered with one more label (a histogram's le) inside the braces.
std::string with_label(const std::string& labels, std::string_view name, std::string_view value) {
    std::string extra = fmt::format("{}=\"{}\"", name, value);
    if (labels.empty()) return "{" + extra + "}";
    return labels.substr(0, labels.size() - 1) + "," + extra + "}";
}

}  // namespace

std::string render_labels(const MetricLabels& labels) {
    if (labels.empty()) return "";
    std::string out = "{";
    for (const auto& [name, value] : labels) {
        CHECK(valid_name(name, false) && !name.starts_with("__"), "metric label name");
        if (out.size() > 1) out += ",";
        out += fmt::format("{}=\"{}\"", name, escape(value, true));
    }
    return out + "}";
}

std::string format_metric_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    if (value == std::floor(value) && std::fabs(value) < 1e15)
        return fmt::format("{}", static_cast<long long>(value));
    return fmt::format("{}", value);
}

std::vector<double> latency_buckets() {
    return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};
}

void MetricsRegistry::declare(std::string name, MetricType type, std::string help,
                              std::vector<double> buckets) {
    CHECK(valid_name(name, true), "metric name");
    CHECK(type != MetricType::kCounter || name.ends_with("_total"),
          "a counter's name ends in _total");
    CHECK(std::is_sorted(buckets.begin(), buckets.end()), "histogram buckets ascend");
    std::lock_guard lock(mu_);
    for (const auto& f : families_) CHECK(f.name != name, "a metric family is declared once");
    families_.push_back(Family{.name = std::move(name),
                               .type = type,
                               .help = std::move(help),
                               .buckets = std::move(buckets),
                               .series = {}});
}

MetricsRegistry::Family& MetricsRegistry::family(std::string_view name, MetricType type) {
    for (auto& f : families_)
        if (f.name == name) {
            CHECK(f.type == type, "a metric used as the type it was declared");
            return f;
        }
    CHECK(false, "a metric family used before it was declared");
    return families_.front();
}

void MetricsRegistry::add(std::string_view counter, const MetricLabels& labels, double by) {
    CHECK(by >= 0, "a counter only goes up");
    auto key = render_labels(labels);
    std::lock_guard lock(mu_);
    family(counter, MetricType::kCounter).series[key].value += by;
}

void MetricsRegistry::set_total(std::string_view counter, const MetricLabels& labels,
                                double total) {
    auto key = render_labels(labels);
    std::lock_guard lock(mu_);
    family(counter, MetricType::kCounter).series[key].value = total;
}

void MetricsRegistry::set(std::string_view gauge, const MetricLabels& labels, double value) {
    auto key = render_labels(labels);
    std::lock_guard lock(mu_);
    family(gauge, MetricType::kGauge).series[key].value = value;
}

void MetricsRegistry::observe(std::string_view histogram, const MetricLabels& labels,
                              double value) {
    auto key = render_labels(labels);
    std::lock_guard lock(mu_);
    auto& f = family(histogram, MetricType::kHistogram);
    auto& s = f.series[key];
    s.bucket_counts.resize(f.buckets.size() + 1);
    auto bucket = std::lower_bound(f.buckets.begin(), f.buckets.end(), value) - f.buckets.begin();
    s.bucket_counts[static_cast<std::size_t>(bucket)] += 1;
    s.value += value;
    s.count += 1;
}

void MetricsRegistry::clear(std::string_view name) {
    std::lock_guard lock(mu_);
    for (auto& f : families_)
        if (f.name == name) f.series.clear();
}

void MetricsRegistry::on_render(std::function<void(MetricsRegistry&)> collector) {
    std::lock_guard lock(mu_);
    collectors_.push_back(std::move(collector));
}

std::string MetricsRegistry::render() {
    std::vector<std::function<void(MetricsRegistry&)>> collectors;
    {
        std::lock_guard lock(mu_);
        collectors = collectors_;
    }
    for (auto& collect : collectors) collect(*this);

    std::lock_guard lock(mu_);
    std::string out;
    for (const auto& f : families_) {
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name, escape(f.help, false), f.name,
                           type_name(f.type));
        for (const auto& [labels, s] : f.series) {
            if (f.type != MetricType::kHistogram) {
                out += fmt::format("{}{} {}\n", f.name, labels, format_metric_value(s.value));
                continue;
            }
            double cumulative = 0;
            for (std::size_t i = 0; i <= f.buckets.size(); ++i) {
                cumulative += s.bucket_counts[i];
                auto le = i < f.buckets.size() ? format_metric_value(f.buckets[i]) : "+Inf";
                out += fmt::format("{}_bucket{} {}\n", f.name, with_label(labels, "le", le),
                                   format_metric_value(cumulative));
            }
            out += fmt::format("{}_sum{} {}\n", f.name, labels, format_metric_value(s.value));
            out += fmt::format("{}_count{} {}\n", f.name, labels, format_metric_value(s.count));
        }
    }
    return out;
}

}  // namespace alerthub
