#include "core/crypto.h"

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

TEST(CryptoTest, ConstantTimeEqual) {
    EXPECT_TRUE(constant_time_equal("token", "token"));
    EXPECT_FALSE(constant_time_equal("token", "tokeN"));
    EXPECT_FALSE(constant_time_equal("token", "token2"));
}

}  // namespace
}  // namespace alerthub
