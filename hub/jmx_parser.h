#pragma once
// JMA 防災情報XML telegrams (JMX, http://xml.kishou.go.jp/jmaxml1/) into the canonical alert.
// Only the information types a Tokyo ward acts on are accepted; every other telegram is
// refused with a reason naming its Control/Title, so an operator can tell "not for us" from
// "broken". The mapping tables (levels, CAP severity/urgency/certainty, event codes) are
// documented in config/jma/levels.md.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/alert.h"
#include "core/result.h"

namespace alerthub::hub {

inline constexpr std::string_view kJmxNamespace = "http://xml.kishou.go.jp/jmaxml1/";
inline constexpr std::string_view kJmxHeadNamespace =
    "http://xml.kishou.go.jp/jmaxml1/informationBasis1/";

struct JmxDocument {
    // Version 1; the id is stable across the telegram's Serials (see jmx_alert_id), so the
    // journal chains 発表/訂正/取消 of one incident without CAP-style references.
    Alert alert;
    std::string type_code;  // "VPWW54", "VXSE53", ...
    std::string info_kind;  // Control/Title without the variant suffix ("津波警報・注意報・予報")
    std::string event_id;  // Head/EventID as written (may be empty: VPWW53/54/55-61)
    std::optional<std::int64_t> serial;
    // Things dropped on the way that did not warrant refusing the telegram.
    std::vector<std::string> warnings;
};

// True when the first element of `bytes` is <Report> in the JMX namespace: the ingest
// pipeline routes on this before any parser runs. Cheap and never fails; a false answer
// only means "let the CAP parser judge it".
bool looks_like_jmx(std::string_view bytes);

// "jma-" + the first 24 hex digits of sha256(incident + "\n" + info_kind), where incident
// is Head/EventID, or for telegrams without one (気象警報 carries an empty EventID) the
// editorial office and Head/Title, which together name the standing warning state of one
// forecast region.
std::string jmx_alert_id(std::string_view incident, std::string_view info_kind);

// The Serial of a JMA identifier "TYPE/EventID#Serial" as built by parse_jmx ("VXSE43/
// 20240417231454#2"); nullopt when the telegram had none.
std::optional<std::int64_t> jmx_serial_of(std::string_view identifier);

// True for the event code of a telegram in which nothing is in force any more ("VXWW50:00":
// every warning of the telegram lifted), which ends the incident's episode.
bool jmx_is_all_clear(std::string_view event_code);

// Parses `bytes` (at most `max_bytes`). Refuses DOCTYPEs, invalid UTF-8, other roots and
// namespaces, unknown Status/InfoType, and types outside the supported set ("not an
// alerting type: <Title>").
Result<JmxDocument> parse_jmx(std::string_view bytes, std::size_t max_bytes);

}  // namespace alerthub::hub
