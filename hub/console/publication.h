#pragma once
// Publication: an approved draft becomes a CAP document under the console's sender, and the
// document goes through the hub's IngestPipeline like any other source's. The same bytes on
// every retry, so the journal's dedupe turns a second submission into a duplicate.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/protocol/alert.h"
#include "hub/console/actor.h"
#include "hub/console/console_store.h"
#include "hub/console/draft.h"
#include "hub/console/notice_templates.h"
#include "hub/ingest/ingest_pipeline.h"

namespace alerthub::hub::console {

// Submits a CAP document the console built, as `origin` ("console:<user>"): the hub's
// owner thread runs IngestPipeline::submit_staff and returns its report.
using StaffPublisher = std::function<IngestReport(std::string cap_xml, std::string origin)>;

// The canonical alert of a draft's content, as the CAP document will carry it; with a phrase
// bank, the notice's name in every language of the bank (what screens show as its kind).
Alert alert_of(const DraftContent& content, const NoticeTemplate& t, WallTime sent,
               const PhraseBank* phrases = nullptr);

class FacilityDesk;

class Publication {
public:
    // `desk`: told of each published notice, in the same transaction (a published opening
    // notice opens its facilities); null: no facilities.
    Publication(ConsoleStore& store, StaffPublisher publish, FacilityDesk* desk = nullptr)
        : store_(store), publish_(std::move(publish)), desk_(desk) {}
    Publication(const Publication&) = delete;
    Publication& operator=(const Publication&) = delete;

    // pending -> approved: builds and stores the CAP document and audits the decision
    // (`how`: "approve" or "break_glass"). The caller holds the store's mutex inside a
    // transaction.
    Status seal(const Actor& actor, Draft& draft, std::string_view how,
                std::string_view break_glass_reason);
    // approved -> published (or failed, when the pipeline refuses the document); kUnavailable
    // when the journal could not take it yet: publishing again retries.
    Result<Draft> publish(const Actor& actor, std::int64_t id);

private:
    ConsoleStore& store_;
    StaffPublisher publish_;
    FacilityDesk* desk_;
};

}  // namespace alerthub::hub::console
