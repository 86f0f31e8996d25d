#pragma once
// The hand-off from library threads (Paho, HTTP server) to the owning loop.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace alerthub {

template <typename T>
class BlockingQueue {
public:
    void push(T item) {
        {
            std::lock_guard lock(mu_);
            items_.push_back(std::move(item));
        }
        cv_.notify_one();
    }

    // Waits up to `timeout` for an item.
    std::optional<T> pop_for(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mu_);
        if (!cv_.wait_for(lock, timeout, [&] { return !items_.empty() || woken_; }))
            return std::nullopt;
        woken_ = false;
        if (items_.empty()) return std::nullopt;
        T item = std::move(items_.front());
        items_.pop_front();
        return item;
    }

    // Makes a waiting pop_for return early (e.g. on stop).
    void wake() {
        {
            std::lock_guard lock(mu_);
            woken_ = true;
        }
        cv_.notify_all();
    }

    size_t size() const {
        std::lock_guard lock(mu_);
        return items_.size();
    }

private:
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<T> items_;
    bool woken_ = false;
};

}  // namespace alerthub
