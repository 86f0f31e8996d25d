#include "core/config/config.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace alerthub {
namespace {

TEST(ConfigTest, ReadsTypedValuesAndDefaults) {
    auto c = ConfigReader::parse(R"(
[mqtt]
uri = "tcp://127.0.0.1:18830"
topic_root = "alerthub-training/v1"
[app]
count = 7
flag = true
names = ["a", "b"]
)",
                                 "test.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    auto mqtt = read_mqtt_config(*c, "client-a");
    EXPECT_EQ(mqtt.settings.uri, "tcp://127.0.0.1:18830");
    EXPECT_EQ(mqtt.settings.client_id, "client-a");
    EXPECT_EQ(mqtt.topics.alert("x"), "alerthub-training/v1/alerts/x");
    EXPECT_EQ(c->get_int("app.count", 0, 0, 10), 7);
    EXPECT_TRUE(c->get_bool("app.flag", false));
    EXPECT_EQ(c->get_strings("app.names", {}), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(c->get_string("app.missing", "dflt"), "dflt");
    EXPECT_TRUE(c->finish().ok());
}

TEST(ConfigTest, UnknownKeysAndBadValuesAreErrorsWithLines) {
    auto c = ConfigReader::parse("[app]\ncount = 70\nname = 5\ntypo_key = 1\n", "bad.toml");
    ASSERT_TRUE(c.ok());
    (void)c->get_int("app.count", 0, 0, 10);
    (void)c->get_string("app.name", "");
    auto s = c->finish();
    ASSERT_FALSE(s.ok());
    const auto& m = s.error().message;
    EXPECT_NE(m.find("bad.toml:2: app.count: must be between 0 and 10"), std::string::npos) << m;
    EXPECT_NE(m.find("bad.toml:3: app.name: expected a string"), std::string::npos) << m;
    EXPECT_NE(m.find("bad.toml:4: unknown key 'app.typo_key'"), std::string::npos) << m;
}

TEST(ConfigTest, SyntaxErrorNamesLineAndColumn) {
    auto c = ConfigReader::parse("[app]\nname = \n", "syntax.toml");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("syntax.toml:2:"), std::string::npos) << c.error().message;
}

TEST(ConfigTest, RequiredKeyMissingIsAnError) {
    auto c = ConfigReader::parse("", "empty.toml");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->require_string("player.device_id"), "");
    auto s = c->finish();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("missing required key 'player.device_id'"), std::string::npos);
}

TEST(ConfigTest, SecretsComeFromFilesRelativeToTheConfig) {
    testing::TempDir dir;
    testing::write_file(dir / "token", "s3cret\n");
    testing::write_file(dir / "app.toml", "[line]\nchannel_access_token_file = \"token\"\n");
    auto c = ConfigReader::load((dir / "app.toml").string());
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->get_secret("line.channel_access_token"), "s3cret");
    EXPECT_TRUE(c->finish().ok());

    testing::write_file(dir / "bad.toml", "[line]\nchannel_access_token_file = \"nope\"\n");
    auto b = ConfigReader::load((dir / "bad.toml").string());
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->get_secret("line.channel_access_token"), "");
    EXPECT_FALSE(b->finish().ok());
}

TEST(ConfigTest, TopicRootWithWildcardIsRejected) {
    auto c = ConfigReader::parse("[mqtt]\ntopic_root = \"alerthub/#\"\n", "t.toml");
    ASSERT_TRUE(c.ok());
    (void)read_mqtt_config(*c, "x");
    EXPECT_FALSE(c->finish().ok());
}

}  // namespace
}  // namespace alerthub
