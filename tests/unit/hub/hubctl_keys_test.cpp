#include "hub/hubctl_keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <sstream>

#include "core/base/crypto.h"
#include "hub/hubctl.h"
#include "hub/signing_bus.h"
#include "hub/signing_key_file.h"
#include "tests/support/fake_message_bus.h"
#include "tests/support/test_support.h"
#include "tests/unit/hub/hubctl_run.h"

namespace alerthub::hub {
namespace {

using testing::TempDir;

TEST(HubctlKeys, GenerateShowAndSignMakeKeysThatVerify) {
    ASSERT_TRUE(crypto_init().ok());
    TempDir dir;
    auto made = hubctl({"keys", "generate", "--out", (dir / "keys").string(), "--kid", "hub-a"});
    ASSERT_EQ(made.status, 0) << made.err;
    auto secret = dir / "keys" / "hub-a.key";
    struct stat st {};
    ASSERT_EQ(::stat(secret.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto line = testing::read_file(dir / "keys" / "hub-a.pub");
    line.pop_back();
    EXPECT_NE(made.out.find(line), std::string::npos);

    auto shown = hubctl({"keys", "show", "--key-file", secret.string()});
    ASSERT_EQ(shown.status, 0) << shown.err;
    EXPECT_EQ(shown.out, line + "\n");

    testing::write_file(dir / "playlist.json",
                        R"({"schema":"alerthub.content/1","group":"g","version":1,"items":[]})");
    auto signed_run =
        hubctl({"keys", "sign", "--key-file", secret.string(), (dir / "playlist.json").string()});
    ASSERT_EQ(signed_run.status, 0) << signed_run.err;
    SignatureVerifier verifier({parse_public_key(line).value()});
    auto payload = signed_run.out.substr(0, signed_run.out.size() - 1);
    EXPECT_TRUE(verifier.verify(payload).ok());

    // Never overwrites a key; a default key id when none is given.
    auto again = hubctl({"keys", "generate", "--out", (dir / "keys").string(), "--kid", "hub-a"});
    EXPECT_EQ(again.status, kHubctlRejected);
    auto dated = hubctl({"keys", "generate", "--out", (dir / "keys").string()});
    ASSERT_EQ(dated.status, 0) << dated.err;
    EXPECT_NE(dated.out.find("hub-20"), std::string::npos) << dated.out;
}

TEST(HubctlKeys, RefusesAKeyFileOthersCanRead) {
    ASSERT_TRUE(crypto_init().ok());
    TempDir dir;
    ASSERT_TRUE(write_signing_key_file(dir / "k.key", generate_signing_key("k")).ok());
    ::chmod((dir / "k.key").c_str(), 0640);
    auto shown = hubctl({"keys", "show", "--key-file", (dir / "k.key").string()});
    EXPECT_EQ(shown.status, kHubctlRejected);
    EXPECT_NE(shown.err.find("chmod 600"), std::string::npos) << shown.err;
    EXPECT_EQ(hubctl({"keys"}).status, kHubctlUsage);
    EXPECT_EQ(hubctl({"keys", "generate"}).status, kHubctlUsage);
}

TEST(SigningMessageBus, SignsEveryPayloadAndNeverPublishesUnsigned) {
    auto key = generate_signing_key("hub-a");
    testing::FakeMessageBus inner;
    SigningMessageBus bus(inner, key);
    ASSERT_TRUE(bus.publish({"r/alerts/x", R"({"schema":"alerthub.alert/1","id":"x"})", true},
                            std::chrono::seconds(1))
                    .ok());
    ASSERT_TRUE(bus.publish({"r/alerts/y", "", true}, std::chrono::seconds(1)).ok());
    EXPECT_FALSE(bus.publish({"r/jobs/line", "not json", false}, std::chrono::seconds(1)).ok());
    auto published = inner.published();
    ASSERT_EQ(published.size(), 2u);
    EXPECT_TRUE(published[0].retained);
    SignatureVerifier verifier({public_key_of(key)});
    EXPECT_TRUE(verifier.verify(published[0].payload).ok());
    EXPECT_EQ(published[1].payload, "");
}

}  // namespace
}  // namespace alerthub::hub
