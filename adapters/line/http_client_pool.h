#pragma once
// Several HttpClients behind one, so that up to `size` requests are in flight at once:
// CurlHttpClient is one connection and not thread-safe. A request waits for a free client;
// each client keeps its own connection alive between requests.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/http/http_client.h"

namespace alerthub::line {

class HttpClientPool final : public HttpClient {
public:
    // `make` is called `size` times (at least once), here, on the calling thread.
    HttpClientPool(int size, const std::function<std::unique_ptr<HttpClient>()>& make);
    Result<HttpResponse> send(const HttpRequest& request) override;
    int size() const { return static_cast<int>(clients_.size()); }

private:
    std::vector<std::unique_ptr<HttpClient>> clients_;
    std::mutex mu_;
    std::condition_variable released_;
    std::vector<HttpClient*> idle_;
};

}  // namespace alerthub::line
