#include "hub/output/atom_writer.h"

#include "hub/output/xml_writing.h"

namespace alerthub::hub {
std::string write_atom(const AtomFeed& f) {
    pugi::xml_document doc;
    auto feed = doc.append_child("feed");
    feed.append_attribute("xmlns") = "http://www.w3.org/2005/Atom";
    feed.append_attribute("xml:lang") = f.lang.c_str();
    append_text_element(feed, "id", f.id);
    append_text_element(feed, "title", f.title);
    append_text_element(feed, "updated", f.updated);
    append_text_element(feed.append_child("author"), "name", f.author);
    auto self = feed.append_child("link");
    self.append_attribute("rel") = "self";
    self.append_attribute("href") = f.self_href.c_str();
    for (const auto& e : f.entries) {
        auto entry = feed.append_child("entry");
        append_text_element(entry, "id", e.id);
        append_text_element(entry, "title", e.title);
        append_text_element(entry, "updated", e.updated);
        append_text_element(entry, "published", e.published);
        if (!e.summary.empty()) append_text_element(entry, "summary", e.summary);
        for (const auto& term : e.categories) {
            auto category = entry.append_child("category");
            category.append_attribute("term") = term.c_str();
        }
        auto link = entry.append_child("link");
        link.append_attribute("rel") = "alternate";
        link.append_attribute("type") = e.link_type.c_str();
        link.append_attribute("href") = e.link_href.c_str();
    }
    return xml_text(doc);
}

}  // namespace alerthub::hub
