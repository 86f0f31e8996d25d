#include "adapters/line/line_config.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub::line {
namespace {

using testing::TempDir;

class LineConfigTest : public ::testing::Test {
protected:
    Result<LineConfig> load(const std::string& toml) {
        // Every adapter needs the hub's public key; the test key unless the test says.
        std::string with_key = toml.find("[signing]") != std::string::npos
                                   ? toml
                                   : toml + "\n[signing]\npublic_keys = [\"" +
                                         testing::test_public_key_line() + "\"]\n";
        testing::write_file(dir_ / "line.toml", with_key);
        auto reader = ConfigReader::load((dir_ / "line.toml").string());
        if (!reader) return reader.error();
        return load_line_config(*reader);
    }
    void SetUp() override { testing::write_file(dir_ / "token", "abc123token\n"); }
    TempDir dir_;
};

TEST_F(LineConfigTest, DefaultsWithOnlyTheToken) {
    auto c = load("[line]\nchannel_access_token_file = \"token\"\n");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->channel_access_token, "abc123token");
    EXPECT_EQ(c->api_base, "https://api.line.me");
    EXPECT_EQ(c->request_timeout, std::chrono::milliseconds(10000));
    EXPECT_EQ(c->retry.initial_backoff, std::chrono::milliseconds(1000));
    EXPECT_EQ(c->retry.max_backoff, std::chrono::milliseconds(60000));
    EXPECT_EQ(c->retry.max_attempts, 8);
    EXPECT_EQ(c->state.path, "/var/lib/alerthub/line.db");
    EXPECT_EQ(c->mqtt.settings.client_id, "alerthub-line");
    EXPECT_EQ(c->mqtt.topics.job("line"), "alerthub/v1/jobs/line");
}

TEST_F(LineConfigTest, EveryKey) {
    auto c = load(R"(
[mqtt]
uri = "tcp://127.0.0.1:1884"
client_id = "line-2"
topic_root = "training/v1"
[line]
api_base = "http://127.0.0.1:8080/"
channel_access_token_file = "token"
request_timeout_ms = 3000
[retry]
initial_backoff_ms = 50
max_backoff_ms = 400
max_attempts = 3
[state]
path = "state/line.db"
keep_days = 7
)");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->api_base, "http://127.0.0.1:8080");
    EXPECT_EQ(c->mqtt.settings.client_id, "line-2");
    EXPECT_EQ(c->mqtt.topics.receipt("line"), "training/v1/receipts/line");
    EXPECT_EQ(c->retry.backoff_after(4), std::chrono::milliseconds(400));
    EXPECT_EQ(c->retry.max_attempts, 3);
    EXPECT_EQ(c->state.path, (dir_ / "state/line.db").string());
    EXPECT_EQ(c->state.keep_days, 7);
}

TEST_F(LineConfigTest, ReportsEveryProblemAtOnce) {
    auto c = load(R"(
[line]
api_base = "ftp://example"
request_timeout_ms = "fast"
colour = "blue"
[retry]
initial_backoff_ms = 5000
max_backoff_ms = 1000
)");
    ASSERT_FALSE(c.ok());
    auto& m = c.error().message;
    EXPECT_NE(m.find("channel_access_token_file"), std::string::npos) << m;
    EXPECT_NE(m.find("line.api_base"), std::string::npos) << m;
    EXPECT_NE(m.find("line.request_timeout_ms"), std::string::npos) << m;
    EXPECT_NE(m.find("unknown key 'line.colour'"), std::string::npos) << m;
    EXPECT_NE(m.find("retry.max_backoff_ms"), std::string::npos) << m;
}

TEST_F(LineConfigTest, EmptyOrMissingTokenFileIsAnError) {
    testing::write_file(dir_ / "empty", "\n");
    auto empty = load("[line]\nchannel_access_token_file = \"empty\"\n");
    ASSERT_FALSE(empty.ok());
    EXPECT_NE(empty.error().message.find("empty"), std::string::npos);
    auto missing = load("[line]\nchannel_access_token_file = \"nope\"\n");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace alerthub::line

namespace alerthub::line {
namespace {

// Every commented key in config/line.toml.example, uncommented, must parse and give the
// defaults the code uses: the example is the documentation.
TEST(LineConfigExample, DocumentsEveryKeyWithItsDefault) {
    auto example = testing::project_fixtures_dir().parent_path().parent_path() / "config" /
                   "line.toml.example";
    std::istringstream in(testing::read_file(example));
    std::string toml, line;
    std::regex commented_key(R"(^# ([a-z_]+) = (.*)$)");
    int uncommented = 0;
    while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_match(line, m, commented_key)) {
            if (m[1].str().ends_with("_file")) continue;  // "" names no file
            line = m[1].str() + " = " + m[2].str();
            ++uncommented;
        }
        toml += line + "\n";
    }
    EXPECT_GE(uncommented, 12);
    TempDir dir;
    testing::write_file(dir / "token", "t0ken");
    toml = std::regex_replace(toml, std::regex(R"(channel_access_token_file = ".*")"),
                              "channel_access_token_file = \"" + (dir / "token").string() + "\"");
    auto reader = ConfigReader::parse(toml, "line.toml.example");
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    auto c = load_line_config(*reader);
    ASSERT_TRUE(c.ok()) << c.error().message;
    LineConfig defaults;
    EXPECT_EQ(c->api_base, defaults.api_base);
    EXPECT_EQ(c->request_timeout, defaults.request_timeout);
    EXPECT_EQ(c->retry.initial_backoff, defaults.retry.initial_backoff);
    EXPECT_EQ(c->retry.max_backoff, defaults.retry.max_backoff);
    EXPECT_EQ(c->retry.max_attempts, defaults.retry.max_attempts);
    EXPECT_EQ(c->state.path, defaults.state.path);
    EXPECT_EQ(c->state.keep_days, defaults.state.keep_days);
    EXPECT_EQ(c->mqtt.settings.client_id, "alerthub-line");
    EXPECT_EQ(c->town_blocks_file, defaults.town_blocks_file);
    EXPECT_EQ(c->delivery.batch_size, 500);
    EXPECT_TRUE(c->delivery.check_quota);
    EXPECT_EQ(c->delivery.max_rate_wait, defaults.delivery.max_rate_wait);
    EXPECT_EQ(c->delivery.rate_limits.broadcast_per_hour, 60);
    EXPECT_EQ(c->delivery.rate_limits.multicast_per_second, 200);
    EXPECT_EQ(c->webhook.reply_per_second, 2000);
    EXPECT_FALSE(c->webhook.enabled);
    EXPECT_EQ(c->webhook.port, 8091);
    EXPECT_EQ(c->webhook.path, "/line/webhook");
    EXPECT_EQ(c->webhook.max_body_bytes, 1048576u);
}

TEST(LineConfig, AnEnabledWebhookNeedsItsSecretAndTheTownBlocks) {
    auto reader = ConfigReader::parse(
        "[line]\nchannel_access_token_file = \"/nonexistent-token\"\n[webhook]\nenabled = true\n",
        "line.toml");
    ASSERT_TRUE(reader.ok());
    auto c = load_line_config(*reader);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("webhook.channel_secret_file"), std::string::npos);
    EXPECT_NE(c.error().message.find("line.town_blocks_file"), std::string::npos);
}

}  // namespace
}  // namespace alerthub::line
