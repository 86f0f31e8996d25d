#pragma once
// The raw bytes of a source document after the byte-level checks every format shares: size,
// declared encoding and UTF-8 (hub/sources/source_reader.h runs them once, at the one
// entry). The parsers take a SourceText, so bytes that were not checked cannot reach them.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "hub/sources/source_document.h"

namespace alerthub::hub {

class SourceText {
public:
    // Refuses a document over `max_bytes` (kResourceExhausted) or empty, then applies the
    // encoding rule of `format`: CAP may declare ISO-8859-1 or US-ASCII (converted to UTF-8)
    // and may start with a byte order mark; JMA telegrams and L-Alert documents must be
    // UTF-8. Invalid UTF-8 is refused with its byte offset. `raw` must outlive the result.
    static Result<SourceText> check(std::string_view raw, std::size_t max_bytes,
                                    SourceFormat format);

    // The bytes as received (what source.sha256 is over).
    std::string_view raw() const { return raw_; }
    // Valid UTF-8: the bytes themselves, or their conversion.
    std::string_view text() const { return utf8_ ? std::string_view(*utf8_) : raw_; }
    // The limit it was checked against (an L-Alert relay checks its telegram with it).
    std::size_t max_bytes() const { return max_bytes_; }

private:
    SourceText(std::string_view raw, std::optional<std::string> utf8, std::size_t max_bytes)
        : raw_(raw), utf8_(std::move(utf8)), max_bytes_(max_bytes) {}

    std::string_view raw_;
    std::optional<std::string> utf8_;
    std::size_t max_bytes_;
};

}  // namespace alerthub::hub
