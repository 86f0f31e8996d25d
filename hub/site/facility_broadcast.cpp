#include "hub/site/facility_broadcast.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/base/log.h"
#include "core/protocol/payload_limits.h"
#include "hub/site/site_publisher.h"

namespace alerthub::hub::site {
namespace {

constexpr auto kPublishTimeout = std::chrono::seconds(5);
// What the signature adds to the payload: "{kid}:{Base64 of 64 bytes}", the kid at most 64.
constexpr std::size_t kSignatureRoom = 64 + 1 + 88;

ScreenFacility::Kind kind_of(FacilityKind k) {
    switch (k) {
        case FacilityKind::kEmergencySite:
            return ScreenFacility::Kind::kEmergencySite;
        case FacilityKind::kShelter:
            return ScreenFacility::Kind::kShelter;
        case FacilityKind::kStayFacility:
            return ScreenFacility::Kind::kStay;
    }
    return ScreenFacility::Kind::kEmergencySite;
}

ScreenFacility::State state_of(FacilityState s) {
    switch (s) {
        case FacilityState::kOpen:
            return ScreenFacility::State::kOpen;
        case FacilityState::kFull:
            return ScreenFacility::State::kFull;
        case FacilityState::kClosed:
            return ScreenFacility::State::kClosed;
    }
    return ScreenFacility::State::kClosed;
}

}  // namespace

ScreenFacilities screen_facilities_for(const Facilities& facilities,
                                       const std::map<std::string, FacilityStatus>& status,
                                       const ScreenLocation& location, std::int64_t version,
                                       WallTime now) {
    ScreenFacilities out{
        .location = location.key, .version = version, .published = now, .facilities = {}};
    for (const auto& s : suitable_facilities(facilities, {}, Place{location.lat, location.lon})) {
        const Facility& f = *s.facility;
        auto it = status.find(f.id);
        if (it == status.end() || it->second.state == FacilityState::kClosed) continue;
        ScreenFacility item{.id = f.id,
                            .kind = kind_of(f.kind),
                            .name = {{"ja", f.name}},
                            .state = state_of(it->second.state),
                            .taken_in = it->second.taken_in,
                            .capacity = f.capacity,
                            .hazards = f.hazards,
                            .distance_m = static_cast<int>(std::lround(*s.distance_m)),
                            .updated = it->second.updated};
        if (!f.name_en.empty()) item.name["en"] = f.name_en;
        // A name no screen line could hold is cut, rather than the facility refused.
        for (auto& [lang, text] : item.name)
            if (text.size() > kMaxFacilityNameBytes) text.resize(kMaxFacilityNameBytes);
        out.facilities.push_back(std::move(item));
        if (out.facilities.size() == kMaxScreenFacilities) break;
    }
    while (!out.facilities.empty() &&
           encode_screen_facilities(out).size() + kSignatureRoom > kMaxFacilitiesPayloadBytes)
        out.facilities.pop_back();
    return out;
}

FacilityBroadcaster::FacilityBroadcaster(const Facilities& facilities,
                                         std::vector<ScreenLocation> locations,
                                         std::string journal_path, MessageBus& bus, Topics topics,
                                         const Clock& clock)
    : facilities_(facilities),
      locations_(std::move(locations)),
      journal_path_(std::move(journal_path)),
      bus_(bus),
      topics_(std::move(topics)),
      clock_(clock) {}

FacilityBroadcaster::~FacilityBroadcaster() {
    stop();
}

Status FacilityBroadcaster::start() {
    auto db = SqliteDb::open(journal_path_);
    if (!db)
        return make_error(db.error().code, fmt::format("facilities for screens: journal {}: {}",
                                                       journal_path_, db.error().message));
    db_.emplace(std::move(*db));
    auto store = FacilityStatusStore::open(*db_);
    if (!store) return store.error();
    status_.emplace(std::move(*store));
    thread_ = std::thread([this] { loop(); });
    return {};
}

void FacilityBroadcaster::republish() {
    {
        std::lock_guard lock(mu_);
        pending_ = true;
    }
    wake_.notify_one();
}

void FacilityBroadcaster::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

Status FacilityBroadcaster::publish_all() {
    auto change = status_->last_change();
    if (!change) return change.error();
    auto status = status_->all();
    if (!status) return status.error();
    const WallTime now = clock_.now();
    for (const auto& location : locations_) {
        auto list = screen_facilities_for(facilities_, *status, location, *change, now);
        const BusMessage message{.topic = topics_.facilities(location.key),
                                 .payload = encode_screen_facilities(list),
                                 .retained = true};
        if (auto s = bus_.publish(message, kPublishTimeout); !s)
            return make_error(s.error().code, fmt::format("facilities for {}: {}", location.key,
                                                          s.error().message));
        get_logger("hub")->debug("[facilities={} v={}] {} open or full published", location.key,
                                 list.version, list.facilities.size());
    }
    std::lock_guard lock(mu_);
    published_change_ = *change;
    return {};
}

void FacilityBroadcaster::loop() {
    auto log = get_logger("hub");
    bool owed = false;  // a publication that has not gone out yet
    bool failing = false;
    for (;;) {
        {
            std::unique_lock lock(mu_);
            wake_.wait_for(lock, kStatusPoll, [this] { return pending_ || stopping_; });
            if (stopping_) return;
            owed = owed || pending_;
            pending_ = false;
        }
        if (!bus_.connected()) continue;  // kept owed until the broker is back
        if (!owed) {
            auto change = status_->last_change();
            if (!change) {
                log->warn("facilities for screens: {}", change.error().message);
                continue;
            }
            std::lock_guard lock(mu_);
            owed = *change != published_change_;
        }
        if (!owed) continue;
        if (auto s = publish_all(); !s) {
            // Tried again at the next poll; logged once per outage.
            if (!failing) log->warn("facilities for screens not published: {}", s.error().message);
            failing = true;
            continue;
        }
        if (failing) log->info("facilities for screens published again");
        failing = false;
        owed = false;
    }
}

}  // namespace alerthub::hub::site
