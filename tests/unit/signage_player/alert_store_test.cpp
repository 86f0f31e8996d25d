#include "signage_player/alert_store.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/support/test_signing.h"

namespace alerthub::player {
namespace {

using namespace std::chrono_literals;

const WallTime kNow = WallTime{} + std::chrono::hours(24 * 365 * 56);
// The screen's areas, read without the town-block table: code forms only.
ConfiguredAreas codes(std::vector<std::string> areas) {
    return {std::move(areas), nullptr};
}

const ConfiguredAreas kMinato = codes({"131032"});

Alert make_alert(std::string id, std::int64_t version, std::string area = "131032") {
    Alert a;
    a.id = std::move(id);
    a.version = version;
    a.source.sender = "minato-bousai";
    a.source.identifier = a.id + "-" + std::to_string(version);
    a.source.sent = kNow - 10min;
    a.severity = Severity::kModerate;
    a.headline = {{"ja", "大雨注意報"}, {"en", "Heavy rain advisory"}};
    a.areas.push_back({"jisx0402", std::move(area), "港区"});
    return a;
}

using alerthub::testing::hub_signed;

AlertStore make_store() {
    return AlertStore(alerthub::testing::test_verifier());
}

// As the hub publishes it: signed.
ApplyOutcome apply(AlertStore& store, const Alert& a) {
    return store.apply(a.id, hub_signed(encode_alert(a)), kNow).outcome;
}

TEST(PlayerAreaMatch, MatchesCodeFormsOrWildcardWithoutTheTable) {
    Alert a = make_alert("a", 1, "131032");
    a.areas.push_back({"jma", "1310300", "港区"});
    EXPECT_TRUE(area_matches(a, codes({"131032"})));
    EXPECT_TRUE(area_matches(a, codes({"999999", "1310300"})));
    EXPECT_FALSE(area_matches(a, codes({"131016"})));  // Chiyoda
    EXPECT_TRUE(area_matches(a, codes({"13103"})));    // the same ward without check digit
    EXPECT_TRUE(area_matches(a, codes({"*"})));
    Alert block = make_alert("c", 1, "131032/芝浦一丁目");
    block.areas[0].scheme = "town";
    EXPECT_TRUE(area_matches(block, codes({"131032"})));  // a block lies within its ward
    EXPECT_TRUE(area_matches(block, codes({"131032/芝浦一丁目"})));
    EXPECT_FALSE(area_matches(block, codes({"131032/芝浦二丁目"})));
    EXPECT_TRUE(area_matches(block, codes({"13103"})));
    EXPECT_TRUE(area_matches(block, codes({"1310300"})));
    // Without the table a block code or a name is only equal to itself.
    EXPECT_FALSE(area_matches(block, codes({"shibaura-1"})));
    Alert nowhere = make_alert("b", 1);
    nowhere.areas.clear();
    EXPECT_FALSE(area_matches(nowhere, codes({"131032"})));
    EXPECT_TRUE(area_matches(nowhere, codes({"*"})));
}

// An L-Alert evacuation order as the hub publishes it: the alert's level is its highest,
// each town block carries its own.
Alert evacuation_by_block() {
    Alert a = make_alert("evac", 1);
    a.level = 5;
    a.severity = Severity::kExtreme;
    a.event_name = {{"ja", "緊急安全確保"}, {"en", "Emergency safety measures"}};
    a.areas = {{"jisx0402", "131032", "港区", 3},  // an order for the whole ward as well
               {"town", "131032/芝浦一丁目", "芝浦一丁目", 5},
               {"town", "131032/高輪一丁目", "高輪一丁目", 3},
               {"town", "131032/港南一丁目", "港南一丁目", std::nullopt}};
    return a;
}

TEST(PlayerAreaLevel, HighestLevelAmongOurAreas) {
    Alert a = evacuation_by_block();
    EXPECT_EQ(level_for_areas(a, codes({"131032/高輪一丁目"})), 3);
    EXPECT_EQ(level_for_areas(a, codes({"131032/高輪一丁目", "131032/芝浦一丁目"})), 5);
    EXPECT_EQ(level_for_areas(a, codes({"131032/港南一丁目"})), 5);  // no level of its own
    EXPECT_EQ(level_for_areas(a, codes({"*"})), 5);
    EXPECT_EQ(level_for_areas(a, codes({"131032"})), 5);  // the whole ward holds every block
    EXPECT_EQ(level_for_areas(a, codes({"131016"})), 5);  // none of ours: the alert's level
    a.areas[1].level = 7;                                 // never above the alert's own level
    EXPECT_EQ(level_for_areas(a, codes({"131032/芝浦一丁目"})), 5);
    a.level.reset();
    EXPECT_EQ(level_for_areas(a, codes({"131032/高輪一丁目"})), std::nullopt);
}

TEST(PlayerAreaLevel, LowerLevelDropsWhatOnlyTheHigherLevelSays) {
    Alert a = evacuation_by_block();
    Alert ours = alert_for_areas(a, codes({"131032/高輪一丁目"}));
    EXPECT_EQ(ours.level, 3);
    EXPECT_EQ(ours.severity, Severity::kSevere);
    EXPECT_TRUE(ours.event_name.empty());
    EXPECT_EQ(ours.headline, a.headline);
    Alert top = alert_for_areas(a, codes({"131032/芝浦一丁目"}));
    EXPECT_EQ(top, a);
}

TEST(PlayerAreaLevel, SelectionRanksAndShowsTheLevelOfOurAreas) {
    AlertStore store = make_store();
    ASSERT_EQ(apply(store, evacuation_by_block()), ApplyOutcome::kAdded);
    Alert flood = make_alert("flood", 1, "131032/高輪一丁目");
    flood.level = 4;
    flood.source.sent = kNow - 3h;
    ASSERT_EQ(apply(store, flood), ApplyOutcome::kAdded);

    auto takanawa = store.select(codes({"131032/高輪一丁目"}), kNow);
    ASSERT_NE(takanawa.shown(), nullptr);
    EXPECT_EQ(takanawa.shown()->id, "flood");  // level 4 here beats the order's level 3
    ASSERT_EQ(takanawa.others().size(), 1u);
    EXPECT_EQ(takanawa.others()[0]->level, 3);

    auto shibaura = store.select(codes({"131032/芝浦一丁目"}), kNow);
    ASSERT_NE(shibaura.shown(), nullptr);
    EXPECT_EQ(shibaura.shown()->id, "evac");
    EXPECT_EQ(shibaura.shown()->level, 5);
}

TEST(PlayerAlertStore, AlertForAnotherAreaIsKeptButNotShown) {
    AlertStore store = make_store();
    EXPECT_EQ(apply(store, make_alert("chiyoda", 1, "131016")), ApplyOutcome::kAdded);
    EXPECT_EQ(store.select(kMinato, kNow).shown(), nullptr);
    ASSERT_NE(store.select(codes({"*"}), kNow).shown(), nullptr);
}

TEST(PlayerAlertStore, NewestVersionWins) {
    AlertStore store = make_store();
    Alert v1 = make_alert("x", 1);
    Alert v2 = make_alert("x", 2);
    v2.headline["en"] = "Heavy rain warning";
    EXPECT_EQ(apply(store, v1), ApplyOutcome::kAdded);
    EXPECT_EQ(apply(store, v2), ApplyOutcome::kUpdated);
    auto sel = store.select(kMinato, kNow);
    ASSERT_NE(sel.shown(), nullptr);
    EXPECT_EQ(sel.shown()->version, 2);
    EXPECT_EQ(sel.shown()->headline.at("en"), "Heavy rain warning");
    EXPECT_EQ(store.size(), 1u);
}

TEST(PlayerAlertStore, OlderOrSameVersionNeverOverwritesNewer) {
    AlertStore store = make_store();
    Alert v3 = make_alert("x", 3);
    v3.headline["en"] = "version three";
    Alert v2 = make_alert("x", 2);
    v2.headline["en"] = "version two";
    Alert v3_again = make_alert("x", 3);
    v3_again.headline["en"] = "a different version three";
    EXPECT_EQ(apply(store, v3), ApplyOutcome::kAdded);
    auto older = store.apply("x", hub_signed(encode_alert(v2)), kNow);
    EXPECT_EQ(older.outcome, ApplyOutcome::kIgnored);
    EXPECT_NE(older.reason.find("not newer"), std::string::npos);
    EXPECT_EQ(apply(store, v3_again), ApplyOutcome::kIgnored);
    EXPECT_EQ(store.find("x")->headline.at("en"), "version three");
}

TEST(PlayerAlertStore, CancelledVersionLeavesTheScreenAndOlderActiveCannotReviveIt) {
    AlertStore store = make_store();
    ASSERT_EQ(apply(store, make_alert("x", 1)), ApplyOutcome::kAdded);
    ASSERT_NE(store.select(kMinato, kNow).shown(), nullptr);
    Alert cancel = make_alert("x", 2);
    cancel.state = AlertState::kCancelled;
    cancel.msg_type = MsgType::kCancel;
    EXPECT_EQ(apply(store, cancel), ApplyOutcome::kUpdated);
    EXPECT_EQ(store.select(kMinato, kNow).shown(), nullptr);
    // A late redelivery of version 1 must not bring it back.
    EXPECT_EQ(apply(store, make_alert("x", 1)), ApplyOutcome::kIgnored);
    EXPECT_EQ(store.select(kMinato, kNow).shown(), nullptr);
}

TEST(PlayerAlertStore, AClearedTopicNeitherHidesAnAlertInForceNorOpensTheWayToAReplay) {
    AlertStore store = make_store();
    auto v1 = hub_signed(encode_alert(make_alert("x", 1)));
    ASSERT_EQ(store.apply("x", v1, kNow).outcome, ApplyOutcome::kAdded);
    // Unsigned by nature: it cannot take down an alert in force.
    auto refused = store.apply("x", "", kNow);
    EXPECT_EQ(refused.outcome, ApplyOutcome::kRefused);
    EXPECT_NE(store.select(kMinato, kNow).shown(), nullptr);
    Alert cancel = make_alert("x", 2);
    cancel.state = AlertState::kCancelled;
    ASSERT_EQ(apply(store, cancel), ApplyOutcome::kUpdated);
    // The ended alert is kept, so the recorded version 1 replayed after the clear stays out.
    EXPECT_EQ(store.apply("x", "", kNow).outcome, ApplyOutcome::kIgnored);
    EXPECT_EQ(store.apply("x", v1, kNow).outcome, ApplyOutcome::kIgnored);
    EXPECT_EQ(store.select(kMinato, kNow).shown(), nullptr);
    EXPECT_EQ(store.apply("unknown", "", kNow).outcome, ApplyOutcome::kIgnored);
}

TEST(PlayerAlertStore, OnlyTheHubsSignatureIsTaken) {
    AlertStore store = make_store();
    Alert a = make_alert("x", 1);
    auto unsigned_payload = store.apply("x", encode_alert(a), kNow);
    EXPECT_EQ(unsigned_payload.outcome, ApplyOutcome::kRefused);
    EXPECT_EQ(unsigned_payload.reason, "unsigned");
    auto rogue = sign_payload(encode_alert(a), generate_signing_key("test-key"));
    EXPECT_EQ(store.apply("x", *rogue, kNow).outcome, ApplyOutcome::kRefused);
    EXPECT_EQ(store.size(), 0u);
    auto good = hub_signed(encode_alert(a));
    EXPECT_EQ(store.apply("x", good, kNow).outcome, ApplyOutcome::kAdded);
    // Kept with its signature: the state file writes it back verifiable.
    EXPECT_EQ(encode_alert(*store.find("x")), good);
}

TEST(PlayerAlertStore, ExpiredAlertIsNotShown) {
    AlertStore store = make_store();
    Alert a = make_alert("x", 1);
    a.expires = kNow + 5min;
    ASSERT_EQ(apply(store, a), ApplyOutcome::kAdded);
    EXPECT_NE(store.select(kMinato, kNow).shown(), nullptr);
    EXPECT_EQ(store.select(kMinato, kNow + 5min).shown(), nullptr);
    Alert expired = make_alert("y", 2);
    expired.state = AlertState::kExpired;
    ASSERT_EQ(apply(store, expired), ApplyOutcome::kAdded);
    EXPECT_EQ(store.select(kMinato, kNow).shown()->id, "x");
}

TEST(PlayerAlertStore, MostUrgentWinsAmongSeveral) {
    AlertStore store = make_store();
    Alert advisory = make_alert("advisory", 1);  // moderate, no level
    Alert warning = make_alert("warning", 1);
    warning.severity = Severity::kSevere;
    Alert level3 = make_alert("level3", 1);
    level3.level = 3;
    level3.severity = Severity::kMinor;
    Alert level4 = make_alert("level4", 1);
    level4.level = 4;
    level4.source.sent = kNow - 2h;  // older, but more urgent
    for (auto* a : {&advisory, &warning, &level3})
        ASSERT_EQ(apply(store, *a), ApplyOutcome::kAdded);
    EXPECT_EQ(store.select(kMinato, kNow).shown()->id, "level3");
    ASSERT_EQ(apply(store, level4), ApplyOutcome::kAdded);
    auto sel = store.select(kMinato, kNow);
    EXPECT_EQ(sel.shown()->id, "level4");
    ASSERT_EQ(sel.others().size(), 3u);
    EXPECT_EQ(sel.others()[0]->id, "level3");  // most urgent first
}

TEST(PlayerAlertStore, EqualUrgencyShowsTheMostRecentlySent) {
    AlertStore store = make_store();
    Alert older = make_alert("a-older", 1);
    older.source.sent = kNow - 30min;
    Alert newer = make_alert("b-newer", 1);
    newer.source.sent = kNow - 1min;
    ASSERT_EQ(apply(store, newer), ApplyOutcome::kAdded);
    ASSERT_EQ(apply(store, older), ApplyOutcome::kAdded);
    EXPECT_EQ(store.select(kMinato, kNow).shown()->id, "b-newer");
}

TEST(PlayerAlertStore, ActualAlertIsNeverHiddenBehindAnExercise) {
    AlertStore store = make_store();
    Alert drill = make_alert("drill", 1);
    drill.status = AlertStatus::kExercise;
    drill.level = 5;
    Alert real = make_alert("real", 1);
    real.severity = Severity::kMinor;
    ASSERT_EQ(apply(store, drill), ApplyOutcome::kAdded);
    EXPECT_EQ(store.select(kMinato, kNow).shown()->id, "drill");
    ASSERT_EQ(apply(store, real), ApplyOutcome::kAdded);
    EXPECT_EQ(store.select(kMinato, kNow).shown()->id, "real");
}

TEST(PlayerAlertStore, MalformedPayloadIsRejectedAndChangesNothing) {
    AlertStore store = make_store();
    ASSERT_EQ(apply(store, make_alert("x", 1)), ApplyOutcome::kAdded);
    std::string good = hub_signed(encode_alert(make_alert("x", 2)));
    // Not the hub's: refused before anything is decoded.
    for (std::string bad :
         {std::string("{not json"), std::string("[]"), std::string("null"),
          std::string("\xff\xfe\x00garbage", 10), good.substr(0, good.size() / 2),
          std::string(R"({"schema":"alerthub.alert/1","id":"x","version":"two"})"),
          std::string(R"({"schema":"alerthub.alert/1","id":"x","version":9})")}) {
        auto r = store.apply("x", bad, kNow);
        EXPECT_EQ(r.outcome, ApplyOutcome::kRefused) << bad;
        EXPECT_FALSE(r.reason.empty());
    }
    // Signed but not an alert (a hub bug, say): rejected.
    for (std::string bad :
         {std::string(R"({"schema":"alerthub.alert/1","id":"x","version":"two"})"),
          std::string(R"({"schema":"alerthub.alert/1","id":"x","version":9})")}) {
        auto r = store.apply("x", hub_signed(bad), kNow);
        EXPECT_EQ(r.outcome, ApplyOutcome::kRejected) << bad;
    }
    ASSERT_NE(store.select(kMinato, kNow).shown(), nullptr);
    EXPECT_EQ(store.select(kMinato, kNow).shown()->version, 1);
}

TEST(PlayerAlertStore, PayloadWhoseIdDiffersFromItsTopicIsRejected) {
    AlertStore store = make_store();
    auto r = store.apply("y", hub_signed(encode_alert(make_alert("x", 1))), kNow);
    EXPECT_EQ(r.outcome, ApplyOutcome::kRefused);
    EXPECT_EQ(store.size(), 0u);
}

TEST(PlayerAlertStore, OversizedPayloadIsRejectedBeforeParsing) {
    AlertStore store = make_store();
    Alert a = make_alert("x", 1);
    a.description["en"] = std::string(AlertStore::kMaxPayloadBytes, 'a');
    EXPECT_EQ(apply(store, a), ApplyOutcome::kRejected);
}

// Issue 12: 5,000 junk alerts (signed, so they count) used to make the next real レベル5
// be refused. Now the ended ones go first, then the least urgent.
TEST(PlayerAlertStore, AFullStoreMakesRoomForANewerAlertEndedFirstThenLeastUrgent) {
    AlertStore store = make_store();
    for (std::size_t i = 0; i < AlertStore::kMaxAlerts; ++i) {
        Alert junk = make_alert("junk-" + std::to_string(i), 1);
        junk.severity = Severity::kMinor;
        if (i % 2 == 0) junk.expires = kNow - 1min;  // ended
        ASSERT_EQ(apply(store, junk), ApplyOutcome::kAdded) << i;
    }
    Alert level5 = make_alert("real-l5", 1);
    level5.level = 5;
    level5.severity = Severity::kExtreme;
    auto r = store.apply(level5.id, hub_signed(encode_alert(level5)), kNow);
    EXPECT_EQ(r.outcome, ApplyOutcome::kAdded);
    ASSERT_EQ(r.evicted.size(), 1u);
    EXPECT_EQ(r.evicted[0], "junk-0");  // expired, and the first of the equals
    EXPECT_EQ(store.size(), AlertStore::kMaxAlerts);
    EXPECT_EQ(store.select(kMinato, kNow).shown()->id, "real-l5");
}

TEST(PlayerAlertStore, AFullStoreOfAlertsInForceDropsTheLeastUrgent) {
    AlertStore store = make_store();
    for (std::size_t i = 0; i < AlertStore::kMaxAlerts; ++i) {
        Alert a = make_alert("a-" + std::to_string(i), 1);
        a.level = i == 7 ? 1 : 3;  // one least urgent of all
        ASSERT_EQ(apply(store, a), ApplyOutcome::kAdded) << i;
    }
    Alert level4 = make_alert("new-l4", 1);
    level4.level = 4;
    auto r = store.apply(level4.id, hub_signed(encode_alert(level4)), kNow);
    EXPECT_EQ(r.outcome, ApplyOutcome::kAdded);
    ASSERT_EQ(r.evicted.size(), 1u);
    EXPECT_EQ(r.evicted[0], "a-7");
    // One less urgent than everything held is the one that goes.
    Alert level1 = make_alert("new-l1", 1);
    level1.level = 1;
    level1.source.sent = kNow - 1h;
    auto low = store.apply(level1.id, hub_signed(encode_alert(level1)), kNow);
    EXPECT_EQ(low.outcome, ApplyOutcome::kIgnored);
    EXPECT_EQ(low.evicted, std::vector<std::string>{"new-l1"});
    EXPECT_EQ(store.find("new-l1"), nullptr);
}

}  // namespace
}  // namespace alerthub::player
