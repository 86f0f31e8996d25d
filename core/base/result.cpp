#include "core/base/result.h"

#include <cstdio>
#include <cstdlib>

namespace alerthub {

const char* error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument:
            return "invalid_argument";
        case ErrorCode::kNotFound:
            return "not_found";
        case ErrorCode::kAlreadyExists:
            return "already_exists";
        case ErrorCode::kUnavailable:
            return "unavailable";
        case ErrorCode::kTimeout:
            return "timeout";
        case ErrorCode::kRateLimited:
            return "rate_limited";
        case ErrorCode::kPermissionDenied:
            return "permission_denied";
        case ErrorCode::kResourceExhausted:
            return "resource_exhausted";
        case ErrorCode::kInternal:
            return "internal";
    }
    return "unknown";
}

std::string Error::to_string() const {
    return std::string(error_code_name(code)) + ": " + message;
}

namespace detail {
void check_failed(const char* file, int line, const char* expr, const char* msg) {
    std::fprintf(stderr, "CHECK failed at %s:%d: %s (%s)\n", file, line, expr, msg);
    std::fflush(stderr);
    std::abort();
}
}  // namespace detail

}  // namespace alerthub
