#pragma once
// What the source parsers (CAP, JMA, L-Alert) and the JMA feed reader need from an XML
// parser: a guarded load and a namespace-aware, read-only view of the tree. Only
// xml_reading.cpp knows the parser is pugixml; an XmlElement is a pointer into the tree its
// XmlDocument owns, cheap to copy and valid while that document lives.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"

namespace alerthub::hub {

Error invalid(std::string message);

bool is_space(char c);
std::string trim(std::string_view s);

class XmlElements;
struct XmlAccess;  // xml_reading.cpp's way between these types and the parser's

// An element of a parsed document, or null (false in a boolean context) when asked for one
// that is not there. Every reader of a null element answers empty, so lookups chain:
// `report.child("Head").child("Headline").child_text("Text")`.
class XmlElement {
public:
    XmlElement() = default;

    explicit operator bool() const { return node_ != nullptr; }
    friend bool operator==(XmlElement a, XmlElement b) { return a.node_ == b.node_; }

    // The name as written ("jmx_ib:Head"), for reasons that quote the document.
    std::string_view name() const;
    // The name without its prefix.
    std::string_view local_name() const;
    // The XML parser knows nothing of namespaces: the element's namespace, resolved through
    // the xmlns declarations on it and its ancestors.
    std::string namespace_uri() const;
    // All character data directly inside (a comment may split it into pieces), trimmed.
    std::string text() const;
    // The attribute's value as written; empty when absent.
    std::string_view attribute(std::string_view name) const;

    // The first child element named `name` (any namespace), or null. JMX and the
    // 公共情報コモンズ XML give each section one namespace, so local names are unambiguous.
    XmlElement child(std::string_view name) const;
    std::vector<XmlElement> children(std::string_view name) const;
    std::string child_text(std::string_view name) const;
    // Every child element, in document order.
    XmlElements elements() const;
    // The enclosing element; null for the root.
    XmlElement parent() const;

private:
    friend struct XmlAccess;
    explicit XmlElement(void* node) : node_(node) {}

    void* node_ = nullptr;  // the parser's node; opaque outside xml_reading.cpp
};

// The child elements of one element, for range-for.
class XmlElements {
public:
    class Iterator {
    public:
        XmlElement operator*() const { return current_; }
        Iterator& operator++();
        bool operator!=(const Iterator& other) const { return !(current_ == other.current_); }

    private:
        friend class XmlElements;
        explicit Iterator(XmlElement current) : current_(current) {}
        XmlElement current_;
    };

    Iterator begin() const { return Iterator(first_); }
    Iterator end() const { return Iterator(XmlElement()); }

private:
    friend struct XmlAccess;
    explicit XmlElements(XmlElement first) : first_(first) {}
    XmlElement first_;
};

// A parsed document: owns the tree its elements point into.
class XmlDocument {
public:
    XmlDocument();
    ~XmlDocument();
    XmlDocument(const XmlDocument&) = delete;
    XmlDocument& operator=(const XmlDocument&) = delete;

    // The root element; null before a successful load_xml.
    XmlElement document_element() const;

private:
    friend struct XmlAccess;
    struct Tree;
    std::unique_ptr<Tree> tree_;
};

// The RFC 3339 time in child `name`; the reasons name it as "<where/name>".
Result<WallTime> required_time(XmlElement parent, std::string_view name, std::string_view where);

// The element standing alone as UTF-8 XML: namespace declarations in scope on its ancestors
// are copied onto it, so that a relayed telegram reads exactly as it would outside its
// envelope.
std::string standalone_xml(XmlElement element);

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
Status load_xml(XmlDocument& xml, std::string_view bytes, std::string_view what);

}  // namespace alerthub::hub
