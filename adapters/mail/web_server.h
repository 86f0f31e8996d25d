#pragma once
// The resident pages over HTTP (core HttpServer; TLS is the reverse proxy's): Registration's
// pages at /mail/..., plus GET /healthz. Handler threads call Registration, which
// serializes them.
//
//   GET  /mail/                      registration form
//   POST /mail/register              email, areas (repeated), language
//   GET  /mail/confirm?t=TOKEN       confirms
//   GET  /mail/preferences?t=SIGNED  form;  POST: areas, language
//   GET  /mail/unsubscribe?t=SIGNED  a page with a button;  POST: unsubscribes (RFC 8058:
//                                    the body "List-Unsubscribe=One-Click" is accepted)

#include <memory>
#include <string>

#include "adapters/mail/registration.h"
#include "core/base/result.h"

namespace alerthub::mail {

class WebServer {
public:
    WebServer(std::string host, int port, Registration& registration);
    ~WebServer();
    WebServer(const WebServer&) = delete;
    WebServer& operator=(const WebServer&) = delete;

    // Binds (failing when the address is taken) and serves on its own thread.
    Status start();
    void stop();
    int port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace alerthub::mail
