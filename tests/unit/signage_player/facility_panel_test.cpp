// The facilities panel (signage_player/facility_panel): which alerts show it, which
// facilities it names (the alert's hazards as on the public site, open before full, at
// most three), its words in Japanese first, where the layout puts it; and the loop: only
// the hub's signed list for this screen's location reaches the screen.

#include "signage_player/facility_panel.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/base/time_format.h"
#include "core/protocol/payload_limits.h"
#include "signage_player/null_renderer.h"
#include "signage_player/screen.h"
#include "signage_player/screen_layout.h"
#include "tests/support/fixed_measurer.h"
#include "tests/unit/signage_player/player_app_fixture.h"

namespace alerthub::player {
namespace {

using namespace std::chrono_literals;

const WallTime kNow = parse_rfc3339("2026-12-05T21:40:00+09:00").value();

Alert evacuation(int level, std::string event_ja) {
    Alert a;
    a.id = "minato-evac";
    a.version = 1;
    a.level = level;
    a.severity = level >= 4 ? Severity::kSevere : Severity::kModerate;
    a.event_name = {{"ja", std::move(event_ja)}, {"en", "Evacuation order"}};
    a.headline = {{"ja", "港南一丁目～五丁目に避難指示"}, {"en", "Evacuation order for Konan"}};
    a.instruction = {{"ja", "ただちに避難してください。"}, {"en", "Evacuate now."}};
    a.source.sent = kNow - 2min;
    a.areas.push_back({"jisx0402", "131032", ""});
    return a;
}

ScreenFacility facility(std::string id, std::string name, ScreenFacility::State state,
                        std::vector<Hazard> hazards, int distance_m, std::string name_en = "") {
    ScreenFacility f{.id = std::move(id),
                     .kind = ScreenFacility::Kind::kEmergencySite,
                     .name = {{"ja", std::move(name)}},
                     .state = state,
                     .taken_in = 42,
                     .capacity = 300,
                     .hazards = std::move(hazards),
                     .distance_m = distance_m,
                     .updated = kNow - 5min};
    if (!name_en.empty()) f.name["en"] = std::move(name_en);
    return f;
}

// What the hub would send to the 品川駅港南口 screen: nearest first.
ScreenFacilities konan_list() {
    using S = ScreenFacility::State;
    return {.location = "shinagawa-konan",
            .version = 5,
            .published = kNow,
            .facilities = {
                facility("full-near", "港南小学校", S::kFull,
                         {Hazard::kEarthquake, Hazard::kTsunami, Hazard::kStormSurge}, 350),
                facility("quake-only", "港南緑水公園", S::kOpen, {Hazard::kEarthquake}, 420),
                facility("stay", "（例）品川駅港南口 一時滞在施設", S::kOpen,
                         {Hazard::kEarthquake, Hazard::kLargeFire}, 210,
                         "(Example) Shinagawa Konan stay facility"),
                facility("tsunami-1", "港南中学校", S::kOpen,
                         {Hazard::kEarthquake, Hazard::kTsunami, Hazard::kStormSurge}, 900),
                facility("tsunami-2", "芝浦小学校", S::kOpen,
                         {Hazard::kTsunami, Hazard::kStormSurge}, 1630),
                facility("tsunami-3", "芝浦中学校", S::kOpen, {Hazard::kTsunami}, 2010),
            }};
}

TEST(FacilityPanel, ShownUnderEvacuationsAndTheWardsOpeningNoticesOnly) {
    EXPECT_TRUE(about_where_to_go(evacuation(3, "高齢者等避難")));
    EXPECT_TRUE(about_where_to_go(evacuation(4, "避難指示")));
    EXPECT_FALSE(about_where_to_go(evacuation(2, "大雨注意報")));
    Alert lifted = evacuation(4, "避難指示");
    lifted.state = AlertState::kLifted;
    EXPECT_FALSE(about_where_to_go(lifted));

    Alert notice;  // the console's 一時滞在施設開設 template: no level
    notice.event_code = "alerthub:stay_facility_open";
    notice.event_name = {{"ja", "一時滞在施設開設（帰宅困難者）"}};
    EXPECT_TRUE(about_where_to_go(notice));
    Alert lalert;  // L-Alert 避難所情報
    lalert.event_code = "Shelter";
    lalert.event_name = {{"ja", "避難所開設情報"}};
    EXPECT_TRUE(about_where_to_go(lalert));
    Alert by_name;  // another source's notice, read by its Japanese name
    by_name.event_name = {{"ja", "避難所開設のお知らせ"}};
    EXPECT_TRUE(about_where_to_go(by_name));
    Alert unlevelled;  // a CAP evacuation order from a source that gives no 警戒レベル
    unlevelled.event_name = {{"ja", "避難指示"}};
    EXPECT_TRUE(about_where_to_go(unlevelled));
    Alert other;
    other.event_code = "alerthub:free";
    other.event_name = {{"ja", "お知らせ"}};
    EXPECT_FALSE(about_where_to_go(other));
    EXPECT_FALSE(make_facility_panel(other, konan_list(), "ja"));
}

TEST(FacilityPanel, ATsunamiOrderNamesOnlyTsunamiSafeSitesOpenOnesFirst) {
    auto panel = make_facility_panel(evacuation(4, "避難指示（津波）"), konan_list(), "ja");
    ASSERT_TRUE(panel);
    EXPECT_EQ(panel->title, "近くの開設中の避難所・施設");
    // The nearest tsunami-safe site is full: the open ones come first, at most three rows,
    // so it is left out rather than named first.
    ASSERT_EQ(panel->rows.size(), kMaxFacilityRows);
    EXPECT_EQ(panel->rows[0], "港南中学校　開設中　42/300人　900 m");
    EXPECT_EQ(panel->rows[1], "芝浦小学校　開設中　42/300人　1.6 km");
    EXPECT_EQ(panel->rows[2], "芝浦中学校　開設中　42/300人　2.0 km");
}

TEST(FacilityPanel, AFullFacilityIsMarked満員AfterTheOpenOnes) {
    auto list = konan_list();
    list.facilities.resize(3);  // one full, two open
    list.facilities[2].capacity = 0;
    auto panel = make_facility_panel(evacuation(4, "避難指示（地震）"), list, "ja");
    ASSERT_TRUE(panel);
    ASSERT_EQ(panel->rows.size(), 3u);
    EXPECT_EQ(panel->rows[0], "港南緑水公園　開設中　42/300人　420 m");
    EXPECT_EQ(panel->rows[1], "（例）品川駅港南口 一時滞在施設　開設中　42人　210 m");
    EXPECT_EQ(panel->rows[2], "港南小学校　満員　42/300人　350 m");
}

TEST(FacilityPanel, JapaneseFirstThenTheLanguageOnScreen) {
    auto list = konan_list();
    list.facilities.resize(3);
    const Alert quake = evacuation(4, "避難指示（地震）");
    auto en = make_facility_panel(quake, list, "en");
    ASSERT_TRUE(en);
    EXPECT_EQ(en->title, "近くの開設中の避難所・施設 / Open shelters nearby");
    EXPECT_EQ(en->rows[1],
              "（例）品川駅港南口 一時滞在施設（(Example) Shinagawa Konan stay facility）　"
              "開設中 Open　42/300人　210 m");
    EXPECT_EQ(en->rows[2], "港南小学校　満員 Full　42/300人　350 m");
    auto ko = make_facility_panel(quake, list, "ko");
    ASSERT_TRUE(ko);
    EXPECT_EQ(ko->title, "近くの開設中の避難所・施設 / 가까운 개설 대피소");
    auto easy = make_facility_panel(quake, list, "ja-x-easy");
    ASSERT_TRUE(easy);
    EXPECT_EQ(easy->rows[0], "港南緑水公園　開設中 あいています　42/300人　420 m");
    // A language without words of its own reads the English ones.
    auto vi = make_facility_panel(quake, list, "vi");
    ASSERT_TRUE(vi);
    EXPECT_EQ(vi->title, "近くの開設中の避難所・施設 / Open shelters nearby");
}

TEST(FacilityPanel, NothingOpenOrFullForTheHazardMeansNoPanel) {
    auto list = konan_list();
    for (auto& f : list.facilities) f.hazards = {Hazard::kEarthquake};
    EXPECT_FALSE(make_facility_panel(evacuation(4, "避難指示（津波）"), list, "ja"));
    EXPECT_FALSE(make_facility_panel(evacuation(4, "避難指示"), ScreenFacilities{}, "ja"));
}

TEST(FacilityPanel, DistancesReadAsMetresThenKilometres) {
    EXPECT_EQ(distance_text(0), "0 m");
    EXPECT_EQ(distance_text(349), "350 m");
    EXPECT_EQ(distance_text(994), "990 m");
    EXPECT_EQ(distance_text(1000), "1.0 km");
    EXPECT_EQ(distance_text(12345), "12.3 km");
}

bool frame_has(const Frame& frame, std::string_view text) {
    return std::any_of(frame.texts.begin(), frame.texts.end(),
                       [&](const FrameText& t) { return t.text.find(text) != std::string::npos; });
}

// Where it goes: beneath the texts of a takeover; instead of the playlist in the content
// area of an L-shape or banner. Always inside the window, never cut.
TEST(FacilityPanelLayout, TakeoverBeneathTheTextsOtherLayoutsInTheContentArea) {
    testing::FixedMeasurer m;
    const ContentItem slide{"", "区民まつり", "芝公園"};
    for (int level : {4, 3}) {
        for (auto [w, h] : {std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{1280, 720}}) {
            const Alert a = evacuation(level, "避難指示（地震）");
            Screen s = make_alert_screen(a, {}, kNow, true, {}, &slide);
            s.facilities = make_facility_panel(a, konan_list(), s.language);
            ASSERT_TRUE(s.facilities);
            Frame f = layout_screen(s, w, h, m);
            SCOPED_TRACE(::testing::Message() << "level " << level << " " << w << "x" << h);
            EXPECT_TRUE(frame_has(f, "近くの開設中の避難所・施設"));
            EXPECT_TRUE(frame_has(f, "港南緑水公園"));
            EXPECT_TRUE(frame_has(f, a.headline.at("ja").substr(0, 9)));
            EXPECT_FALSE(frame_has(f, "区民まつり"));  // the panel, not the playlist
            EXPECT_FALSE(f.truncated);
            for (const auto& t : f.texts) {
                EXPECT_GE(t.x, 0);
                EXPECT_LE(t.x + t.w, w) << t.text;
                EXPECT_LE(t.y + t.h, h) << t.text;
            }
        }
    }
}

class PlayerFacilitiesTest : public PlayerAppFixture {
protected:
    void launch() override {
        config_.location = "shinagawa-konan";
        app_ = std::make_unique<PlayerApp>(
            config_, /*headless=*/false, bus_, clock_,
            [](const RendererOptions& options) -> Result<std::unique_ptr<Renderer>> {
                return std::unique_ptr<Renderer>(std::make_unique<NullRenderer>(options));
            });
        start_app();
    }
    void deliver_facilities(std::string payload) {
        bus_.deliver({config_.mqtt.topics.facilities("shinagawa-konan"), std::move(payload), true});
        app_->run_once(0ms);
    }
};

TEST_F(PlayerFacilitiesTest, SubscribesToItsLocationAndShowsTheHubsSignedList) {
    const auto subs = bus_.subscriptions();
    EXPECT_NE(std::find(subs.begin(), subs.end(), "alerthub/v1/facilities/shinagawa-konan"),
              subs.end());
    Alert a = alert("order", 1);
    a.level = 4;
    a.event_name = {{"ja", "避難指示"}};
    publish(a);
    app_->run_once(0ms);
    EXPECT_FALSE(app_->screen().facilities);  // no list yet

    deliver_facilities(alerthub::testing::hub_signed(encode_screen_facilities(konan_list())));
    ASSERT_TRUE(app_->screen().facilities);
    EXPECT_EQ(app_->screen().facilities->rows.size(), 3u);

    // A newer list replaces it; the change reaches the screen at once.
    auto list = konan_list();
    list.version = 6;
    for (auto& f : list.facilities) f.state = ScreenFacility::State::kFull;
    deliver_facilities(alerthub::testing::hub_signed(encode_screen_facilities(list)));
    ASSERT_TRUE(app_->screen().facilities);
    EXPECT_NE(app_->screen().facilities->rows[0].find("満員"), std::string::npos);
}

TEST_F(PlayerFacilitiesTest, UnsignedForgedOlderAndOtherLocationsListsAreIgnored) {
    Alert a = alert("order", 1);
    a.level = 4;
    publish(a);
    deliver_facilities(alerthub::testing::hub_signed(encode_screen_facilities(konan_list())));
    ASSERT_TRUE(app_->screen().facilities);
    const FacilityPanel before = *app_->screen().facilities;

    // An intruder's list: every facility full, or none at all.
    auto fake = konan_list();
    fake.version = 99;
    for (auto& f : fake.facilities) f.state = ScreenFacility::State::kFull;
    deliver_facilities(encode_screen_facilities(fake));  // unsigned
    auto forged = sign_payload(encode_screen_facilities(fake), generate_signing_key("test-key"));
    ASSERT_TRUE(forged.ok());
    deliver_facilities(*forged);  // the hub's key id, someone else's key
    deliver_facilities("");       // a cleared topic
    deliver_facilities(std::string(kMaxFacilitiesPayloadBytes + 1, ' '));  // never the hub's
    auto elsewhere = fake;  // the hub's, for another screen
    elsewhere.location = "roppongi";
    deliver_facilities(alerthub::testing::hub_signed(encode_screen_facilities(elsewhere)));
    auto older = fake;  // the hub's, but older than the list in use
    older.version = 4;
    deliver_facilities(alerthub::testing::hub_signed(encode_screen_facilities(older)));

    ASSERT_TRUE(app_->screen().facilities);
    EXPECT_EQ(*app_->screen().facilities, before);
    ASSERT_TRUE(alerthub::testing::wait_for(
        [&] { return last_status() && last_status()->refused_messages == 5; }));
    EXPECT_NE(last_status()->last_refusal.find("location 'roppongi'"), std::string::npos);
}

}  // namespace
}  // namespace alerthub::player
