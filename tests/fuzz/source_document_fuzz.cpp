// libFuzzer target: the one entry from raw bytes to a source document (hub/sources/
// source_reader.h), seeded with the CAP, JMA and L-Alert corpora. Each input goes the way a
// door would send it (the format its root names), then through the other two parsers as
// well, so that each parser (L-Alert's too) also meets bytes that were not meant for it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hub/sources/source_reader.h"
#include "tests/fuzz/fuzz_invariants.h"

namespace {

void check(const alerthub::Result<alerthub::hub::SourceDocument>& doc,
           alerthub::hub::SourceFormat format) {
    if (!doc) {
        if (doc.error().message.empty()) alerthub::fuzz::fail("refusal without a reason");
        return;
    }
    if (doc->format != format) alerthub::fuzz::fail("a parser reported another format");
    if (doc->identity.empty()) alerthub::fuzz::fail("accepted document without an identity");
    alerthub::fuzz::check_alert(doc->alert);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using alerthub::hub::SourceFormat;
    constexpr std::size_t kMaxBytes = 1 << 20;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const SourceFormat detected = alerthub::hub::detect_format(bytes);
    check(alerthub::hub::read_source_document(bytes, kMaxBytes), detected);
    for (auto format : std::array{SourceFormat::kCap, SourceFormat::kJma, SourceFormat::kLAlert})
        if (format != detected)
            check(alerthub::hub::read_source_document(bytes, kMaxBytes, format), format);
    return 0;
}
