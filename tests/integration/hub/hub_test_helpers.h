#pragma once
// Shared by the hub's integration tests: small HTTP helpers against the hub's ingest
// endpoint, and (from tests/support) an MQTT observer and a retained-message probe.

#include <httplib.h>

#include <chrono>
#include <regex>
#include <string>

#include "core/base/time_format.h"
#include "tests/support/mqtt_observer.h"
#include "tests/support/test_support.h"

namespace alerthub::hub::testing {

using ::alerthub::testing::Observer;
using ::alerthub::testing::retained_payload;

inline httplib::Result post_cap(int port, const std::string& body, const std::string& token) {
    httplib::Client client("127.0.0.1", port);
    client.set_tcp_nodelay(true);
    client.set_read_timeout(std::chrono::seconds(10));
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return client.Post("/api/v1/ingest/cap", headers, body, "application/xml");
}

inline bool healthy(int port) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(std::chrono::milliseconds(200));
    auto r = client.Get("/healthz");
    return r && r->status == 200;
}

// A fixture whose <expires> lie in the past, made to expire tomorrow: the hub clears the
// retained topic of an alert that ended (docs/protocol.md, "Retained state"), so a test that
// reads the retained alert needs one in force.
inline std::string in_force_until_tomorrow(const std::string& cap_xml) {
    const auto tomorrow = std::chrono::system_clock::now() + std::chrono::hours(24);
    return std::regex_replace(cap_xml, std::regex("<expires>[^<]*</expires>"),
                              "<expires>" + format_rfc3339_jst(tomorrow) + "</expires>");
}

}  // namespace alerthub::hub::testing
