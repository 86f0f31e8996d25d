// The lifecycle rules of docs/protocol.md ("Lifecycle"), one row per rule: the row's name
// starts with the rule's number. Pure functions, so no XML and no SQLite: the journal and
// pipeline tests (journal_test, jmx_lifecycle_test, lalert_lifecycle_test, dedupe_test)
// check the same rules end to end.

#include "hub/policy/lifecycle.h"

#include <gtest/gtest.h>

#include <chrono>

#include "hub/sources/cap/cap_parser.h"

namespace alerthub::hub {
namespace {

using namespace std::chrono_literals;

const WallTime kNoon{std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + 3h};

std::int64_t ms(WallTime t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

SourceDocument cap(MsgType type = MsgType::kAlert, std::vector<SourceReference> refs = {}) {
    SourceDocument doc;
    doc.format = SourceFormat::kCap;
    doc.alert.id = cap_alert_id("ward@example.jp", "N-2");
    doc.alert.msg_type = type;
    doc.alert.source.kind = SourceKind::kCap;
    doc.alert.source.sender = "ward@example.jp";
    doc.alert.source.identifier = "N-2";
    doc.alert.source.sent = kNoon;
    doc.references = std::move(refs);
    doc.identity = "cap\nward@example.jp\nN-2";
    return doc;
}

SourceDocument jma(std::optional<std::int64_t> serial, WallTime sent = kNoon) {
    SourceDocument doc;
    doc.format = SourceFormat::kJma;
    doc.alert.id = "jma-0123456789abcdef01234567";
    doc.alert.msg_type = MsgType::kUpdate;
    doc.alert.source.kind = SourceKind::kJma;
    doc.alert.source.sent = sent;
    doc.sequence = serial;
    doc.identity = "jma\n...";
    return doc;
}

SourceDocument lalert(std::int64_t revision, WallTime sent = kNoon) {
    SourceDocument doc = jma(revision, sent);
    doc.format = SourceFormat::kLAlert;
    doc.alert.id = "lalert-0123456789abcdef01234567";
    doc.alert.source.kind = SourceKind::kLAlert;
    return doc;
}

// A chain whose latest version is `version`, sent at `sent` with `sequence`, and sent out.
ChainState chain(std::int64_t version, WallTime sent = kNoon,
                 std::optional<std::int64_t> sequence = std::nullopt) {
    ChainState state;
    state.latest_version = version;
    state.latest_sent_ms = ms(sent);
    state.latest_sequence = sequence;
    if (version > 0) state.first_sent_version = 1;
    return state;
}

ChainState with(ChainState state, void (*edit)(ChainState&)) {
    edit(state);
    return state;
}

KnownChain known(std::string id, std::optional<std::string> status = "actual") {
    return {std::move(id), std::move(status)};
}

// --- Which chain a document joins (C1-C4) ---

struct ChainRow {
    std::string name;
    SourceDocument doc;
    ChainKeys keys;
    std::string alert_id;
    bool starts_at_reference = false;
};

const SourceReference kFirst{"ward@example.jp", "N-1", "2026-11-23T11:00:00+09:00"};
const SourceReference kSecond{"ward@example.jp", "N-1b", "2026-11-23T11:30:00+09:00"};

SourceDocument exercise(SourceDocument doc) {
    doc.alert.status = AlertStatus::kExercise;
    return doc;
}

std::vector<ChainRow> chain_rows() {
    return {
        {"C1_AnAlertStartsAChainUnderItsOwnId", cap(), {}, cap().alert.id},
        {"C1_AMessageAlreadyKeyedStaysOnItsChain", cap(), {known("cap-chain"), {}}, "cap-chain"},
        {"C1_ATelegramHasNoReferencesAndKeepsTheIncidentsId", jma(2), {}, jma(2).alert.id},
        {"C2_AnUpdateJoinsTheFirstKnownReference",
         cap(MsgType::kUpdate, {kFirst, kSecond}),
         {std::nullopt, {std::nullopt, known("cap-second")}},
         "cap-second"},
        {"C2_AChainWithNoVersionYetIsJoined",
         cap(MsgType::kCancel, {kFirst}),
         {std::nullopt, {known("cap-orphan", std::nullopt)}},
         "cap-orphan"},
        {"C3_UnknownReferencesStartTheChainAtTheFirst",
         cap(MsgType::kUpdate, {kFirst, kSecond}),
         {std::nullopt, {std::nullopt, std::nullopt}},
         cap_alert_id(kFirst.sender, kFirst.identifier),
         true},
        {"C4_AnExerciseNeverJoinsARealChain",
         exercise(cap(MsgType::kUpdate, {kFirst})),
         {std::nullopt, {known("cap-real")}},
         cap_alert_id(kFirst.sender, kFirst.identifier, "exercise"),
         true},
        {"C4_AnExerciseJoinsAnExerciseChain",
         exercise(cap(MsgType::kUpdate, {kFirst})),
         {std::nullopt, {known("cap-drill", "exercise")}},
         "cap-drill"},
        {"C4_AnExerciseAlertNeverStaysOnARealChain",
         exercise(cap()),
         {known("cap-real"), {}},
         exercise(cap()).alert.id},
    };
}

class ChainRuleTest : public ::testing::TestWithParam<ChainRow> {};

TEST_P(ChainRuleTest, ChoosesTheChain) {
    const auto& row = GetParam();
    auto choice = choose_chain(row.doc, row.keys);
    EXPECT_EQ(choice.alert_id, row.alert_id);
    EXPECT_EQ(choice.starts_at_reference, row.starts_at_reference);
}

INSTANTIATE_TEST_SUITE_P(Lifecycle, ChainRuleTest, ::testing::ValuesIn(chain_rows()),
                         [](const auto& row) { return row.param.name; });

// --- What becomes of it there (L1-L6) ---

struct DecisionRow {
    std::string name;
    SourceDocument doc;
    ChainState state;
    Routing routing;
    IngestOutcome outcome;
    std::int64_t version;
    bool sent = true;
    std::string reason = "in area";
    std::optional<Reach> reach = std::nullopt;  // checked when given
};

Routing routed(bool send, std::string reason) {
    Routing r;
    r.send = send;
    r.reason = std::move(reason);
    return r;
}

const Routing kInArea = routed(true, "in area");
const Routing kOutOfArea = routed(false, "out of area: Osaka");

// A telegram read for the ward (W1-W4): the reading's verdict, reach and fingerprint.
Routing ward(WardVerdict verdict, Reach reach = Reach::kNone, std::string fingerprint = "") {
    Routing r = routed(verdict == WardVerdict::kInForce, "ward");
    r.ward = WardRouting{verdict, reach, std::move(fingerprint)};
    return r;
}

// The chain's latest version was sent, telling the ward `fingerprint`.
ChainState told(ChainState state, std::string fingerprint, bool in_force, Reach reach) {
    state.latest_sent =
        ChainState::SentVersion{state.latest_version, std::move(fingerprint), in_force, reach};
    return state;
}

// The same, arriving long after it was sent (L7).
Routing stale(Routing routing) {
    routing.stale = "stale: sent 2016-12-26 15:13 JST";
    return routing;
}

constexpr auto kInForce = WardVerdict::kInForce;
constexpr auto kNothing = WardVerdict::kNothingInForce;
constexpr auto kEveryone = Reach::kEveryone;
constexpr auto kScreens = Reach::kScreens;

std::vector<DecisionRow> decision_rows() {
    return {
        {"L1_TheSameIdentityAgainIsADuplicateOfTheVersionItMade", cap(),
         with(chain(3),
              [](ChainState& s) {
                  s.identity_journaled = true;
                  s.identity_version = JournaledVersion{"cap-chain", 2};
              }),
         kInArea, IngestOutcome::kDuplicate, 2},
        {"L1_ADuplicateOfASupersededDocumentReportsTheChainsLatest", cap(),
         with(chain(3), [](ChainState& s) { s.identity_journaled = true; }), kInArea,
         IngestOutcome::kDuplicate, 3},
        {"L2_AMessageSentBeforeTheLatestVersionIsSuperseded", cap(), chain(2, kNoon + 1min),
         kInArea, IngestOutcome::kSuperseded, 2},
        {"L2_AMessageOfTheSameMillisecondIsNotOlder", cap(), chain(2, kNoon), kInArea,
         IngestOutcome::kAccepted, 3},
        {"L2_ACapMessageIsOrderedByTheClockAlone",
         [] {
             auto d = cap();
             d.sequence = 9;  // CAP has none; even if it had, the clock decides
             return d;
         }(),
         chain(2, kNoon + 1min, 1), kInArea, IngestOutcome::kSuperseded, 2},
        {"L3_ALowerSerialIsSupersededWhateverItsTime", jma(3, kNoon + 1h), chain(4, kNoon, 10),
         kInArea, IngestOutcome::kSuperseded, 4},
        {"L3_AHigherSerialIsAcceptedThoughSentEarlier", jma(11, kNoon), chain(4, kNoon + 1min, 10),
         kInArea, IngestOutcome::kAccepted, 5},
        {"L3_TheSameSerialIsOrderedByTheClock", jma(10, kNoon), chain(4, kNoon + 1min, 10), kInArea,
         IngestOutcome::kSuperseded, 4},
        {"L3_WithoutASerialTheClockOrders", jma(std::nullopt, kNoon + 2min),
         chain(4, kNoon + 1min, 10), kInArea, IngestOutcome::kAccepted, 5},
        {"L3_AnLAlertRevisionOrdersLikeASerial", lalert(2, kNoon + 1h), chain(3, kNoon, 3), kInArea,
         IngestOutcome::kSuperseded, 3},
        {"L4_AfterACancelTheNextEpisodeIsOrderedByTheClock", jma(1, kNoon + 1h),
         with(chain(3, kNoon, 7), [](ChainState& s) { s.latest_cancelled = true; }), kInArea,
         IngestOutcome::kAccepted, 4},
        {"L4_AfterEverythingLiftedTheNextEpisodeIsOrderedByTheClock", jma(1, kNoon + 1h),
         with(chain(3, kNoon, 7), [](ChainState& s) { s.latest_ends_episode = true; }), kInArea,
         IngestOutcome::kAccepted, 4},
        {"L4_ALateTelegramOfAnEndedEpisodeIsStillSuperseded", jma(8, kNoon - 1min),
         with(chain(3, kNoon, 7), [](ChainState& s) { s.latest_cancelled = true; }), kInArea,
         IngestOutcome::kSuperseded, 3},
        {"L5_TheFirstVersionOfAChainIsVersion1", cap(), chain(0), kInArea, IngestOutcome::kAccepted,
         1},
        {"L5_AVersionRoutedOutOfAreaIsJournaledOnly", cap(), chain(0), kOutOfArea,
         IngestOutcome::kAccepted, 1, false, "out of area: Osaka"},
        {"L5_NothingSentBeforeKeepsAVersionOutOfAreaJournaledOnly", cap(),
         with(chain(2), [](ChainState& s) { s.first_sent_version.reset(); }), kOutOfArea,
         IngestOutcome::kAccepted, 3, false, "out of area: Osaka"},
        {"L6_AfterASentVersionEveryLaterOneIsSent", cap(),
         with(chain(3), [](ChainState& s) { s.first_sent_version = 2; }), kOutOfArea,
         IngestOutcome::kAccepted, 4, true,
         "sent: follows version 2 that was sent (out of area: Osaka)"},
        {"L6_DoesNotApplyToAChainReadForTheWard", jma(4),
         told(chain(3), "in_force\n1310300=VPWW53:05", true, kEveryone),
         ward(WardVerdict::kNotNamed), IngestOutcome::kAccepted, 4, false, "ward"},
        {"W1_NewsForTheWardReachesWhomTheReadingSays", jma(1), chain(0),
         ward(kInForce, kEveryone, "A"), IngestOutcome::kAccepted, 1, true, "ward", kEveryone},
        {"W1_AdvisoriesAloneReachScreens", jma(1), chain(0), ward(kInForce, kScreens, "A"),
         IngestOutcome::kAccepted, 1, true, "ward", kScreens},
        {"W1_TheSameFingerprintAgainIsNothingNewForTheWard", jma(2),
         told(chain(1), "A", true, kEveryone), ward(kInForce, kEveryone, "A"),
         IngestOutcome::kAccepted, 2, false, "nothing new for the ward: as version 1 (ward)",
         Reach::kNone},
        {"W1_WhoeverTheChainToldHearsWhatFollows", jma(2), told(chain(1), "A", true, kEveryone),
         ward(kInForce, kScreens, "B"), IngestOutcome::kAccepted, 2, true, "ward", kEveryone},
        {"W1_BelowTheThresholdsIsJournaledOnly", jma(1), chain(0),
         ward(kInForce, Reach::kNone, "A"), IngestOutcome::kAccepted, 1, false,
         "below the ward's thresholds (ward)", Reach::kNone},
        {"W2_NothingInForceAfterSomethingInForceIsTheWardsLift", jma(2),
         told(chain(1), "A", true, kScreens), ward(kNothing), IngestOutcome::kAccepted, 2, true,
         "the ward's lift: version 1 was in force (ward)", kScreens},
        {"W2_NothingInForceAfterTheLiftIsJournaledOnly", jma(3),
         told(chain(2), "N", false, kEveryone), ward(kNothing), IngestOutcome::kAccepted, 3, false,
         "nothing in force for the ward, nothing to lift (ward)"},
        {"W2_NothingInForceOnAChainThatToldNothingIsJournaledOnly", jma(1), chain(0),
         ward(kNothing), IngestOutcome::kAccepted, 1, false,
         "nothing in force for the ward, nothing to lift (ward)"},
        {"W3_AnotherAreasNewsNeverRidesOnTheWardsChain", jma(2),
         told(chain(1), "A", true, kEveryone), ward(WardVerdict::kNotNamed),
         IngestOutcome::kAccepted, 2, false, "ward"},
        {"W4_AWithdrawalReachesWhoeverTheChainTold", jma(2), told(chain(1), "A", true, kScreens),
         ward(WardVerdict::kWithdrawn), IngestOutcome::kAccepted, 2, true,
         "withdraws version 1 that was sent (ward)", kScreens},
        {"W4_AWithdrawalOfNothingSentIsJournaledOnly", jma(2), chain(1),
         ward(WardVerdict::kWithdrawn), IngestOutcome::kAccepted, 2, false,
         "withdraws nothing the ward was told (ward)"},
        {"L9_AStaffNoticeIsOrderedByTheHubNotByItsSent",
         [] {
             auto d = cap(MsgType::kCancel);
             d.alert.source.kind = SourceKind::kStaff;
             return d;
         }(),
         chain(2, kNoon + 24h), kInArea, IngestOutcome::kAccepted, 3},
        {"L9_ACapMessageOnTheSameChainIsStillOrderedByTheClock", cap(MsgType::kCancel),
         chain(2, kNoon + 24h), kInArea, IngestOutcome::kSuperseded, 2},
        {"L7_AStaleTelegramOfAChainNeverSentIsJournaledOnly", jma(1), chain(0),
         stale(ward(kInForce, kEveryone, "A")), IngestOutcome::kAccepted, 1, false,
         "stale: sent 2016-12-26 15:13 JST; ward", Reach::kNone},
        {"L7_AStaleVersionOfASentChainIsDecidedLikeAnyOther", jma(2),
         told(chain(1), "A", true, kEveryone), stale(ward(kNothing)), IngestOutcome::kAccepted, 2,
         true, "stale: sent 2016-12-26 15:13 JST; the ward's lift: version 1 was in force (ward)",
         kEveryone},
    };
}

class VersionRuleTest : public ::testing::TestWithParam<DecisionRow> {};

TEST_P(VersionRuleTest, DecidesTheVersion) {
    const auto& row = GetParam();
    auto d = decide_version(row.doc, {"cap-chain", false}, row.state, row.routing);
    EXPECT_EQ(to_string(d.outcome), to_string(row.outcome));
    EXPECT_EQ(d.version, row.version);
    EXPECT_EQ(d.alert_id, "cap-chain");
    if (row.outcome == IngestOutcome::kAccepted) {
        EXPECT_EQ(d.sent, row.sent);
        EXPECT_EQ(d.routing_reason, row.reason);
        if (row.reach) {
            EXPECT_EQ(to_string(d.reach), to_string(*row.reach));
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Lifecycle, VersionRuleTest, ::testing::ValuesIn(decision_rows()),
                         [](const auto& row) { return row.param.name; });

// --- Clocks (L8) ---

struct ClockRow {
    std::string name;
    std::chrono::seconds ahead;  // the document's sent minus the hub's clock
    bool refused;
};

class ClockRuleTest : public ::testing::TestWithParam<ClockRow> {};

TEST_P(ClockRuleTest, RefusesASentFromTheFuture) {
    const auto& row = GetParam();
    auto doc = cap();
    doc.alert.source.sent = kNoon + row.ahead;
    auto why = future_sent_reason(doc.alert, kNoon, kDefaultMaxFuture);
    EXPECT_EQ(why.has_value(), row.refused);
    if (why) {
        EXPECT_NE(why->find("ahead of the hub's clock"), std::string::npos) << *why;
        EXPECT_NE(why->find("max_future_s 120"), std::string::npos) << *why;
    }
}

INSTANTIATE_TEST_SUITE_P(Lifecycle, ClockRuleTest,
                         ::testing::ValuesIn(std::vector<ClockRow>{
                             {"L8_ASentInThePastIsBelieved", -24h, false},
                             {"L8_ASentWithinTheToleranceIsBelieved", 120s, false},
                             {"L8_ASentBeyondTheToleranceIsRefused", 121s, true},
                             {"L8_ASentIn2099IsRefused",
                              std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::sys_days{std::chrono::year{2099} / 1 / 1} - kNoon),
                              true},
                         }),
                         [](const auto& row) { return row.param.name; });

// --- Every alert ends (E1-E4) ---

struct ExpiryRow {
    std::string name;
    ExpiryState state;
    bool expires;
};

ExpiryState shown(AlertState state, std::optional<WallTime> end) {
    return {.latest_version = 3, .shown_state = state, .shown_expires = end, .shown = true};
}

class ExpiryRuleTest : public ::testing::TestWithParam<ExpiryRow> {};

TEST_P(ExpiryRuleTest, DecidesTheExpiry) {
    const auto& row = GetParam();
    auto d = decide_expiry(row.state, kNoon);
    ASSERT_EQ(d.has_value(), row.expires);
    if (d) {
        EXPECT_EQ(d->version, row.state.latest_version + 1);
        EXPECT_EQ(to_string(d->reach), "screens");
        EXPECT_EQ(d->reason, "expired: its end 2026-11-23 12:00 JST has passed");
    }
}

INSTANTIATE_TEST_SUITE_P(
    Lifecycle, ExpiryRuleTest,
    ::testing::ValuesIn(std::vector<ExpiryRow>{
        {"E1_AShownAlertPastItsEndExpiresToTheScreens", shown(AlertState::kActive, kNoon), true},
        {"E2_BeforeItsEndNothingHappens", shown(AlertState::kActive, kNoon + 1s), false},
        {"E2_WithoutAnEndNothingHappens", shown(AlertState::kActive, std::nullopt), false},
        {"E3_ACancelledAlertNeverExpires", shown(AlertState::kCancelled, kNoon - 1h), false},
        {"E3_ALiftedAlertNeverExpires", shown(AlertState::kLifted, kNoon - 1h), false},
        {"E3_AnAlertExpiresOnce", shown(AlertState::kExpired, kNoon - 1h), false},
        {"E4_AChainNeverSentHasNothingToEnd",
         {.latest_version = 2,
          .shown_state = AlertState::kActive,
          .shown_expires = kNoon - 1h,
          .shown = false},
         false},
    }),
    [](const auto& row) { return row.param.name; });

}  // namespace
}  // namespace alerthub::hub
