#include "hub/doors/jma_feed/jma_atom_feed.h"

#include <fmt/format.h>

#include "core/base/time_format.h"
#include "hub/sources/text_encoding.h"
#include "hub/sources/xml_reading.h"

namespace alerthub::hub {
namespace {

// JMA gives one <link type="application/xml" href=...>; plain Atom would say
// rel="alternate" (or nothing, which means the same).
std::string entry_link(XmlElement entry) {
    std::string fallback;
    for (auto c : entry.elements()) {
        if (c.local_name() != "link") continue;
        std::string href = trim(c.attribute("href"));
        if (href.empty()) continue;
        if (c.attribute("type") == "application/xml") return href;
        std::string_view rel = c.attribute("rel");
        if (fallback.empty() && (rel.empty() || rel == "alternate")) fallback = href;
    }
    return fallback;
}

}  // namespace

Result<AtomFeed> parse_jma_atom_feed(std::string_view bytes, std::size_t max_bytes) {
    if (auto s = check_document_size(bytes, max_bytes); !s) return s.error();
    if (auto s = validate_utf8(bytes); !s) return s.error();
    XmlDocument xml;
    if (auto s = load_xml(xml, bytes, "an Atom feed"); !s) return s.error();
    auto root = xml.document_element();
    if (root.local_name() != "feed" || root.namespace_uri() != kAtomNamespace)
        return invalid(fmt::format("root element is <{}> in namespace '{}', not <feed> in '{}'",
                                   root.name(), root.namespace_uri(), kAtomNamespace));

    AtomFeed feed;
    if (auto updated = root.child("updated").text(); !updated.empty()) {
        if (auto t = parse_rfc3339(updated))
            feed.updated = *t;
        else
            feed.warnings.push_back(fmt::format("feed <updated> '{}' is not a time", updated));
    }
    int index = 0;
    for (auto node : root.elements()) {
        if (node.local_name() != "entry") continue;
        ++index;
        AtomEntry e;
        e.id = node.child("id").text();
        e.title = node.child("title").text();
        e.author = node.child("author").child("name").text();
        e.link = entry_link(node);
        if (e.link.empty()) {
            feed.warnings.push_back(fmt::format("entry {} ('{}', id '{}') has no link; left out",
                                                index, e.title, e.id));
            continue;
        }
        if (auto updated = node.child("updated").text(); !updated.empty()) {
            if (auto t = parse_rfc3339(updated))
                e.updated = *t;
            else
                feed.warnings.push_back(
                    fmt::format("entry {} <updated> '{}' is not a time", e.link, updated));
        }
        feed.entries.push_back(std::move(e));
    }
    return feed;
}

}  // namespace alerthub::hub
