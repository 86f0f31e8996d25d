#pragma once
// Serves LINE's webhook over HTTP (core HttpServer; TLS is the reverse proxy's, see
// docs/operations.md). Each request is checked and applied by LineWebhook on the server's
// thread (the subscriber store is thread-safe); its replies go to a queue that one thread
// sends through the reply API, so LINE gets its 200 at once.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "adapters/line/line_api.h"
#include "adapters/line/line_webhook.h"
#include "core/base/result.h"

namespace alerthub::line {

struct WebhookSettings {
    std::string host = "127.0.0.1";
    int port = 0;  // 0 with enabled: any free port (tests)
    bool enabled = false;
    std::string path = "/line/webhook";
    std::string channel_secret;  // from webhook.channel_secret_file
    std::size_t max_body_bytes = 1048576;
    int reply_per_second = 2000;  // LINE's limit for the reply endpoint ("other endpoints")
};

class WebhookServer {
public:
    // `api` is used only by the reply thread (give it its own HttpClient).
    WebhookServer(WebhookSettings settings, LineWebhook& webhook, LineApi& api);
    ~WebhookServer();
    WebhookServer(const WebhookServer&) = delete;
    WebhookServer& operator=(const WebhookServer&) = delete;

    // Binds (failing when the address is taken) and serves on its own threads.
    Status start();
    void stop();
    int port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace alerthub::line
