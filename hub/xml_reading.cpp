#include "hub/xml_reading.h"

#include <fmt/format.h>

namespace alerthub::hub {

Error invalid(std::string message) {
    return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return std::string(s);
}

std::string_view local_name(pugi::xml_node node) {
    std::string_view name = node.name();
    auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string namespace_of(pugi::xml_node node) {
    std::string_view name = node.name();
    auto colon = name.find(':');
    std::string attr =
        colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
    for (auto cur = node; cur && cur.type() == pugi::node_element; cur = cur.parent()) {
        if (auto a = cur.attribute(attr.c_str())) return a.value();
    }
    return {};
}

std::string text_of(pugi::xml_node node) {
    std::string out;
    for (auto child : node.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata)
            out += child.value();
    }
    return trim(out);
}

Status check_document_size(std::string_view bytes, std::size_t max_bytes) {
    if (bytes.size() > max_bytes)
        return make_error(ErrorCode::kResourceExhausted,
                          fmt::format("document is {} bytes, over the limit of {} bytes",
                                      bytes.size(), max_bytes));
    if (trim(bytes).empty()) return invalid("empty document");
    return {};
}

Status load_xml(pugi::xml_document& xml, std::string_view bytes, std::string_view what) {
    // parse_doctype keeps the DOCTYPE as a node so that it can be refused.
    auto parsed = xml.load_buffer(bytes.data(), bytes.size(),
                                  pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
    bool has_doctype = !parsed && bytes.find("<!DOCTYPE") != std::string_view::npos;
    for (auto node : xml.children())
        if (node.type() == pugi::node_doctype) has_doctype = true;
    if (has_doctype)
        return invalid(fmt::format(
            "<!DOCTYPE> is not allowed in {} (entity declarations would open the door to XML "
            "external entity attacks)",
            what));
    if (!parsed)
        return invalid(fmt::format("not well-formed XML: {} at byte offset {}",
                                   parsed.description(), parsed.offset));
    if (!xml.document_element()) return invalid("no root element");
    return {};
}

}  // namespace alerthub::hub
