#include "core/http/monitoring_server.h"

#include <fmt/format.h>

#include "core/http/http_server.h"

namespace alerthub {
namespace {

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '"' || c == '\\')
            out += fmt::format("\\{}", static_cast<char>(c));
        else if (c < 0x20)
            out += fmt::format("\\u{:04x}", c);
        else
            out += static_cast<char>(c);
    }
    return out + "\"";
}

}  // namespace

std::string health_json(const Health& health) {
    if (health.ready()) return R"({"status":"ready"})";
    std::string problems;
    for (const auto& p : health.problems)
        problems += (problems.empty() ? "" : ",") + json_string(p);
    return fmt::format(R"({{"status":"degraded","problems":[{}]}})", problems);
}

MonitoringServer::MonitoringServer(MetricsRegistry& metrics, std::function<Health()> health)
    : http_(std::make_unique<HttpServer>("monitoring", "monitoring")) {
    http_->get("/metrics", [&metrics](const HttpServerRequest&, HttpServerResponse& res) {
        res.set_content(metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
    });
    http_->get("/health",
               [health = std::move(health)](const HttpServerRequest&, HttpServerResponse& res) {
                   Health h = health();
                   res.status = h.ready() ? 200 : 503;
                   res.set_content(health_json(h), "application/json");
               });
}

MonitoringServer::~MonitoringServer() {
    stop();
}

Status MonitoringServer::start(const MonitoringConfig& config) {
    return http_->start(config.listen_host, config.listen_port);
}

void MonitoringServer::stop() {
    http_->stop();
}

int MonitoringServer::port() const {
    return http_->port();
}

}  // namespace alerthub
