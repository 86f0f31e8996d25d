#include "core/http/curl_http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>

namespace alerthub {
namespace {

struct BodySink {
    std::string* body;
    std::size_t max_bytes;  // 0: no limit
    bool over = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* sink = static_cast<BodySink*>(user);
    if (sink->max_bytes != 0 && sink->body->size() + size * n > sink->max_bytes) {
        sink->over = true;
        return 0;  // curl ends the transfer with CURLE_WRITE_ERROR
    }
    sink->body->append(data, size * n);
    return size * n;
}

// libcurl calls this about once a second even while nothing arrives.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<const std::atomic<bool>*>(user)->load() ? 1 : 0;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    std::string_view line(data, size * n);
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        auto value = line.substr(colon + 1);
        while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
            value.remove_prefix(1);
        while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
            value.remove_suffix(1);
        static_cast<HttpHeaders*>(user)->emplace_back(std::move(name), std::string(value));
    } else if (line.rfind("HTTP/", 0) == 0) {
        static_cast<HttpHeaders*>(user)->clear();  // a new response (after 100 Continue)
    }
    return size * n;
}

}  // namespace

struct CurlHttpClient::Handle {
    CURL* curl = curl_easy_init();
    ~Handle() {
        if (curl) curl_easy_cleanup(curl);
    }
};

CurlHttpClient::CurlHttpClient() : handle_(std::make_unique<Handle>()) {}
CurlHttpClient::~CurlHttpClient() = default;

std::string HttpResponse::header(std::string_view name) const {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    for (auto& [k, v] : headers)
        if (k == lower) return v;
    return {};
}

Result<HttpResponse> CurlHttpClient::send(const HttpRequest& req) {
    CURL* c = handle_->curl;
    if (!c) return make_error(ErrorCode::kInternal, "curl_easy_init failed");
    curl_easy_reset(c);  // keeps the connection cache
    HttpResponse resp;
    curl_slist* headers = nullptr;
    for (auto& [k, v] : req.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
    // No "Expect: 100-continue" round trip on larger bodies.
    headers = curl_slist_append(headers, "Expect:");

    curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<long>(req.timeout.count(), 5000)));
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    BodySink sink{&resp.body, req.max_body_bytes};
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    if (req.cancel) {
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, req.cancel);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    }
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp.headers);
    if (req.method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (!req.body.empty() || req.method == "POST" || req.method == "PUT") {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    }

    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(headers);
    if (sink.over)
        return make_error(ErrorCode::kResourceExhausted,
                          fmt::format("{} {}: the response body is over the limit of {} bytes",
                                      req.method, req.url, req.max_body_bytes));
    if (rc == CURLE_ABORTED_BY_CALLBACK)
        return make_error(ErrorCode::kUnavailable,
                          fmt::format("{} {}: cancelled", req.method, req.url));
    if (rc != CURLE_OK) {
        auto code = rc == CURLE_OPERATION_TIMEDOUT ? ErrorCode::kTimeout : ErrorCode::kUnavailable;
        return make_error(code, fmt::format("curl_easy_perform {} {}: {}", req.method, req.url,
                                            curl_easy_strerror(rc)));
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    resp.status = static_cast<int>(status);
    return resp;
}

}  // namespace alerthub
