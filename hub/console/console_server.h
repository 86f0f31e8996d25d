#pragma once
// The staff console's HTTP server: the JSON API under /api/v1/, the static web console
// (console.web_dir) and the public output feed under /feed/. Sessions are an HttpOnly,
// SameSite=Strict cookie (Secure with TLS); every state-changing request also needs the
// session's CSRF token in X-CSRF-Token and a JSON body. See docs/protocol.md.

#include <memory>

#include "core/base/result.h"
#include "hub/console/console_service.h"
#include "hub/console/device_screenshots.h"

namespace alerthub::hub::console {

class ConsoleServer {
public:
    // `service` and `screenshots` must outlive the server; without `screenshots` the board
    // cannot ask a screen for its picture (hubctl, tests of the API alone).
    explicit ConsoleServer(ConsoleService& service, DeviceScreenshots* screenshots = nullptr);
    ~ConsoleServer();
    ConsoleServer(const ConsoleServer&) = delete;
    ConsoleServer& operator=(const ConsoleServer&) = delete;

    // Binds (port 0: any free port) and serves on its own thread.
    Status start();
    void stop();
    int port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace alerthub::hub::console
