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

// The [mqtt] TLS set-up: what --check-config must refuse because no connect could work.
class MqttTlsConfigTest : public ::testing::Test {
protected:
    void SetUp() override {
        testing::write_file(dir_ / "ca.pem",
                            "-----BEGIN CERTIFICATE-----\nMIIB\n"
                            "-----END CERTIFICATE-----\n");
        testing::write_file(dir_ / "client.pem",
                            "-----BEGIN CERTIFICATE-----\nMIIB\n"
                            "-----END CERTIFICATE-----\n");
        testing::write_file(dir_ / "client.key",
                            "-----BEGIN PRIVATE KEY-----\nMIIE\n"
                            "-----END PRIVATE KEY-----\n");
        testing::write_file(dir_ / "empty.pem", "");
        testing::write_file(dir_ / "password", "pw\n");
    }
    // The problems --check-config would print for this [mqtt] section ("" when none).
    std::string problems(const std::string& mqtt_section, MqttSettings* out = nullptr) {
        testing::write_file(dir_ / "app.toml", "[mqtt]\n" + mqtt_section);
        auto c = ConfigReader::load((dir_ / "app.toml").string());
        EXPECT_TRUE(c.ok());
        auto m = read_mqtt_config(*c, "player-p1");
        if (out) *out = m.settings;
        auto s = c->finish();
        return s.ok() ? "" : s.error().message;
    }
    testing::TempDir dir_;
};

TEST_F(MqttTlsConfigTest, SslWithCaClientCertAndKeyIsReadRelativeToTheConfig) {
    MqttSettings s;
    EXPECT_EQ(problems("uri = \"ssl://broker.minato.example:8883\"\n"
                       "username = \"p1\"\npassword_file = \"password\"\n"
                       "tls_ca_file = \"ca.pem\"\ntls_cert_file = \"client.pem\"\n"
                       "tls_key_file = \"client.key\"\n",
                       &s),
              "");
    EXPECT_EQ(s.tls_ca_file, (dir_ / "ca.pem").string());
    EXPECT_EQ(s.tls_cert_file, (dir_ / "client.pem").string());
    EXPECT_EQ(s.tls_key_file, (dir_ / "client.key").string());
    EXPECT_EQ(s.password, "pw");
    // The identity names the session: the broker binds client ids to usernames.
    EXPECT_EQ(s.client_id, "p1");
}

TEST_F(MqttTlsConfigTest, SslWithoutACaIsAnError) {
    auto m = problems("uri = \"ssl://127.0.0.1:8883\"\n");
    EXPECT_NE(m.find("mqtt.uri: ssl:// needs mqtt.tls_ca_file"), std::string::npos) << m;
}

TEST_F(MqttTlsConfigTest, MissingOrNonPemCaIsAnError) {
    auto missing = problems("uri = \"ssl://127.0.0.1:8883\"\ntls_ca_file = \"nope.pem\"\n");
    EXPECT_NE(missing.find("app.toml:3: mqtt.tls_ca_file: cannot read '" +
                           (dir_ / "nope.pem").string() + "'"),
              std::string::npos)
        << missing;
    auto empty = problems("uri = \"ssl://127.0.0.1:8883\"\ntls_ca_file = \"empty.pem\"\n");
    EXPECT_NE(empty.find("holds no PEM certificate"), std::string::npos) << empty;
}

TEST_F(MqttTlsConfigTest, KeyWithoutCertificateAndCertificateWithoutKeyAreErrors) {
    auto key_only = problems(
        "uri = \"ssl://127.0.0.1:8883\"\ntls_ca_file = \"ca.pem\"\ntls_key_file = "
        "\"client.key\"\n");
    EXPECT_NE(key_only.find("mqtt.tls_key_file: needs mqtt.tls_cert_file"), std::string::npos)
        << key_only;
    auto cert_only = problems(
        "uri = \"ssl://127.0.0.1:8883\"\ntls_ca_file = \"ca.pem\"\ntls_cert_file = "
        "\"client.pem\"\n");
    EXPECT_NE(cert_only.find("mqtt.tls_cert_file: needs mqtt.tls_key_file"), std::string::npos)
        << cert_only;
    // A certificate file that carries its key too is what Paho accepts alone.
    testing::write_file(dir_ / "both.pem", testing::read_file(dir_ / "client.pem") +
                                               testing::read_file(dir_ / "client.key"));
    EXPECT_EQ(problems("uri = \"ssl://127.0.0.1:8883\"\ntls_ca_file = \"ca.pem\"\n"
                       "tls_cert_file = \"both.pem\"\n"),
              "");
}

TEST_F(MqttTlsConfigTest, TlsFilesWithAPlainTcpUriAreAnError) {
    auto m = problems("uri = \"tcp://127.0.0.1:1883\"\ntls_ca_file = \"ca.pem\"\n");
    EXPECT_NE(m.find("mqtt.tls_ca_file: is set but mqtt.uri is tcp://"), std::string::npos) << m;
}

TEST_F(MqttTlsConfigTest, UnknownSchemeAndPasswordWithoutUserAreErrors) {
    auto scheme = problems("uri = \"mqtt://127.0.0.1:1883\"\n");
    EXPECT_NE(scheme.find("mqtt.uri: must start with tcp:// or ssl://"), std::string::npos)
        << scheme;
    auto password = problems("password_file = \"password\"\n");
    EXPECT_NE(password.find("mqtt.password_file: needs mqtt.username"), std::string::npos)
        << password;
}

}  // namespace
}  // namespace alerthub
