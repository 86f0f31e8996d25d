#include "hub/sources/xml_reading.h"

#include <fmt/format.h>

#include "core/base/time_format.h"

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

pugi::xml_node child(pugi::xml_node node, std::string_view name) {
    for (auto c : node.children())
        if (c.type() == pugi::node_element && local_name(c) == name) return c;
    return {};
}

std::vector<pugi::xml_node> children(pugi::xml_node node, std::string_view name) {
    std::vector<pugi::xml_node> out;
    for (auto c : node.children())
        if (c.type() == pugi::node_element && local_name(c) == name) out.push_back(c);
    return out;
}

std::string child_text(pugi::xml_node node, std::string_view name) {
    return text_of(child(node, name));
}

Result<WallTime> required_time(pugi::xml_node parent, std::string_view name,
                               std::string_view where) {
    auto text = child_text(parent, name);
    if (text.empty()) return invalid(fmt::format("missing <{}/{}>", where, name));
    auto t = parse_rfc3339(text);
    if (!t)
        return invalid(fmt::format("<{}/{}> '{}' is not a date-time: {}", where, name, text,
                                   t.error().message));
    return *t;
}

StartTag first_start_tag(std::string_view b) {
    if (b.starts_with("\xEF\xBB\xBF")) b.remove_prefix(3);
    size_t i = 0;
    for (;;) {
        while (i < b.size() && is_space(b[i])) ++i;
        if (i >= b.size() || b[i] != '<') return {};
        auto rest = b.substr(i);
        size_t end = std::string_view::npos;
        if (rest.starts_with("<?")) {
            end = b.find("?>", i);
            if (end != std::string_view::npos) end += 2;
        } else if (rest.starts_with("<!--")) {
            end = b.find("-->", i);
            if (end != std::string_view::npos) end += 3;
        } else if (rest.starts_with("<!")) {
            // A DOCTYPE, perhaps with an internal subset: skipped here so that the parser
            // the root routes to refuses it with its own reason.
            auto gt = b.find('>', i);
            auto bracket = b.find('[', i);
            if (bracket != std::string_view::npos && bracket < gt) {
                auto close = b.find(']', bracket);
                gt = close == std::string_view::npos ? close : b.find('>', close);
            }
            end = gt == std::string_view::npos ? gt : gt + 1;
        } else {
            auto gt = b.find('>', i);
            if (gt == std::string_view::npos) return {};
            auto text = b.substr(i + 1, gt - i - 1);
            size_t n = 0;
            while (n < text.size() && !is_space(text[n]) && text[n] != '/') ++n;
            auto name = text.substr(0, n);
            if (auto colon = name.find(':'); colon != std::string_view::npos)
                name.remove_prefix(colon + 1);
            return {name, text};
        }
        if (end == std::string_view::npos) return {};
        i = end;
    }
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
