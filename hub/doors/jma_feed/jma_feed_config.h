#pragma once
// The [jma_feed] section of hub.toml, read by hub/hub_config.cpp.

#include <cstddef>
#include <string>
#include <vector>

namespace alerthub::hub {

// [jma_feed]: the JMA Atom feed poller (hub/doors/jma_feed/jma_feed_poller.h).
struct JmaFeedConfig {
    bool enabled = false;
    // Each feed NAME is read from base_url + NAME + ".xml" (the high-frequency feed, every
    // interval) and base_url + NAME + "_l.xml" (the long feed, after an outage).
    std::string base_url = "https://www.data.jma.go.jp/developer/xml/feed/";
    std::vector<std::string> feeds = {"regular", "extra", "eqvol"};
    int interval_s = 60;
    int timeout_s = 20;
    std::size_t max_feed_bytes = 16 * 1024 * 1024;
    // A feed not read successfully for longer than this may have dropped entries off its
    // end: the long feed is read to fill the gap (JMA's high-frequency feeds list at least
    // the last 10 minutes).
    int catch_up_after_s = 600;
    int retry_initial_s = 5;
    int retry_max_s = 600;
    // An entry whose link keeps answering a definite HTTP error (404, 403...) is given up
    // after this many attempts; timeouts and 5xx are retried for as long as it is kept.
    int max_attempts = 10;
    int keep_days = 10;  // entries are remembered (and fetched) only this long
};

}  // namespace alerthub::hub
