#include "core/http/http_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
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
HttpServerRequest request_of(const httplib::Request& req,
                             const std::vector<std::string>& trusted_proxies) {
    HttpServerRequest out;
    out.method = req.method;
    out.path = req.path;
    out.remote_address = req.remote_addr;
    out.client_address = client_address_of(req.remote_addr, req.get_header_value("X-Forwarded-For"),
                                           trusted_proxies);
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

std::string client_address_of(const std::string& peer, const std::string& forwarded_for,
                              const std::vector<std::string>& trusted_proxies) {
    auto trusted = [&](const std::string& address) {
        return std::find(trusted_proxies.begin(), trusted_proxies.end(), address) !=
               trusted_proxies.end();
    };
    std::string client = peer;
    std::string_view rest = forwarded_for;
    // From the nearest hop outwards, while the hop that told us is a trusted proxy.
    while (trusted(client) && !rest.empty()) {
        auto comma = rest.rfind(',');
        std::string_view hop = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
        while (!hop.empty() && (hop.front() == ' ' || hop.front() == '\t')) hop.remove_prefix(1);
        while (!hop.empty() && (hop.back() == ' ' || hop.back() == '\t')) hop.remove_suffix(1);
        unsigned char buf[sizeof(in6_addr)];
        const std::string address(hop);
        if (inet_pton(AF_INET, address.c_str(), buf) != 1 &&
            inet_pton(AF_INET6, address.c_str(), buf) != 1)
            break;  // not an address: keep the last hop we could believe
        client = address;
    }
    return client;
}

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

namespace {

using SteadyClock = std::chrono::steady_clock;

// A connected socket as cpp-httplib reads and writes it, but with a deadline for the whole
// request and one for the whole answer (HttpServerOptions::request_timeout): cpp-httplib's
// own stream only bounds each read, which a client sending a byte a second never trips.
// Waits are sliced so that a stopping server is noticed within 100 ms.
class DeadlineStream : public httplib::Stream {
public:
    DeadlineStream(int sock, const HttpServerOptions& o, std::function<bool()> stopping)
        : sock_(sock),
          read_timeout_(o.read_timeout),
          write_timeout_(o.write_timeout),
          request_timeout_(o.request_timeout),
          stopping_(std::move(stopping)) {}

    // Waits up to `idle` from `since` for the first byte of the next request, then holds the
    // request to request_timeout from `since` (the first request: since it was accepted, so
    // that time spent waiting for a worker counts) or from its first byte (the next ones).
    bool next_request(SteadyClock::time_point since, std::chrono::milliseconds idle, bool first) {
        if (buffered_ == 0 && !wait(POLLIN, since + idle)) return false;
        read_deadline_ = (first ? since : SteadyClock::now()) + request_timeout_;
        write_deadline_.reset();
        return true;
    }

    bool is_readable() const override { return buffered_ > 0 || wait(POLLIN, read_until()); }
    bool is_writable() const override { return wait(POLLOUT, write_until()); }

    ssize_t read(char* ptr, std::size_t size) override {
        if (buffered_ == 0) {
            if (!wait(POLLIN, read_until())) {
                broken_ = true;
                return -1;
            }
            ssize_t n = ::recv(sock_, buffer_, sizeof(buffer_), 0);
            if (n <= 0) {
                broken_ = true;
                return n;
            }
            offset_ = 0;
            buffered_ = static_cast<std::size_t>(n);
        }
        const std::size_t n = std::min(size, buffered_);
        std::memcpy(ptr, buffer_ + offset_, n);
        offset_ += n;
        buffered_ -= n;
        return static_cast<ssize_t>(n);
    }

    ssize_t write(const char* ptr, std::size_t size) override {
        if (!write_deadline_) write_deadline_ = SteadyClock::now() + request_timeout_;
        if (!wait(POLLOUT, write_until())) return -1;
        return ::send(sock_, ptr, size, MSG_NOSIGNAL);
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        address_of(::getpeername, ip, port);
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        address_of(::getsockname, ip, port);
    }
    socket_t socket() const override { return sock_; }

    // A read failed (deadline, timeout, peer gone): what is left of the request must not be
    // parsed as the next one on this connection.
    bool broken() const { return broken_; }

private:
    SteadyClock::time_point read_until() const {
        return std::min(read_deadline_, SteadyClock::now() + read_timeout_);
    }
    SteadyClock::time_point write_until() const {
        auto until = SteadyClock::now() + write_timeout_;
        return write_deadline_ ? std::min(*write_deadline_, until) : until;
    }

    // Whether the socket is ready for `events` before `until` (and the server runs). Past
    // `until` only what is ready at once counts: a request that arrived whole while it
    // waited for a worker is still served; a slow one is cut where its bytes run out.
    bool wait(short events, SteadyClock::time_point until) const {
        constexpr auto kSlice = std::chrono::milliseconds(100);
        for (;;) {
            if (stopping_()) return false;
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now());
            pollfd p{.fd = sock_, .events = events, .revents = 0};
            int ready = ::poll(
                &p, 1,
                static_cast<int>(std::clamp(left, std::chrono::milliseconds(0), kSlice).count()));
            if (ready > 0) return true;
            if (left.count() <= 0 || (ready < 0 && errno != EINTR)) return false;
        }
    }

    template <typename Getter>
    void address_of(Getter getter, std::string& ip, int& port) const {
        sockaddr_storage addr{};
        socklen_t len = sizeof(addr);
        if (getter(sock_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return;
        char host[NI_MAXHOST] = {};
        char service[NI_MAXSERV] = {};
        if (::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof(host), service,
                          sizeof(service), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
            return;
        ip = host;
        port = std::atoi(service);
    }

    int sock_;
    std::chrono::milliseconds read_timeout_;
    std::chrono::milliseconds write_timeout_;
    std::chrono::milliseconds request_timeout_;
    std::function<bool()> stopping_;
    SteadyClock::time_point read_deadline_;
    std::optional<SteadyClock::time_point> write_deadline_;
    char buffer_[4096];
    std::size_t offset_ = 0;
    std::size_t buffered_ = 0;
    bool broken_ = false;
};

// When the connection a worker is about to serve was accepted (set by AcceptTimedPool).
thread_local SteadyClock::time_point accepted_at;

// cpp-httplib's thread pool, telling each worker when its connection was accepted: the
// listener thread hands a connection over right after accept().
class AcceptTimedPool : public httplib::TaskQueue {
public:
    explicit AcceptTimedPool(std::size_t workers) : pool_(workers) {}
    void enqueue(std::function<void()> fn) override {
        pool_.enqueue([fn = std::move(fn), at = SteadyClock::now()] {
            accepted_at = at;
            fn();
        });
    }
    void shutdown() override { pool_.shutdown(); }

private:
    httplib::ThreadPool pool_;
};

// cpp-httplib's server with its connection loop replaced by one over DeadlineStream (the
// request parsing, routing and answering stay cpp-httplib's: process_request).
class DeadlineServer : public httplib::Server {
public:
    explicit DeadlineServer(const HttpServerOptions& o) : options_(o) {}

private:
    bool process_and_close_socket(socket_t sock) override {
        DeadlineStream stream(sock, options_, [this] { return svr_sock_ == INVALID_SOCKET; });
        const auto idle =
            std::chrono::duration_cast<std::chrono::milliseconds>(options_.keep_alive_timeout);
        bool ok = false;
        for (std::size_t left = keep_alive_max_count_; left > 0; --left) {
            const bool first = left == keep_alive_max_count_;
            if (!stream.next_request(first ? accepted_at : SteadyClock::now(), idle, first)) break;
            bool closed = false;
            ok = process_request(stream, left == 1, closed, nullptr);
            if (!ok || closed || stream.broken()) break;
        }
        ::shutdown(sock, SHUT_RDWR);
        ::close(sock);
        return ok;
    }

    HttpServerOptions options_;
};

}  // namespace

struct HttpServer::Impl {
    std::string name;
    std::unique_ptr<httplib::Server> server;
    std::thread thread;
    int bound_port = 0;
    std::string tls_cert_file;
    std::string tls_key_file;
    std::vector<std::string> trusted_proxies;

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
auto plain_route(HttpHandler handler, const std::vector<std::string>& trusted_proxies) {
    return [handler = std::move(handler), trusted_proxies](const httplib::Request& req,
                                                           httplib::Response& res) {
        auto request = request_of(req, trusted_proxies);
        request.body = req.body;
        HttpServerResponse response;
        handler(request, response);
        answer(response, res);
    };
}

std::unique_ptr<httplib::Server> make_server(const HttpServerOptions& o) {
    std::unique_ptr<httplib::Server> server;
    if (o.tls_cert_file.empty() && o.tls_key_file.empty())
        server = std::make_unique<DeadlineServer>(o);
    else
        server =
            std::make_unique<httplib::SSLServer>(o.tls_cert_file.c_str(), o.tls_key_file.c_str());
    const std::size_t workers = std::max<std::size_t>(o.workers, 1);
    server->new_task_queue = [workers] { return new AcceptTimedPool(workers); };
    return server;
}

}  // namespace

HttpServer::HttpServer(std::string name, std::string logger, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(name), logger, make_server(options))) {
    auto& s = *impl_->server;
    impl_->tls_cert_file = options.tls_cert_file;
    impl_->tls_key_file = options.tls_key_file;
    impl_->trusted_proxies = options.trusted_proxies;
    if (options.max_body_bytes > 0) s.set_payload_max_length(options.max_body_bytes);
    s.set_read_timeout(options.read_timeout);
    s.set_write_timeout(options.write_timeout);
    s.set_keep_alive_timeout(options.keep_alive_timeout.count());
    if (options.max_requests_per_connection > 0)
        s.set_keep_alive_max_count(options.max_requests_per_connection);
}

HttpServer::~HttpServer() {
    stop();
}

void HttpServer::get(const std::string& pattern, HttpHandler handler) {
    impl_->server->Get(pattern, plain_route(std::move(handler), impl_->trusted_proxies));
}

void HttpServer::post(const std::string& pattern, HttpHandler handler) {
    impl_->server->Post(pattern, plain_route(std::move(handler), impl_->trusted_proxies));
}

void HttpServer::post_reading_body(const std::string& pattern, HttpBodyHandler handler) {
    impl_->server->Post(pattern, [handler = std::move(handler), trusted = impl_->trusted_proxies](
                                     const httplib::Request& req, httplib::Response& res,
                                     const httplib::ContentReader& content) {
        auto request = request_of(req, trusted);
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
        [headers = std::move(headers), trusted = impl_->trusted_proxies](
            const httplib::Request& req, httplib::Response& res) {
            for (auto& [name, value] : headers(request_of(req, trusted)))
                res.set_header(name, value);
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
