#include "hub/doors/http_ingest.h"

#include <fmt/format.h>
#include <httplib.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/base/crypto.h"
#include "core/base/log.h"
#include "core/http/http_server.h"

namespace alerthub::hub {
namespace {

constexpr const char* kJson = "application/json";

void reply_json(httplib::Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(), kJson);
}

void reply_error(httplib::Response& res, int status, const std::string& error) {
    reply_json(res, status, {{"error", error}});
}

}  // namespace

struct HttpIngestServer::Impl {
    HttpIngestOptions options;
    CapSubmitter submit;
    HttpServer http{"http ingest", "hub"};

    bool authorized(const httplib::Request& req) const {
        constexpr std::string_view kBearer = "Bearer ";
        auto header = req.get_header_value("Authorization");
        if (header.size() <= kBearer.size() || header.compare(0, kBearer.size(), kBearer) != 0)
            return false;
        return constant_time_equal(std::string_view(header).substr(kBearer.size()), options.token);
    }

    void ingest(const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& reader) {
        auto log = get_logger("hub");
        // A refused body is never read (see start(): one request per connection).
        if (!authorized(req)) {
            log->warn("http ingest from {}: missing or wrong bearer token", req.remote_addr);
            res.set_header("WWW-Authenticate", "Bearer");
            reply_error(res, 401, "missing or wrong bearer token");
            return;
        }
        auto too_big = [&](std::string_view size) {
            reply_error(res, 413,
                        fmt::format("document is {} bytes, over the limit of {} bytes", size,
                                    options.max_document_bytes));
        };
        if (req.has_header("Content-Length")) {
            auto text = req.get_header_value("Content-Length");
            std::size_t length = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
            if (ec == std::errc::result_out_of_range ||
                (ec == std::errc() && length > options.max_document_bytes))
                return too_big(text);
        }
        std::string body;
        bool over = false;
        bool read = reader([&](const char* data, std::size_t size) {
            if (body.size() + size > options.max_document_bytes) {
                over = true;
                return false;
            }
            body.append(data, size);
            return true;
        });
        if (over) return too_big("more than " + std::to_string(options.max_document_bytes));
        if (!read) {
            return reply_error(res, 400, "could not read the request body");
        }

        IngestReport report = submit(std::move(body));
        switch (report.kind) {
            case IngestReport::Kind::kAccepted:
            case IngestReport::Kind::kDuplicate:
            case IngestReport::Kind::kSuperseded: {
                nlohmann::json reply = {
                    {"alert_id", report.alert_id},
                    {"version", report.version},
                    {"duplicate", report.kind == IngestReport::Kind::kDuplicate}};
                if (report.kind == IngestReport::Kind::kSuperseded) reply["superseded"] = true;
                return reply_json(res, 202, reply);
            }
            case IngestReport::Kind::kRejected:
                return reply_error(res, report.code == ErrorCode::kResourceExhausted ? 413 : 422,
                                   report.reason);
            case IngestReport::Kind::kFailed:
                res.set_header("Retry-After", "5");
                return reply_error(res, 503, "not stored: " + report.reason);
        }
    }
};

HttpIngestServer::HttpIngestServer(HttpIngestOptions options, CapSubmitter submit)
    : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->submit = std::move(submit);
}

HttpIngestServer::~HttpIngestServer() {
    stop();
}

Status HttpIngestServer::start() {
    auto& s = impl_->http.server();
    // One request per connection: a refused (401/413) body is left unread, and httplib
    // 0.11 would otherwise parse its bytes as the next request. Ingest is rare enough that
    // the saved handshake does not matter.
    s.set_keep_alive_max_count(1);
    s.set_read_timeout(std::chrono::seconds(10));
    s.set_write_timeout(std::chrono::seconds(10));
    Impl* impl = impl_.get();
    s.Post("/api/v1/ingest/cap",
           [impl](const httplib::Request& req, httplib::Response& res,
                  const httplib::ContentReader& reader) { impl->ingest(req, res, reader); });
    s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
        reply_json(res, 200, {{"status", "ok"}});
    });
    return impl_->http.start(impl_->options.host, impl_->options.port);
}

void HttpIngestServer::stop() {
    if (impl_) impl_->http.stop();
}

int HttpIngestServer::port() const {
    return impl_->http.port();
}

}  // namespace alerthub::hub
