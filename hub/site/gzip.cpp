#include "hub/site/gzip.h"

#include <fmt/format.h>
#include <zlib.h>

namespace alerthub::hub::site {

Result<std::string> gzip_bytes(std::string_view bytes) {
    z_stream z{};
    // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
    if (int rc = deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY); rc != Z_OK)
        return make_error(ErrorCode::kInternal, fmt::format("deflateInit2: {}", rc));
    std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = static_cast<uInt>(bytes.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    const auto written = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) return make_error(ErrorCode::kInternal, fmt::format("deflate: {}", rc));
    out.resize(written);
    return out;
}

}  // namespace alerthub::hub::site
