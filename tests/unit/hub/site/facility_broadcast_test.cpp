// The facilities the screens show (hub/site/facility_broadcast): one list per screen
// location from the ward's real facilities and the status staff set, nearest first, and
// the thread that publishes every location again within a second of a status change.

#include "hub/site/facility_broadcast.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/base/time_format.h"
#include "core/protocol/payload_limits.h"
#include "core/storage/sqlite_db.h"
#include "hub/site/site_publisher.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_message_bus.h"
#include "tests/support/test_support.h"

namespace alerthub::hub::site {
namespace {

namespace fs = std::filesystem;
using alerthub::testing::FakeMessageBus;
using alerthub::testing::TempDir;
using alerthub::testing::wait_for;

fs::path config_dir() {
    return alerthub::testing::project_fixtures_dir().parent_path().parent_path() / "config";
}

Facilities ward_facilities() {
    auto f = load_gsi_facilities(
        (config_dir() / "shelters/131032-emergency-sites.geojson").string(),
        (config_dir() / "shelters/131032-designated-shelters.geojson").string());
    EXPECT_TRUE(f) << f.error().message;
    auto stay =
        load_stay_facilities((config_dir() / "shelters/stay_facilities.tsv.example").string());
    EXPECT_TRUE(stay) << stay.error().message;
    f->all.insert(f->all.begin(), stay->begin(), stay->end());
    return *f;
}

std::vector<ScreenLocation> ward_locations() {
    auto l = load_screen_locations((config_dir() / "site/locations.tsv").string());
    EXPECT_TRUE(l) << l.error().message;
    return *l;
}

const ScreenLocation& location(const std::vector<ScreenLocation>& all, const std::string& key) {
    for (const auto& l : all)
        if (l.key == key) return l;
    ADD_FAILURE() << key;
    return all.front();
}

const Facility& named(const Facilities& f, const std::string& name) {
    for (const auto& x : f.all)
        if (x.name == name) return x;
    ADD_FAILURE() << name;
    return f.all.front();
}

class ScreenFacilitiesFor : public ::testing::Test {
protected:
    Facilities facilities_ = ward_facilities();
    std::vector<ScreenLocation> locations_ = ward_locations();
    FakeClock clock_;

    FacilityStatus open(int taken_in) {
        return {.state = FacilityState::kOpen, .taken_in = taken_in, .updated = clock_.now()};
    }
};

TEST_F(ScreenFacilitiesFor, ListsOnlyOpenAndFullFacilitiesNearestToThatScreenFirst) {
    const Facility& konan_stay = named(facilities_, "（例）品川駅港南口 一時滞在施設");
    const Facility& roppongi_stay = named(facilities_, "（例）六本木 一時滞在施設");
    const Facility& hamamatsucho_stay = named(facilities_, "（例）浜松町 一時滞在施設");
    std::map<std::string, FacilityStatus> status = {
        {konan_stay.id, open(230)},
        {roppongi_stay.id,
         {.state = FacilityState::kFull, .taken_in = 800, .updated = clock_.now()}},
        {hamamatsucho_stay.id,
         {.state = FacilityState::kClosed, .taken_in = 0, .updated = clock_.now()}},
    };
    auto konan = screen_facilities_for(facilities_, status, location(locations_, "shinagawa-konan"),
                                       7, clock_.now());
    EXPECT_EQ(konan.location, "shinagawa-konan");
    EXPECT_EQ(konan.version, 7);
    EXPECT_EQ(konan.published, clock_.now());
    ASSERT_EQ(konan.facilities.size(), 2u);  // the closed one, and those never reported, left out
    EXPECT_EQ(konan.facilities[0].id, konan_stay.id);
    EXPECT_EQ(konan.facilities[0].state, ScreenFacility::State::kOpen);
    EXPECT_EQ(konan.facilities[0].taken_in, 230);
    EXPECT_EQ(konan.facilities[0].capacity, 1200);
    EXPECT_EQ(konan.facilities[0].kind, ScreenFacility::Kind::kStay);
    EXPECT_EQ(konan.facilities[0].name.at("en"), "(Example) Shinagawa Konan stay facility");
    EXPECT_EQ(konan.facilities[0].hazards,
              (std::vector<Hazard>{Hazard::kEarthquake, Hazard::kLargeFire}));
    EXPECT_LT(konan.facilities[0].distance_m, 300);
    EXPECT_EQ(konan.facilities[1].id, roppongi_stay.id);
    EXPECT_EQ(konan.facilities[1].state, ScreenFacility::State::kFull);

    // Another screen, another order: 六本木 has its own stay facility first.
    auto roppongi = screen_facilities_for(facilities_, status, location(locations_, "roppongi"), 7,
                                          clock_.now());
    ASSERT_EQ(roppongi.facilities.size(), 2u);
    EXPECT_EQ(roppongi.facilities[0].id, roppongi_stay.id);
    EXPECT_LT(roppongi.facilities[0].distance_m, roppongi.facilities[1].distance_m);
}

TEST_F(ScreenFacilitiesFor, EveryFacilityOpenStillFitsTheScreensLimits) {
    std::map<std::string, FacilityStatus> status;
    for (const auto& f : facilities_.all) status[f.id] = open(10);
    auto list = screen_facilities_for(facilities_, status, location(locations_, "minato-office"), 1,
                                      clock_.now());
    EXPECT_EQ(list.facilities.size(), kMaxScreenFacilities);
    for (std::size_t i = 1; i < list.facilities.size(); ++i)
        EXPECT_LE(list.facilities[i - 1].distance_m, list.facilities[i].distance_m);
    EXPECT_LT(encode_screen_facilities(list).size() + 160, kMaxFacilitiesPayloadBytes);
    EXPECT_TRUE(decode_screen_facilities(encode_screen_facilities(list)));
}

class Broadcaster : public ::testing::Test {
protected:
    TempDir dir_;
    std::string journal_ = (dir_.path() / "journal.sqlite").string();
    Facilities facilities_ = ward_facilities();
    FakeClock clock_;
    FakeMessageBus bus_;

    // Staff's change, from another connection as hubctl's would be.
    void set_status(const std::string& id, FacilityState state, int taken_in) {
        auto db = SqliteDb::open(journal_);
        ASSERT_TRUE(db);
        auto store = FacilityStatusStore::open(*db);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->set({.facility_id = id, .state = state, .taken_in = taken_in, .by = "t"},
                               clock_.now()));
    }

    // The last list published on `location`'s topic.
    std::optional<ScreenFacilities> last_on(const std::string& location) {
        std::optional<ScreenFacilities> out;
        for (const auto& m : bus_.published())
            if (m.topic == Topics().facilities(location)) {
                EXPECT_TRUE(m.retained);
                auto list = decode_screen_facilities(m.payload);
                EXPECT_TRUE(list) << list.error().message;
                if (list) out = *list;
            }
        return out;
    }
};

TEST_F(Broadcaster, PublishesEveryLocationAtStartAndAgainWithinASecondOfAStatusChange) {
    const Facility& stay = named(facilities_, "（例）品川駅港南口 一時滞在施設");
    FacilityBroadcaster broadcaster(facilities_, ward_locations(), journal_, bus_, Topics(),
                                    clock_);
    ASSERT_TRUE(broadcaster.start());
    ASSERT_TRUE(wait_for("the first publication of every location", [&] {
        return last_on("shinagawa-konan") && last_on("roppongi") && last_on("minato-office") &&
               last_on("hamamatsucho");
    }));
    EXPECT_TRUE(last_on("roppongi")->facilities.empty());  // nothing open yet
    const auto first_version = last_on("roppongi")->version;

    const auto changed = std::chrono::steady_clock::now();
    set_status(stay.id, FacilityState::kOpen, 12);
    ASSERT_TRUE(wait_for(
        "the change on the 品川駅港南口 screen's topic",
        [&] {
            auto l = last_on("shinagawa-konan");
            return l && !l->facilities.empty() && l->facilities[0].taken_in == 12;
        },
        std::chrono::seconds(1)));
    EXPECT_LT(std::chrono::steady_clock::now() - changed, std::chrono::seconds(1));
    EXPECT_GT(last_on("roppongi")->version, first_version);
    EXPECT_EQ(last_on("roppongi")->facilities.size(), 1u);  // every location, farther too

    // Nothing changed: nothing published again.
    const auto count = bus_.published().size();
    clock_.advance(std::chrono::seconds(1));
    std::this_thread::sleep_for(3 * kStatusPoll);
    EXPECT_EQ(bus_.published().size(), count);
    broadcaster.stop();
}

TEST_F(Broadcaster, WaitsForTheBrokerAndPublishesAgainAfterEveryConnect) {
    bus_.set_connected(false);
    FacilityBroadcaster broadcaster(facilities_, ward_locations(), journal_, bus_, Topics(),
                                    clock_);
    ASSERT_TRUE(broadcaster.start());
    set_status(named(facilities_, "（例）浜松町 一時滞在施設").id, FacilityState::kFull, 500);
    std::this_thread::sleep_for(3 * kStatusPoll);
    EXPECT_TRUE(bus_.published().empty());

    bus_.set_connected(true);
    ASSERT_TRUE(wait_for("the lists once the broker is there", [&] {
        auto l = last_on("hamamatsucho");
        return l && l->facilities.size() == 1;
    }));
    EXPECT_EQ(last_on("hamamatsucho")->facilities[0].state, ScreenFacility::State::kFull);

    // A broker restarted without its retained copies: the connect brings them back.
    const auto count = bus_.published().size();
    broadcaster.republish();
    ASSERT_TRUE(
        wait_for("every location again", [&] { return bus_.published().size() == count + 4; }));

    // A refused publish is tried again at the next poll, not lost.
    bus_.set_refuse_publish(true);
    set_status(named(facilities_, "（例）浜松町 一時滞在施設").id, FacilityState::kOpen, 480);
    std::this_thread::sleep_for(3 * kStatusPoll);
    bus_.set_refuse_publish(false);
    ASSERT_TRUE(wait_for("the change once the broker takes it", [&] {
        auto l = last_on("hamamatsucho");
        return l && l->facilities[0].state == ScreenFacility::State::kOpen;
    }));
    broadcaster.stop();
}

}  // namespace
}  // namespace alerthub::hub::site
