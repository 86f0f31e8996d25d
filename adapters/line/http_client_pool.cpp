#include "adapters/line/http_client_pool.h"

#include <algorithm>

namespace alerthub::line {

HttpClientPool::HttpClientPool(int size, const std::function<std::unique_ptr<HttpClient>()>& make) {
    for (int i = 0; i < std::max(size, 1); ++i) {
        clients_.push_back(make());
        idle_.push_back(clients_.back().get());
    }
}

Result<HttpResponse> HttpClientPool::send(const HttpRequest& request) {
    HttpClient* client = nullptr;
    {
        std::unique_lock lock(mu_);
        released_.wait(lock, [&] { return !idle_.empty(); });
        client = idle_.back();
        idle_.pop_back();
    }
    auto response = client->send(request);
    {
        std::lock_guard lock(mu_);
        idle_.push_back(client);
    }
    released_.notify_one();
    return response;
}

}  // namespace alerthub::line
