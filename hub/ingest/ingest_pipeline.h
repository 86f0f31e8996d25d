#pragma once
// The one path every document takes, whichever door it came in by: read it (the byte checks
// and the parser its root element names: hub/sources/source_reader.h), fill its languages,
// route it, hold it when it is a stale JMA telegram or mark it when it is a replay
// (hub/policy/freshness.h), journal it in one transaction (where the lifecycle rules decide),
// wake the outbox, log with the alert's correlation. Runs on the hub's owner thread only (it
// uses the owner's Journal).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.h"
#include "core/base/metrics.h"
#include "core/base/result.h"
#include "hub/journal/journal.h"
#include "hub/policy/area_router.h"
#include "hub/policy/lifetimes.h"
#include "hub/policy/phrase_bank.h"
#include "hub/policy/ward_reading.h"
#include "hub/sources/source_document.h"

namespace alerthub::hub {

// A deliberate replay of an old document (a demo, a drill), as a door was told explicitly
// (docs/protocol.md, Lifecycle L7): published whatever its age, marked as a replay for
// residents (hub/policy/freshness.h), and journaled under the origin
// "replay:<origin>: <reason>".
struct Replay {
    std::string reason;
};

// What one ingest token may speak for ([ingest.tokens.<name>] in hub.toml): a document of
// another source, from another sender, or naming another sender in its <references> is
// refused with kPermissionDenied (and quarantined by the door). The console's own sender
// (`reserved_sender`) is never granted: only the console updates or cancels staff notices.
struct SourceGrant {
    std::string name;                   // the token's name, in the journal origin "http:<name>"
    std::vector<SourceFormat> sources;  // the formats it may send (what came in the door)
    std::vector<std::string> senders;   // empty: any sender of those sources
    std::string reserved_sender;
};

// Whether `grant` lets a door submit `doc`; kPermissionDenied with the reason otherwise.
Status check_grant(const SourceGrant& grant, const SourceDocument& doc);

struct IngestReport {
    // The lifecycle's outcome (hub/policy/lifecycle.h), or kRejected (a bad document: `reason`
    // says why, kResourceExhausted when too big) or kFailed (the journal could not take it:
    // try again later).
    IngestOutcome kind = IngestOutcome::kRejected;
    std::string alert_id;
    std::int64_t version = 0;
    std::string reason;
    ErrorCode code = ErrorCode::kInvalidArgument;
    // kAccepted: false when the version was routed out of area (journaled, not published).
    bool sent = true;

    // The source may forget the document: it is in the journal.
    bool acknowledged() const {
        return kind == IngestOutcome::kAccepted || kind == IngestOutcome::kDuplicate ||
               kind == IngestOutcome::kSuperseded;
    }
};

class IngestPipeline {
public:
    // `on_commit` runs after a transaction that wrote outbox rows (wakes the publisher).
    IngestPipeline(Journal& journal, std::size_t max_document_bytes,
                   std::function<void()> on_commit)
        : journal_(journal), max_bytes_(max_document_bytes), on_commit_(std::move(on_commit)) {}

    // `origin`: "spool:<name>" or "http:<token name>". With a `grant`, a document it does not
    // allow is rejected (code kPermissionDenied) before anything is journaled.
    IngestReport submit(std::string_view raw, std::string_view origin,
                        const std::optional<Replay>& replay = std::nullopt,
                        const SourceGrant* grant = nullptr);
    // A notice from the hub's own staff console (a CAP document it built), `origin`
    // "console:<user>": journaled and published as SourceKind::kStaff, id "staff-...".
    IngestReport submit_staff(std::string_view raw, std::string_view origin);

    std::size_t max_document_bytes() const { return max_bytes_; }

    // After parsing, a JMA telegram is read for the ward (hub/policy/ward_reading.h: the
    // router's served places, `thresholds`), other documents are routed by `router` (the
    // rest are journaled with the reason); `phrases` fills the languages of JMA alerts (gaps
    // are logged as warnings). Both must outlive the pipeline; null leaves alerts as parsed
    // and sends everything (tests of other parts).
    void configure(const PhraseBank* phrases, const AreaRouter* router,
                   WardThresholds thresholds = {}) {
        phrases_ = phrases;
        router_ = router;
        served_ = router ? router->served_places() : std::vector<ServedPlace>{};
        thresholds_ = std::move(thresholds);
    }

    // From now on a JMA telegram sent more than `max_age` before `clock` says it arrived is
    // journaled, not published (Lifecycle L7). The clock must outlive the pipeline; without
    // this call nothing is judged by age (tests of other parts).
    void check_freshness(const Clock& clock, std::chrono::seconds max_age) {
        clock_ = &clock;
        max_age_ = max_age;
    }

    // L8: from now on a document sent more than `tolerance` ahead of `clock` is refused with
    // the reason (the clock must outlive the pipeline).
    void refuse_future(const Clock& clock, std::chrono::seconds tolerance) {
        future_clock_ = &clock;
        max_future_ = tolerance;
    }

    // E0: a JMA telegram without an end gets its type's default lifetime (must outlive the
    // pipeline; null: alerts keep the end their source gave).
    void give_ends(const LifetimeTable* lifetimes) { lifetimes_ = lifetimes; }

    // Room the journal and the signature add to the alert's JSON (id, version, references'
    // texts of a bare cancel are small; the signature is a key id and 88 Base64 characters).
    static constexpr std::size_t kPayloadHeadroom = 4096;

    // Counts every document in alerthub_documents_total{door, format, outcome} (HubMetrics
    // declares it); `metrics` must outlive the pipeline.
    void count_into(MetricsRegistry* metrics) { metrics_ = metrics; }

private:
    IngestReport counted(IngestReport report, std::string_view raw, std::string_view origin);
    IngestReport submit_as(std::string_view raw, std::string_view origin, bool staff,
                           const std::optional<Replay>& replay, const SourceGrant* grant);

    Journal& journal_;
    std::size_t max_bytes_;
    std::function<void()> on_commit_;
    const PhraseBank* phrases_ = nullptr;
    const AreaRouter* router_ = nullptr;
    std::vector<ServedPlace> served_;
    WardThresholds thresholds_;
    const Clock* clock_ = nullptr;
    std::chrono::seconds max_age_{0};
    const Clock* future_clock_ = nullptr;
    std::chrono::seconds max_future_{0};
    const LifetimeTable* lifetimes_ = nullptr;
    MetricsRegistry* metrics_ = nullptr;
};

}  // namespace alerthub::hub
