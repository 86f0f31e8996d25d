#include "adapters/mail/web_server.h"

#include "core/http/http_server.h"

namespace alerthub::mail {
namespace {

constexpr std::size_t kMaxBody = 64 * 1024;  // a form with every town block is ~3 KB

HttpServerOptions listener_options() {
    HttpServerOptions o;
    o.max_body_bytes = kMaxBody;
    return o;
}

void reply(HttpServerResponse& res, const WebPage& page) {
    res.status = page.status;
    // Links carry tokens: not cached, not sent on as Referer, not framed.
    res.set_header("Cache-Control", "no-store");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; "
                   "form-action 'self'");
    res.set_content(page.html, "text/html; charset=utf-8");
}

}  // namespace

struct WebServer::Impl {
    std::string host;
    int port = 0;
    Registration& registration;
    HttpServer http{"web", "mail", listener_options()};
};

WebServer::WebServer(std::string host, int port, Registration& registration)
    : impl_(new Impl{std::move(host), port, registration}) {}

WebServer::~WebServer() {
    stop();
}

Status WebServer::start() {
    auto& s = impl_->http;
    auto& r = impl_->registration;
    s.get("/mail/", [&r](const HttpServerRequest& req, HttpServerResponse& res) {
        reply(res, r.form(req.param("lang")));
    });
    s.get("/mail/areas.js", [](const HttpServerRequest&, HttpServerResponse& res) {
        res.set_header("Cache-Control", "max-age=3600");
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_content(areas_script(), "text/javascript; charset=utf-8");
    });
    s.get("/mail",
          [](const HttpServerRequest&, HttpServerResponse& res) { res.redirect("/mail/"); });
    s.post("/mail/register", [&r](const HttpServerRequest& req, HttpServerResponse& res) {
        reply(res, r.register_address(req.param("email"), req.param_values("areas"),
                                      req.param("language"), req.param("ui")));
    });
    s.get("/mail/confirm", [&r](const HttpServerRequest& req, HttpServerResponse& res) {
        reply(res, r.confirm(req.param("t")));
    });
    s.get("/mail/preferences", [&r](const HttpServerRequest& req, HttpServerResponse& res) {
        reply(res, r.preferences_form(req.param("t")));
    });
    s.post("/mail/preferences", [&r](const HttpServerRequest& req, HttpServerResponse& res) {
        reply(res,
              r.save_preferences(req.param("t"), req.param_values("areas"), req.param("language")));
    });
    s.get("/mail/unsubscribe", [&r](const HttpServerRequest& req, HttpServerResponse& res) {
        reply(res, r.unsubscribe_form(req.param("t")));
    });
    s.post("/mail/unsubscribe", [&r](const HttpServerRequest& req, HttpServerResponse& res) {
        reply(res, r.unsubscribe(req.param("t")));
    });
    s.get("/healthz", [](const HttpServerRequest&, HttpServerResponse& res) {
        res.set_content("{\"status\":\"ok\"}", "application/json");
    });
    return s.start(impl_->host, impl_->port);
}

void WebServer::stop() {
    if (impl_) impl_->http.stop();
}

int WebServer::port() const {
    return impl_->http.port();
}

}  // namespace alerthub::mail
