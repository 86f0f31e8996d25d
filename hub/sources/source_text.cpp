#include "hub/sources/source_text.h"

#include <fmt/format.h>

#include "hub/sources/text_encoding.h"
#include "hub/sources/xml_reading.h"

namespace alerthub::hub {

Result<SourceText> SourceText::check(std::string_view raw, std::size_t max_bytes,
                                     SourceFormat format) {
    if (auto s = check_document_size(raw, max_bytes); !s) return s.error();
    if (format == SourceFormat::kCap) {
        // CAP travels through many hands: a declared ISO-8859-1 or US-ASCII is honoured.
        auto utf8 = to_utf8_document(raw);
        if (!utf8) return utf8.error();
        return SourceText(raw, std::move(*utf8), max_bytes);
    }
    if (auto enc = declared_xml_encoding(raw); enc && *enc != "utf-8")
        return make_error(
            ErrorCode::kInvalidArgument,
            fmt::format("{} are UTF-8; this one declares '{}'",
                        format == SourceFormat::kJma ? "JMA telegrams" : "L-Alert documents",
                        *enc));
    if (auto s = validate_utf8(raw); !s) return s.error();
    return SourceText(raw, std::nullopt, max_bytes);
}

}  // namespace alerthub::hub
