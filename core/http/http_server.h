#pragma once
// alerthub's own HTTP listener. The ingest door, the staff console, the LINE webhook and the
// mail sign-up pages see only the types here; cpp-httplib stays inside http_server.cpp. What every
// listener does the same way: TCP_NODELAY, an exception in a handler logged and answered with a
// JSON 500, binding (port 0: any free port, for tests), serving on a thread of its own, stopping
// without a hang.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/result.h"

namespace alerthub {

// Name and value pairs; a name may repeat. Received ones are grouped by name (cpp-httplib
// keeps them in a sorted map), the values of one name in the order received.
using HttpFields = std::vector<std::pair<std::string, std::string>>;

// One request as a handler sees it. A plain struct, so a test can build one.
struct HttpServerRequest {
    std::string method;          // "GET", "POST", ... (a HEAD is served by the GET route)
    std::string path;            // percent-decoded, without the query string
    std::string remote_address;  // the peer's IP address
    // Who sent the request: remote_address, or, when that is a trusted proxy
    // (HttpServerOptions::trusted_proxies), the nearest address in X-Forwarded-For that is
    // not one. X-Forwarded-For from any other peer is ignored: anyone can write it.
    std::string client_address;
    HttpFields headers;
    // The query string's parameters and, for an application/x-www-form-urlencoded body,
    // the form's (decoded).
    HttpFields params;
    // The route pattern's groups: captures[0] is the first parenthesised group.
    std::vector<std::string> captures;
    // Empty for a route that reads its own body (HttpServer::post_reading_body).
    std::string body;

    // Header names compare case-insensitively (RFC 9110); "" when absent.
    bool has_header(std::string_view name) const;
    std::string header(std::string_view name) const;
    // The first value of a parameter ("" when absent), and every value of a repeated one.
    bool has_param(std::string_view name) const;
    std::string param(std::string_view name) const;
    std::vector<std::string> param_values(std::string_view name) const;
};

struct HttpServerResponse {
    int status = 200;
    std::string body;
    std::string content_type;  // sent as Content-Type unless empty
    HttpFields headers;        // besides Content-Type and Content-Length

    void set_content(std::string content, std::string type) {
        body = std::move(content);
        content_type = std::move(type);
    }
    // Replaces every header of that name (case-insensitive); add_header keeps them.
    void set_header(std::string name, std::string value);
    void add_header(std::string name, std::string value);
    std::string header(std::string_view name) const;
    // 302 (or `status`) with a Location header and no body.
    void redirect(std::string location, int status = 302);
};

// The body of a request to a post_reading_body route, read only when the handler asks: a
// request refused on its headers alone (401, 413) leaves its body unread.
class HttpBodyReader {
public:
    // `source` passes the body to its sink in pieces until done or the sink answers false,
    // and says whether the whole body was read.
    using Sink = std::function<bool(std::string_view piece)>;
    using Source = std::function<bool(const Sink& sink)>;
    HttpBodyReader(std::optional<std::string> content_length, Source source)
        : content_length_(std::move(content_length)), source_(std::move(source)) {}

    // The whole body, when it is at most `limit` bytes. Otherwise kResourceExhausted, "N
    // bytes, over the limit of L bytes" (N the declared Content-Length, or "more than L"
    // for a chunked body), as soon as that is known: an oversized body is never buffered.
    // kUnavailable when the body could not be read (the peer went away, a timeout).
    Result<std::string> read(std::size_t limit);

private:
    std::optional<std::string> content_length_;
    Source source_;
};

using HttpHandler = std::function<void(const HttpServerRequest&, HttpServerResponse&)>;
using HttpBodyHandler =
    std::function<void(const HttpServerRequest&, HttpBodyReader&, HttpServerResponse&)>;

struct HttpServerOptions {
    // Bodies over this are answered 413 before any handler runs (a post_reading_body route
    // sets its own limit with HttpBodyReader::read). 0: no limit.
    std::size_t max_body_bytes = 0;
    // The longest wait for one read or one write.
    std::chrono::seconds read_timeout{10};
    std::chrono::seconds write_timeout{10};
    // The whole request (line, headers and body) must arrive within this, and the whole
    // answer must leave within this from its first byte: a client that trickles a byte a
    // second (slowloris) is cut off here, whatever read_timeout says. A connection's first
    // request counts from its accept() (time waiting for a worker included); later ones on
    // a kept-alive connection from their first byte.
    // Plain HTTP only: a TLS listener has cpp-httplib's per-read timeouts (put the shipped
    // nginx set-up in front of one that faces a network: docs/operations.md).
    std::chrono::milliseconds request_timeout{15000};
    // Connections served at once (a thread each); more wait for a free worker, and a slow
    // one is cut as soon as a worker reaches it past its deadline. Keep-alive connections
    // hold a worker while idle, at most keep_alive_timeout.
    std::size_t workers = 64;
    std::chrono::seconds keep_alive_timeout{5};
    // IP addresses (exact, as written by the peer's socket: "127.0.0.1", "::1") of reverse
    // proxies whose X-Forwarded-For is believed (HttpServerRequest::client_address).
    std::vector<std::string> trusted_proxies;
    // 1: one request per connection, so that a body left unread is never parsed as the next
    // request (post_reading_body). 0: cpp-httplib's default (5).
    std::size_t max_requests_per_connection = 0;
    // Both or neither: TLS with this PEM certificate (chain) and key. A pair that cannot be
    // used makes start() fail.
    std::string tls_cert_file;
    std::string tls_key_file;
};

// HttpServerRequest::client_address for a peer and its X-Forwarded-For header ("" if none).
std::string client_address_of(const std::string& peer, const std::string& forwarded_for,
                              const std::vector<std::string>& trusted_proxies);

class HttpServer {
public:
    // `name` says which listener in errors ("http ingest", "console"); `logger` is the
    // component logger for handler exceptions.
    HttpServer(std::string name, std::string logger, HttpServerOptions options = {});
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Routes and settings go here before start(). `pattern` is an ECMAScript regular
    // expression that must match the whole path ("/healthz", R"(/drafts/(\d+))"); the
    // first route registered that matches wins.
    void get(const std::string& pattern, HttpHandler handler);
    void post(const std::string& pattern, HttpHandler handler);
    // A POST whose handler looks at the headers before it reads the body, if it does.
    void post_reading_body(const std::string& pattern, HttpBodyHandler handler);

    // Serves the files under `dir` at `mount_point` ("/") for GET and HEAD requests that no
    // route takes. kNotFound when `dir` is not a folder.
    Status serve_files(const std::string& mount_point, const std::string& dir);
    // The Content-Type for served files ending in `.extension` ("js", no dot).
    void set_file_type(const std::string& extension, const std::string& content_type);
    // Headers added to every answer (a route's, a served file's, an error's), chosen from
    // the request's method, path and headers.
    void add_headers_to_every_answer(std::function<HttpFields(const HttpServerRequest&)> headers);

    // Binds (failing when the address is taken, or the TLS pair is unusable) and serves on
    // its own thread.
    Status start(const std::string& host, int port);
    // Idempotent; returns once the listener thread has ended.
    void stop();
    int port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace alerthub
