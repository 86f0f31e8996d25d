#pragma once
// The images of the playlist on local disk, named by their SHA-256, so that content keeps
// playing when the network does not. A thread of its own fetches what is missing over
// HTTP(S) and checks every file against the manifest's SHA-256 before it is used: a
// download, however slow, never stalls the render loop. Failed fetches are retried with
// backoff; the loop learns of every change through `on_change` (called on the cache's
// thread: it must only wake the owner).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/base/clock.h"
#include "core/base/retry_policy.h"
#include "core/http/http_client.h"

namespace alerthub::player {

struct MediaRef {
    std::string url;
    std::string sha256;  // lower-case hex, checked by decode_content_manifest
};

enum class MediaState { kUnknown, kFetching, kReady, kFailed };

struct MediaEntry {
    MediaState state = MediaState::kUnknown;
    std::filesystem::path path;  // kReady: the verified file
    std::string reason;          // kFailed: why, for the status and the log
    std::int64_t bytes = 0;
};

struct MediaCacheOptions {
    std::filesystem::path dir;
    std::chrono::milliseconds fetch_timeout{60000};
    std::int64_t max_item_bytes = 100LL << 20;
    // Files no playlist wants any more are removed, oldest first, above this size.
    std::int64_t max_cache_bytes = 2LL << 30;
    RetryPolicy retry{std::chrono::seconds(10), std::chrono::minutes(30), 0};
};

class MediaCache {
public:
    // `http` is used only on the cache's thread.
    MediaCache(MediaCacheOptions options, std::unique_ptr<HttpClient> http, const Clock& clock,
               std::function<void()> on_change);
    ~MediaCache();
    MediaCache(const MediaCache&) = delete;
    MediaCache& operator=(const MediaCache&) = delete;

    // Creates the folder and starts the thread.
    Status start();
    void stop();

    // The images the playlist needs, in playing order; what is missing is fetched in this
    // order. Files already on disk are re-hashed once before they count as ready.
    void want(std::vector<MediaRef> refs);

    MediaEntry lookup(const std::string& sha256) const;
    std::int64_t bytes_on_disk() const;
    // Fetches retried now rather than at their backoff time (after a reconnect).
    void retry_failed_now();

private:
    struct Wanted {
        MediaRef ref;
        MediaEntry entry;
        int failures = 0;
        SteadyTime next_attempt{};
    };

    void run();
    // Fetches or verifies one entry, without the lock.
    MediaEntry obtain(const MediaRef& ref);
    MediaEntry fetch(const MediaRef& ref);
    void evict();
    std::filesystem::path file_for(const std::string& sha256) const;

    MediaCacheOptions options_;
    std::unique_ptr<HttpClient> http_;
    const Clock& clock_;
    std::function<void()> on_change_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::string> order_;        // sha256 in playing order
    std::map<std::string, Wanted> wanted_;  // by sha256
    std::int64_t bytes_on_disk_ = 0;
    bool stopping_ = false;
    bool kick_ = false;
    std::atomic<bool> cancel_{false};
    std::thread thread_;
};

}  // namespace alerthub::player
