#pragma once
// L-Alert (災害情報共有システム, formerly 公共情報コモンズ) documents into the canonical alert.
// A document is an EDXL-DE 1.0 distribution extended by FMMC (コモンズEDXL, CMNS-B20-032)
// whose commons:contentObject carries either a 公共情報コモンズXML <Report> (Control, Head
// and one body; CMNS-B20-031/-033) or a JMA telegram relayed as it is. Bodies read here:
// 避難勧告・指示情報 (EvacuationOrder: levels per town block) and 避難所情報 (Shelter: open
// shelters with capacity). Every other body is refused with a reason naming it. The mapping
// is in docs/protocol.md; tests/fixtures/lalert/README.md says which facts come from where.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/protocol/alert.h"
#include "hub/sources/source_document.h"
#include "hub/sources/source_text.h"

namespace alerthub::hub {

inline constexpr std::string_view kEdxlDe10Namespace = "urn:oasis:names:tc:emergency:EDXL:DE:1.0";
inline constexpr std::string_view kCommonsEdxlNamespace =
    "http://xml.publiccommons.ne.jp/xml/edxl/";
// Every 公共情報コモンズXML namespace (Report, informationBasis, elementBasis, body/...)
// starts with this.
inline constexpr std::string_view kPcxmlNamespacePrefix = "http://xml.publiccommons.ne.jp/pcxml1/";

// True when the first element of `bytes` is an <EDXLDistribution> and the document names the
// コモンズEDXL namespace: the pipeline routes on this before any parser runs (an EDXL-DE
// distribution without it is CAP's).
bool looks_like_lalert(std::string_view bytes);

// "lalert-" + the first 24 hex digits of sha256(status ⏎ municipality ⏎ documentID): one
// L-Alert document (all its revisions) is one alert; a drill never continues a real one.
std::string lalert_alert_id(std::string_view status, std::string_view municipality,
                            std::string_view document_id);

// Parses checked text (hub/sources/source_reader.h reads raw bytes). Refuses DOCTYPEs, other
// roots, several contentObjects, envelope and Report that disagree (status, document id),
// distribution types other than Report/Update/Cancel, unsupported bodies and unknown 発令区分.
// The alert id is stable across the document's revisions (lalert_alert_id), so the journal
// chains 更新 and 取消 like JMA Serials: the sequence is commons:documentRevision, the kind
// the body ("EvacuationOrder", "Shelter"). Identity: "lalert" ⏎ status ⏎ municipality ⏎
// documentID ⏎ revision ⏎ distributionType. A relayed JMA telegram comes back as parse_jmx
// made it (same id, identity and sequence as from any other door), kind "jma".
Result<SourceDocument> parse_lalert(const SourceText& text);

}  // namespace alerthub::hub
