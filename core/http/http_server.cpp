#include "core/http/http_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <thread>

#include "core/base/log.h"

namespace alerthub {
namespace {

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
               return lower(x) == lower(y);
           });
}

const std::string* find_header(const HttpFields& fields, std::string_view name) {
    for (const auto& [n, v] : fields)
        if (same_name(n, name)) return &v;
    return nullptr;
}

// Everything but the body (which a route reading its own has not read).
HttpServerRequest request_of(const httplib::Request& req) {
    HttpServerRequest out;
    out.method = req.method;
    out.path = req.path;
    out.remote_address = req.remote_addr;
    out.headers.assign(req.headers.begin(), req.headers.end());
    out.params.assign(req.params.begin(), req.params.end());
    for (std::size_t i = 1; i < req.matches.size(); ++i) out.captures.push_back(req.matches[i]);
    return out;
}

void answer(const HttpServerResponse& from, httplib::Response& res) {
    res.status = from.status;
    for (const auto& [name, value] : from.headers) res.set_header(name, value);
    if (from.content_type.empty())
        res.body = from.body;
    else
        res.set_content(from.body, from.content_type);
}

}  // namespace

bool HttpServerRequest::has_header(std::string_view name) const {
    return find_header(headers, name) != nullptr;
}

std::string HttpServerRequest::header(std::string_view name) const {
    const auto* value = find_header(headers, name);
    return value ? *value : std::string();
}

bool HttpServerRequest::has_param(std::string_view name) const {
    return std::any_of(params.begin(), params.end(),
                       [&](const auto& p) { return p.first == name; });
}

std::string HttpServerRequest::param(std::string_view name) const {
    for (const auto& [n, v] : params)
        if (n == name) return v;
    return {};
}

std::vector<std::string> HttpServerRequest::param_values(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : params)
        if (n == name) out.push_back(v);
    return out;
}

void HttpServerResponse::set_header(std::string name, std::string value) {
    std::erase_if(headers, [&](const auto& h) { return same_name(h.first, name); });
    add_header(std::move(name), std::move(value));
}

void HttpServerResponse::add_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
}

std::string HttpServerResponse::header(std::string_view name) const {
    const auto* value = find_header(headers, name);
    return value ? *value : std::string();
}

void HttpServerResponse::redirect(std::string location, int redirect_status) {
    status = redirect_status;
    body.clear();
    content_type.clear();
    set_header("Location", std::move(location));
}

Result<std::string> HttpBodyReader::read(std::size_t limit) {
    auto too_big = [&](std::string_view size) {
        return make_error(ErrorCode::kResourceExhausted,
                          fmt::format("{} bytes, over the limit of {} bytes", size, limit));
    };
    if (content_length_) {
        const auto& text = *content_length_;
        std::size_t length = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
        if (ec == std::errc::result_out_of_range || (ec == std::errc() && length > limit))
            return too_big(text);
    }
    std::string body;
    bool over = false;
    bool whole = source_([&](std::string_view piece) {
        if (body.size() + piece.size() > limit) {
            over = true;
            return false;
        }
        body.append(piece);
        return true;
    });
    if (over) return too_big("more than " + std::to_string(limit));
    if (!whole) return make_error(ErrorCode::kUnavailable, "could not read the request body");
    return body;
}

struct HttpServer::Impl {
    std::string name;
    std::unique_ptr<httplib::Server> server;
    std::thread thread;
    int bound_port = 0;
    std::string tls_cert_file;
    std::string tls_key_file;

    Impl(std::string n, const std::string& logger, std::unique_ptr<httplib::Server> s)
        : name(std::move(n)), server(std::move(s)) {
        // Nagle with delayed ACK costs 40 ms a request on keep-alive connections.
        server->set_tcp_nodelay(true);
        server->set_exception_handler(
            [logger](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
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
};

namespace {

// A route whose body cpp-httplib has already read, in our types.
auto plain_route(HttpHandler handler) {
    return [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
        auto request = request_of(req);
        request.body = req.body;
        HttpServerResponse response;
        handler(request, response);
        answer(response, res);
    };
}

std::unique_ptr<httplib::Server> make_server(const HttpServerOptions& o) {
    if (o.tls_cert_file.empty() && o.tls_key_file.empty())
        return std::make_unique<httplib::Server>();
    return std::make_unique<httplib::SSLServer>(o.tls_cert_file.c_str(), o.tls_key_file.c_str());
}

}  // namespace

HttpServer::HttpServer(std::string name, std::string logger, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(name), logger, make_server(options))) {
    auto& s = *impl_->server;
    impl_->tls_cert_file = options.tls_cert_file;
    impl_->tls_key_file = options.tls_key_file;
    if (options.max_body_bytes > 0) s.set_payload_max_length(options.max_body_bytes);
    s.set_read_timeout(options.read_timeout);
    s.set_write_timeout(options.write_timeout);
    if (options.max_requests_per_connection > 0)
        s.set_keep_alive_max_count(options.max_requests_per_connection);
}

HttpServer::~HttpServer() {
    stop();
}

void HttpServer::get(const std::string& pattern, HttpHandler handler) {
    impl_->server->Get(pattern, plain_route(std::move(handler)));
}

void HttpServer::post(const std::string& pattern, HttpHandler handler) {
    impl_->server->Post(pattern, plain_route(std::move(handler)));
}

void HttpServer::post_reading_body(const std::string& pattern, HttpBodyHandler handler) {
    impl_->server->Post(
        pattern, [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res,
                                                const httplib::ContentReader& content) {
            auto request = request_of(req);
            std::optional<std::string> length;
            if (req.has_header("Content-Length")) length = req.get_header_value("Content-Length");
            HttpBodyReader body(std::move(length), [&content](const HttpBodyReader::Sink& sink) {
                return content([&sink](const char* data, std::size_t size) {
                    return sink(std::string_view(data, size));
                });
            });
            HttpServerResponse response;
            handler(request, body, response);
            answer(response, res);
        });
}

Status HttpServer::serve_files(const std::string& mount_point, const std::string& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec) ||
        !impl_->server->set_mount_point(mount_point, dir))
        return make_error(ErrorCode::kNotFound,
                          fmt::format("{}: {} is not a folder", impl_->name, dir));
    return {};
}

void HttpServer::set_file_type(const std::string& extension, const std::string& content_type) {
    impl_->server->set_file_extension_and_mimetype_mapping(extension, content_type);
}

void HttpServer::add_headers_to_every_answer(
    std::function<HttpFields(const HttpServerRequest&)> headers) {
    impl_->server->set_post_routing_handler(
        [headers = std::move(headers)](const httplib::Request& req, httplib::Response& res) {
            for (auto& [name, value] : headers(request_of(req))) res.set_header(name, value);
        });
}

Status HttpServer::start(const std::string& host, int port) {
    auto& s = *impl_->server;
    const auto& name = impl_->name;
    if (!s.is_valid())
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("{}: cannot use TLS certificate {} with key {}", name,
                                      impl_->tls_cert_file, impl_->tls_key_file));
    if (port == 0) {
        impl_->bound_port = s.bind_to_any_port(host);
        if (impl_->bound_port <= 0)
            return make_error(ErrorCode::kUnavailable,
                              fmt::format("{}: cannot bind {}", name, host));
    } else {
        if (!s.bind_to_port(host, port))
            return make_error(ErrorCode::kUnavailable,
                              fmt::format("{}: cannot listen on {}:{} (address in use or not "
                                          "local?)",
                                          name, host, port));
        impl_->bound_port = port;
    }
    impl_->thread = std::thread([&s] { s.listen_after_bind(); });
    // stop() before the listener has started would be lost and join() would hang.
    for (int i = 0; i < 500 && !s.is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return {};
}

void HttpServer::stop() {
    if (!impl_) return;
    impl_->server->stop();
    if (impl_->thread.joinable()) impl_->thread.join();
}

int HttpServer::port() const {
    return impl_->bound_port;
}

}  // namespace alerthub
