#pragma once
// The one path every document takes, whichever door it came in by: detect its kind (CAP or
// JMA XML, by root element), parse, journal in one transaction, wake the outbox, log with the
// alert's correlation. Runs on the hub's owner thread only (it uses the owner's Journal).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "hub/journal.h"

namespace alerthub::hub {

struct IngestReport {
    enum class Kind {
        kAccepted,    // a new alert version is in the journal and on its way out
        kDuplicate,   // seen before: acknowledged, not republished
        kSuperseded,  // journaled, but older than the latest version: not published
        kRejected,    // bad document: `reason` says why (kResourceExhausted when too big)
        kFailed,      // the journal could not take it: try again later
    };
    Kind kind = Kind::kRejected;
    std::string alert_id;
    std::int64_t version = 0;
    std::string reason;
    ErrorCode code = ErrorCode::kInvalidArgument;

    // The source may forget the document: it is in the journal.
    bool acknowledged() const {
        return kind == Kind::kAccepted || kind == Kind::kDuplicate || kind == Kind::kSuperseded;
    }
};

// A JMA telegram (root <Report> in the JMX namespace) goes to parse_jmx, anything else to
// parse_cap. A telegram comes back with no references: its alert id is already the
// incident's (EventID), and cap_namespace is kJmxNamespace.
Result<CapDocument> parse_source_document(std::string_view raw, std::size_t max_bytes);

class IngestPipeline {
public:
    // `on_commit` runs after a transaction that wrote outbox rows (wakes the publisher).
    IngestPipeline(Journal& journal, std::size_t max_document_bytes,
                   std::function<void()> on_commit)
        : journal_(journal), max_bytes_(max_document_bytes), on_commit_(std::move(on_commit)) {}

    // `origin`: "spool:<name>" or "http".
    IngestReport submit(std::string_view raw, std::string_view origin);

    std::size_t max_document_bytes() const { return max_bytes_; }

private:
    Journal& journal_;
    std::size_t max_bytes_;
    std::function<void()> on_commit_;
};

}  // namespace alerthub::hub
