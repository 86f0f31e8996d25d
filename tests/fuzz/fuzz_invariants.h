#pragma once
// What every parser's output must satisfy, checked on each input the fuzzer finds: a crash
// is not the only bug worth finding. A violated invariant aborts, so libFuzzer keeps the
// input as a reproducer.

#include <cstdio>
#include <cstdlib>

#include "core/protocol/alert.h"
#include "hub/sources/text_encoding.h"

namespace alerthub::fuzz {

[[noreturn]] inline void fail(const char* what) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
}

// An accepted document becomes an alert that survives the wire: valid UTF-8 everywhere and
// a JSON round trip that changes nothing.
inline void check_alert(const Alert& alert) {
    if (alert.id.empty()) fail("accepted alert without an id");
    if (alert.version != 1) fail("a parser produced a version other than 1");
    const auto json = encode_alert(alert);
    if (!validate_utf8(json)) fail("alert JSON is not valid UTF-8");
    auto decoded = decode_alert(json);
    if (!decoded) fail("alert JSON does not decode");
    if (!(*decoded == alert)) fail("alert JSON round trip changed the alert");
}

}  // namespace alerthub::fuzz
