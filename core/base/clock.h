#pragma once
// Time comes from an injected Clock so that retries, expiry and schedules are tested
// without sleeping (tests/support/fake_clock.h). Wall time (system_clock) is what alerts
// carry; steady time drives timeouts and backoff.

#include <chrono>
#include <cstdint>

namespace alerthub {

using WallTime = std::chrono::system_clock::time_point;
using SteadyTime = std::chrono::steady_clock::time_point;

// Wall time as stored in SQLite and compared across processes: milliseconds since the epoch.
inline std::int64_t epoch_ms(WallTime t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline WallTime from_epoch_ms(std::int64_t ms) {
    return WallTime{} + std::chrono::milliseconds(ms);
}

class Clock {
public:
    virtual ~Clock() = default;
    virtual WallTime now() const = 0;
    virtual SteadyTime steady_now() const = 0;
};

class SystemClock final : public Clock {
public:
    WallTime now() const override { return std::chrono::system_clock::now(); }
    SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace alerthub
