#include "adapters/line/webhook_server.h"

#include <atomic>
#include <thread>

#include "adapters/line/rate_limiter.h"
#include "core/base/blocking_queue.h"
#include "core/base/log.h"
#include "core/http/http_server.h"

namespace alerthub::line {

struct WebhookServer::Impl {
    WebhookSettings settings;
    LineWebhook* webhook = nullptr;
    LineApi* api = nullptr;
    HttpServer http{"webhook", "line"};
    std::thread replier;
    BlockingQueue<WebhookReply> replies;
    std::atomic<bool> stopping{false};
    std::shared_ptr<spdlog::logger> log = get_logger("line");

    void send_replies() {
        RateLimiter limit(settings.reply_per_second, std::chrono::seconds(1));
        while (!stopping) {
            auto reply = replies.pop_for(std::chrono::milliseconds(200));
            if (!reply) continue;
            auto now = std::chrono::steady_clock::now();
            std::this_thread::sleep_until(limit.next_slot(now));
            limit.record(std::chrono::steady_clock::now());
            // A reply token is single-use and short-lived: one try, no retry key (LINE
            // refuses one on reply).
            auto result = api->reply(reply->reply_token, reply->messages_json);
            if (result.kind == AttemptKind::kAccepted)
                log->debug("webhook: reply sent ({})", result.detail);
            else
                log->warn("webhook: reply not sent: {}", result.detail);
        }
    }
};

WebhookServer::WebhookServer(WebhookSettings settings, LineWebhook& webhook, LineApi& api)
    : impl_(std::make_unique<Impl>()) {
    impl_->settings = std::move(settings);
    impl_->webhook = &webhook;
    impl_->api = &api;
}

WebhookServer::~WebhookServer() {
    stop();
}

Status WebhookServer::start() {
    auto& s = impl_->http.server();
    Impl* impl = impl_.get();
    s.set_payload_max_length(impl->settings.max_body_bytes);
    s.set_read_timeout(std::chrono::seconds(10));
    s.set_write_timeout(std::chrono::seconds(10));
    s.Post(impl->settings.path, [impl](const httplib::Request& req, httplib::Response& res) {
        auto outcome = impl->webhook->handle(req.body, req.get_header_value("x-line-signature"));
        for (auto& r : outcome.replies) impl->replies.push(std::move(r));
        res.status = outcome.status;
        res.set_content(outcome.body, "application/json");
    });
    s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(R"({"status":"ok"})", "application/json");
    });
    if (auto st = impl->http.start(impl->settings.host, impl->settings.port); !st) return st;
    impl->replier = std::thread([impl] { impl->send_replies(); });
    return {};
}

void WebhookServer::stop() {
    if (!impl_) return;
    impl_->http.stop();
    impl_->stopping = true;
    impl_->replies.wake();
    if (impl_->replier.joinable()) impl_->replier.join();
}

int WebhookServer::port() const {
    return impl_->http.port();
}

}  // namespace alerthub::line
