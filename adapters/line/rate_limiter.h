#pragma once
// LINE limits requests per endpoint per channel ("multicast: 200 requests per second",
// "broadcast: 60 requests per hour"). A sliding window: at most `requests` in any `period`,
// so whatever window LINE counts in, we stay inside it, and a burst up to the limit goes at
// once (an emergency does not wait for an even spacing).

#include <chrono>
#include <deque>

#include "core/base/clock.h"

namespace alerthub::line {

class RateLimiter {
public:
    RateLimiter(int requests, std::chrono::milliseconds period)
        : requests_(requests), period_(period) {}

    // The earliest time the next request may go (`now` when it may go now).
    SteadyTime next_slot(SteadyTime now);
    // A request went at `at`.
    void record(SteadyTime at);

    int requests() const { return requests_; }
    std::chrono::milliseconds period() const { return period_; }

private:
    int requests_;
    std::chrono::milliseconds period_;
    std::deque<SteadyTime> sent_;  // within the last period, oldest first
};

}  // namespace alerthub::line
