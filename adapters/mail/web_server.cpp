#include "adapters/mail/web_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <thread>

#include "core/log.h"

namespace alerthub::mail {
namespace {

constexpr std::size_t kMaxBody = 64 * 1024;  // a form with every town block is ~3 KB

void reply(httplib::Response& res, const WebPage& page) {
    res.status = page.status;
    // Links carry tokens: not cached, not sent on as Referer, not framed.
    res.set_header("Cache-Control", "no-store");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
    res.set_content(page.html, "text/html; charset=utf-8");
}

std::vector<std::string> values(const httplib::Request& req, const char* name) {
    std::vector<std::string> out;
    auto n = req.get_param_value_count(name);
    for (std::size_t i = 0; i < n; ++i) out.push_back(req.get_param_value(name, i));
    return out;
}

}  // namespace

struct WebServer::Impl {
    std::string host;
    int port = 0;
    Registration& registration;
    httplib::Server server;
    std::thread thread;
    int bound_port = 0;
};

WebServer::WebServer(std::string host, int port, Registration& registration)
    : impl_(new Impl{std::move(host), port, registration, {}, {}, 0}) {}

WebServer::~WebServer() {
    stop();
}

Status WebServer::start() {
    auto& s = impl_->server;
    auto& r = impl_->registration;
    s.set_tcp_nodelay(true);
    s.set_payload_max_length(kMaxBody);
    s.set_read_timeout(std::chrono::seconds(10));
    s.set_write_timeout(std::chrono::seconds(10));
    s.Get("/mail/",
          [&r](const httplib::Request&, httplib::Response& res) { reply(res, r.form()); });
    s.Get("/mail",
          [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/mail/"); });
    s.Post("/mail/register", [&r](const httplib::Request& req, httplib::Response& res) {
        reply(res, r.register_address(req.get_param_value("email"), values(req, "areas"),
                                      req.get_param_value("language")));
    });
    s.Get("/mail/confirm", [&r](const httplib::Request& req, httplib::Response& res) {
        reply(res, r.confirm(req.get_param_value("t")));
    });
    s.Get("/mail/preferences", [&r](const httplib::Request& req, httplib::Response& res) {
        reply(res, r.preferences_form(req.get_param_value("t")));
    });
    s.Post("/mail/preferences", [&r](const httplib::Request& req, httplib::Response& res) {
        reply(res, r.save_preferences(req.get_param_value("t"), values(req, "areas"),
                                      req.get_param_value("language")));
    });
    s.Get("/mail/unsubscribe", [&r](const httplib::Request& req, httplib::Response& res) {
        reply(res, r.unsubscribe_form(req.get_param_value("t")));
    });
    s.Post("/mail/unsubscribe", [&r](const httplib::Request& req, httplib::Response& res) {
        reply(res, r.unsubscribe(req.get_param_value("t")));
    });
    s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("{\"status\":\"ok\"}", "application/json");
    });
    s.set_exception_handler(
        [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
            std::string what = "unknown exception";
            try {
                if (ep) std::rethrow_exception(ep);
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            get_logger("mail")->error("http {} {}: {}", req.method, req.path, what);
            res.status = 500;
        });

    if (impl_->port == 0) {
        impl_->bound_port = s.bind_to_any_port(impl_->host);
        if (impl_->bound_port <= 0)
            return make_error(ErrorCode::kUnavailable,
                              fmt::format("web: cannot bind {}", impl_->host));
    } else {
        if (!s.bind_to_port(impl_->host, impl_->port))
            return make_error(ErrorCode::kUnavailable,
                              fmt::format("web: cannot listen on {}:{} (address in use?)",
                                          impl_->host, impl_->port));
        impl_->bound_port = impl_->port;
    }
    Impl* impl = impl_.get();
    impl_->thread = std::thread([impl] { impl->server.listen_after_bind(); });
    // 0.11 has no wait_until_ready(); stop() before the listener runs would be lost.
    for (int i = 0; i < 500 && !impl_->server.is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return {};
}

void WebServer::stop() {
    if (!impl_) return;
    impl_->server.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
}

int WebServer::port() const {
    return impl_->bound_port;
}

}  // namespace alerthub::mail
