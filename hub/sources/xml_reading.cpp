#include "hub/sources/xml_reading.h"

#include <fmt/format.h>
#include <pugixml.hpp>

#include <sstream>

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

struct XmlDocument::Tree {
    pugi::xml_document xml;
};

struct XmlAccess {
    static pugi::xml_node node(XmlElement e) {
        return pugi::xml_node(static_cast<pugi::xml_node_struct*>(e.node_));
    }
    static XmlElement element(pugi::xml_node n) { return XmlElement(n.internal_object()); }
    static XmlElements elements(pugi::xml_node first) { return XmlElements(element(first)); }
    static pugi::xml_document& xml(XmlDocument& d) { return d.tree_->xml; }
};

namespace {

pugi::xml_node node_of(XmlElement e) {
    return XmlAccess::node(e);
}

XmlElement element_of(pugi::xml_node n) {
    return XmlAccess::element(n);
}

// The element itself or the first element sibling after it; null when there is none.
pugi::xml_node element_from(pugi::xml_node n) {
    while (n && n.type() != pugi::node_element) n = n.next_sibling();
    return n;
}

std::string_view local_part(std::string_view name) {
    auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

}  // namespace

std::string_view XmlElement::name() const {
    return node_of(*this).name();
}

std::string_view XmlElement::local_name() const {
    return local_part(node_of(*this).name());
}

std::string XmlElement::namespace_uri() const {
    auto node = node_of(*this);
    std::string_view name = node.name();
    auto colon = name.find(':');
    std::string attr =
        colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
    for (auto cur = node; cur && cur.type() == pugi::node_element; cur = cur.parent()) {
        if (auto a = cur.attribute(attr.c_str())) return a.value();
    }
    return {};
}

std::string XmlElement::text() const {
    std::string out;
    for (auto child : node_of(*this).children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata)
            out += child.value();
    }
    return trim(out);
}

std::string_view XmlElement::attribute(std::string_view name) const {
    for (auto a : node_of(*this).attributes())
        if (name == a.name()) return a.value();
    return {};
}

XmlElement XmlElement::child(std::string_view name) const {
    for (auto c : node_of(*this).children())
        if (c.type() == pugi::node_element && local_part(c.name()) == name) return element_of(c);
    return {};
}

std::vector<XmlElement> XmlElement::children(std::string_view name) const {
    std::vector<XmlElement> out;
    for (auto c : node_of(*this).children())
        if (c.type() == pugi::node_element && local_part(c.name()) == name)
            out.push_back(element_of(c));
    return out;
}

std::string XmlElement::child_text(std::string_view name) const {
    return child(name).text();
}

XmlElements XmlElement::elements() const {
    return XmlAccess::elements(element_from(node_of(*this).first_child()));
}

XmlElement XmlElement::parent() const {
    auto p = node_of(*this).parent();
    return p.type() == pugi::node_element ? element_of(p) : XmlElement();
}

XmlElements::Iterator& XmlElements::Iterator::operator++() {
    current_ = element_of(element_from(node_of(current_).next_sibling()));
    return *this;
}

XmlDocument::XmlDocument() : tree_(std::make_unique<Tree>()) {}
XmlDocument::~XmlDocument() = default;

XmlElement XmlDocument::document_element() const {
    return element_of(tree_->xml.document_element());
}

Result<WallTime> required_time(XmlElement parent, std::string_view name, std::string_view where) {
    auto text = parent.child_text(name);
    if (text.empty()) return invalid(fmt::format("missing <{}/{}>", where, name));
    auto t = parse_rfc3339(text);
    if (!t)
        return invalid(fmt::format("<{}/{}> '{}' is not a date-time: {}", where, name, text,
                                   t.error().message));
    return *t;
}

std::string standalone_xml(XmlElement element) {
    auto node = node_of(element);
    pugi::xml_document copy;
    auto root = copy.append_copy(node);
    for (auto p = node.parent(); p && p.type() == pugi::node_element; p = p.parent()) {
        for (auto attr : p.attributes()) {
            std::string_view name = attr.name();
            if ((name == "xmlns" || name.starts_with("xmlns:")) && !root.attribute(attr.name()))
                root.append_attribute(attr.name()) = attr.value();
        }
    }
    std::ostringstream out;
    copy.save(out, "", pugi::format_raw, pugi::encoding_utf8);
    return out.str();
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

Status load_xml(XmlDocument& document, std::string_view bytes, std::string_view what) {
    auto& xml = XmlAccess::xml(document);
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
