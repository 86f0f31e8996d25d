#pragma once
// The facilities the screens show: for every screen location ([site] locations_file), the
// open and full facilities nearest to it with what staff said of them, published retained
// on {root}/facilities/{location} (core/protocol/screen_facilities.h) through the hub's bus,
// which signs it. Staff change a status from other processes (hubctl site status, the
// operator page), so a thread of its own looks at the status change log every
// kStatusPoll, as the site publisher does, and publishes every location again when it
// moved: a change is on the screens well within a second. Also at start and after every
// connect (the broker may have lost its retained copies).

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/mqtt/message_bus.h"
#include "core/protocol/screen_facilities.h"
#include "core/protocol/topics.h"
#include "core/storage/sqlite_db.h"
#include "hub/site/facilities.h"
#include "hub/site/facility_status_store.h"
#include "hub/site/site_renderer.h"

namespace alerthub::hub::site {

// The list for one location: the facilities staff marked open or full (a facility not
// listed is closed or not reported), nearest first, at most kMaxScreenFacilities, and fewer
// when the farthest must go for the signed payload to stay within
// kMaxFacilitiesPayloadBytes.
ScreenFacilities screen_facilities_for(const Facilities& facilities,
                                       const std::map<std::string, FacilityStatus>& status,
                                       const ScreenLocation& location, std::int64_t version,
                                       WallTime now);

class FacilityBroadcaster {
public:
    // `facilities`, `bus` and `clock` must outlive this.
    FacilityBroadcaster(const Facilities& facilities, std::vector<ScreenLocation> locations,
                        std::string journal_path, MessageBus& bus, Topics topics,
                        const Clock& clock);
    ~FacilityBroadcaster();
    FacilityBroadcaster(const FacilityBroadcaster&) = delete;
    FacilityBroadcaster& operator=(const FacilityBroadcaster&) = delete;

    // Opens the journal's status tables and starts the thread, which publishes as soon as
    // the bus is connected.
    Status start();
    // Every location again (after a connect).
    void republish();
    void stop();

    // Publishes every location now, on the caller's thread.
    Status publish_all();

private:
    void loop();

    const Facilities& facilities_;
    std::vector<ScreenLocation> locations_;
    std::string journal_path_;
    MessageBus& bus_;
    Topics topics_;
    const Clock& clock_;
    std::optional<SqliteDb> db_;
    std::optional<FacilityStatusStore> status_;
    std::mutex mu_;
    std::condition_variable wake_;
    bool pending_ = true;  // nothing published yet
    bool stopping_ = false;
    std::thread thread_;
    std::int64_t published_change_ = -1;  // the status change the screens have
};

}  // namespace alerthub::hub::site
