#include "hub/doors/jma_feed/jma_atom_feed.h"

#include <fmt/format.h>

#include "core/base/time_format.h"
#include "hub/sources/text_encoding.h"
#include "hub/sources/xml_reading.h"

namespace alerthub::hub {
namespace {

// JMA gives one <link type="application/xml" href=...>; plain Atom would say
// rel="alternate" (or nothing, which means the same).
std::string entry_link(pugi::xml_node entry) {
    std::string fallback;
    for (auto c : entry.children()) {
        if (c.type() != pugi::node_element || local_name(c) != "link") continue;
        std::string href = trim(c.attribute("href").value());
        if (href.empty()) continue;
        if (std::string_view(c.attribute("type").value()) == "application/xml") return href;
        std::string_view rel = c.attribute("rel").value();
        if (fallback.empty() && (rel.empty() || rel == "alternate")) fallback = href;
    }
    return fallback;
}

}  // namespace

Result<AtomFeed> parse_jma_atom_feed(std::string_view bytes, std::size_t max_bytes) {
    if (auto s = check_document_size(bytes, max_bytes); !s) return s.error();
    if (auto s = validate_utf8(bytes); !s) return s.error();
    pugi::xml_document xml;
    if (auto s = load_xml(xml, bytes, "an Atom feed"); !s) return s.error();
    auto root = xml.document_element();
    if (local_name(root) != "feed" || namespace_of(root) != kAtomNamespace)
        return invalid(fmt::format("root element is <{}> in namespace '{}', not <feed> in '{}'",
                                   root.name(), namespace_of(root), kAtomNamespace));

    AtomFeed feed;
    if (auto updated = text_of(child(root, "updated")); !updated.empty()) {
        if (auto t = parse_rfc3339(updated))
            feed.updated = *t;
        else
            feed.warnings.push_back(fmt::format("feed <updated> '{}' is not a time", updated));
    }
    int index = 0;
    for (auto node : root.children()) {
        if (node.type() != pugi::node_element || local_name(node) != "entry") continue;
        ++index;
        AtomEntry e;
        e.id = text_of(child(node, "id"));
        e.title = text_of(child(node, "title"));
        e.author = text_of(child(child(node, "author"), "name"));
        e.link = entry_link(node);
        if (e.link.empty()) {
            feed.warnings.push_back(fmt::format("entry {} ('{}', id '{}') has no link; left out",
                                                index, e.title, e.id));
            continue;
        }
        if (auto updated = text_of(child(node, "updated")); !updated.empty()) {
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
