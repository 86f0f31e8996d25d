#pragma once
// CAP 1.2 (and 1.1) documents into the canonical alert. Everything a source sends passes
// through here before the journal sees it, so every refusal carries a reason a duty
// officer can act on, naming the element at fault.

#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/protocol/alert.h"
#include "hub/sources/source_document.h"
#include "hub/sources/source_text.h"

namespace alerthub::hub {

inline constexpr std::string_view kCap12Namespace = "urn:oasis:names:tc:emergency:cap:1.2";
inline constexpr std::string_view kCap11Namespace = "urn:oasis:names:tc:emergency:cap:1.1";

// One entry of <references>; the type is every format's (only CAP has references).
using CapReference = SourceReference;

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

// Parses checked text (hub/sources/source_reader.h reads raw bytes). Refuses DOCTYPEs, other
// namespaces, several alerts in one document, drafts, and missing or invalid required
// elements. An EDXL-DE distribution carrying exactly one CAP alert is unwrapped.
Result<SourceDocument> parse_cap(const SourceText& text);

}  // namespace alerthub::hub
