#pragma once
// Polls the JMA Atom feeds (extra.xml, eqvol.xml, ...) and hands each new telegram to the
// ingest pipeline once:
//
// - Conditional GET (If-Modified-Since / If-None-Match); a 304 costs JMA nothing.
// - Every entry is remembered by its telegram URL (FeedStore, in the journal file), so a
//   telegram is fetched once, across restarts too. Entries whose title is a kind the JMX
//   parser does not handle are remembered as skipped and never fetched.
// - An entry is done only once the pipeline has acknowledged it, or rejected it for good
//   (then it is quarantined). A failed fetch is retried with backoff: timeouts, 5xx and a
//   journal that could not store it for as long as the entry is kept; definite HTTP errors
//   (404, 403...) up to max_attempts.
// - Catch-up: when a feed read after an outage (or one that shares no entry with what was
//   seen before) may have dropped entries, the long feed (NAME_l.xml, hourly, several days)
//   is read until it covers the gap.
// - Slow, broken or garbage feeds are logged with the reason, recorded in the feed's status
//   (the staff console's freshness), the first garbage body of a run quarantined; the next
//   poll tries again.
//
// Threads: start() runs the polling on its own thread; `submit` is called from it and must
// hand the telegram to the hub's owner thread (see HubApp). poll_once() and fetch_due() run
// a round on the caller's thread (tests).

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/base/clock.h"
#include "core/base/retry_policy.h"
#include "core/http/http_client.h"
#include "hub/doors/jma_feed/jma_atom_feed.h"
#include "hub/doors/jma_feed/jma_feed_config.h"
#include "hub/doors/jma_feed/jma_feed_store.h"
#include "hub/ingest/ingest_pipeline.h"

namespace alerthub::hub {

// Ingests one telegram (origin "jma-feed:<feed>") and says what became of it.
using TelegramSubmitter = std::function<IngestReport(std::string raw, std::string origin)>;

class JmaFeedPoller {
public:
    // `http` is used from the polling thread only; it, `clock` and the submitter's target
    // must outlive the poller. Telegrams over `max_telegram_bytes` are not fetched whole.
    JmaFeedPoller(JmaFeedConfig config, std::size_t max_telegram_bytes, FeedStore store,
                  HttpClient& http, TelegramSubmitter submit, std::filesystem::path quarantine_dir,
                  const Clock& clock);
    ~JmaFeedPoller();
    JmaFeedPoller(const JmaFeedPoller&) = delete;
    JmaFeedPoller& operator=(const JmaFeedPoller&) = delete;

    // Reads every feed (and a long feed while its gap is open) and records new entries.
    void poll_once();
    // Fetches and submits the entries that are due, oldest first; returns when none is
    // due, when `until` says so (checked between entries), or on stop().
    void fetch_due(const std::function<bool()>& until = nullptr);

    void start();
    // Ends the polling thread within about a second, also mid-transfer.
    void stop();

    std::string feed_url(const std::string& feed) const;
    std::string long_feed_url(const std::string& feed) const;

private:
    struct Fetched;

    void run();
    void poll_feed(const std::string& feed);
    void catch_up(FeedStatus& status);
    // GET with the validators; a body that is not a usable feed is left in `unusable_body`.
    Result<Fetched> get_feed(const std::string& url, const std::string& last_modified,
                             const std::string& etag, std::string* unusable_body);
    int record_entries(const std::string& feed, const std::string& feed_url, const AtomFeed& atom);
    void feed_failed(FeedStatus& status, const std::string& reason, std::string_view body);
    // These return false when the entry's new state could not be saved (or on stop).
    bool fetch_entry(const FeedEntryRecord& entry);
    bool retry_entry(const FeedEntryRecord& entry, const std::string& reason, bool definite);
    bool saved(const FeedEntryRecord& entry, const Status& status);
    void keep_for_inspection(const std::string& name, std::string_view bytes,
                             const std::string& origin, const std::string& reason);

    JmaFeedConfig config_;
    std::size_t max_telegram_bytes_;
    FeedStore store_;
    HttpClient& http_;
    TelegramSubmitter submit_;
    std::filesystem::path quarantine_dir_;
    const Clock& clock_;
    RetryPolicy retry_;

    std::atomic<bool> stopping_{false};
    std::mutex mu_;
    std::condition_variable wake_;
    std::thread thread_;
};

}  // namespace alerthub::hub
