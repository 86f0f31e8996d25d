#pragma once
// Outgoing HTTP(S). Implemented by CurlHttpClient; tests use fakes or local servers.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "core/base/result.h"

namespace alerthub {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    HttpHeaders headers;
    std::string body;
    std::chrono::milliseconds timeout{10000};
    // 0: no limit. A longer body ends the transfer with kResourceExhausted, so that a peer
    // serving garbage cannot fill memory.
    std::size_t max_body_bytes = 0;
    // When set and it turns true, the transfer ends within about a second (kUnavailable):
    // a daemon stopping does not wait out a slow peer's timeout.
    const std::atomic<bool>* cancel = nullptr;
};

struct HttpResponse {
    int status = 0;
    HttpHeaders headers;  // names lower-cased
    std::string body;

    std::string header(std::string_view name) const;  // "" when absent
};

class HttpClient {
public:
    virtual ~HttpClient() = default;
    // A response of any status is a success here; only transport failures are errors
    // (kUnavailable for refused/unreachable, kTimeout).
    virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

}  // namespace alerthub
