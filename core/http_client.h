#pragma once
// Outgoing HTTP(S). Implemented by CurlHttpClient; tests use fakes or local servers.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace alerthub {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    HttpHeaders headers;
    std::string body;
    std::chrono::milliseconds timeout{10000};
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
