#include "hub/ingest_pipeline.h"

#include "core/log.h"
#include "hub/cap_parser.h"

namespace alerthub::hub {

IngestReport IngestPipeline::submit(std::string_view raw, std::string_view origin) {
    auto log = get_logger("hub");
    IngestReport report;
    auto doc = parse_cap(raw, max_bytes_);
    if (!doc) {
        report.kind = IngestReport::Kind::kRejected;
        report.reason = doc.error().message;
        report.code = doc.error().code;
        log->warn("rejected CAP document from {}: {}", origin, report.reason);
        return report;
    }
    for (const auto& w : doc->warnings)
        log->warn("[cap={}] {}: {}", doc->alert.source.identifier, origin, w);

    auto result = journal_.ingest(*doc, raw, origin);
    if (!result) {
        report.kind = IngestReport::Kind::kFailed;
        report.reason = result.error().message;
        report.code = result.error().code;
        log->error("[cap={}] from {} not stored: {}", doc->alert.source.identifier, origin,
                   report.reason);
        return report;
    }
    report.alert_id = result->alert_id;
    report.version = result->version;
    switch (result->outcome) {
        case IngestOutcome::kAccepted:
            report.kind = IngestReport::Kind::kAccepted;
            // Alerts are rare and each one matters to whoever watches the log.
            log->info("[alert={} v={}] {} {} from {} ({}, {} outbox rows)", report.alert_id,
                      report.version, to_string(result->alert.msg_type),
                      doc->alert.source.identifier, origin, to_string(result->alert.state),
                      result->outbox_rows);
            if (on_commit_) on_commit_();
            break;
        case IngestOutcome::kDuplicate:
            report.kind = IngestReport::Kind::kDuplicate;
            log->debug("[alert={} v={}] duplicate {} from {}; acknowledged, not republished",
                       report.alert_id, report.version, doc->alert.source.identifier, origin);
            break;
        case IngestOutcome::kSuperseded:
            report.kind = IngestReport::Kind::kSuperseded;
            log->warn(
                "[alert={} v={}] {} from {} was sent before the latest version; "
                "journaled, not published",
                report.alert_id, report.version, doc->alert.source.identifier, origin);
            break;
    }
    return report;
}

}  // namespace alerthub::hub
