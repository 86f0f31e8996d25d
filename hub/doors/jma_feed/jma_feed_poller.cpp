#include "hub/doors/jma_feed/jma_feed_poller.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/base/clock.h"
#include "core/base/log.h"
#include "core/base/time_format.h"
#include "hub/doors/quarantine.h"
#include "hub/sources/jma/jmx_parser.h"

namespace alerthub::hub {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Between polls the thread sleeps in steps this long at most, so that a pending entry's
// retry never waits for the next poll.
constexpr auto kMaxSleep = milliseconds(1000);

// "https://www.data.jma.go.jp/developer/..." -> "www.data.jma.go.jp" (lower-cased).
std::string authority_of(std::string_view url) {
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    auto rest = url.substr(scheme + 3);
    auto end = rest.find_first_of("/?#");
    std::string host(rest.substr(0, end));
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return host;
}

bool http_url(std::string_view url) {
    return url.starts_with("https://") || url.starts_with("http://");
}

// The last path segment of a telegram URL, made safe for a file name.
std::string file_name_of(std::string_view url) {
    auto end = url.find_first_of("?#");
    url = url.substr(0, end);
    auto slash = url.rfind('/');
    std::string name(slash == std::string_view::npos ? url : url.substr(slash + 1));
    for (auto& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
            c = '_';
    return name.empty() ? "telegram.xml" : name;
}

}  // namespace

struct JmaFeedPoller::Fetched {
    bool not_modified = false;
    AtomFeed feed;
    std::string last_modified;
    std::string etag;
};

JmaFeedPoller::JmaFeedPoller(JmaFeedConfig config, std::size_t max_telegram_bytes, FeedStore store,
                             HttpClient& http, TelegramSubmitter submit,
                             std::filesystem::path quarantine_dir, const Clock& clock)
    : config_(std::move(config)),
      max_telegram_bytes_(max_telegram_bytes),
      store_(std::move(store)),
      http_(http),
      submit_(std::move(submit)),
      quarantine_dir_(std::move(quarantine_dir)),
      clock_(clock) {
    retry_.initial_backoff = seconds(config_.retry_initial_s);
    retry_.max_backoff = seconds(config_.retry_max_s);
    retry_.max_attempts = config_.max_attempts;
}

JmaFeedPoller::~JmaFeedPoller() {
    stop();
}

std::string JmaFeedPoller::feed_url(const std::string& feed) const {
    return config_.base_url + feed + ".xml";
}

std::string JmaFeedPoller::long_feed_url(const std::string& feed) const {
    return config_.base_url + feed + "_l.xml";
}

void JmaFeedPoller::start() {
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void JmaFeedPoller::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void JmaFeedPoller::run() {
    const auto interval = seconds(config_.interval_s);
    auto next_poll = clock_.steady_now();
    while (!stopping_) {
        if (clock_.steady_now() >= next_poll) {
            poll_once();
            next_poll = clock_.steady_now() + interval;
        }
        fetch_due([&] { return clock_.steady_now() >= next_poll; });

        auto wait = duration_cast<milliseconds>(next_poll - clock_.steady_now());
        if (auto due = store_.next_due(); due && *due)
            wait = std::min(wait, duration_cast<milliseconds>(**due - clock_.now()));
        wait = std::clamp(wait, milliseconds(1), kMaxSleep);
        std::unique_lock lock(mu_);
        wake_.wait_for(lock, wait, [&] { return stopping_.load(); });
    }
}

void JmaFeedPoller::poll_once() {
    for (const auto& feed : config_.feeds) {
        if (stopping_) return;
        poll_feed(feed);
    }
    auto cutoff = clock_.now() - std::chrono::hours(24 * config_.keep_days);
    if (auto forgotten = store_.forget_before(cutoff); !forgotten)
        get_logger("hub")->error("jma feed: forgetting old entries: {}", forgotten.error().message);
}

Result<JmaFeedPoller::Fetched> JmaFeedPoller::get_feed(const std::string& url,
                                                       const std::string& last_modified,
                                                       const std::string& etag,
                                                       std::string* unusable_body) {
    HttpRequest req;
    req.url = url;
    req.timeout = seconds(config_.timeout_s);
    req.max_body_bytes = config_.max_feed_bytes;
    req.cancel = &stopping_;
    if (!last_modified.empty()) req.headers.emplace_back("If-Modified-Since", last_modified);
    if (!etag.empty()) req.headers.emplace_back("If-None-Match", etag);
    auto resp = http_.send(req);
    if (!resp) return resp.error();
    Fetched out;
    if (resp->status == 304) {
        out.not_modified = true;
        return out;
    }
    if (resp->status != 200)
        return make_error(
            resp->status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kInvalidArgument,
            fmt::format("HTTP {} from {}", resp->status, url));
    auto feed = parse_jma_atom_feed(resp->body, config_.max_feed_bytes);
    if (!feed) {
        if (unusable_body) *unusable_body = std::move(resp->body);
        return make_error(feed.error().code, fmt::format("{} is not a usable Atom feed: {}", url,
                                                         feed.error().message));
    }
    out.feed = std::move(*feed);
    out.last_modified = resp->header("Last-Modified");
    out.etag = resp->header("ETag");
    return out;
}

void JmaFeedPoller::feed_failed(FeedStatus& status, const std::string& reason,
                                std::string_view body) {
    auto log = get_logger("hub");
    if (status.consecutive_failures == 0) {
        log->warn("[feed={}] {}; polling on", status.feed, reason);
        if (!body.empty())
            keep_for_inspection(
                fmt::format("jma-feed-{}-{}.xml", status.feed, epoch_ms(clock_.now())), body,
                "jma-feed:" + status.feed, reason);
    } else {
        log->debug("[feed={}] still failing ({} times): {}", status.feed,
                   status.consecutive_failures + 1, reason);
    }
    ++status.consecutive_failures;
    status.last_error = reason;
    status.last_error_at = clock_.now();
}

void JmaFeedPoller::poll_feed(const std::string& name) {
    auto log = get_logger("hub");
    auto loaded = store_.status(name);
    if (!loaded) {
        log->error("[feed={}] reading its status: {}", name, loaded.error().message);
        return;
    }
    FeedStatus status = std::move(*loaded);
    const auto now = clock_.now();
    status.url = feed_url(name);
    status.last_poll = now;

    std::string unusable;
    auto fetched = get_feed(status.url, status.last_modified, status.etag, &unusable);
    if (!fetched) {
        if (stopping_) return;
        feed_failed(status, fetched.error().message, unusable);
    } else {
        if (status.consecutive_failures > 0)
            log->info("[feed={}] read again after {} failed polls", name,
                      status.consecutive_failures);
        status.consecutive_failures = 0;
        const bool had_success = status.last_success.has_value();
        const auto since_success = had_success ? now - *status.last_success : WallTime::duration{};
        status.last_success = now;
        if (fetched->not_modified) {
            log->debug("[feed={}] not modified", name);
        } else {
            const AtomFeed& feed = fetched->feed;
            for (const auto& w : feed.warnings) log->warn("[feed={}] {}", name, w);
            bool overlap = false;
            for (const auto& e : feed.entries) {
                auto known = store_.known(e.link);
                if (known && *known) {
                    overlap = true;
                    break;
                }
            }
            const bool outage = since_success > seconds(config_.catch_up_after_s);
            const bool seen_before = status.last_new_entry.has_value();
            if (had_success && !overlap && (outage || seen_before) && !status.catch_up_until) {
                // The gap to fill ends where this feed's entries begin.
                WallTime oldest = now;
                for (const auto& e : feed.entries)
                    if (e.updated) oldest = std::min(oldest, *e.updated);
                status.catch_up_until = oldest;
                log->warn(
                    "[feed={}] {}; reading the long feed for what may have been missed up "
                    "to {}",
                    name,
                    outage ? fmt::format("no successful read for {} s",
                                         duration_cast<seconds>(since_success).count())
                           : std::string("no entry seen before is still listed"),
                    format_rfc3339_jst(oldest));
            }
            int added = record_entries(name, status.url, feed);
            if (added > 0) status.last_new_entry = now;
            if (added >= 0) {
                // Validators only once the entries are recorded: a crash in between
                // re-reads the feed rather than skipping it.
                status.last_modified = fetched->last_modified;
                status.etag = fetched->etag;
            }
            log->debug("[feed={}] {} entries, {} new", name, feed.entries.size(), added);
        }
    }
    if (status.catch_up_until && !stopping_) catch_up(status);
    if (auto s = store_.save_status(status); !s)
        log->error("[feed={}] saving its status: {}", name, s.error().message);
}

void JmaFeedPoller::catch_up(FeedStatus& status) {
    auto log = get_logger("hub");
    const auto url = long_feed_url(status.feed);
    auto fetched = get_feed(url, status.long_last_modified, status.long_etag, nullptr);
    if (!fetched) {
        const auto& reason = fetched.error().message;
        log->warn("[feed={}] catch-up: {}; trying again at the next poll", status.feed, reason);
        status.last_error = "catch-up: " + reason;
        status.last_error_at = clock_.now();
        return;
    }
    if (fetched->not_modified) {
        log->debug("[feed={}] catch-up: long feed not modified yet", status.feed);
        return;
    }
    const AtomFeed& feed = fetched->feed;
    for (const auto& w : feed.warnings) log->warn("[feed={}] long feed: {}", status.feed, w);
    int added = record_entries(status.feed, url, feed);
    if (added < 0) return;
    if (added > 0) status.last_new_entry = clock_.now();
    status.long_last_modified = fetched->last_modified;
    status.long_etag = fetched->etag;
    // How far the long feed reaches: its own <updated>, else its newest entry.
    std::optional<WallTime> reach = feed.updated;
    if (!reach)
        for (const auto& e : feed.entries)
            if (e.updated && (!reach || *e.updated > *reach)) reach = e.updated;
    if (reach && *reach >= *status.catch_up_until) {
        log->info("[feed={}] caught up from the long feed: {} entries listed, {} new", status.feed,
                  feed.entries.size(), added);
        status.catch_up_until.reset();
        status.last_catch_up = clock_.now();
        return;
    }
    log->info(
        "[feed={}] the long feed reaches {} only, not {}: {} new entries; reading it again "
        "when it changes",
        status.feed, reach ? format_rfc3339_jst(*reach) : std::string("nothing"),
        format_rfc3339_jst(*status.catch_up_until), added);
}

int JmaFeedPoller::record_entries(const std::string& feed, const std::string& url,
                                  const AtomFeed& atom) {
    auto log = get_logger("hub");
    const auto now = clock_.now();
    const auto too_old = now - std::chrono::hours(24 * config_.keep_days);
    const auto host = authority_of(url);
    std::vector<FeedEntryRecord> fresh;
    for (const auto& e : atom.entries) {
        auto known = store_.known(e.link);
        if (!known) {
            log->error("[feed={}] {}", feed, known.error().message);
            return -1;
        }
        if (*known) continue;
        FeedEntryRecord r;
        r.link = e.link;
        r.feed = feed;
        r.entry_id = e.id;
        r.title = e.title;
        r.author = e.author;
        r.updated = e.updated.value_or(now);
        r.next_attempt = now;
        // Remembering it would outlast keep_days: forgotten, it would be fetched again.
        if (r.updated < too_old) continue;
        if (!http_url(e.link) || authority_of(e.link) != host) {
            r.state = FeedEntryState::kFailed;
            r.detail = fmt::format("link is not on the feed's host {}; not fetched", host);
            log->warn("[feed={}] entry '{}' {}: {}", feed, e.title, e.link, r.detail);
        } else if (!jmx_handles_title(e.title)) {
            r.state = FeedEntryState::kSkipped;
            r.detail = "not a kind of telegram the hub parses";
        }
        fresh.push_back(std::move(r));
    }
    // Within one feed document a link may appear twice; INSERT OR IGNORE keeps the first.
    auto added = store_.add(fresh);
    if (!added) {
        log->error("[feed={}] recording entries: {}", feed, added.error().message);
        return -1;
    }
    for (const auto& r : fresh)
        if (r.state == FeedEntryState::kPending)
            log->debug("[feed={}] new: {} ({}, {})", feed, r.title, r.author, r.link);
    return *added;
}

void JmaFeedPoller::fetch_due(const std::function<bool()>& until) {
    auto log = get_logger("hub");
    while (!stopping_ && !(until && until())) {
        auto due = store_.due(clock_.now(), 1);
        if (!due) {
            log->error("jma feed: reading pending entries: {}", due.error().message);
            return;
        }
        if (due->empty()) return;
        // An entry whose fate could not be saved would be due again at once: stop the round
        // rather than fetch the same telegram over and over.
        if (!fetch_entry(due->front())) return;
    }
}

bool JmaFeedPoller::saved(const FeedEntryRecord& e, const Status& s) {
    if (!s) get_logger("hub")->error("[feed={}] saving {}: {}", e.feed, e.link, s.error().message);
    return s.ok();
}

bool JmaFeedPoller::retry_entry(const FeedEntryRecord& e, const std::string& reason,
                                bool definite) {
    auto log = get_logger("hub");
    const int attempts = e.attempts + 1;
    if (definite && retry_.exhausted(attempts)) {
        log->error("[feed={}] giving up {} ({}) after {} attempts: {}", e.feed, e.link, e.title,
                   attempts, reason);
        return saved(e, store_.finish(e.link, FeedEntryState::kFailed, reason));
    }
    auto wait = retry_.backoff_after(attempts);
    // The first failure of an entry is worth a warning; its repeats are in the entry's row.
    log->log(attempts == 1 ? spdlog::level::warn : spdlog::level::debug,
             "[feed={}] fetching {} ({}, attempt {}): {}; retrying in {} s", e.feed, e.link,
             e.title, attempts, reason, duration_cast<seconds>(wait).count());
    return saved(e, store_.retry_later(e.link, attempts, clock_.now() + wait, reason));
}

bool JmaFeedPoller::fetch_entry(const FeedEntryRecord& e) {
    auto log = get_logger("hub");
    if (e.updated < clock_.now() - std::chrono::hours(24 * config_.keep_days)) {
        auto reason = fmt::format("gave up: older than {} days (last error: {})", config_.keep_days,
                                  e.detail);
        log->error("[feed={}] {} ({}): {}", e.feed, e.link, e.title, reason);
        return saved(e, store_.finish(e.link, FeedEntryState::kFailed, reason));
    }
    HttpRequest req;
    req.url = e.link;
    req.timeout = seconds(config_.timeout_s);
    req.max_body_bytes = max_telegram_bytes_;
    req.cancel = &stopping_;
    auto resp = http_.send(req);
    if (!resp) {
        if (stopping_) return false;
        if (resp.error().code == ErrorCode::kResourceExhausted) {
            log->error("[feed={}] {} ({}): {}; not fetched", e.feed, e.link, e.title,
                       resp.error().message);
            return saved(e, store_.finish(e.link, FeedEntryState::kFailed, resp.error().message));
        }
        return retry_entry(e, resp.error().message, false);
    }
    if (resp->status != 200) {
        const bool transient = resp->status >= 500 || resp->status == 408 || resp->status == 429;
        return retry_entry(e, fmt::format("HTTP {}", resp->status), !transient);
    }

    const std::string origin = "jma-feed:" + e.feed;
    IngestReport report = submit_(resp->body, origin);
    if (report.acknowledged()) {
        auto detail = fmt::format("{} v{}{}", report.alert_id, report.version,
                                  report.kind == IngestOutcome::kDuplicate    ? " (duplicate)"
                                  : report.kind == IngestOutcome::kSuperseded ? " (superseded)"
                                                                              : "");
        log->debug("[feed={}] {} -> {}", e.feed, e.link, detail);
        return saved(e, store_.finish(e.link, FeedEntryState::kDone, detail));
    }
    if (report.kind == IngestOutcome::kRejected) {
        keep_for_inspection(fmt::format("jma-feed-{}-{}", e.feed, file_name_of(e.link)), resp->body,
                            origin + " " + e.link, report.reason);
        return saved(e, store_.finish(e.link, FeedEntryState::kRejected, report.reason));
    }
    if (stopping_) return false;  // the hub is going down: fetched again at the next start
    return retry_entry(e, "not stored: " + report.reason, false);
}

void JmaFeedPoller::keep_for_inspection(const std::string& name, std::string_view bytes,
                                        const std::string& origin, const std::string& reason) {
    Quarantine quarantine(quarantine_dir_);
    auto kept = quarantine.keep_bytes(name, bytes, origin, reason, clock_.now());
    if (!kept)
        get_logger("hub")->error("jma feed: {}", kept.error().message);
    else
        get_logger("hub")->warn("jma feed: kept {} for inspection: {}", kept->string(), reason);
}

}  // namespace alerthub::hub
