#include "adapters/line/webhook_server.h"

#include <atomic>
#include <thread>

#include "adapters/line/rate_limiter.h"
#include "core/base/blocking_queue.h"
#include "core/base/log.h"
#include "core/http/http_server.h"

namespace alerthub::line {
namespace {

HttpServerOptions listener_options(std::size_t max_body_bytes) {
    HttpServerOptions o;
    o.max_body_bytes = max_body_bytes;
    return o;
}

}  // namespace

struct WebhookServer::Impl {
    WebhookSettings settings;
    LineWebhook* webhook = nullptr;
    LineApi* api = nullptr;
    HttpServer http;
    std::thread replier;
    BlockingQueue<WebhookReply> replies;
    std::atomic<bool> stopping{false};
    std::shared_ptr<spdlog::logger> log = get_logger("line");

    Impl(WebhookSettings s, LineWebhook& w, LineApi& a)
        : settings(std::move(s)),
          webhook(&w),
          api(&a),
          http("webhook", "line", listener_options(settings.max_body_bytes)) {}

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
    : impl_(std::make_unique<Impl>(std::move(settings), webhook, api)) {}

WebhookServer::~WebhookServer() {
    stop();
}

Status WebhookServer::start() {
    Impl* impl = impl_.get();
    impl->http.post(
        impl->settings.path, [impl](const HttpServerRequest& req, HttpServerResponse& res) {
            auto outcome = impl->webhook->handle(req.body, req.header("x-line-signature"));
            for (auto& r : outcome.replies) impl->replies.push(std::move(r));
            res.status = outcome.status;
            res.set_content(outcome.body, "application/json");
        });
    impl->http.get("/healthz", [](const HttpServerRequest&, HttpServerResponse& res) {
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
