#pragma once
// A Clock that only moves when told to. In namespace alerthub beside the Clock it fakes (it
// lived in core/base/clock.h until issue 17), so the tests that use it read the same.

#include <chrono>
#include <mutex>

#include "core/base/clock.h"

namespace alerthub {

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
