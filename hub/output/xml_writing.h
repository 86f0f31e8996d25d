#pragma once
// What the hub's XML writers (CAP, Atom) share: pugixml stays inside hub/output.

#include <pugixml.hpp>

#include <sstream>
#include <string>

namespace alerthub::hub {

// <name>text</name> appended to `parent`.
inline void append_text_element(pugi::xml_node parent, const char* name, const std::string& text) {
    parent.append_child(name).append_child(pugi::node_pcdata).set_value(text.c_str());
}

// The document as UTF-8 text, indented, with its own XML declaration.
inline std::string xml_text(const pugi::xml_document& doc) {
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_indent | pugi::format_no_declaration, pugi::encoding_utf8);
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + out.str();
}

}  // namespace alerthub::hub
