#pragma once
// The HTTP ingest door: `POST /api/v1/ingest/cap` with `Authorization: Bearer <token>` and
// a CAP 1.2 or JMA XML document as the body; `GET /healthz`. Authentication and the size
// limit are enforced here, before a body is read; the document itself is handed to
// `submit`, which runs on a server thread and must pass the work to the hub's owner (see
// HubApp).
//
// `X-Alerthub-Replay: <reason>` says the document is a deliberate replay (a demo, a drill):
// it is published whatever its age, marked as a replay (docs/protocol.md, Lifecycle L7).
// The reason (UTF-8, 1 .. 200 bytes, no control characters) is journaled in the origin; a
// header with nothing in it counts as none.
//
// Each source has a token of its own (IngestToken): the document must be one its grant
// allows (hub/ingest/ingest_pipeline.h, SourceGrant), or it is refused 403 with the reason
// and kept in the quarantine like any refused input.
//
//   202 {"alert_id","version","duplicate"}  stored (accepted, duplicate or superseded)
//   400 unreadable body or replay header    401 missing or wrong token
//   403 {"error": reason}                   the token may not speak for this document
//   413 body over max_document_bytes
//   422 {"error": reason}                   rejected document
//   503 {"error": ...}                      the journal could not store it: retry

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/http/http_server.h"
#include "hub/ingest/ingest_pipeline.h"

namespace alerthub::hub {

// One bearer token and what it may speak for. Only the token's SHA-256 is kept; the
// presented token's hash is compared with every token's in constant time.
struct IngestToken {
    std::string sha256;  // hex
    SourceGrant grant;
};

// The token `secret` under `grant` (hashed here).
IngestToken make_ingest_token(std::string_view secret, SourceGrant grant);

struct HttpIngestOptions {
    std::string host = "127.0.0.1";
    int port = 8080;  // 0: any free port (tests)
    std::vector<IngestToken> tokens;
    std::size_t max_document_bytes = 1048576;
    // [http]: the request deadline, workers, trusted proxies (one request per connection is
    // the door's own choice).
    HttpServerOptions http;
};

inline constexpr const char* kReplayHeader = "X-Alerthub-Replay";
inline constexpr std::size_t kMaxReplayReasonBytes = 200;

// `grant`: the presenting token's.
using CapSubmitter = std::function<IngestReport(std::string body, std::optional<Replay> replay,
                                                const SourceGrant& grant)>;

class HttpIngestServer {
public:
    HttpIngestServer(HttpIngestOptions options, CapSubmitter submit);
    ~HttpIngestServer();
    HttpIngestServer(const HttpIngestServer&) = delete;
    HttpIngestServer& operator=(const HttpIngestServer&) = delete;

    // Binds (failing when the address is taken) and serves on its own thread.
    Status start();
    void stop();
    int port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace alerthub::hub
