#pragma once
// Result<T>: a small [[nodiscard]] subset of std::expected (not in g++ 12) for expected
// runtime failures. Broken invariants use CHECK (core/base/check.h) instead.

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/base/check.h"

namespace alerthub {

enum class ErrorCode {
    kInvalidArgument,  // bad input from outside: malformed XML/JSON, failed validation
    kNotFound,
    kAlreadyExists,  // duplicates
    kUnavailable,    // peer down, connection refused, 5xx: worth retrying
    kTimeout,
    kRateLimited,        // 429 and friends
    kPermissionDenied,   // 401/403, bad token or signature
    kResourceExhausted,  // oversized input, quota used up
    kInternal,
};

const char* error_code_name(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;

    std::string to_string() const;
    bool retryable() const {
        return code == ErrorCode::kUnavailable || code == ErrorCode::kTimeout ||
               code == ErrorCode::kRateLimited;
    }
};

inline Error make_error(ErrorCode code, std::string message) {
    return Error{code, std::move(message)};
}

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit on purpose, like expected
    Result(Error error) : v_(std::move(error)) {}  // NOLINT

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        CHECK(ok(), "Result::value() on error");
        return std::get<0>(v_);
    }
    const T& value() const& {
        CHECK(ok(), "Result::value() on error");
        return std::get<0>(v_);
    }
    T&& value() && {
        CHECK(ok(), "Result::value() on error");
        return std::get<0>(std::move(v_));
    }
    const Error& error() const {
        CHECK(!ok(), "Result::error() on success");
        return std::get<1>(v_);
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const {
        CHECK(!ok_, "Result::error() on success");
        return error_;
    }

private:
    Error error_;
    bool ok_ = true;
};

using Status = Result<void>;

}  // namespace alerthub
