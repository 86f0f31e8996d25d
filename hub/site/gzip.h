#pragma once
// gzip (RFC 1952) of a page, written beside it as <file>.gz: nginx's gzip_static sends it to
// every reader who accepts gzip without compressing anything per request.

#include <string>
#include <string_view>

#include "core/base/result.h"

namespace alerthub::hub::site {

// Level 6: within a few per cent of 9 for these pages, at a fraction of its time (every
// render writes them).
Result<std::string> gzip_bytes(std::string_view bytes);

}  // namespace alerthub::hub::site
