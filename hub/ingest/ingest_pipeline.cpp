#include "hub/ingest/ingest_pipeline.h"

#include <fmt/format.h>

#include <optional>

#include "core/base/log.h"
#include "hub/policy/freshness.h"
#include "hub/sources/source_reader.h"

namespace alerthub::hub {

IngestReport IngestPipeline::submit(std::string_view raw, std::string_view origin,
                                    const std::optional<Replay>& replay) {
    return counted(submit_as(raw, origin, false, replay), raw, origin);
}

IngestReport IngestPipeline::submit_staff(std::string_view raw, std::string_view origin) {
    return counted(submit_as(raw, origin, true, std::nullopt), raw, origin);
}

// The door is the origin up to its first ':' ("console:april" counts as "console"): labels
// never name a person.
IngestReport IngestPipeline::counted(IngestReport report, std::string_view raw,
                                     std::string_view origin) {
    if (metrics_)
        metrics_->add("alerthub_documents_total",
                      {{"door", std::string(origin.substr(0, origin.find(':')))},
                       {"format", std::string(to_string(detect_format(raw)))},
                       {"outcome", to_string(report.kind)}});
    return report;
}

IngestReport IngestPipeline::submit_as(std::string_view raw, std::string_view origin, bool staff,
                                       const std::optional<Replay>& replay) {
    auto log = get_logger("hub");
    IngestReport report;
    const SourceFormat format = detect_format(raw);
    auto doc = read_source_document(raw, max_bytes_, format);
    if (!doc) {
        report.kind = IngestOutcome::kRejected;
        report.reason = doc.error().message;
        report.code = doc.error().code;
        log->warn("rejected {} document from {}: {}", to_string(format), origin, report.reason);
        return report;
    }
    for (const auto& w : doc->warnings)
        log->warn("[doc={}] {}: {}", doc->alert.source.identifier, origin, w);
    if (staff) {
        // Only the console calls this, with a CAP document it built: "cap-<hash>" becomes
        // "staff-<hash>" (updates and cancels are re-keyed onto their chain by the journal).
        doc->alert.source.kind = SourceKind::kStaff;
        if (doc->alert.id.starts_with("cap-")) doc->alert.id = "staff-" + doc->alert.id.substr(4);
        // The console's 解除 ends the ward's own order: the hazard is over (lifted), which
        // residents must not read as 取消, an order withdrawn as issued in error.
        if (doc->alert.msg_type == MsgType::kCancel) doc->alert.state = AlertState::kLifted;
    }

    // A telegram is told to the ward for what it says about the ward: the reading's alert
    // replaces the telegram-wide one, and its verdict goes to the lifecycle (W1-W4).
    std::optional<WardReading> reading;
    if (doc->jma && router_ && !staff) {
        reading = read_for_ward(*doc, served_, thresholds_);
        doc->alert = reading->alert;
    }
    if (phrases_)
        for (const auto& gap : phrases_->apply(doc->alert, router_ ? &router_->table() : nullptr,
                                               reading ? &*reading : nullptr))
            log->warn(
                "[doc={}] phrase bank: {}; the alert keeps its Japanese and the generic "
                "English (hubctl phrases check lists every gap)",
                doc->alert.source.identifier, gap.describe());
    Routing routing;
    if (staff) {
        routing.reason = "in area: the ward's own staff console";
    } else if (reading) {
        routing.send = reading->verdict == WardVerdict::kInForce;
        routing.reason = reading->reason;
        routing.ward = WardRouting{reading->verdict, reading->reach, reading->fingerprint};
    } else if (router_) {
        auto decision = router_->decide(doc->alert);
        routing.send = decision.send;
        routing.reason = std::move(decision.reason);
    }
    // L7: a JMA telegram that arrives long after it was sent is history, unless the door was
    // told it is a replay; a replay says so in every language (last: after every rewrite).
    std::string journal_origin(origin);
    if (replay) {
        mark_replay(doc->alert);
        journal_origin = fmt::format("replay:{}: {}", origin, replay->reason);
    } else if (clock_) {
        routing.stale = stale_reason(doc->alert, clock_->now(), max_age_);
    }

    auto result = journal_.ingest(*doc, raw, journal_origin, routing);
    if (!result) {
        report.kind = IngestOutcome::kFailed;
        report.reason = result.error().message;
        report.code = result.error().code;
        log->error("[doc={}] from {} not stored: {}", doc->alert.source.identifier, origin,
                   report.reason);
        return report;
    }
    report.alert_id = result->alert_id;
    report.version = result->version;
    report.sent = result->sent;
    report.kind = result->outcome;
    switch (result->outcome) {
        case IngestOutcome::kAccepted:
            // Alerts are rare and each one matters to whoever watches the log.
            log->info("[alert={} v={}] {} {} from {} ({}, {} outbox rows; {})", report.alert_id,
                      report.version, to_string(result->alert.msg_type),
                      doc->alert.source.identifier, journal_origin, to_string(result->alert.state),
                      result->outbox_rows,
                      result->sent ? result->routing_reason
                                   : "journaled only, " + result->routing_reason);
            if (on_commit_ && result->outbox_rows > 0) on_commit_();
            break;
        case IngestOutcome::kDuplicate:
            log->debug("[alert={} v={}] duplicate {} from {}; acknowledged, not republished",
                       report.alert_id, report.version, doc->alert.source.identifier,
                       journal_origin);
            break;
        case IngestOutcome::kSuperseded:
            log->warn(
                "[alert={} v={}] {} from {} was sent before the latest version; "
                "journaled, not published",
                report.alert_id, report.version, doc->alert.source.identifier, journal_origin);
            break;
        case IngestOutcome::kRejected:
        case IngestOutcome::kFailed:
            break;  // not the journal's outcomes
    }
    return report;
}

}  // namespace alerthub::hub
