#include "core/base/crypto.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace alerthub {
namespace {

TEST(CryptoTest, Sha256MatchesKnownVector) {
    ASSERT_TRUE(crypto_init().ok());
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, UuidsAreV4AndDistinct) {
    ASSERT_TRUE(crypto_init().ok());
    std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        auto u = random_uuid();
        EXPECT_TRUE(std::regex_match(u, v4)) << u;
        seen.insert(u);
    }
    EXPECT_EQ(seen.size(), 100u);
}

TEST(CryptoTest, HmacSha256MatchesRfc4231) {
    ASSERT_TRUE(crypto_init().ok());
    // RFC 4231 test case 2.
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, RandomTokensAreHexAndDistinct) {
    ASSERT_TRUE(crypto_init().ok());
    auto a = random_token_hex();
    EXPECT_EQ(a.size(), 64u);
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos) << a;
    EXPECT_NE(a, random_token_hex());
}

TEST(CryptoTest, ConstantTimeEqual) {
    EXPECT_TRUE(constant_time_equal("token", "token"));
    EXPECT_FALSE(constant_time_equal("token", "tokeN"));
    EXPECT_FALSE(constant_time_equal("token", "token2"));
}

TEST(CryptoTest, DerivedUuidsAreStableVersion8AndDiffer) {
    ASSERT_TRUE(crypto_init().ok());
    auto a = derived_uuid("job-key/batch/1");
    EXPECT_EQ(a, derived_uuid("job-key/batch/1"));
    EXPECT_NE(a, derived_uuid("job-key/batch/2"));
    ASSERT_EQ(a.size(), 36u);
    EXPECT_EQ(a[14], '8');
    EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos) << a;
}

TEST(CryptoTest, LineSignatureIsBase64HmacSha256) {
    ASSERT_TRUE(crypto_init().ok());
    // RFC 4231 test case 2 (hex 5bdcc146...), in Base64.
    EXPECT_EQ(hmac_sha256_base64("Jefe", "what do ya want for nothing?"),
              "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
    auto sig = hmac_sha256_base64("channel-secret", R"({"events":[]})");
    EXPECT_TRUE(hmac_sha256_base64_matches("channel-secret", R"({"events":[]})", sig));
    EXPECT_FALSE(hmac_sha256_base64_matches("channel-secret", R"({"events":[ ]})", sig));
    EXPECT_FALSE(hmac_sha256_base64_matches("other-secret", R"({"events":[]})", sig));
    EXPECT_FALSE(hmac_sha256_base64_matches("channel-secret", R"({"events":[]})", "not base64!"));
    EXPECT_FALSE(hmac_sha256_base64_matches("channel-secret", R"({"events":[]})", ""));
}

}  // namespace
}  // namespace alerthub
