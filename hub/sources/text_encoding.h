#pragma once
// Byte-level checks done before any XML parser sees a document: pugixml trusts its input's
// encoding, so invalid UTF-8 would otherwise reach screens and JSON as mojibake.

#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/base/utf8.h"  // validate_utf8, latin1_to_utf8: the byte checks

namespace alerthub::hub {

// The encoding named in the XML declaration (`<?xml ... encoding="X"?>`), lower-cased;
// nullopt when there is no declaration or it names no encoding.
std::optional<std::string> declared_xml_encoding(std::string_view bytes);

// The document as UTF-8 without a byte order mark: converted from ISO-8859-1 when it
// declares that (or US-ASCII), validated otherwise. Other encodings are refused by name.
Result<std::string> to_utf8_document(std::string_view bytes);

}  // namespace alerthub::hub
