#include "adapters/line/rate_limiter.h"

namespace alerthub::line {

SteadyTime RateLimiter::next_slot(SteadyTime now) {
    while (!sent_.empty() && sent_.front() + period_ <= now) sent_.pop_front();
    if (static_cast<int>(sent_.size()) < requests_) return now;
    // The request `requests_` back leaves the window at sent + period.
    return sent_[sent_.size() - static_cast<std::size_t>(requests_)] + period_;
}

void RateLimiter::record(SteadyTime at) {
    sent_.push_back(at);
    while (static_cast<int>(sent_.size()) > requests_) sent_.pop_front();
}

}  // namespace alerthub::line
