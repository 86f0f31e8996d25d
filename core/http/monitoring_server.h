#pragma once
// The monitoring listener every daemon can open on loopback ([monitoring] in its config):
// `GET /metrics`, the Prometheus text format of its MetricsRegistry, and `GET /health`,
// 200 {"status":"ready"} or 503 {"status":"degraded","problems":[...]} for load balancers,
// monitoring and people.

#include <functional>
#include <memory>
#include <string>

#include "core/base/health.h"
#include "core/base/metrics.h"
#include "core/base/result.h"

namespace alerthub {

class HttpServer;

// {"status":"ready"} or {"status":"degraded","problems":["..."]}.
std::string health_json(const Health& health);

class MonitoringServer {
public:
    // `metrics` must outlive the server; `health` runs on the listener's threads.
    MonitoringServer(MetricsRegistry& metrics, std::function<Health()> health);
    ~MonitoringServer();
    MonitoringServer(const MonitoringServer&) = delete;
    MonitoringServer& operator=(const MonitoringServer&) = delete;

    Status start(const MonitoringConfig& config);
    void stop();
    int port() const;

private:
    std::unique_ptr<HttpServer> http_;
};

}  // namespace alerthub
