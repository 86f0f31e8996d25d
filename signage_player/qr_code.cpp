#include "signage_player/qr_code.h"

#include <qrencode.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include <fmt/format.h>

namespace alerthub::player {

Result<QrCode> encode_qr(std::string_view text) {
    if (text.empty()) return make_error(ErrorCode::kInvalidArgument, "QR: empty text");
    if (text.size() > kMaxQrBytes)
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("QR: {} bytes is more than {}", text.size(), kMaxQrBytes));
    if (text.find('\0') != std::string_view::npos)
        return make_error(ErrorCode::kInvalidArgument, "QR: text contains NUL");
    std::string data(text);
    // Case-sensitive, with 8-bit as the fallback mode (kanji mode would want Shift_JIS);
    // libqrencode still packs digit runs in numeric mode, which keeps the code small.
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString(data.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
    if (!code)
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("QRcode_encodeString: {}", std::strerror(errno)));
    QrCode out;
    out.size = code->width;
    out.dark.resize(static_cast<std::size_t>(out.size) * static_cast<std::size_t>(out.size));
    // Bit 0 of each byte is the module's colour; the other bits describe its role.
    for (std::size_t i = 0; i < out.dark.size(); ++i) out.dark[i] = (code->data[i] & 1) != 0;
    return out;
}

}  // namespace alerthub::player
