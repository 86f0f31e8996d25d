#include "hub/hub_config.h"

#include <gtest/gtest.h>

#include "core/base/crypto.h"

#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using testing::TempDir;
using testing::write_file;

class HubConfigTest : public ::testing::Test {
protected:
    // With the test signing key unless the test brings its own [signing].
    Result<HubConfig> load(const std::string& toml) {
        if (!std::filesystem::exists(dir_ / "signing.key"))
            testing::write_test_key_file(dir_ / "signing.key");
        write_file(dir_ / "hub.toml", toml.find("[signing]") != std::string::npos
                                          ? toml
                                          : toml + "\n[signing]\nkey_file = \"signing.key\"\n");
        auto reader = ConfigReader::load((dir_ / "hub.toml").string());
        EXPECT_TRUE(reader.ok());
        return load_hub_config(*reader);
    }
    TempDir dir_;
};

TEST_F(HubConfigTest, DefaultsNeedOnlyTheTokenFile) {
    write_file(dir_ / "token", "0123456789abcdef0123\n");
    auto c = load("[ingest]\ntoken_file = \"token\"\n");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->ingest_token, "0123456789abcdef0123");
    EXPECT_EQ(c->journal_path, "/var/lib/alerthub/journal.db");
    EXPECT_EQ(c->spool_dir, "/var/lib/alerthub/spool");
    EXPECT_EQ(c->spool_poll_ms, 200);
    EXPECT_EQ(c->listen_host, "127.0.0.1");
    EXPECT_EQ(c->listen_port, 8080);
    EXPECT_EQ(c->max_document_bytes, 1048576u);
    EXPECT_EQ(c->channels, (std::vector<std::string>{"line", "mail"}));
    EXPECT_EQ(c->mqtt.settings.client_id, "alerthub-hub");
    EXPECT_EQ(c->mqtt.topics.root(), "alerthub/v1");
}

TEST_F(HubConfigTest, ATokenPerSourceAndTheHttpLimits) {
    write_file(dir_ / "jma.token", "jma-relay-token-0123456789\n");
    write_file(dir_ / "lalert.token", "lalert-token-0123456789ab\n");
    auto c = load(R"(
[ingest.tokens.jma-relay]
token_file = "jma.token"
sources = ["jma"]
[ingest.tokens.lalert]
token_file = "lalert.token"
sources = ["lalert", "cap"]
senders = ["lalert@fmmc.example.jp"]
[http]
request_timeout_s = 20
workers = 32
trusted_proxies = ["127.0.0.1", "::1"]
)");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->ingest_token, "");
    ASSERT_EQ(c->ingest_tokens.size(), 2u);
    const auto& jma = c->ingest_tokens[0];
    EXPECT_EQ(jma.grant.name, "jma-relay");
    EXPECT_EQ(jma.grant.sources, std::vector<SourceFormat>{SourceFormat::kJma});
    // Only the hash is kept.
    EXPECT_EQ(jma.sha256, sha256_hex("jma-relay-token-0123456789"));
    EXPECT_EQ(c->ingest_tokens[1].grant.senders,
              std::vector<std::string>{"lalert@fmmc.example.jp"});
    EXPECT_EQ(c->http.request_timeout, std::chrono::seconds(20));
    EXPECT_EQ(c->http.workers, 32u);
    EXPECT_EQ(c->http.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
    EXPECT_EQ(c->console.http.trusted_proxies, c->http.trusted_proxies);

    write_file(dir_ / "copy.token", "jma-relay-token-0123456789\n");
    auto bad = load(R"(
[ingest.tokens.jma-relay]
token_file = "jma.token"
sources = ["jma", "twitter"]
[ingest.tokens.copy]
token_file = "copy.token"
sources = ["cap"]
[ingest.tokens.empty]
token_file = "jma.token"
[http]
trusted_proxies = ["nginx.local"]
)");
    ASSERT_FALSE(bad.ok());
    const auto& m = bad.error().message;
    EXPECT_NE(m.find("'twitter' is not a source"), std::string::npos) << m;
    EXPECT_NE(m.find("the same token as another one"), std::string::npos) << m;
    EXPECT_NE(m.find("ingest.tokens.empty.sources"), std::string::npos) << m;
    EXPECT_NE(m.find("'nginx.local' is not an IP address"), std::string::npos) << m;

    auto none = load("[ingest]\nlisten_port = 8080\n");
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.error().message.find("a token is required"), std::string::npos)
        << none.error().message;
}

TEST_F(HubConfigTest, TheSigningKeyIsRequiredAndMustBeTheHubsAlone) {
    write_file(dir_ / "token", "0123456789abcdef0123\n");
    auto c = load("[ingest]\ntoken_file = \"token\"\n");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->signing_key.kid, "test-key");
    EXPECT_EQ(c->signing_key.seed, testing::test_signing_key().seed);

    auto missing = load("[ingest]\ntoken_file = \"token\"\n[signing]\n");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("signing.key_file is required"), std::string::npos);

    ::chmod((dir_ / "signing.key").c_str(), 0644);
    auto readable =
        load("[ingest]\ntoken_file = \"token\"\n[signing]\nkey_file = \"signing.key\"\n");
    ASSERT_FALSE(readable.ok());
    EXPECT_NE(readable.error().message.find("chmod 600"), std::string::npos)
        << readable.error().message;

    write_file(dir_ / "public.key", testing::test_public_key_line() + "\n");
    ::chmod((dir_ / "public.key").c_str(), 0600);
    auto wrong = load("[ingest]\ntoken_file = \"token\"\n[signing]\nkey_file = \"public.key\"\n");
    ASSERT_FALSE(wrong.ok());
    EXPECT_NE(wrong.error().message.find("not a signing key file"), std::string::npos);
}

TEST_F(HubConfigTest, RelativePathsResolveAgainstTheConfigFolder) {
    write_file(dir_ / "token", "0123456789abcdef0123");
    auto c = load(R"([journal]
path = "data/journal.db"
[spool]
dir = "spool"
poll_ms = 50
[ingest]
token_file = "token"
listen_port = 9090
max_document_bytes = 4096
[delivery]
channels = ["mail"]
[mqtt]
topic_root = "training/v1"
)");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->journal_path, (dir_ / "data/journal.db").string());
    EXPECT_EQ(c->spool_dir, (dir_ / "spool").string());
    EXPECT_EQ(c->spool_poll_ms, 50);
    EXPECT_EQ(c->listen_port, 9090);
    EXPECT_EQ(c->max_document_bytes, 4096u);
    EXPECT_EQ(c->channels, std::vector<std::string>{"mail"});
    EXPECT_EQ(c->mqtt.topics.root(), "training/v1");
}

TEST_F(HubConfigTest, EveryProblemIsReported) {
    write_file(dir_ / "short", "abc");
    auto c = load(R"([ingest]
token_file = "short"
listen_port = 0
[delivery]
channels = ["line", "li/ne", "line"]
[spool]
pol_ms = 100
)");
    ASSERT_FALSE(c.ok());
    const auto& m = c.error().message;
    EXPECT_NE(m.find("at least 16 characters"), std::string::npos) << m;
    EXPECT_NE(m.find("ingest.listen_port: must be between 1 and 65535"), std::string::npos) << m;
    EXPECT_NE(m.find("'li/ne' is not a valid channel name"), std::string::npos) << m;
    EXPECT_NE(m.find("'line' is listed twice"), std::string::npos) << m;
    EXPECT_NE(m.find("unknown key 'spool.pol_ms'"), std::string::npos) << m;
}

TEST_F(HubConfigTest, TokenFileIsRequiredAndMustBeReadable) {
    auto missing = load("");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("a token is required"), std::string::npos);
    auto unreadable = load("[ingest]\ntoken_file = \"nope\"\n");
    ASSERT_FALSE(unreadable.ok());
    EXPECT_NE(unreadable.error().message.find("cannot read"), std::string::npos);
}

TEST_F(HubConfigTest, JmaFreshnessAndWardThresholdsHaveDefaultsAndCanBeSet) {
    write_file(dir_ / "token", "0123456789abcdef0123");
    auto defaults = load("[ingest]\ntoken_file = \"token\"\n");
    ASSERT_TRUE(defaults.ok()) << defaults.error().message;
    EXPECT_EQ(defaults->jma_max_age, std::chrono::seconds(600));
    EXPECT_EQ(defaults->ward_thresholds.screens_intensity, "3");
    EXPECT_EQ(defaults->ward_thresholds.everyone_intensity, "4");

    auto set = load(R"([ingest]
token_file = "token"
[jma]
max_age_s = 180
screens_intensity = "4"
everyone_intensity = "5-"
)");
    ASSERT_TRUE(set.ok()) << set.error().message;
    EXPECT_EQ(set->jma_max_age, std::chrono::seconds(180));
    EXPECT_EQ(set->ward_thresholds.screens_intensity, "4");
    EXPECT_EQ(set->ward_thresholds.everyone_intensity, "5-");
    // The same intensity for both: screens and phones alike.
    EXPECT_TRUE(load("[ingest]\ntoken_file = \"token\"\n[jma]\nscreens_intensity = \"5+\"\n"
                     "everyone_intensity = \"5+\"\n")
                    .ok());
}

TEST_F(HubConfigTest, JmaKeysOutOfRangeAreReported) {
    write_file(dir_ / "token", "0123456789abcdef0123");
    auto c = load(R"([ingest]
token_file = "token"
[jma]
max_age_s = 30
screens_intensity = "5弱"
everyone_intensity = "8"
)");
    ASSERT_FALSE(c.ok());
    const auto& m = c.error().message;
    EXPECT_NE(m.find("jma.max_age_s: must be between 60 and 86400"), std::string::npos) << m;
    EXPECT_NE(m.find("jma.screens_intensity: '5弱' is not a JMA intensity (\"1\" .. \"4\", "
                     "\"5-\", \"5+\", \"6-\", \"6+\" or \"7\")"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("jma.everyone_intensity: '8' is not a JMA intensity"), std::string::npos) << m;

    auto below = load(R"([ingest]
token_file = "token"
[jma]
screens_intensity = "5-"
everyone_intensity = "4"
)");
    ASSERT_FALSE(below.ok());
    EXPECT_NE(below.error().message.find(
                  "jma.everyone_intensity: must not be below jma.screens_intensity ('4' < '5-')"),
              std::string::npos)
        << below.error().message;
    auto too_long = load("[ingest]\ntoken_file = \"token\"\n[jma]\nmax_age_s = 86401\n");
    ASSERT_FALSE(too_long.ok());
    EXPECT_NE(too_long.error().message.find("jma.max_age_s"), std::string::npos);
}

TEST_F(HubConfigTest, TheShippedExampleIsValid) {
    // config/hub.toml.example documents every key; with its token file it must load.
    auto example =
        testing::read_file(testing::project_fixtures_dir() / "../../config/hub.toml.example");
    write_file(dir_ / "token", "0123456789abcdef0123");
    const std::string shipped_token = "token_file = \"/etc/alerthub/ingest.token\"";
    auto pos = example.find(shipped_token);
    ASSERT_NE(pos, std::string::npos);
    example.replace(pos, shipped_token.size(), "token_file = \"token\"");
    testing::write_test_key_file(dir_ / "signing.key");
    pos = example.find("key_file = \"/etc/alerthub/signing.key\"");
    ASSERT_NE(pos, std::string::npos);
    example.replace(pos, std::string("key_file = \"/etc/alerthub/signing.key\"").size(),
                    "key_file = \"signing.key\"");
    auto c = load(example);
    ASSERT_TRUE(c.ok()) << c.error().message;
}

TEST_F(HubConfigTest, FollowUpsHaveDefaultsAndCanBeSet) {
    write_file(dir_ / "token", "0123456789abcdef0123\n");
    auto defaults = load("[ingest]\ntoken_file = \"token\"\n");
    ASSERT_TRUE(defaults.ok()) << defaults.error().message;
    EXPECT_EQ(defaults->outbox.job_resend_after, std::chrono::seconds(60));
    EXPECT_EQ(defaults->outbox.job_resend_max, std::chrono::seconds(900));
    EXPECT_EQ(defaults->outbox.job_give_up_after, std::chrono::seconds(86400));
    EXPECT_EQ(defaults->outbox.retained_audit_interval, std::chrono::seconds(300));
    EXPECT_EQ(defaults->outbox.retained.clear_after, std::chrono::seconds(3600));
    EXPECT_EQ(defaults->mqtt.settings.reconnect_max_ms, 500);

    auto set = load(R"([ingest]
token_file = "token"
[mqtt]
reconnect_max_ms = 2000
[delivery]
job_resend_after_s = 5
job_resend_max_s = 10
[retained]
audit_interval_s = 2
clear_after_s = 30
)");
    ASSERT_TRUE(set.ok()) << set.error().message;
    EXPECT_EQ(set->outbox.job_resend_after, std::chrono::seconds(5));
    EXPECT_EQ(set->outbox.job_resend_max, std::chrono::seconds(10));
    EXPECT_EQ(set->outbox.retained_audit_interval, std::chrono::seconds(2));
    EXPECT_EQ(set->outbox.retained.clear_after, std::chrono::seconds(30));
    EXPECT_EQ(set->mqtt.settings.reconnect_max_ms, 2000);

    auto shorter = load(
        "[ingest]\ntoken_file = \"token\"\n[delivery]\njob_resend_after_s = 120\n"
        "job_resend_max_s = 60\n");
    ASSERT_FALSE(shorter.ok());
    EXPECT_NE(shorter.error().message.find("delivery.job_resend_max_s"), std::string::npos);
}

}  // namespace
}  // namespace alerthub::hub
