#pragma once
// What an attempt to deliver a job came to, and how long and how often a job is retried.
// Which provider answers are worth retrying is the channel's to say (LINE: 429 other than
// the monthly limit, 408, 5xx, transport failures; mail: SMTP 4xx, transport failures); the
// schedule is the same for every channel.

#include <algorithm>
#include <chrono>
#include <string>

namespace alerthub {

enum class AttemptKind {
    kAccepted,  // the provider has the message: the job is done
    kRetry,     // worth trying again later (the provider or the way to it is busy or down)
    kFailed,    // will not succeed by repeating
};

struct AttemptResult {
    AttemptKind kind = AttemptKind::kFailed;
    // kAccepted, kFailed: the receipt's detail (a provider request id, or why it failed).
    // kRetry: why not now.
    std::string detail;
};

// Exponential backoff between attempts of one job.
struct RetryPolicy {
    std::chrono::milliseconds initial_backoff{1000};
    std::chrono::milliseconds max_backoff{60000};
    int max_attempts = 8;

    // The wait after the `attempt`-th failed attempt (1-based): initial * 2^(attempt-1),
    // capped at max_backoff.
    std::chrono::milliseconds backoff_after(int attempt) const {
        auto wait = initial_backoff;
        for (int i = 1; i < attempt && wait < max_backoff; ++i) wait *= 2;
        return std::min(wait, max_backoff);
    }

    // True when a job that has had `attempts` attempts gets no more.
    bool exhausted(int attempts) const { return attempts >= max_attempts; }
};

}  // namespace alerthub
