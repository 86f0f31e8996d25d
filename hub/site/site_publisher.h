#pragma once
// The site's own thread: woken after every journal commit that published something (and at
// least every refresh_s, for expiries), it reads the journal through its read model on its
// own SQLite connection, renders a complete new tree (site_renderer.h), swaps it in
// (site_tree.h) and runs the publish hook. Wake-ups that arrive while it renders are
// merged into one more render. Facility status is written by other processes (hubctl site,
// the operator page), so the thread also looks at its change log every kStatusPoll.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/sqlite_db.h"
#include "hub/site/facilities.h"
#include "hub/site/facility_status_store.h"
#include "hub/site/site_config.h"
#include "hub/site/site_renderer.h"
#include "hub/site/site_tree.h"

namespace alerthub::hub::site {

// What the site is made from besides the journal: templates, facilities, locations.
struct SiteData {
    SiteTemplates templates;
    Facilities facilities;
    std::vector<ScreenLocation> locations;
};
// Every file [site] names; a problem is a config error (exit 78).
Result<SiteData> load_site_data(const SiteConfig& config);

inline constexpr auto kStatusPoll = std::chrono::milliseconds(200);
// Old trees go to the trash when idle, and at the latest after this many renders.
inline constexpr int kCleanupEvery = 20;

class SitePublisher {
public:
    SitePublisher(SiteConfig config, SiteData data, std::string journal_path, const Clock& clock);
    ~SitePublisher();
    SitePublisher(const SitePublisher&) = delete;
    SitePublisher& operator=(const SitePublisher&) = delete;

    // Opens the journal, renders the first tree (so the site exists before the hub
    // accepts anything), then starts the thread.
    Status start();
    void notify();
    void stop();

    // Renders and swaps now on the caller's thread (start() and the thread use it).
    Result<SiteStats> publish_once();
    std::uint64_t published() const { return published_.load(); }

private:
    void loop();
    Status run_hook(const std::string& tree);
    void remove_unlinked_alert_folders();
    void trash_loop();  // deletes what remove_old() and the above moved to the trash

    SiteConfig config_;
    SiteData data_;
    std::string journal_path_;
    const Clock& clock_;
    SiteTree tree_;
    std::optional<SqliteDb> db_;
    std::optional<FacilityStatusStore> status_;
    std::mutex mu_;
    std::condition_variable wake_;
    bool pending_ = false;
    bool stopping_ = false;
    std::thread thread_;
    std::condition_variable trash_wake_;
    bool trash_pending_ = false;
    std::thread trash_thread_;
    std::atomic<std::uint64_t> published_{0};
    std::int64_t rendered_change_ = 0;
    RenderCache cache_;  // the tree before, for reusing its unchanged pages
    // The alert folders the newest tree and the one it replaced link.
    std::set<std::string> linked_now_;
    std::set<std::string> linked_before_;
    int renders_since_cleanup_ = 0;  // the facility status change the last tree shows
};

}  // namespace alerthub::hub::site
