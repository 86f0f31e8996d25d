#include "adapters/mail/mail_config.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub::mail {
namespace {

using alerthub::testing::TempDir;

class MailConfigTest : public ::testing::Test {
protected:
    Result<MailConfig> load(const std::string& toml) {
        // Every adapter needs the hub's public key; the test key unless the test says.
        std::string with_key = toml.find("[signing]") != std::string::npos
                                   ? toml
                                   : toml + "\n[signing]\npublic_keys = [\"" +
                                         alerthub::testing::test_public_key_line() + "\"]\n";
        alerthub::testing::write_file(dir_ / "mail.toml", with_key);
        auto reader = ConfigReader::load((dir_ / "mail.toml").string());
        if (!reader) return reader.error();
        return load_mail_config(*reader);
    }
    TempDir dir_;
};

TEST_F(MailConfigTest, DefaultsWithTheRequiredKeys) {
    auto c = load(R"(
[smtp]
from_address = "bousai@city.minato.example"
recipients = ["a@example.jp", "b@example.jp"]
)");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->smtp.url, "smtp://127.0.0.1:25");
    EXPECT_EQ(c->smtp.username, "");
    EXPECT_EQ(c->smtp.password, "");
    EXPECT_EQ(c->smtp.timeout, std::chrono::milliseconds(10000));
    EXPECT_EQ(c->smtp.starttls, StartTls::kRequire);
    EXPECT_EQ(describe_smtp_transport(c->smtp), "STARTTLS required");
    EXPECT_EQ(c->from_name, "防災情報メール");
    EXPECT_EQ(c->recipients, (std::vector<std::string>{"a@example.jp", "b@example.jp"}));
    EXPECT_EQ(c->batch_size, 100);
    EXPECT_EQ(c->connections, 2);
    EXPECT_EQ(c->bounce_limit, 2);
    EXPECT_EQ(c->town_blocks, "");
    EXPECT_FALSE(c->web.enabled);
    EXPECT_EQ(c->retry.max_attempts, 8);
    EXPECT_EQ(c->retry.backoff_after(1), std::chrono::milliseconds(1000));
    EXPECT_EQ(c->state.path, "/var/lib/alerthub/mail.db");
    EXPECT_EQ(c->mqtt.settings.client_id, "alerthub-mail");
}

TEST_F(MailConfigTest, PasswordComesFromItsFile) {
    alerthub::testing::write_file(dir_ / "pw", "s3cret\n");
    auto c = load(R"(
[smtp]
url = "smtps://mail.example.jp:465"
username = "bousai"
password_file = "pw"
from_address = "bousai@city.minato.example"
recipients = ["a@example.jp"]
starttls = "require"
batch_size = 10
)");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->smtp.password, "s3cret");
    EXPECT_EQ(c->smtp.starttls, StartTls::kRequire);
    EXPECT_EQ(c->batch_size, 10);
}

TEST_F(MailConfigTest, StartTlsOptOutOnlyForALoopbackSink) {
    auto loopback = load(R"(
[smtp]
url = "smtp://127.0.0.1:2525"
starttls = "never"
from_address = "bousai@city.minato.example"
)");
    ASSERT_TRUE(loopback.ok()) << loopback.error().message;
    EXPECT_EQ(loopback->smtp.starttls, StartTls::kNever);
    EXPECT_NE(describe_smtp_transport(loopback->smtp).find("UNENCRYPTED"), std::string::npos);

    for (const char* url : {"smtp://relay.example.jp:587", "smtp://user@10.0.0.5:25"}) {
        auto network = load(fmt::format(R"(
[smtp]
url = "{}"
starttls = "try"
from_address = "bousai@city.minato.example"
)",
                                        url));
        ASSERT_FALSE(network.ok()) << url;
        EXPECT_NE(network.error().message.find("allowed only for a loopback test sink"),
                  std::string::npos)
            << network.error().message;
    }
    EXPECT_TRUE(smtp_url_is_loopback("smtp://[::1]:25"));
    EXPECT_TRUE(smtp_url_is_loopback("smtp://localhost/ehlo.name"));
    EXPECT_FALSE(smtp_url_is_loopback("smtp://127.example.jp:25"));
}

TEST_F(MailConfigTest, ReportsEveryProblemWithoutShowingAddresses) {
    auto c = load(R"(
[smtp]
url = "http://mail"
from_address = "not an address"
recipients = ["ok@example.jp", "bad address@example.jp", "ok@example.jp"]
starttls = "maybe"
password = "inline secrets are not allowed"
)");
    ASSERT_FALSE(c.ok());
    auto& m = c.error().message;
    EXPECT_NE(m.find("smtp.url"), std::string::npos) << m;
    EXPECT_NE(m.find("smtp.from_address"), std::string::npos) << m;
    EXPECT_NE(m.find("entry 2 is not a plain address"), std::string::npos) << m;
    EXPECT_NE(m.find("entry 3 is listed twice"), std::string::npos) << m;
    EXPECT_NE(m.find("smtp.starttls"), std::string::npos) << m;
    EXPECT_NE(m.find("unknown key 'smtp.password'"), std::string::npos) << m;
    EXPECT_EQ(m.find("bad address@"), std::string::npos) << m;
}

TEST_F(MailConfigTest, SenderIsRequiredAndStaffCopiesAreOptional) {
    auto c = load("[smtp]\nrecipients = []\n");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("smtp.from_address"), std::string::npos);
    auto none = load("[smtp]\nfrom_address = \"a@b.jp\"\n");
    ASSERT_TRUE(none.ok()) << none.error().message;
    EXPECT_TRUE(none->recipients.empty());
}

TEST_F(MailConfigTest, WebSectionNeedsAPublicUrlAndALongSecret) {
    alerthub::testing::write_file(dir_ / "short", "abc\n");
    alerthub::testing::write_file(dir_ / "long", std::string(64, 'f') + "\n");
    auto bad = load(R"(
[smtp]
from_address = "bousai@city.minato.example"
[web]
public_url = "ftp://x"
secret_file = "short"
port = 70000
)");
    ASSERT_FALSE(bad.ok());
    auto& m = bad.error().message;
    EXPECT_NE(m.find("web.public_url"), std::string::npos) << m;
    EXPECT_NE(m.find("at least 32 bytes"), std::string::npos) << m;
    EXPECT_NE(m.find("web.port"), std::string::npos) << m;

    auto good = load(R"(
[smtp]
from_address = "bousai@city.minato.example"
connections = 4
[subscribers]
bounce_limit = 3
[web]
public_url = "https://bousai-mail.city.minato.example/"
secret_file = "long"
port = 0
max_mails_per_address = 5
)");
    ASSERT_TRUE(good.ok()) << good.error().message;
    EXPECT_TRUE(good->web.enabled);
    EXPECT_EQ(good->web.public_url, "https://bousai-mail.city.minato.example");
    EXPECT_EQ(good->web.secret, std::string(64, 'f'));
    EXPECT_EQ(good->web.port, 0);
    EXPECT_EQ(good->web.max_mails_per_address, 5);
    EXPECT_EQ(good->web.confirm_ttl, std::chrono::hours(24));
    EXPECT_EQ(good->connections, 4);
    EXPECT_EQ(good->bounce_limit, 3);
}

TEST_F(MailConfigTest, TownBlocksFileIsCheckedWhenLoading) {
    auto c = load(R"(
[smtp]
from_address = "bousai@city.minato.example"
[subscribers]
town_blocks = "missing.tsv"
)");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("subscribers.town_blocks"), std::string::npos);
}

TEST(PlausibleAddress, AcceptsPlainAddressesOnly) {
    EXPECT_TRUE(plausible_address("taro.yamada+bousai@docomo.ne.jp"));
    for (auto bad : {"", "@x.jp", "a@", "a@b@c", "a b@c.jp", "<a@b.jp>", "a@b.jp\r\nBcc: x@y",
                     "a,b@c.jp", "\"a\"@b.jp"})
        EXPECT_FALSE(plausible_address(bad)) << bad;
}

}  // namespace
}  // namespace alerthub::mail

namespace alerthub::mail {
namespace {

// Every commented key in config/mail.toml.example, uncommented, must parse and give the
// defaults the code uses: the example is the documentation.
TEST(MailConfigExample, DocumentsEveryKeyWithItsDefault) {
    auto example = alerthub::testing::project_fixtures_dir().parent_path().parent_path() /
                   "config" / "mail.toml.example";
    std::istringstream in(alerthub::testing::read_file(example));
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
    EXPECT_GE(uncommented, 16);
    auto reader = ConfigReader::parse(toml, "mail.toml.example");
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    auto c = load_mail_config(*reader);
    ASSERT_TRUE(c.ok()) << c.error().message;
    MailConfig defaults;
    EXPECT_EQ(c->smtp.url, defaults.smtp.url);
    EXPECT_EQ(c->smtp.starttls, defaults.smtp.starttls);
    EXPECT_EQ(c->smtp.timeout, defaults.smtp.timeout);
    EXPECT_EQ(c->from_name, defaults.from_name);
    EXPECT_EQ(c->batch_size, defaults.batch_size);
    EXPECT_EQ(c->connections, defaults.connections);
    EXPECT_EQ(c->bounce_limit, defaults.bounce_limit);
    EXPECT_EQ(c->town_blocks, defaults.town_blocks);
    EXPECT_EQ(c->retry.initial_backoff, defaults.retry.initial_backoff);
    EXPECT_EQ(c->retry.max_backoff, defaults.retry.max_backoff);
    EXPECT_EQ(c->retry.max_attempts, defaults.retry.max_attempts);
    EXPECT_EQ(c->state.path, defaults.state.path);
    EXPECT_EQ(c->state.keep_days, defaults.state.keep_days);
    EXPECT_EQ(c->mqtt.settings.client_id, "alerthub-mail");
}

}  // namespace
}  // namespace alerthub::mail
