// The facilities payload for screens (alerthub.facilities/1): a round trip, the fields a
// screen needs, and every refusal with its reason; the limits that bound it.

#include "core/protocol/screen_facilities.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/base/time_format.h"
#include "core/protocol/payload_limits.h"
#include "core/protocol/signature.h"

namespace alerthub {
namespace {

WallTime at(const char* rfc3339) {
    return *parse_rfc3339(rfc3339);
}

ScreenFacilities konan_list() {
    return {.location = "shinagawa-konan",
            .version = 17,
            .published = at("2026-12-05T21:40:00+09:00"),
            .facilities = {
                {.id = "stay-example-konan",
                 .kind = ScreenFacility::Kind::kStay,
                 .name = {{"ja", "（例）品川駅港南口 一時滞在施設"},
                          {"en", "(Example) Shinagawa Konan stay facility"}},
                 .state = ScreenFacility::State::kOpen,
                 .taken_in = 230,
                 .capacity = 1200,
                 .hazards = {Hazard::kEarthquake, Hazard::kLargeFire},
                 .distance_m = 210,
                 .updated = at("2026-12-05T21:39:12+09:00")},
                {.id = "13103-1000-12",
                 .kind = ScreenFacility::Kind::kShelter,
                 .name = {{"ja", "港南小学校"}},
                 .state = ScreenFacility::State::kFull,
                 .taken_in = 400,
                 .capacity = 0,
                 .hazards = {},
                 .distance_m = 1480,
                 .updated = at("2026-12-05T21:30:00+09:00")},
            }};
}

TEST(ScreenFacilities, RoundTripsEveryField) {
    const auto list = konan_list();
    const std::string json = encode_screen_facilities(list);
    auto back = decode_screen_facilities(json);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, list);
    // What a reader sees on the wire: the schema, the hazards by key, the state by word.
    auto j = nlohmann::json::parse(json);
    EXPECT_EQ(j["schema"], "alerthub.facilities/1");
    EXPECT_EQ(j["signature"], "");
    EXPECT_EQ(j["facilities"][0]["hazards"], (nlohmann::json{"earthquake", "large_fire"}));
    EXPECT_EQ(j["facilities"][1]["state"], "full");
    EXPECT_EQ(j["facilities"][1]["kind"], "shelter");
    EXPECT_EQ(j["published"], "2026-12-05T21:40:00+09:00");
}

TEST(ScreenFacilities, ASignedPayloadDecodesFromTheSignedBytes) {
    const SigningKey key = generate_signing_key("hub-1");
    auto signed_payload = sign_payload(encode_screen_facilities(konan_list()), key);
    ASSERT_TRUE(signed_payload) << signed_payload.error().message;
    SignatureVerifier verifier({public_key_of(key)});
    auto verified = verifier.verify(*signed_payload);
    ASSERT_TRUE(verified) << verified.error().message;
    auto back = decode_screen_facilities(verified->signed_bytes);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, konan_list());
}

TEST(ScreenFacilities, AHazardKeyThisReaderDoesNotKnowIsLeftOut) {
    auto j = nlohmann::json::parse(encode_screen_facilities(konan_list()));
    j["facilities"][0]["hazards"] = {"earthquake", "meteor"};
    auto back = decode_screen_facilities(j.dump());
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->facilities[0].hazards, std::vector<Hazard>{Hazard::kEarthquake});
}

// Each broken payload is refused with a reason that names what is wrong.
TEST(ScreenFacilities, BadPayloadsAreRefusedWithTheirReason) {
    const auto good = nlohmann::json::parse(encode_screen_facilities(konan_list()));
    struct Case {
        const char* what;
        std::function<void(nlohmann::json&)> change;
        const char* reason;
    };
    const std::vector<Case> cases = {
        {"schema", [](auto& j) { j["schema"] = "alerthub.content/1"; }, "schema tag"},
        {"location", [](auto& j) { j.erase("location"); }, "'location'"},
        {"version", [](auto& j) { j["version"] = -1; }, "'version'"},
        {"published", [](auto& j) { j["published"] = "yesterday"; }, "'published'"},
        {"facilities", [](auto& j) { j["facilities"] = "none"; }, "'facilities'"},
        {"state", [](auto& j) { j["facilities"][0]["state"] = "half"; }, "facility 1: 'state'"},
        {"kind", [](auto& j) { j["facilities"][1]["kind"] = "hotel"; }, "facility 2: 'kind'"},
        {"name",
         [](auto& j) {
             j["facilities"][0]["name"] = {{"en", "x"}};
         },
         "no Japanese name"},
        {"taken_in", [](auto& j) { j["facilities"][0]["taken_in"] = -5; }, "'taken_in'"},
        {"distance", [](auto& j) { j["facilities"][0]["distance_m"] = 1.5; }, "'distance_m'"},
        {"hazards", [](auto& j) { j["facilities"][0]["hazards"] = {1}; }, "hazard"},
        {"updated", [](auto& j) { j["facilities"][0].erase("updated"); }, "'updated'"},
        {"long name",
         [](auto& j) {
             j["facilities"][0]["name"]["ja"] = std::string(kMaxFacilityNameBytes + 1, 'x');
         },
         "longer than"},
    };
    for (const auto& c : cases) {
        auto j = good;
        c.change(j);
        auto r = decode_screen_facilities(j.dump());
        ASSERT_FALSE(r) << c.what;
        EXPECT_NE(r.error().message.find(c.reason), std::string::npos)
            << c.what << ": " << r.error().message;
    }
    EXPECT_FALSE(decode_screen_facilities("not json"));
    EXPECT_FALSE(decode_screen_facilities("[]"));
}

TEST(ScreenFacilities, TheLimitsAreEnforcedOnDecoding) {
    auto list = konan_list();
    while (list.facilities.size() <= kMaxScreenFacilities)
        list.facilities.push_back(list.facilities.front());
    auto too_many = decode_screen_facilities(encode_screen_facilities(list));
    ASSERT_FALSE(too_many);
    EXPECT_NE(too_many.error().message.find("more than 40"), std::string::npos);

    // A payload past the byte limit is refused before it is parsed.
    std::string big = encode_screen_facilities(konan_list());
    big.insert(big.size() - 1,
               ",\"padding\":\"" + std::string(kMaxFacilitiesPayloadBytes, ' ') + "\"");
    auto too_big = decode_screen_facilities(big);
    ASSERT_FALSE(too_big);
    EXPECT_NE(too_big.error().message.find("more than the 32768"), std::string::npos)
        << too_big.error().message;
}

// The largest list the hub may send (every name as long as allowed) still has to fit a
// screen's limit: the hub drops the farthest facilities until it does.
TEST(ScreenFacilities, AFullListOfOrdinaryNamesFitsTheByteLimit) {
    auto list = konan_list();
    list.facilities.resize(1);
    while (list.facilities.size() < kMaxScreenFacilities)
        list.facilities.push_back(list.facilities.front());
    EXPECT_LT(encode_screen_facilities(list).size(), kMaxFacilitiesPayloadBytes / 2);
}

}  // namespace
}  // namespace alerthub
