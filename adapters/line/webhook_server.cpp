#include "adapters/line/webhook_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "adapters/line/rate_limiter.h"
#include "core/blocking_queue.h"
#include "core/log.h"

namespace alerthub::line {

struct WebhookServer::Impl {
    WebhookSettings settings;
    LineWebhook* webhook = nullptr;
    LineApi* api = nullptr;
    httplib::Server server;
    std::thread listener;
    std::thread replier;
    BlockingQueue<WebhookReply> replies;
    std::atomic<bool> stopping{false};
    int bound_port = 0;
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
    auto& s = impl_->server;
    Impl* impl = impl_.get();
    s.set_tcp_nodelay(true);  // Nagle with delayed ACK costs 40 ms a request on keep-alive
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
    s.set_exception_handler(
        [impl](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
            std::string what = "unknown exception";
            try {
                if (ep) std::rethrow_exception(ep);
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            impl->log->error("webhook {} {}: {}", req.method, req.path, what);
            res.status = 500;
            res.set_content(R"({"message":"internal error"})", "application/json");
        });

    const auto& o = impl->settings;
    if (o.port == 0) {
        impl->bound_port = s.bind_to_any_port(o.host);
        if (impl->bound_port <= 0)
            return make_error(ErrorCode::kUnavailable,
                              fmt::format("webhook: cannot bind {}", o.host));
    } else {
        if (!s.bind_to_port(o.host, o.port))
            return make_error(
                ErrorCode::kUnavailable,
                fmt::format("webhook: cannot listen on {}:{} (address in use?)", o.host, o.port));
        impl->bound_port = o.port;
    }
    impl->replier = std::thread([impl] { impl->send_replies(); });
    impl->listener = std::thread([impl] { impl->server.listen_after_bind(); });
    // stop() before the listener has started would be lost and join() would hang.
    for (int i = 0; i < 500 && !impl->server.is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return {};
}

void WebhookServer::stop() {
    if (!impl_) return;
    impl_->server.stop();
    if (impl_->listener.joinable()) impl_->listener.join();
    impl_->stopping = true;
    impl_->replies.wake();
    if (impl_->replier.joinable()) impl_->replier.join();
}

int WebhookServer::port() const {
    return impl_->bound_port;
}

}  // namespace alerthub::line
