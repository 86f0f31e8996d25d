// The media cache against a local HTTP server: good files, a wrong SHA-256, 404, a slow
// peer, a restart with the server gone (offline playback), retries and eviction.
#include "signage_player/media_cache.h"

#include <gtest/gtest.h>

#include <atomic>

#include "core/base/crypto.h"
#include "core/http/curl_http_client.h"
#include "tests/support/fake_clock.h"
#include "tests/support/media_server.h"
#include "tests/support/test_support.h"

namespace alerthub::player {
namespace {

using namespace std::chrono_literals;
using alerthub::testing::MediaServer;
using alerthub::testing::TempDir;
using alerthub::testing::wait_for;

const std::string kPoster = "poster bytes: pretend this is a PNG";
const std::string kBanner = "banner bytes";

class MediaCacheTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(crypto_init().ok()); }

    std::unique_ptr<MediaCache> make_cache(MediaCacheOptions options = {}) {
        options.dir = dir_ / "cache";
        if (options.fetch_timeout == MediaCacheOptions{}.fetch_timeout) options.fetch_timeout = 5s;
        auto cache = std::make_unique<MediaCache>(options, std::make_unique<CurlHttpClient>(),
                                                  clock_, [this] { ++changes_; });
        EXPECT_TRUE(cache->start().ok());
        return cache;
    }
    MediaState state(MediaCache& cache, const std::string& body) {
        return cache.lookup(sha256_hex(body)).state;
    }

    TempDir dir_;
    MediaServer server_;
    FakeClock clock_;
    std::atomic<int> changes_{0};
};

TEST_F(MediaCacheTest, FetchesVerifiesAndKeepsTheFileNamedByItsHash) {
    server_.set("/poster.png", {200, kPoster, {}});
    auto cache = make_cache();
    cache->want({{server_.url("/poster.png"), sha256_hex(kPoster)}});
    ASSERT_TRUE(wait_for([&] { return state(*cache, kPoster) == MediaState::kReady; }));
    auto entry = cache->lookup(sha256_hex(kPoster));
    EXPECT_EQ(entry.path, dir_ / "cache" / (sha256_hex(kPoster) + ".media"));
    EXPECT_EQ(alerthub::testing::read_file(entry.path), kPoster);
    EXPECT_EQ(entry.bytes, static_cast<std::int64_t>(kPoster.size()));
    EXPECT_GE(changes_.load(), 1);
    EXPECT_EQ(cache->bytes_on_disk(), static_cast<std::int64_t>(kPoster.size()));
}

TEST_F(MediaCacheTest, WrongHashAnd404AreFailuresWithTheirReasonAndLeaveNoFile) {
    server_.set("/tampered.png", {200, "someone else's bytes", {}});
    auto cache = make_cache();
    cache->want({{server_.url("/tampered.png"), sha256_hex(kPoster)},
                 {server_.url("/gone.png"), sha256_hex(kBanner)}});
    ASSERT_TRUE(wait_for([&] {
        return state(*cache, kPoster) == MediaState::kFailed &&
               state(*cache, kBanner) == MediaState::kFailed;
    }));
    EXPECT_NE(cache->lookup(sha256_hex(kPoster)).reason.find("SHA-256 mismatch"),
              std::string::npos);
    EXPECT_NE(cache->lookup(sha256_hex(kBanner)).reason.find("HTTP 404"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(dir_ / "cache" / (sha256_hex(kPoster) + ".media")));
    EXPECT_EQ(cache->bytes_on_disk(), 0);

    // Not retried before the backoff (the fake clock stands still) ...
    int asked = server_.requests("/tampered.png");
    std::this_thread::sleep_for(1200ms);  // longer than the cache's longest sleep
    EXPECT_EQ(server_.requests("/tampered.png"), asked);
    // ... and fetched once the publisher fixed it and the backoff has passed.
    server_.set("/tampered.png", {200, kPoster, {}});
    clock_.advance(MediaCacheOptions{}.retry.initial_backoff);
    ASSERT_TRUE(wait_for([&] { return state(*cache, kPoster) == MediaState::kReady; }));
}

TEST_F(MediaCacheTest, ASlowPeerTimesOutWithoutHoldingUpTheOthers) {
    server_.set("/slow.png", {200, kPoster, 3s});
    server_.set("/banner.png", {200, kBanner, {}});
    MediaCacheOptions options;
    options.fetch_timeout = 300ms;
    auto cache = make_cache(options);
    cache->want({{server_.url("/slow.png"), sha256_hex(kPoster)},
                 {server_.url("/banner.png"), sha256_hex(kBanner)}});
    ASSERT_TRUE(wait_for([&] { return state(*cache, kBanner) == MediaState::kReady; }));
    auto slow = cache->lookup(sha256_hex(kPoster));
    EXPECT_EQ(slow.state, MediaState::kFailed);
    EXPECT_NE(slow.reason.find("download failed"), std::string::npos) << slow.reason;
}

TEST_F(MediaCacheTest, CachedFilesPlayAfterARestartWithTheServerGone) {
    server_.set("/poster.png", {200, kPoster, {}});
    {
        auto cache = make_cache();
        cache->want({{server_.url("/poster.png"), sha256_hex(kPoster)}});
        ASSERT_TRUE(wait_for([&] { return state(*cache, kPoster) == MediaState::kReady; }));
    }
    server_.set("/poster.png", {503, "down", {}});
    int asked = server_.requests("/poster.png");
    auto cache = make_cache();
    cache->want({{server_.url("/poster.png"), sha256_hex(kPoster)}});
    ASSERT_TRUE(wait_for([&] { return state(*cache, kPoster) == MediaState::kReady; }));
    EXPECT_EQ(server_.requests("/poster.png"), asked);  // from disk, re-hashed, not fetched
}

TEST_F(MediaCacheTest, ADamagedCachedFileIsFetchedAgain) {
    auto path = dir_ / "cache" / (sha256_hex(kPoster) + ".media");
    std::filesystem::create_directories(path.parent_path());
    alerthub::testing::write_file(path, "half a file");
    server_.set("/poster.png", {200, kPoster, {}});
    auto cache = make_cache();
    cache->want({{server_.url("/poster.png"), sha256_hex(kPoster)}});
    ASSERT_TRUE(wait_for([&] { return state(*cache, kPoster) == MediaState::kReady; }));
    EXPECT_EQ(server_.requests("/poster.png"), 1);
    EXPECT_EQ(alerthub::testing::read_file(path), kPoster);
}

TEST_F(MediaCacheTest, FilesNoLongerWantedAreEvictedAboveTheLimitOthersKept) {
    std::string big(4000, 'x');
    server_.set("/big.png", {200, big, {}});
    server_.set("/banner.png", {200, kBanner, {}});
    MediaCacheOptions options;
    options.max_cache_bytes = 3000;
    auto cache = make_cache(options);
    cache->want({{server_.url("/big.png"), sha256_hex(big)}});
    ASSERT_TRUE(wait_for([&] { return state(*cache, big) == MediaState::kReady; }));
    // Over the limit but wanted: kept, the screen needs it.
    EXPECT_TRUE(std::filesystem::exists(cache->lookup(sha256_hex(big)).path));
    cache->want({{server_.url("/banner.png"), sha256_hex(kBanner)}});
    ASSERT_TRUE(wait_for([&] { return state(*cache, kBanner) == MediaState::kReady; }));
    EXPECT_FALSE(std::filesystem::exists(dir_ / "cache" / (sha256_hex(big) + ".media")));
    EXPECT_EQ(cache->bytes_on_disk(), static_cast<std::int64_t>(kBanner.size()));
}

}  // namespace
}  // namespace alerthub::player
