#pragma once

#include <memory>

#include "core/http/http_client.h"

namespace alerthub {

// One curl easy handle, reused so connections are kept alive. Not thread-safe: one per
// thread. curl_global_init belongs in main().
class CurlHttpClient final : public HttpClient {
public:
    CurlHttpClient();
    ~CurlHttpClient() override;
    Result<HttpResponse> send(const HttpRequest& request) override;

private:
    struct Handle;
    std::unique_ptr<Handle> handle_;
};

}  // namespace alerthub
