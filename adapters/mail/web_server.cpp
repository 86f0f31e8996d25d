#include "adapters/mail/web_server.h"

#include "core/http/http_server.h"

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
    HttpServer http{"web", "mail"};
};

WebServer::WebServer(std::string host, int port, Registration& registration)
    : impl_(new Impl{std::move(host), port, registration}) {}

WebServer::~WebServer() {
    stop();
}

Status WebServer::start() {
    auto& s = impl_->http.server();
    auto& r = impl_->registration;
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
    return impl_->http.start(impl_->host, impl_->port);
}

void WebServer::stop() {
    if (impl_) impl_->http.stop();
}

int WebServer::port() const {
    return impl_->http.port();
}

}  // namespace alerthub::mail
