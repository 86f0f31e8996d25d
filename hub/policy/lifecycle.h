#pragma once
// The lifecycle rules (docs/protocol.md, "Lifecycle"): which chain a document joins and what
// becomes of it there, as pure functions of the document and of what the journal knows.
// The journal reads the chain's state, asks, and writes what the decision says; the rules
// are tested row by row in tests/unit/hub/policy/lifecycle_test.cpp.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "hub/policy/ward_reading.h"
#include "hub/sources/source_document.h"

namespace alerthub::hub {

// What became of a document. The lifecycle decides the first three; the ingest pipeline
// reports the two ways a document never reaches a decision.
enum class IngestOutcome {
    kAccepted,    // a new alert version: sent, or journaled only (VersionDecision::sent)
    kDuplicate,   // its identity was journaled before: acknowledged, never republished
    kSuperseded,  // journaled, but older than the chain's latest version: not published
    kRejected,    // not a document the hub reads: the pipeline's reason says why
    kFailed,      // the journal could not take it: try again later
};

std::string to_string(IngestOutcome outcome);

// What the ward reading (hub/policy/ward_reading.h) said of a JMA telegram: the lifecycle
// compares it with what the chain last told the ward (rules W1-W4).
struct WardRouting {
    WardVerdict verdict = WardVerdict::kNotNamed;
    Reach reach = Reach::kNone;
    std::string fingerprint;
};

// Whether an alert version goes to the broker and the channels, as area routing
// (hub/policy/area_router.h) or the ward reading decided before the lifecycle is asked.
struct Routing {
    bool send = true;
    std::string reason = "no area routing configured";
    // JMA telegrams read for the ward: the reading decides with the chain's history
    // (W1-W4), not `send` and L6.
    std::optional<WardRouting> ward;
    // A JMA telegram that arrived long after it was sent (hub/policy/freshness.h): the reason.
    // L7: journaled only unless a version of its chain was sent.
    std::optional<std::string> stale;
};

// A message (sender, identifier) the journal has keyed to a chain.
struct KnownChain {
    std::string alert_id;
    // The status of the chain's latest version ("actual", "exercise", "test"); nullopt when
    // the chain has no version yet.
    std::optional<std::string> status;
};

// The journal's keys for the document's own message and for each of its references, in
// order (nullopt: not known).
struct ChainKeys {
    std::optional<KnownChain> own;
    std::vector<std::optional<KnownChain>> references;
};

struct ChainChoice {
    std::string alert_id;
    // None of the references is known: the chain starts at the first reference's id, and
    // every reference is keyed to it, so that the messages referenced join it if they come.
    bool starts_at_reference = false;
};

// Rules C1-C3 of docs/protocol.md.
ChainChoice choose_chain(const SourceDocument& doc, const ChainKeys& keys);

// A version the journal holds.
struct JournaledVersion {
    std::string alert_id;
    std::int64_t version = 0;
};

// The chosen chain as the journal has it, read in the same transaction as the decision is
// written.
struct ChainState {
    // A document of the same identity is journaled: it is this one again.
    bool identity_journaled = false;
    // The version that document made (nullopt: it was superseded).
    std::optional<JournaledVersion> identity_version;
    std::int64_t latest_version = 0;  // 0: the chain has no version yet
    std::int64_t latest_sent_ms = 0;  // the latest version's source.sent, ms since the epoch
    std::optional<std::int64_t> latest_sequence;
    bool latest_cancelled = false;
    bool latest_ends_episode = false;
    // The earliest version that was sent (published and given jobs), if any.
    std::optional<std::int64_t> first_sent_version;

    // The chain's latest version that was sent, as the ward was told it.
    struct SentVersion {
        std::int64_t version = 0;
        std::string fingerprint;  // the ward reading's; "" before ward readings
        bool in_force = true;     // told the ward something is in force (not a lift or 取消)
        Reach reach = Reach::kEveryone;
    };
    std::optional<SentVersion> latest_sent;
};

struct VersionDecision {
    IngestOutcome outcome = IngestOutcome::kAccepted;
    std::string alert_id;
    // kAccepted: the new version; otherwise the one already known (0: none).
    std::int64_t version = 0;
    // kAccepted: published; false: journaled only, with the reason.
    bool sent = true;
    // Who a sent version reaches: kScreens publishes it without delivery jobs.
    Reach reach = Reach::kEveryone;
    std::string routing_reason;
};

// "none", "screens", "everyone": the journal's column and hubctl.
std::string to_string(Reach reach);

// Rules L1-L6 and W1-W4 of docs/protocol.md: duplicate, superseded, or version latest + 1,
// sent (to whom) or not.
VersionDecision decide_version(const SourceDocument& doc, const ChainChoice& chain,
                               const ChainState& state, const Routing& routing);

// [ingest] max_future_s: how far ahead of the hub's clock a document's `sent` may be. Two
// NTP-synchronized clocks differ by milliseconds; two minutes leave room for a sender whose
// clock drifts between syncs, and still keep a `sent` in 2099 from ordering a chain (L2).
inline constexpr std::chrono::seconds kDefaultMaxFuture{120};
inline constexpr std::chrono::seconds kMinMaxFuture{5};
inline constexpr std::chrono::seconds kMaxMaxFuture{3600};

// Rule L8: the reason a document whose source.sent lies more than `tolerance` after `now`
// (the hub's clock when it arrives) is refused; nullopt when its clock is believable.
std::optional<std::string> future_sent_reason(const Alert& alert, WallTime now,
                                              std::chrono::seconds tolerance);

// What the expiry timer knows of a chain (rules E1-E4 of docs/protocol.md).
struct ExpiryState {
    std::int64_t latest_version = 0;
    // The latest version that was sent (what screens show): its state and its end.
    AlertState shown_state = AlertState::kActive;
    std::optional<WallTime> shown_expires;
    bool shown = false;  // false: no version of the chain was sent
};

// An expired version to publish: version latest + 1, state expired, to the screens.
struct ExpiryDecision {
    std::int64_t version = 0;
    Reach reach = Reach::kScreens;
    std::string reason;
};

// Rules E1-E4: whether the chain's shown version has reached its end at `now`.
std::optional<ExpiryDecision> decide_expiry(const ExpiryState& state, WallTime now);

}  // namespace alerthub::hub
