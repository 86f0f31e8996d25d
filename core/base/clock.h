#pragma once
// Time comes from an injected Clock so that retries, expiry and schedules are tested
// without sleeping. Wall time (system_clock) is what alerts carry; steady time drives
// timeouts and backoff.

#include <chrono>
#include <mutex>

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

// A clock that only moves when told to; for tests.
class FakeClock final : public Clock {
public:
    explicit FakeClock(WallTime start = WallTime{} + std::chrono::hours(24 * 365 * 50))
        : wall_(start) {}
    WallTime now() const override {
        std::lock_guard lock(mu_);
        return wall_;
    }
    SteadyTime steady_now() const override {
        std::lock_guard lock(mu_);
        return steady_;
    }
    void advance(std::chrono::milliseconds d) {
        std::lock_guard lock(mu_);
        wall_ += d;
        steady_ += d;
    }
    void set(WallTime t) {
        std::lock_guard lock(mu_);
        wall_ = t;
    }

private:
    mutable std::mutex mu_;
    WallTime wall_;
    SteadyTime steady_{};
};

}  // namespace alerthub
