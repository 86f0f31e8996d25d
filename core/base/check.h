#pragma once
// CHECK: for broken invariants only (never for external input). Logs file:line and aborts.

namespace alerthub::detail {
[[noreturn]] void check_failed(const char* file, int line, const char* expr, const char* msg);
}

#define CHECK(cond, msg)                                                               \
    do {                                                                               \
        if (!(cond)) ::alerthub::detail::check_failed(__FILE__, __LINE__, #cond, msg); \
    } while (0)
