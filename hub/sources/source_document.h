#pragma once
// What every source format (CAP, JMA 防災情報XML, L-Alert) is read into: the canonical alert
// plus the typed facts the journal and the lifecycle rules (hub/policy/lifecycle.h) need.
// Nothing downstream re-reads a format's strings: the sequence and the all-lifted fact are
// fields here, filled by the parser that had them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/protocol/alert.h"
#include "hub/sources/jma/jmx_facts.h"

namespace alerthub::hub {

enum class SourceFormat { kCap, kJma, kLAlert };

// "CAP", "JMA", "L-Alert": for logs.
constexpr std::string_view to_string(SourceFormat format) {
    switch (format) {
        case SourceFormat::kCap:
            return "CAP";
        case SourceFormat::kJma:
            return "JMA";
        case SourceFormat::kLAlert:
            return "L-Alert";
    }
    return "unknown";
}

// One entry of CAP <references>: "sender,identifier,sent".
struct SourceReference {
    std::string sender;
    std::string identifier;
    std::string sent;  // as written

    bool operator==(const SourceReference&) const = default;
};

struct SourceDocument {
    // The envelope it came in: a JMA telegram relayed by L-Alert is kLAlert (its alert is
    // the telegram's, source.kind kJma).
    SourceFormat format = SourceFormat::kCap;
    // Version 1. CAP: id from the message's own sender and identifier (the journal re-keys
    // updates and cancels onto their chain through `references`); JMA and L-Alert: already
    // the incident's id, stable across Serials and revisions.
    Alert alert;
    // CAP updates and cancels only: the messages this one replaces.
    std::vector<SourceReference> references;
    // What makes this message the same message whichever door or wrapping it came by: the
    // journal stores a document once per identity (docs/protocol.md, "Duplicates"). It names
    // the lifecycle step, so a correction or a cancel is never the duplicate of what it
    // corrects or cancels.
    std::string identity;
    // How the source numbers the versions of one alert: the JMA Serial, the L-Alert
    // documentRevision (a relayed telegram: its Serial); none for CAP.
    std::optional<std::int64_t> sequence;
    // Nothing is in force any more (a JMA telegram whose every warning is lifted): ends the
    // incident's episode like a cancel, so the next Serial 1 starts a new one.
    bool ends_episode = false;
    // What the format calls this kind of document: the JMA type code ("VPWW54"), the L-Alert
    // body ("EvacuationOrder", "Shelter"; "jma" for a relayed telegram); empty for CAP.
    std::string kind;
    // The namespace the content was read in: CAP 1.2 or 1.1, the JMX namespace (also for a
    // relayed telegram), or the コモンズEDXL namespace.
    std::string xml_namespace;
    // A JMA telegram (also one relayed by L-Alert): what it says place by place, for reading
    // it for the ward (hub/policy/ward_reading.h).
    std::optional<JmxFacts> jma;
    // Things dropped on the way that did not warrant refusing the document.
    std::vector<std::string> warnings;
};

}  // namespace alerthub::hub
