#pragma once
// The one entry from raw bytes to a SourceDocument, whichever door they came by: the byte
// checks (size, declared encoding, UTF-8: SourceText) run once here, then the document goes
// to its format's parser by root element.

#include <cstddef>
#include <string_view>

#include "core/base/result.h"
#include "hub/sources/source_document.h"

namespace alerthub::hub {

// The format by the first element (cheap, never fails): a <Report> in the JMX namespace is a
// JMA telegram, an <EDXLDistribution> naming the コモンズEDXL namespace an L-Alert document,
// anything else CAP's to judge (an EDXL-DE carrying CAP included).
SourceFormat detect_format(std::string_view raw);

// Checks `raw` (at most `max_bytes`) and parses it as detect_format says. Telegrams and
// L-Alert documents come back with no references: their alert id is already the incident's
// (EventID, documentID).
Result<SourceDocument> read_source_document(std::string_view raw, std::size_t max_bytes);

// The same checks, then the parser of `format` whatever the root says: for callers that know
// what they hold (the console's own CAP, a parser's tests).
Result<SourceDocument> read_source_document(std::string_view raw, std::size_t max_bytes,
                                            SourceFormat format);

}  // namespace alerthub::hub
