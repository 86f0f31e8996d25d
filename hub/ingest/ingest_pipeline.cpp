#include "hub/ingest/ingest_pipeline.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <optional>

#include "core/base/log.h"
#include "core/base/time_format.h"
#include "core/protocol/payload_limits.h"
#include "hub/policy/freshness.h"
#include "hub/sources/source_reader.h"

namespace alerthub::hub {

Status check_grant(const SourceGrant& grant, const SourceDocument& doc) {
    const auto& source = doc.alert.source;
    auto refuse = [&](const std::string& why) {
        return make_error(
            ErrorCode::kPermissionDenied,
            fmt::format("token '{}' may not submit this document: {}", grant.name, why));
    };
    if (std::find(grant.sources.begin(), grant.sources.end(), doc.format) == grant.sources.end()) {
        std::vector<std::string_view> formats;
        for (auto f : grant.sources) formats.push_back(to_string(f));
        return refuse(fmt::format("it is a {} document; the token speaks for {} only",
                                  to_string(doc.format), fmt::join(formats, ", ")));
    }
    auto allowed = [&](const std::string& sender) {
        if (!grant.reserved_sender.empty() && sender == grant.reserved_sender) return false;
        return grant.senders.empty() ||
               std::find(grant.senders.begin(), grant.senders.end(), sender) != grant.senders.end();
    };
    if (!allowed(source.sender))
        return refuse(fmt::format("sender '{}' is not one the token speaks for", source.sender));
    for (const auto& ref : doc.references)
        if (!allowed(ref.sender))
            return refuse(
                fmt::format("it refers to a message of sender '{}' ({}), which the "
                            "token does not speak for",
                            ref.sender, ref.identifier));
    return {};
}

IngestReport IngestPipeline::submit(std::string_view raw, std::string_view origin,
                                    const std::optional<Replay>& replay, const SourceGrant* grant) {
    return counted(submit_as(raw, origin, false, replay, grant), raw, origin);
}

IngestReport IngestPipeline::submit_staff(std::string_view raw, std::string_view origin) {
    return counted(submit_as(raw, origin, true, std::nullopt, nullptr), raw, origin);
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
                                       const std::optional<Replay>& replay,
                                       const SourceGrant* grant) {
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
    if (grant) {
        if (auto allowed = check_grant(*grant, *doc); !allowed) {
            report.kind = IngestOutcome::kRejected;
            report.reason = allowed.error().message;
            report.code = ErrorCode::kPermissionDenied;
            log->warn("[doc={}] refused from {}: {}", doc->alert.source.identifier, origin,
                      report.reason);
            return report;
        }
    }
    for (const auto& w : doc->warnings)
        log->warn("[doc={}] {}: {}", doc->alert.source.identifier, origin, w);
    // L8: a clock far ahead would order the chain from the future (a `sent` in 2099 makes
    // every real update and cancel after it "superseded").
    if (future_clock_)
        if (auto why = future_sent_reason(doc->alert, future_clock_->now(), max_future_)) {
            report.kind = IngestOutcome::kRejected;
            report.reason = std::move(*why);
            log->warn("refused {} document {} from {}: {}", to_string(format),
                      doc->alert.source.identifier, origin, report.reason);
            return report;
        }
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
    // E0: every alert ends; a telegram without an end gets its type's default lifetime, a
    // replay from when it arrives (else a 2010 震度速報 replayed for a drill ends in 2010).
    std::optional<WallTime> replayed_at;
    if (replay && (clock_ || future_clock_)) replayed_at = (clock_ ? clock_ : future_clock_)->now();
    if (lifetimes_ && lifetimes_->give_end(*doc, doc->alert, replayed_at))
        log->debug("[doc={}] no end given: ends {} JST (default lifetime of {})",
                   doc->alert.source.identifier, format_jst_minutes(*doc->alert.expires),
                   doc->jma->type_code);
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

    // Accepted means deliverable: what would not fit a screen's payload limit is refused here,
    // with the reason, rather than published to be dropped by every player.
    if (auto bytes = encode_alert(doc->alert).size();
        bytes + kPayloadHeadroom > kMaxAlertPayloadBytes) {
        report.kind = IngestOutcome::kRejected;
        report.code = ErrorCode::kResourceExhausted;
        report.reason = fmt::format(
            "its alert would be {} bytes of JSON, over the {} bytes a signage player takes "
            "(alerthub.alert/1 payload limit, less {} for the hub's id, version and signature): "
            "shorten its texts",
            bytes, kMaxAlertPayloadBytes, kPayloadHeadroom);
        log->warn("refused {} document {} from {}: {}", to_string(format),
                  doc->alert.source.identifier, origin, report.reason);
        return report;
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
