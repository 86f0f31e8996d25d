#pragma once
// The JMA Atom feeds (https://www.data.jma.go.jp/developer/xml/feed/*.xml): each entry
// announces one telegram by its title (the telegram's Control/Title), the issuing office
// (author) and the telegram's URL (link). Parsed with the same guarded XML loading as the
// telegrams themselves (size limit, strict UTF-8, no DOCTYPE).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"

namespace alerthub::hub {

inline constexpr std::string_view kAtomNamespace = "http://www.w3.org/2005/Atom";

struct AtomEntry {
    std::string id;
    std::string title;
    std::string author;
    std::string link;                 // the telegram's URL
    std::optional<WallTime> updated;  // nullopt when missing or unreadable
};

struct AtomFeed {
    std::optional<WallTime> updated;    // the feed's own <updated>
    std::vector<AtomEntry> entries;     // in document order (JMA: newest first)
    std::vector<std::string> warnings;  // entries left out (no link), times not understood
};

// Refuses anything that is not an Atom <feed> (kInvalidArgument, with the reason) or is
// over `max_bytes` (kResourceExhausted). An entry without a link cannot be fetched and is
// left out with a warning.
Result<AtomFeed> parse_jma_atom_feed(std::string_view bytes, std::size_t max_bytes);

}  // namespace alerthub::hub
