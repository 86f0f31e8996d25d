#pragma once
// Shared by the hub's integration tests: small HTTP helpers against the hub's ingest
// endpoint, and (from tests/support) an MQTT observer and a retained-message probe.

#include <httplib.h>

#include <string>

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

}  // namespace alerthub::hub::testing
