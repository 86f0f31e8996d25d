#include "hub/ingest_pipeline.h"

#include "core/log.h"
#include "hub/cap_parser.h"
#include "hub/jmx_parser.h"

namespace alerthub::hub {

Result<CapDocument> parse_source_document(std::string_view raw, std::size_t max_bytes) {
    if (!looks_like_jmx(raw)) return parse_cap(raw, max_bytes);
    auto jmx = parse_jmx(raw, max_bytes);
    if (!jmx) return jmx.error();
    CapDocument doc;
    doc.alert = std::move(jmx->alert);
    doc.cap_namespace = std::string(kJmxNamespace);
    doc.warnings = std::move(jmx->warnings);
    return doc;
}

IngestReport IngestPipeline::submit(std::string_view raw, std::string_view origin) {
    auto log = get_logger("hub");
    IngestReport report;
    auto doc = parse_source_document(raw, max_bytes_);
    if (!doc) {
        report.kind = IngestReport::Kind::kRejected;
        report.reason = doc.error().message;
        report.code = doc.error().code;
        log->warn("rejected {} document from {}: {}", looks_like_jmx(raw) ? "JMA" : "CAP", origin,
                  report.reason);
        return report;
    }
    for (const auto& w : doc->warnings)
        log->warn("[doc={}] {}: {}", doc->alert.source.identifier, origin, w);

    auto result = journal_.ingest(*doc, raw, origin);
    if (!result) {
        report.kind = IngestReport::Kind::kFailed;
        report.reason = result.error().message;
        report.code = result.error().code;
        log->error("[doc={}] from {} not stored: {}", doc->alert.source.identifier, origin,
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
