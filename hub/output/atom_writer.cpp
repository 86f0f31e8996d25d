#include "hub/output/atom_writer.h"

#include <pugixml.hpp>
#include <sstream>

namespace alerthub::hub {
namespace {

void child_text(pugi::xml_node parent, const char* name, const std::string& text) {
    parent.append_child(name).append_child(pugi::node_pcdata).set_value(text.c_str());
}

}  // namespace

std::string write_atom(const AtomFeed& f) {
    pugi::xml_document doc;
    auto feed = doc.append_child("feed");
    feed.append_attribute("xmlns") = "http://www.w3.org/2005/Atom";
    feed.append_attribute("xml:lang") = f.lang.c_str();
    child_text(feed, "id", f.id);
    child_text(feed, "title", f.title);
    child_text(feed, "updated", f.updated);
    child_text(feed.append_child("author"), "name", f.author);
    auto self = feed.append_child("link");
    self.append_attribute("rel") = "self";
    self.append_attribute("href") = f.self_href.c_str();
    for (const auto& e : f.entries) {
        auto entry = feed.append_child("entry");
        child_text(entry, "id", e.id);
        child_text(entry, "title", e.title);
        child_text(entry, "updated", e.updated);
        child_text(entry, "published", e.published);
        if (!e.summary.empty()) child_text(entry, "summary", e.summary);
        for (const auto& term : e.categories) {
            auto category = entry.append_child("category");
            category.append_attribute("term") = term.c_str();
        }
        auto link = entry.append_child("link");
        link.append_attribute("rel") = "alternate";
        link.append_attribute("type") = e.link_type.c_str();
        link.append_attribute("href") = e.link_href.c_str();
    }
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_indent | pugi::format_no_declaration, pugi::encoding_utf8);
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + out.str();
}

}  // namespace alerthub::hub
