#include "hub/sources/source_reader.h"

#include "hub/sources/cap/cap_parser.h"
#include "hub/sources/jma/jmx_parser.h"
#include "hub/sources/lalert/lalert_parser.h"
#include "hub/sources/source_text.h"

namespace alerthub::hub {

SourceFormat detect_format(std::string_view raw) {
    if (looks_like_lalert(raw)) return SourceFormat::kLAlert;
    if (looks_like_jmx(raw)) return SourceFormat::kJma;
    return SourceFormat::kCap;
}

Result<SourceDocument> read_source_document(std::string_view raw, std::size_t max_bytes) {
    return read_source_document(raw, max_bytes, detect_format(raw));
}

Result<SourceDocument> read_source_document(std::string_view raw, std::size_t max_bytes,
                                            SourceFormat format) {
    auto text = SourceText::check(raw, max_bytes, format);
    if (!text) return text.error();
    switch (format) {
        case SourceFormat::kJma:
            return parse_jmx(*text);
        case SourceFormat::kLAlert:
            return parse_lalert(*text);
        case SourceFormat::kCap:
            break;
    }
    return parse_cap(*text);
}

}  // namespace alerthub::hub
