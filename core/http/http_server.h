#pragma once
// What every HTTP listener of alerthub (ingest, staff console, LINE webhook, mail sign-up
// pages) does the same way with cpp-httplib: TCP_NODELAY, an exception in a handler logged
// and answered with a JSON 500, binding (port 0: any free port, for tests), serving on a
// thread of its own, stopping without a hang.

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

#include "core/base/result.h"

namespace alerthub {

class HttpServer {
public:
    // `name` says which listener in errors ("http ingest", "console"); `logger` is the
    // component logger for handler exceptions. `server` may be an httplib::SSLServer.
    HttpServer(std::string name, std::string logger,
               std::unique_ptr<httplib::Server> server = std::make_unique<httplib::Server>());
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Routes and settings go here before start().
    httplib::Server& server() { return *server_; }

    // Binds (failing when the address is taken) and serves on its own thread.
    Status start(const std::string& host, int port);
    // Idempotent; returns once the listener thread has ended.
    void stop();
    int port() const { return bound_port_; }

private:
    std::string name_;
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
    int bound_port_ = 0;
};

}  // namespace alerthub
