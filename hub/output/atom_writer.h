#pragma once
// Atom 1.0 (RFC 4287) feeds: the hub's public list of alerts (console /feed/alerts.atom).
// Values are written as given; times are RFC 3339 text.

#include <string>
#include <vector>

namespace alerthub::hub {

struct AtomEntry {
    std::string id;
    std::string title;
    std::string updated;
    std::string published;
    std::string summary;  // left out when empty
    std::vector<std::string> categories;
    // The alternate link.
    std::string link_type;
    std::string link_href;
};

struct AtomFeed {
    std::string lang = "ja";
    std::string id;
    std::string title;
    std::string updated;
    std::string author;
    std::string self_href;
    std::vector<AtomEntry> entries;
};

// UTF-8 with an XML declaration, indented by two spaces.
std::string write_atom(const AtomFeed& feed);

}  // namespace alerthub::hub
