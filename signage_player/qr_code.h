#pragma once
// QR codes for the alert's link (libqrencode behind a plain data type).

#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace alerthub::player {

// The module matrix of a QR code, without its quiet zone: size x size, row by row.
struct QrCode {
    int size = 0;
    std::vector<bool> dark;

    bool empty() const { return size == 0; }
    bool at(int x, int y) const {
        return dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(size) +
                    static_cast<std::size_t>(x)];
    }
    bool operator==(const QrCode&) const = default;
};

// Readers need a margin of this many light modules around the code (ISO/IEC 18004).
inline constexpr int kQrQuietZone = 4;
// Longer texts make codes too dense to scan from across a hall; such a link is only printed.
inline constexpr std::size_t kMaxQrBytes = 300;

// Encodes `text` as 8-bit data with error correction level M (15 % of the code may be
// dirty or covered), in the smallest version that holds it (QRcode_encodeString).
Result<QrCode> encode_qr(std::string_view text);

}  // namespace alerthub::player
