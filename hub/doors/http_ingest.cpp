#include "hub/doors/http_ingest.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/base/crypto.h"
#include "core/base/log.h"
#include "core/base/utf8.h"
#include "core/http/http_server.h"

namespace alerthub::hub {
namespace {

constexpr const char* kJson = "application/json";

void reply_json(HttpServerResponse& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(), kJson);
}

void reply_error(HttpServerResponse& res, int status, const std::string& error) {
    reply_json(res, status, {{"error", error}});
}

HttpServerOptions listener_options(HttpServerOptions o) {
    // One request per connection: a refused (401/413) body is left unread, and would
    // otherwise be parsed as the next request. Ingest is rare enough that the saved
    // handshake does not matter.
    o.max_requests_per_connection = 1;
    return o;
}

// The replay header's reason, checked: nullopt without the header; an error for an over-long
// or unprintable reason (it goes into the journal and hubctl's output). The HTTP layer drops a
// header with nothing in it, so that counts as none; a blank one is refused should it come.
Result<std::optional<Replay>> read_replay(const HttpServerRequest& req) {
    if (!req.has_header(kReplayHeader)) return std::optional<Replay>();
    std::string reason = req.header(kReplayHeader);
    const auto first = reason.find_first_not_of(" \t");
    reason = first == std::string::npos
                 ? ""
                 : reason.substr(first, reason.find_last_not_of(" \t") - first + 1);
    auto refuse = [](const std::string& why) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("{} header: {}", kReplayHeader, why));
    };
    if (reason.empty()) return refuse("give the reason for the replay (e.g. \"demo\", \"drill\")");
    if (reason.size() > kMaxReplayReasonBytes)
        return refuse(
            fmt::format("the reason is {} bytes, over {}", reason.size(), kMaxReplayReasonBytes));
    if (auto s = validate_utf8(reason); !s) return refuse(s.error().message);
    if (std::any_of(reason.begin(), reason.end(),
                    [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f; }))
        return refuse("the reason holds a control character");
    return std::optional<Replay>(Replay{std::move(reason)});
}

}  // namespace

IngestToken make_ingest_token(std::string_view secret, SourceGrant grant) {
    return IngestToken{.sha256 = sha256_hex(secret), .grant = std::move(grant)};
}

struct HttpIngestServer::Impl {
    HttpIngestOptions options;
    CapSubmitter submit;
    std::unique_ptr<HttpServer> http;

    // The token presented, or null. Every token is compared (no early exit), each in
    // constant time, so the answer's timing says nothing about which one came close.
    const IngestToken* token_of(const HttpServerRequest& req) const {
        constexpr std::string_view kBearer = "Bearer ";
        auto header = req.header("Authorization");
        if (header.size() <= kBearer.size() || header.compare(0, kBearer.size(), kBearer) != 0)
            return nullptr;
        const std::string presented = sha256_hex(std::string_view(header).substr(kBearer.size()));
        const IngestToken* found = nullptr;
        for (const auto& token : options.tokens)
            if (constant_time_equal(presented, token.sha256)) found = &token;
        return found;
    }

    void ingest(const HttpServerRequest& req, HttpBodyReader& reader, HttpServerResponse& res) {
        auto log = get_logger("hub");
        // A refused body is never read (one request per connection: listener_options()).
        const IngestToken* token = token_of(req);
        if (!token) {
            log->warn("http ingest from {}: missing or wrong bearer token", req.client_address);
            res.set_header("WWW-Authenticate", "Bearer");
            reply_error(res, 401, "missing or wrong bearer token");
            return;
        }
        auto replay = read_replay(req);
        if (!replay) {
            log->warn("http ingest from {}: {}", req.client_address, replay.error().message);
            return reply_error(res, 400, replay.error().message);
        }
        auto body = reader.read(options.max_document_bytes);
        if (!body) {
            if (body.error().code == ErrorCode::kResourceExhausted)
                return reply_error(res, 413, "document is " + body.error().message);
            return reply_error(res, 400, body.error().message);
        }

        IngestReport report = submit(std::move(*body), std::move(*replay), token->grant);
        switch (report.kind) {
            case IngestOutcome::kAccepted:
            case IngestOutcome::kDuplicate:
            case IngestOutcome::kSuperseded: {
                nlohmann::json reply = {{"alert_id", report.alert_id},
                                        {"version", report.version},
                                        {"duplicate", report.kind == IngestOutcome::kDuplicate}};
                if (report.kind == IngestOutcome::kSuperseded) reply["superseded"] = true;
                return reply_json(res, 202, reply);
            }
            case IngestOutcome::kRejected:
                if (report.code == ErrorCode::kPermissionDenied) {
                    log->warn("http ingest from {}: {}", req.client_address, report.reason);
                    return reply_error(res, 403, report.reason);
                }
                return reply_error(res, report.code == ErrorCode::kResourceExhausted ? 413 : 422,
                                   report.reason);
            case IngestOutcome::kFailed:
                res.set_header("Retry-After", "5");
                return reply_error(res, 503, "not stored: " + report.reason);
        }
    }
};

HttpIngestServer::HttpIngestServer(HttpIngestOptions options, CapSubmitter submit)
    : impl_(std::make_unique<Impl>()) {
    impl_->http =
        std::make_unique<HttpServer>("http ingest", "hub", listener_options(options.http));
    impl_->options = std::move(options);
    impl_->submit = std::move(submit);
}

HttpIngestServer::~HttpIngestServer() {
    stop();
}

Status HttpIngestServer::start() {
    Impl* impl = impl_.get();
    impl->http->post_reading_body(
        "/api/v1/ingest/cap", [impl](const HttpServerRequest& req, HttpBodyReader& body,
                                     HttpServerResponse& res) { impl->ingest(req, body, res); });
    impl->http->get("/healthz", [](const HttpServerRequest&, HttpServerResponse& res) {
        reply_json(res, 200, {{"status", "ok"}});
    });
    return impl->http->start(impl->options.host, impl->options.port);
}

void HttpIngestServer::stop() {
    if (impl_ && impl_->http) impl_->http->stop();
}

int HttpIngestServer::port() const {
    return impl_->http->port();
}

}  // namespace alerthub::hub
