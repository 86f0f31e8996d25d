// The hazards of an alert and of a refuge (core/protocol/hazards.h), shared by the public
// site and the screens' facilities panel.

#include "core/protocol/hazards.h"

#include <gtest/gtest.h>

namespace alerthub {
namespace {

TEST(Hazards, KeysAndGsiNamesRoundTrip) {
    for (int i = 0; i < kHazardCount; ++i) {
        const auto h = static_cast<Hazard>(i);
        EXPECT_EQ(hazard_from_key(hazard_key(h)), h);
    }
    EXPECT_EQ(hazard_key(Hazard::kStormSurge), "storm_surge");
    EXPECT_EQ(hazard_name_ja(Hazard::kLandslide), "崖崩れ、土石流及び地滑り");
    EXPECT_FALSE(hazard_from_key("meteor"));
}

TEST(Hazards, AnAlertsHazardsAreReadFromItsJapaneseEventAndHeadline) {
    Alert surge;
    surge.event_name = {{"ja", "避難指示（高潮）"}};
    EXPECT_EQ(hazards_of(surge), std::vector<Hazard>{Hazard::kStormSurge});
    Alert tsunami;
    tsunami.headline = {{"ja", "港区：津波警報"}, {"en", "Flood"}};  // English is not read
    EXPECT_EQ(hazards_of(tsunami), std::vector<Hazard>{Hazard::kTsunami});
    Alert notice;
    notice.event_name = {{"ja", "一時滞在施設開設"}};
    EXPECT_TRUE(hazards_of(notice).empty());
}

TEST(Hazards, ARefugeSuitsAnAlertWhenDesignatedForEveryOneOfItsHazards) {
    const std::vector<Hazard> school = {Hazard::kEarthquake, Hazard::kTsunami};
    EXPECT_TRUE(designated_for_all(school, {Hazard::kTsunami}));
    EXPECT_TRUE(designated_for_all(school, {Hazard::kEarthquake, Hazard::kTsunami}));
    EXPECT_FALSE(designated_for_all(school, {Hazard::kTsunami, Hazard::kStormSurge}));
    EXPECT_TRUE(designated_for_all(school, {}));  // an alert of no known hazard
    EXPECT_TRUE(designated_for_all({}, {}));
    EXPECT_FALSE(designated_for_all({}, {Hazard::kFlood}));
}

}  // namespace
}  // namespace alerthub
