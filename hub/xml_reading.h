#pragma once
// What both source parsers (CAP, JMA) need from pugixml: a guarded load and a few
// namespace-aware readers. Internal to hub_lib: only the parsers include it.

#include <pugixml.hpp>

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace alerthub::hub {

Error invalid(std::string message);

bool is_space(char c);
std::string trim(std::string_view s);

// The element name without its prefix.
std::string_view local_name(pugi::xml_node node);
// pugixml knows nothing of namespaces: the element's namespace, resolved through the xmlns
// declarations on it and its ancestors.
std::string namespace_of(pugi::xml_node node);
// All character data directly inside `node` (a comment may split it into pieces), trimmed.
std::string text_of(pugi::xml_node node);

// Refuses a document over `max_bytes` (kResourceExhausted) or empty.
Status check_document_size(std::string_view bytes, std::size_t max_bytes);

// Parses UTF-8 `bytes` into `xml`. A DOCTYPE is refused: pugixml never fetches external
// entities, but no alert document has business with a DTD (XXE). `what` names the kind of
// document in the reasons ("a CAP document").
Status load_xml(pugi::xml_document& xml, std::string_view bytes, std::string_view what);

}  // namespace alerthub::hub
