#pragma once
// CAP 1.2 (and 1.1) documents into the canonical alert. Everything a source sends passes
// through here before the journal sees it, so every refusal carries a reason a duty
// officer can act on, naming the element at fault.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/protocol/alert.h"

namespace alerthub::hub {

inline constexpr std::string_view kCap12Namespace = "urn:oasis:names:tc:emergency:cap:1.2";
inline constexpr std::string_view kCap11Namespace = "urn:oasis:names:tc:emergency:cap:1.1";

// One entry of <references>: "sender,identifier,sent".
struct CapReference {
    std::string sender;
    std::string identifier;
    std::string sent;  // as written

    bool operator==(const CapReference&) const = default;
};

struct CapDocument {
    // Version 1, id derived from this message's own sender and identifier: the journal
    // re-keys updates and cancels onto their chain.
    Alert alert;
    std::vector<CapReference> references;
    std::string cap_namespace;
    // What makes this message the same message whichever door or wrapping it came by: the
    // journal stores a document once per identity (see cap_identity, jmx identity, L-Alert
    // identity in docs/protocol.md). It names the lifecycle step, so a correction or a
    // cancel is never the duplicate of what it corrects or cancels.
    std::string identity;
    // Things dropped on the way that did not warrant refusing the document.
    std::vector<std::string> warnings;
};

// "cap-" + the first 24 hex digits of sha256(sender + "\n" + identifier), with "\n" + status
// appended for any status but "actual": an Exercise or Test message that references a real
// one starts a chain of its own and can never update or cancel the real alert.
std::string cap_alert_id(std::string_view sender, std::string_view identifier,
                         std::string_view status = "actual");

// "cap" ⏎ sender ⏎ identifier ⏎ sent (normalized to JST) ⏎ msgType: CAP's own identity of
// a message, with the message type so that a Cancel reusing its alert's identifier passes.
std::string cap_identity(std::string_view sender, std::string_view identifier, WallTime sent,
                         MsgType msg_type);

// Whitespace-separated "sender,identifier,sent" triples.
Result<std::vector<CapReference>> parse_cap_references(std::string_view text);

// Parses `bytes` (the raw document, at most `max_bytes`). Refuses DOCTYPEs, bad encodings,
// other namespaces, several alerts in one document, drafts, and missing or invalid required
// elements. An EDXL-DE distribution carrying exactly one CAP alert is unwrapped.
Result<CapDocument> parse_cap(std::string_view bytes, std::size_t max_bytes);

}  // namespace alerthub::hub
