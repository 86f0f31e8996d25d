#pragma once
// What the source parsers (CAP, JMA, L-Alert) need from pugixml: a guarded load and a few
// namespace-aware readers. Internal to hub_lib: only the parsers include it.

#include <pugixml.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"

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

// The first child element named `name` (any namespace), or a null node. JMX and the
// 公共情報コモンズ XML give each section one namespace, so local names are unambiguous.
pugi::xml_node child(pugi::xml_node node, std::string_view name);
std::vector<pugi::xml_node> children(pugi::xml_node node, std::string_view name);
std::string child_text(pugi::xml_node node, std::string_view name);
// The RFC 3339 time in child `name`; the reasons name it as "<where/name>".
Result<WallTime> required_time(pugi::xml_node parent, std::string_view name,
                               std::string_view where);

// The first element start tag of `bytes`, past the XML declaration, comments and a DOCTYPE:
// its name without prefix and everything between '<' and '>' ("Report xmlns=..."). Both are
// empty when there is none. Cheap: the pipeline routes on it before any parser runs.
struct StartTag {
    std::string_view local_name;
    std::string_view text;
};
StartTag first_start_tag(std::string_view bytes);

// Refuses a document over `max_bytes` (kResourceExhausted) or empty.
Status check_document_size(std::string_view bytes, std::size_t max_bytes);

// Parses UTF-8 `bytes` into `xml`. A DOCTYPE is refused: pugixml never fetches external
// entities, but no alert document has business with a DTD (XXE). `what` names the kind of
// document in the reasons ("a CAP document").
Status load_xml(pugi::xml_document& xml, std::string_view bytes, std::string_view what);

}  // namespace alerthub::hub
