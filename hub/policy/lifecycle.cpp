#include "hub/policy/lifecycle.h"

#include <fmt/format.h>

#include <chrono>

#include "core/base/clock.h"
#include "core/base/time_format.h"
#include "hub/sources/cap/cap_parser.h"

namespace alerthub::hub {
namespace {

// C4: an exercise or a test never joins a real alert's chain (nor the other way round).
bool joinable(const SourceDocument& doc, const std::optional<KnownChain>& key) {
    return key && (!key->status || *key->status == to_string(doc.alert.status));
}

// L3, L4: JMA numbers the versions of one EventID, L-Alert the revisions of one documentID:
// the sequence decides, the clock only between two documents of the same sequence (a 訂正
// replaces what it corrects). Once an episode has ended (取消, or everything lifted) the next
// one restarts at Serial 1 under the same EventID (土砂災害警戒情報, 指定河川洪水予報): the
// clock orders it, and still keeps a late telegram of the old episode out.
bool older_than_latest(const SourceDocument& doc, const ChainState& state) {
    // L9: the hub wrote the staff console's notices itself, in the order staff approved them:
    // that order (the chain's version) stands, whatever a clock said.
    if (doc.alert.source.kind == SourceKind::kStaff) return false;
    bool older = epoch_ms(doc.alert.source.sent) < state.latest_sent_ms;
    const auto kind = doc.alert.source.kind;
    if (kind != SourceKind::kJma && kind != SourceKind::kLAlert) return older;
    const bool ended = state.latest_cancelled || state.latest_ends_episode;
    if (!ended && doc.sequence && state.latest_sequence && *doc.sequence != *state.latest_sequence)
        return *doc.sequence < *state.latest_sequence;
    return older;
}

Reach wider(Reach a, Reach b) {
    return static_cast<int>(a) > static_cast<int>(b) ? a : b;
}

// W1-W4: a JMA telegram read for the ward is sent for what it says about the ward, compared
// with what the chain last told the ward; another area's news never rides on the chain.
void decide_for_ward(const WardRouting& ward, const ChainState& state, const Routing& routing,
                     VersionDecision& d) {
    const auto& last = state.latest_sent;
    auto journaled = [&](std::string why) {
        d.sent = false;
        d.reach = Reach::kNone;
        d.routing_reason = std::move(why);
    };
    auto sent = [&](Reach reach, std::string why) {
        d.sent = reach != Reach::kNone;
        d.reach = reach;
        d.routing_reason = std::move(why);
    };
    switch (ward.verdict) {
        case WardVerdict::kInForce:
            // W1: news for the ward goes to whoever the reading reaches, and at least to
            // whoever the chain told before (a 警報 eased to a 注意報 reaches LINE too).
            if (last && last->fingerprint == ward.fingerprint)
                return journaled(fmt::format("nothing new for the ward: as version {} ({})",
                                             last->version, routing.reason));
            if (ward.reach == Reach::kNone && !last)
                return journaled(fmt::format("below the ward's thresholds ({})", routing.reason));
            return sent(last ? wider(ward.reach, last->reach) : ward.reach, routing.reason);
        case WardVerdict::kNothingInForce:
            // W2: the ward's lift, to whoever the chain told, only after something in force.
            if (last && last->in_force)
                return sent(last->reach, fmt::format("the ward's lift: version {} was in force "
                                                     "({})",
                                                     last->version, routing.reason));
            return journaled(
                fmt::format("nothing in force for the ward, nothing to lift ({})", routing.reason));
        case WardVerdict::kNotNamed:
            // W3: whatever the chain told the ward before.
            return journaled(routing.reason);
        case WardVerdict::kWithdrawn:
            // W4: a 取消 reaches whoever the chain told, and no one else.
            if (last)
                return sent(last->reach, fmt::format("withdraws version {} that was sent ({})",
                                                     last->version, routing.reason));
            return journaled(
                fmt::format("withdraws nothing the ward was told ({})", routing.reason));
    }
}

}  // namespace

std::string to_string(Reach reach) {
    switch (reach) {
        case Reach::kNone:
            return "none";
        case Reach::kScreens:
            return "screens";
        case Reach::kEveryone:
            return "everyone";
    }
    return "unknown";
}

std::string to_string(IngestOutcome outcome) {
    switch (outcome) {
        case IngestOutcome::kAccepted:
            return "accepted";
        case IngestOutcome::kDuplicate:
            return "duplicate";
        case IngestOutcome::kSuperseded:
            return "superseded";
        case IngestOutcome::kRejected:
            return "rejected";
        case IngestOutcome::kFailed:
            return "failed";
    }
    return "unknown";
}

ChainChoice choose_chain(const SourceDocument& doc, const ChainKeys& keys) {
    // C2: an update or a cancel joins the chain of the first message it references that is
    // known. JMA and L-Alert carry no references: their id is already the incident's.
    if (doc.alert.msg_type != MsgType::kAlert && !doc.references.empty()) {
        for (const auto& key : keys.references)
            if (joinable(doc, key)) return {key->alert_id, false};
        const auto& first = doc.references.front();
        return {cap_alert_id(first.sender, first.identifier, to_string(doc.alert.status)), true};
    }
    // C1: a message already keyed (sent again under a new identity) stays on its chain;
    // anything else starts one under its own id.
    if (joinable(doc, keys.own)) return {keys.own->alert_id, false};
    return {doc.alert.id, false};
}

VersionDecision decide_version(const SourceDocument& doc, const ChainChoice& chain,
                               const ChainState& state, const Routing& routing) {
    VersionDecision d;
    d.alert_id = chain.alert_id;
    // L1: the same identity again is acknowledged with the version it made (the chain's
    // latest, if it was superseded) and never republished.
    if (state.identity_journaled) {
        d.outcome = IngestOutcome::kDuplicate;
        if (state.identity_version) {
            d.alert_id = state.identity_version->alert_id;
            d.version = state.identity_version->version;
        } else {
            d.version = state.latest_version;
        }
        return d;
    }
    // L2-L4: a message older than the version on screens never overwrites it (a delayed
    // update arriving after the cancel): journaled, acknowledged, not published.
    if (state.latest_version > 0 && older_than_latest(doc, state)) {
        d.outcome = IngestOutcome::kSuperseded;
        d.version = state.latest_version;
        return d;
    }
    d.outcome = IngestOutcome::kAccepted;
    d.version = state.latest_version + 1;
    if (routing.ward) {
        decide_for_ward(*routing.ward, state, routing, d);
    } else {
        // L5: routing decides whether a version goes out...
        d.sent = routing.send;
        d.reach = routing.send ? Reach::kEveryone : Reach::kNone;
        d.routing_reason = routing.reason;
        // L6: ...but once a version went out, every later one does: its update or cancel must
        // reach whoever saw it, whatever areas it names now.
        if (!routing.send && state.latest_version > 0 && state.first_sent_version) {
            d.sent = true;
            d.reach = Reach::kEveryone;
            d.routing_reason = fmt::format("sent: follows version {} that was sent ({})",
                                           *state.first_sent_version, routing.reason);
        }
    }
    // L7: a stale telegram is history, unless its chain went out: then it ends or corrects
    // what screens and phones show, and the rules above decide as for any version.
    if (routing.stale) {
        if (!state.first_sent_version) {
            d.sent = false;
            d.reach = Reach::kNone;
        }
        d.routing_reason = fmt::format("{}; {}", *routing.stale, d.routing_reason);
    }
    return d;
}

std::optional<std::string> future_sent_reason(const Alert& alert, WallTime now,
                                              std::chrono::seconds tolerance) {
    const auto ahead = alert.source.sent - now;
    if (ahead <= tolerance) return std::nullopt;
    return fmt::format(
        "sent {} JST is {} s ahead of the hub's clock ({} JST; [ingest] max_future_s {}): the "
        "sender's clock is wrong, and a version from the future would supersede every real one",
        format_jst_minutes(alert.source.sent),
        std::chrono::duration_cast<std::chrono::seconds>(ahead).count(), format_jst_minutes(now),
        tolerance.count());
}

std::optional<ExpiryDecision> decide_expiry(const ExpiryState& state, WallTime now) {
    // E4: nothing of the chain was sent: no screen shows it, nothing to end.
    if (!state.shown) return std::nullopt;
    // E3: a cancel, a lift or an earlier expiry has ended it already.
    if (state.shown_state != AlertState::kActive) return std::nullopt;
    // E2: no end (a source without one and no default lifetime), or not reached yet.
    if (!state.shown_expires || *state.shown_expires > now) return std::nullopt;
    // E1: its end has passed: the screens are told it is over. Phones were told the alert
    // with its end; an end by the clock is no news to push to them.
    return ExpiryDecision{
        .version = state.latest_version + 1,
        .reach = Reach::kScreens,
        .reason = fmt::format("expired: its end {} JST has passed",
                              format_jst_minutes(*state.shown_expires)),
    };
}

}  // namespace alerthub::hub
