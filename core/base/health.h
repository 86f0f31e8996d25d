#pragma once
// What a daemon answers a health probe: ready, or degraded with the reasons ("broker down",
// "journal not writable", "feed extra stale: last success 900 s ago"). Reasons are for people
// and monitoring; they never hold personal data.

#include <string>
#include <vector>

namespace alerthub {

struct Health {
    std::vector<std::string> problems;  // empty: ready

    bool ready() const { return problems.empty(); }
};

// Where a daemon answers probes and scrapes (core/http/monitoring_server.h), the [monitoring]
// section of its config (read_monitoring_config): listen_port 0, the default, leaves it off.
// Only a loopback address is accepted: Prometheus or a proxy on the host reaches it there.
struct MonitoringConfig {
    std::string listen_host = "127.0.0.1";
    int listen_port = 0;
};

}  // namespace alerthub
