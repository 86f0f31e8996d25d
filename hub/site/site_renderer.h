#pragma once
// The public site as files: an index of what is in force for the ward, one page per alert
// and language (and per screen location, nearest facilities first), the facilities pages
// (all, and one per hazard), the stylesheet, and the Atom feed with the CAP document of each
// alert. Plain HTML and CSS from the ward's Mustache templates (config/site/), so that a
// ward restyles the site without rebuilding the hub.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/protocol/alert.h"
#include "hub/site/facilities.h"

namespace alerthub::hub::site {

// The templates folder: alert, index and facilities pages (*.mustache), the partials they
// share (head, foot, facility_list), site.css and labels.tsv (the words of the pages in
// ja, ja-x-easy and en; other languages read the English ones).
struct SiteTemplates {
    std::map<std::string, std::string> templates;  // name without ".mustache" -> text
    std::string css;
    // label key -> language -> text
    std::map<std::string, std::map<std::string, std::string>> labels;
};
// Every template must parse; every problem is reported at once.
Result<SiteTemplates> load_site_templates(const std::string& dir);

// What staff said of a facility: open, full or closed, and how many it has taken in.
enum class FacilityState { kOpen, kFull, kClosed };
std::string_view facility_state_key(FacilityState s);  // "open", "full", "closed"
std::optional<FacilityState> facility_state_from_key(std::string_view key);
struct FacilityStatus {
    FacilityState state = FacilityState::kClosed;
    int taken_in = 0;
    WallTime updated{};
};

// Where a screen stands (config/site/locations.tsv): its QR code leads to its own page of
// each alert.
struct ScreenLocation {
    std::string key;  // core/protocol/site_link.h: valid_location_key
    std::string name;
    std::string name_en;
    double lat = 0;
    double lon = 0;
};
// Tab-separated, header "key name name_en lat lon"; every bad line reported.
Result<std::vector<ScreenLocation>> load_screen_locations(const std::string& path);

struct SiteAlert {
    Alert alert;
    std::string updated;  // RFC 3339: when this version was journaled
    // The versions before (for the CAP document's references), oldest first.
    std::vector<Alert> earlier;
};

struct SiteInput {
    std::string ward_name = "港区";
    std::string base_url;    // absolute, for the feed; may be empty (relative links)
    std::string cap_sender;  // <sender> of the site's CAP documents
    WallTime now{};
    std::vector<SiteAlert> alerts;  // the latest version of each, newest first
    const Facilities* facilities = nullptr;
    std::map<std::string, FacilityStatus> status;  // facility id ->
    std::vector<ScreenLocation> locations;
    // Changes whenever `status` does (the status change log's last sequence number).
    std::int64_t status_version = 0;
};

struct SiteStats {
    int files = 0;  // rendered
    std::uint64_t bytes = 0;
    int reused = 0;  // hard-linked from the tree before
};

// What the tree before holds: pages that would come out the same (the same alert version
// and state, the same facility status) are hard-linked from it instead of rendered again,
// so a new alert costs its own pages, not every page of every alert in force.
//
// With `store` set, an alert's pages go once into an immutable folder of their own,
// <store>/<alert id>.<hash of what they were rendered from>, and each tree links it
// (a/<id> and feed/cap/<id>.xml are symlinks): a render then costs a symlink per unchanged
// alert. `used` names the folders the last render linked; the caller removes the others
// once no tree it still serves links them.
struct RenderCache {
    std::string dir;                          // the tree before; empty: none
    std::map<std::string, std::string> keys;  // page group -> what it was rendered from
    std::string store;
    std::set<std::string> used;
};

// An alert in force for this long after its end stays in the index's "ended" list, and
// gets its screen-location pages (its own pages stay as long as the journal lists it).
inline constexpr auto kRecentlyEnded = std::chrono::hours(24);

// Writes the whole site into `dir` (an existing, empty folder). With `cache`, reuses what
// it can from the tree it names and, on success, makes it name this one.
Result<SiteStats> render_site(const SiteTemplates& templates, const SiteInput& input,
                              const std::string& dir, RenderCache* cache = nullptr);

}  // namespace alerthub::hub::site
