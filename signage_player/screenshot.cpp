#include "signage_player/screenshot.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace alerthub::player {

Image scale_to_width(const Image& image, int max_width) {
    if (image.width <= max_width || max_width <= 0) return image;
    Image out;
    out.width = max_width;
    out.height = std::max(
        1, static_cast<int>(static_cast<std::int64_t>(image.height) * max_width / image.width));
    out.rgb.resize(static_cast<std::size_t>(out.width) * out.height * 3);
    // Each output pixel is the mean of the source pixels it covers, so thin text strokes
    // fade instead of vanishing as they would with nearest-neighbour sampling.
    for (int y = 0; y < out.height; ++y) {
        int y0 = static_cast<int>(static_cast<std::int64_t>(y) * image.height / out.height);
        int y1 = std::max(
            y0 + 1, static_cast<int>(static_cast<std::int64_t>(y + 1) * image.height / out.height));
        for (int x = 0; x < out.width; ++x) {
            int x0 = static_cast<int>(static_cast<std::int64_t>(x) * image.width / out.width);
            int x1 = std::max(x0 + 1, static_cast<int>(static_cast<std::int64_t>(x + 1) *
                                                       image.width / out.width));
            std::uint32_t sum[3] = {0, 0, 0};
            for (int sy = y0; sy < y1; ++sy)
                for (int sx = x0; sx < x1; ++sx) {
                    auto i = (static_cast<std::size_t>(sy) * image.width + sx) * 3;
                    for (int c = 0; c < 3; ++c) sum[c] += image.rgb[i + c];
                }
            auto n = static_cast<std::uint32_t>((y1 - y0) * (x1 - x0));
            auto o = (static_cast<std::size_t>(y) * out.width + x) * 3;
            for (int c = 0; c < 3; ++c) out.rgb[o + c] = static_cast<std::uint8_t>(sum[c] / n);
        }
    }
    return out;
}

Result<std::string> png_bytes(const Image& image, const std::filesystem::path& scratch) {
    if (auto st = write_png(image, scratch.string()); !st) return st.error();
    std::ifstream in(scratch, std::ios::binary);
    if (!in)
        return make_error(ErrorCode::kInternal,
                          fmt::format("screenshot: cannot read back {}", scratch.string()));
    std::stringstream buf;
    buf << in.rdbuf();
    std::error_code ec;
    std::filesystem::remove(scratch, ec);
    return std::move(buf).str();
}

}  // namespace alerthub::player
