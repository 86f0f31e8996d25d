#include "signage_player/media_cache.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "core/base/crypto.h"
#include "core/base/log.h"
#include "signage_player/headless_output.h"

namespace alerthub::player {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kSuffix = ".media";
// The longest the thread sleeps with a retry pending, so that a test's FakeClock (or a
// changed wall clock) is noticed.
constexpr std::chrono::milliseconds kMaxSleep{1000};

std::optional<std::string> read_whole(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream buf;
    buf << in.rdbuf();
    return std::move(buf).str();
}

MediaEntry failed(std::string reason) {
    MediaEntry e;
    e.state = MediaState::kFailed;
    e.reason = std::move(reason);
    return e;
}

}  // namespace

MediaCache::MediaCache(MediaCacheOptions options, std::unique_ptr<HttpClient> http,
                       const Clock& clock, std::function<void()> on_change)
    : options_(std::move(options)),
      http_(std::move(http)),
      clock_(clock),
      on_change_(std::move(on_change)) {}

MediaCache::~MediaCache() {
    stop();
}

Status MediaCache::start() {
    std::error_code ec;
    fs::create_directories(options_.dir, ec);
    if (ec)
        return make_error(ErrorCode::kUnavailable,
                          fmt::format("media cache {}: {}", options_.dir.string(), ec.message()));
    evict();
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) {
        stopping_ = false;
        cancel_ = false;
        thread_ = std::thread([this] { run(); });
    }
    return {};
}

void MediaCache::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cancel_ = true;  // a download in progress ends within about a second
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void MediaCache::want(std::vector<MediaRef> refs) {
    {
        std::lock_guard lock(mu_);
        std::map<std::string, Wanted> next;
        order_.clear();
        for (auto& ref : refs) {
            if (next.contains(ref.sha256)) continue;
            order_.push_back(ref.sha256);
            auto old = wanted_.find(ref.sha256);
            if (old != wanted_.end()) {
                Wanted w = std::move(old->second);
                // A new URL for a file that failed deserves a try now.
                if (w.ref.url != ref.url && w.entry.state == MediaState::kFailed)
                    w.next_attempt = SteadyTime{};
                w.ref = ref;
                next.emplace(ref.sha256, std::move(w));
            } else {
                next.emplace(ref.sha256, Wanted{ref, {}, 0, {}});
            }
        }
        wanted_ = std::move(next);
        kick_ = true;
    }
    cv_.notify_all();
}

MediaEntry MediaCache::lookup(const std::string& sha256) const {
    std::lock_guard lock(mu_);
    auto it = wanted_.find(sha256);
    return it == wanted_.end() ? MediaEntry{} : it->second.entry;
}

std::int64_t MediaCache::bytes_on_disk() const {
    std::lock_guard lock(mu_);
    return bytes_on_disk_;
}

void MediaCache::retry_failed_now() {
    {
        std::lock_guard lock(mu_);
        for (auto& [sha, w] : wanted_)
            if (w.entry.state == MediaState::kFailed) w.next_attempt = SteadyTime{};
        kick_ = true;
    }
    cv_.notify_all();
}

fs::path MediaCache::file_for(const std::string& sha256) const {
    return options_.dir / (sha256 + std::string(kSuffix));
}

void MediaCache::run() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
        const MediaRef* job = nullptr;
        auto now = clock_.steady_now();
        std::optional<SteadyTime> earliest_retry;
        for (auto& sha : order_) {
            auto& w = wanted_.at(sha);
            if (w.entry.state == MediaState::kUnknown ||
                (w.entry.state == MediaState::kFailed && w.next_attempt <= now)) {
                job = &w.ref;
                break;
            }
            if (w.entry.state == MediaState::kFailed)
                earliest_retry = std::min(earliest_retry.value_or(w.next_attempt), w.next_attempt);
        }
        if (job) {
            MediaRef ref = *job;
            wanted_.at(ref.sha256).entry.state = MediaState::kFetching;
            lock.unlock();
            MediaEntry entry = obtain(ref);
            lock.lock();
            if (auto it = wanted_.find(ref.sha256); it != wanted_.end()) {
                auto& w = it->second;
                w.entry = entry;
                if (entry.state == MediaState::kFailed) {
                    ++w.failures;
                    w.next_attempt = clock_.steady_now() + options_.retry.backoff_after(w.failures);
                } else {
                    w.failures = 0;
                }
            }
            lock.unlock();
            evict();
            if (on_change_) on_change_();
            lock.lock();
            continue;
        }
        auto woken = [&] { return stopping_ || kick_; };
        if (earliest_retry) {
            auto wait =
                std::chrono::duration_cast<std::chrono::milliseconds>(*earliest_retry - now);
            cv_.wait_for(lock, std::clamp(wait, std::chrono::milliseconds(1), kMaxSleep), woken);
        } else {
            cv_.wait(lock, woken);
        }
        kick_ = false;
    }
}

MediaEntry MediaCache::obtain(const MediaRef& ref) {
    auto log = get_logger("player");
    auto path = file_for(ref.sha256);
    std::error_code ec;
    if (fs::exists(path, ec)) {
        // A file from an earlier run, or from a power cut mid-write by another tool: only
        // its hash says it is the one the manifest means.
        if (auto data = read_whole(path); data && sha256_hex(*data) == ref.sha256) {
            MediaEntry e;
            e.state = MediaState::kReady;
            e.path = path;
            e.bytes = static_cast<std::int64_t>(data->size());
            return e;
        }
        log->warn("media cache: {} does not match its SHA-256; fetching it again", path.string());
        fs::remove(path, ec);
    }
    auto entry = fetch(ref);
    if (entry.state == MediaState::kFailed)
        log->warn("media {}: {}", ref.url, entry.reason);
    else
        log->debug("media {}: cached as {} ({} bytes)", ref.url, entry.path.string(), entry.bytes);
    return entry;
}

MediaEntry MediaCache::fetch(const MediaRef& ref) {
    HttpRequest request;
    request.url = ref.url;
    request.timeout = options_.fetch_timeout;
    // The limit is enforced while receiving: a peer serving garbage cannot fill memory.
    request.max_body_bytes = static_cast<std::size_t>(options_.max_item_bytes);
    request.cancel = &cancel_;
    auto response = http_->send(request);
    if (!response) {
        if (response.error().code == ErrorCode::kResourceExhausted)
            return failed(fmt::format("larger than {} bytes", options_.max_item_bytes));
        return failed(fmt::format("download failed: {}", response.error().message));
    }
    if (response->status != 200)
        return failed(fmt::format("download failed: HTTP {}", response->status));
    auto size = static_cast<std::int64_t>(response->body.size());
    if (size > options_.max_item_bytes)
        return failed(fmt::format("larger than {} bytes", options_.max_item_bytes));
    auto got = sha256_hex(response->body);
    if (got != ref.sha256)
        return failed(fmt::format("SHA-256 mismatch: the download is {}…", got.substr(0, 12)));
    auto path = file_for(ref.sha256);
    if (auto st = write_file_atomically(path, response->body); !st)
        return failed(fmt::format("cannot store it: {}", st.error().message));
    MediaEntry e;
    e.state = MediaState::kReady;
    e.path = path;
    e.bytes = size;
    return e;
}

void MediaCache::evict() {
    struct File {
        fs::path path;
        std::int64_t bytes;
        fs::file_time_type mtime;
        bool wanted;
    };
    std::set<std::string> wanted;
    {
        std::lock_guard lock(mu_);
        for (auto& [sha, w] : wanted_) wanted.insert(sha + std::string(kSuffix));
    }
    std::vector<File> files;
    std::int64_t total = 0;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(options_.dir, ec)) {
        if (!e.is_regular_file(ec) || e.path().extension() != kSuffix) continue;
        auto bytes = static_cast<std::int64_t>(e.file_size(ec));
        files.push_back({e.path(), bytes, e.last_write_time(ec),
                         wanted.contains(e.path().filename().string())});
        total += bytes;
    }
    std::sort(files.begin(), files.end(),
              [](const File& a, const File& b) { return a.mtime < b.mtime; });
    for (auto& f : files) {
        if (total <= options_.max_cache_bytes) break;
        if (f.wanted) continue;
        if (fs::remove(f.path, ec)) total -= f.bytes;
    }
    std::lock_guard lock(mu_);
    bytes_on_disk_ = total;
}

}  // namespace alerthub::player
