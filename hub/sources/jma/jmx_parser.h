#pragma once
// JMA 防災情報XML telegrams (JMX, http://xml.kishou.go.jp/jmaxml1/) into the canonical alert.
// Only the information types a Tokyo ward acts on are accepted; every other telegram is
// refused with a reason naming its Control/Title, so an operator can tell "not for us" from
// "broken". The mapping tables (levels, CAP severity/urgency/certainty, event codes) are
// documented in config/jma/levels.md.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/protocol/alert.h"
#include "hub/sources/source_document.h"
#include "hub/sources/source_text.h"

namespace alerthub::hub {

inline constexpr std::string_view kJmxNamespace = "http://xml.kishou.go.jp/jmaxml1/";
inline constexpr std::string_view kJmxHeadNamespace =
    "http://xml.kishou.go.jp/jmaxml1/informationBasis1/";

// True when the first element of `bytes` is <Report> in the JMX namespace: the ingest
// pipeline routes on this before any parser runs. Cheap and never fails; a false answer
// only means "let the CAP parser judge it".
bool looks_like_jmx(std::string_view bytes);

// True when parse_jmx handles telegrams whose Control/Title is `title` (the JMA Atom
// feeds repeat it as the entry's title): the feed poller fetches only those.
bool jmx_handles_title(std::string_view title);

// "jma-" + the first 24 hex digits of sha256(status + "\n" + incident + "\n" + info_kind),
// where status is the canonical one ("actual", "exercise", "test"), so that a 訓練 telegram
// reusing a real EventID can never update or cancel the real alert; incident is
// Head/EventID, or for telegrams without one (気象警報 carries an empty EventID) the
// editorial office and Head/Title, which together name the standing warning state of one
// forecast region.
std::string jmx_alert_id(std::string_view status, std::string_view incident,
                         std::string_view info_kind);

// True for the event code of a telegram in which nothing is in force any more ("VXWW50:00":
// every warning of the telegram lifted), which ends the incident's episode.
bool jmx_is_all_clear(std::string_view event_code);

// An event code parse_jmx can produce, with the 警戒レベル it comes with (if any).
struct JmxEventCode {
    std::string code;
    std::optional<int> level;
};

// Every supported type code ("VPWW53", ...): what a 取消 of that type carries as event code.
std::vector<std::string> jmx_type_codes();

// The event codes parse_jmx can produce for the kind codes of JMA's code tables (weather
// warnings, 土砂災害, 洪水, 震度, 津波, 噴火 and each type's everything-lifted "TYPE:00"); the
// phrase bank is checked against this list (hubctl phrases check), and the fixture tests check
// that every real telegram's code is on it.
std::vector<JmxEventCode> jmx_event_codes();

// Parses checked text (hub/sources/source_reader.h reads raw bytes). Refuses DOCTYPEs, other
// roots and namespaces, unknown Status/InfoType, and types outside the supported set ("not
// an alerting type: <Title>"). The document's sequence is the Serial, its kind the type
// code; an everything-lifted telegram ends the episode. Its identity: "jma" ⏎ Control/Title ⏎
// Status ⏎ EditorialOffice ⏎ PublishingOffice ⏎ DateTime ⏎ Head/Title ⏎ ReportDateTime ⏎
// InfoType ⏎ EventID ⏎ Serial, times normalized: the same telegram from the feed, a push or an
// L-Alert relay has the same identity whatever its bytes. The alert id is stable across the
// telegram's Serials (jmx_alert_id), so the journal chains 発表/訂正/取消 of one incident
// without CAP-style references.
Result<SourceDocument> parse_jmx(const SourceText& text);

}  // namespace alerthub::hub
