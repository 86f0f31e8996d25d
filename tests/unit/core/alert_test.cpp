#include "core/protocol/alert.h"

#include <gtest/gtest.h>

#include "core/base/time_format.h"

namespace alerthub {
namespace {

Alert sample_alert() {
    Alert a;
    a.id = "cap-0123456789abcdef01234567";
    a.version = 3;
    a.state = AlertState::kActive;
    a.status = AlertStatus::kExercise;
    a.msg_type = MsgType::kUpdate;
    a.source = {SourceKind::kCap, "bousai@city.minato.tokyo.jp", "MINATO-2026-0001",
                *parse_rfc3339("2026-11-23T10:05:00+09:00"), std::string(64, 'a')};
    a.event_code = "EVAC";
    a.event_name = {{"ja", "避難指示"}, {"en", "Evacuation order"}};
    a.category = "safety";
    a.level = 4;
    a.severity = Severity::kSevere;
    a.urgency = Urgency::kImmediate;
    a.certainty = Certainty::kObserved;
    a.effective = *parse_rfc3339("2026-11-23T10:05:00+09:00");
    a.expires = *parse_rfc3339("2026-11-23T13:05:00+09:00");
    a.headline = {{"ja", "港区全域に避難指示"}, {"en", "Evacuation order for all of Minato"}};
    a.instruction = {{"ja", "直ちに避難してください。"}, {"ja-x-easy", "すぐに にげて ください。"}};
    a.areas = {{"JISX0402", "131032", "港区"}};
    a.polygons = {{"港区", "35.65,139.74 35.66,139.75 35.64,139.76 35.65,139.74"}};
    a.links = {{"shelter_map", "https://www.city.minato.tokyo.jp/map", {{"ja", "避難所マップ"}}}};
    return a;
}

TEST(AlertTest, RoundTripsThroughJson) {
    Alert a = sample_alert();
    auto json = encode_alert(a);
    auto back = decode_alert(json);
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    EXPECT_EQ(*back, a);
    EXPECT_EQ(encode_alert(*back), json);  // byte-identical: keys are sorted
}

TEST(AlertTest, EncodesContractFields) {
    auto json = encode_alert(sample_alert());
    EXPECT_NE(json.find(R"("schema":"alerthub.alert/1")"), std::string::npos);
    EXPECT_NE(json.find(R"("status":"exercise")"), std::string::npos);
    EXPECT_NE(json.find(R"("level":4)"), std::string::npos);
    EXPECT_NE(json.find(R"("expires":"2026-11-23T13:05:00+09:00")"), std::string::npos);
    EXPECT_NE(json.find("港区全域に避難指示"), std::string::npos);  // UTF-8, not \u escapes
}

TEST(AlertTest, AreaLevelsRoundTripAndAreWrittenOnlyWhenGiven) {
    Alert a = sample_alert();
    const auto without = encode_alert(a);
    EXPECT_EQ(without.find(R"("level":null)"), std::string::npos);  // old bytes unchanged
    a.level = 5;
    a.areas.push_back({"town", "131032/海岸一丁目", "海岸一丁目", 5});
    a.areas.push_back({"town", "131032/芝浦一丁目", "芝浦一丁目", 4});
    auto json = encode_alert(a);
    EXPECT_NE(json.find(R"("code":"131032/芝浦一丁目","level":4)"), std::string::npos) << json;
    auto back = decode_alert(json);
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    EXPECT_EQ(*back, a);
    EXPECT_FALSE(back->areas[0].level.has_value());
    EXPECT_EQ(back->areas[2].level, 4);

    auto bad = json;
    bad.replace(bad.find(R"("level":4)"), 9, R"("level":7)");
    auto refused = decode_alert(bad);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("areas: 'level' must be null or an integer 1-5"),
              std::string::npos)
        << refused.error().message;
}

TEST(AlertTest, NullLevelAndTimesRoundTrip) {
    Alert a = sample_alert();
    a.level.reset();
    a.expires.reset();
    auto back = decode_alert(encode_alert(a));
    ASSERT_TRUE(back.ok());
    EXPECT_FALSE(back->level.has_value());
    EXPECT_FALSE(back->expires.has_value());
}

TEST(AlertTest, RejectsBadDocumentsWithReasons) {
    auto good = encode_alert(sample_alert());
    struct Case {
        std::string from, to, reason;
    } cases[] = {
        {R"("schema":"alerthub.alert/1")", R"("schema":"other/1")", "schema"},
        {R"("version":3)", R"("version":0)", "version"},
        {R"("level":4)", R"("level":9)", "level"},
        {R"("state":"active")", R"("state":"gone")", "state"},
        {R"("id":"cap-0123456789abcdef01234567")", R"("id":"a/b")", "id"},
        {R"("expires":"2026-11-23T13:05:00+09:00")", R"("expires":"tomorrow")", "expires"},
    };
    for (auto& c : cases) {
        auto doc = good;
        auto pos = doc.find(c.from);
        ASSERT_NE(pos, std::string::npos) << c.from;
        doc.replace(pos, c.from.size(), c.to);
        auto r = decode_alert(doc);
        ASSERT_FALSE(r.ok()) << c.to;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(r.error().message.find(c.reason), std::string::npos) << r.error().message;
    }
    EXPECT_FALSE(decode_alert("not json").ok());
    EXPECT_FALSE(decode_alert("[1,2]").ok());
    EXPECT_FALSE(decode_alert("").ok());
}

TEST(AlertTest, PickTextPrefersLanguagesInOrder) {
    LocalizedText t{{"en", "Go"}, {"ja", "避難"}};
    EXPECT_EQ(pick_text(t, {"ja", "en"}), "避難");
    EXPECT_EQ(pick_text(t, {"ko", "en"}), "Go");
    EXPECT_EQ(pick_text(t, {"ko"}), "Go");  // any text beats none
    EXPECT_EQ(pick_text({}, {"ja"}), "");
}

TEST(AlertTest, UrgencyRankOrdersLevelThenSeverity) {
    Alert level4 = sample_alert();
    Alert extreme_no_level = sample_alert();
    extreme_no_level.level.reset();
    extreme_no_level.severity = Severity::kExtreme;
    Alert minor = extreme_no_level;
    minor.severity = Severity::kMinor;
    EXPECT_GT(urgency_rank(level4), urgency_rank(extreme_no_level));
    EXPECT_GT(urgency_rank(extreme_no_level), urgency_rank(minor));
}

TEST(AlertTest, SeverityRankOrdersLevelThenSeverityAndUrgencyOnlyBreaksTies) {
    // A level outweighs any severity; without a level, severity decides.
    EXPECT_GT(severity_rank(3, Severity::kUnknown), severity_rank(2, Severity::kExtreme));
    EXPECT_GT(severity_rank(std::nullopt, Severity::kExtreme),
              severity_rank(std::nullopt, Severity::kSevere));
    EXPECT_GT(severity_rank(std::nullopt, Severity::kSevere),
              severity_rank(std::nullopt, Severity::kModerate));
    EXPECT_GT(severity_rank(std::nullopt, Severity::kModerate),
              severity_rank(std::nullopt, Severity::kMinor));
    EXPECT_GT(severity_rank(std::nullopt, Severity::kMinor),
              severity_rank(std::nullopt, Severity::kUnknown));
    EXPECT_EQ(severity_rank(0, Severity::kUnknown),
              severity_rank(std::nullopt, Severity::kUnknown));

    Alert immediate = sample_alert();
    immediate.urgency = Urgency::kImmediate;
    Alert more_severe_later = immediate;
    more_severe_later.urgency = Urgency::kFuture;
    more_severe_later.severity = Severity::kExtreme;
    immediate.severity = Severity::kSevere;
    EXPECT_GT(urgency_rank(more_severe_later), urgency_rank(immediate));
    Alert expected = immediate;
    expected.urgency = Urgency::kExpected;
    EXPECT_GT(urgency_rank(immediate), urgency_rank(expected));
}

}  // namespace
}  // namespace alerthub
