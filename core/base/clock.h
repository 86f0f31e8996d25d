#pragma once
// Time comes from an injected Clock so that retries, expiry and schedules are tested
// without sleeping (tests/support/fake_clock.h). Wall time (system_clock) is what alerts
// carry; steady time drives timeouts and backoff.

#include <chrono>

namespace alerthub {

using WallTime = std::chrono::system_clock::time_point;
using SteadyTime = std::chrono::steady_clock::time_point;

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
