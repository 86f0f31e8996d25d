#include "core/retry_policy.h"

#include "core/config.h"

namespace alerthub {

RetryPolicy read_retry_policy(ConfigReader& c) {
    RetryPolicy retry;
    retry.initial_backoff = std::chrono::milliseconds(
        c.get_int("retry.initial_backoff_ms", retry.initial_backoff.count(), 1, 3600000));
    retry.max_backoff = std::chrono::milliseconds(
        c.get_int("retry.max_backoff_ms", retry.max_backoff.count(), 1, 86400000));
    retry.max_attempts =
        static_cast<int>(c.get_int("retry.max_attempts", retry.max_attempts, 1, 1000));
    if (retry.max_backoff < retry.initial_backoff)
        c.error("retry.max_backoff_ms", "must not be less than retry.initial_backoff_ms");
    return retry;
}

}  // namespace alerthub
