// libFuzzer target: hub::parse_cap on arbitrary bytes (seeded with the CAP fixture corpus).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hub/sources/cap/cap_parser.h"
#include "tests/fuzz/fuzz_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    if (auto doc = alerthub::hub::parse_cap(bytes, 1 << 20)) {
        alerthub::fuzz::check_alert(doc->alert);
    } else if (doc.error().message.empty()) {
        alerthub::fuzz::fail("refusal without a reason");
    }
    return 0;
}
