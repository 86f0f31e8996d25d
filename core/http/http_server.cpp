#include "core/http/http_server.h"

#include <fmt/format.h>

#include <chrono>

#include "core/base/log.h"

namespace alerthub {

HttpServer::HttpServer(std::string name, std::string logger,
                       std::unique_ptr<httplib::Server> server)
    : name_(std::move(name)), server_(std::move(server)) {
    // Nagle with delayed ACK costs 40 ms a request on keep-alive connections.
    server_->set_tcp_nodelay(true);
    server_->set_exception_handler([logger = std::move(logger)](const httplib::Request& req,
                                                                httplib::Response& res,
                                                                std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
            if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
        get_logger(logger)->error("http {} {}: {}", req.method, req.path, what);
        res.status = 500;
        res.set_content(R"({"error":"internal error"})", "application/json");
    });
}

HttpServer::~HttpServer() {
    stop();
}

Status HttpServer::start(const std::string& host, int port) {
    if (port == 0) {
        bound_port_ = server_->bind_to_any_port(host);
        if (bound_port_ <= 0)
            return make_error(ErrorCode::kUnavailable,
                              fmt::format("{}: cannot bind {}", name_, host));
    } else {
        if (!server_->bind_to_port(host, port))
            return make_error(ErrorCode::kUnavailable,
                              fmt::format("{}: cannot listen on {}:{} (address in use or not "
                                          "local?)",
                                          name_, host, port));
        bound_port_ = port;
    }
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    // stop() before the listener has started would be lost and join() would hang.
    for (int i = 0; i < 500 && !server_->is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return {};
}

void HttpServer::stop() {
    server_->stop();
    if (thread_.joinable()) thread_.join();
}

}  // namespace alerthub
