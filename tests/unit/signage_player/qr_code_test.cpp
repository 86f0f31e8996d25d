#include "signage_player/qr_code.h"

#include <gtest/gtest.h>
#include <qrencode.h>

#include <memory>

namespace alerthub::player {
namespace {

// A finder pattern: a dark 7x7 ring, a light ring, a dark 3x3 centre.
bool finder_at(const QrCode& qr, int x0, int y0) {
    for (int y = 0; y < 7; ++y)
        for (int x = 0; x < 7; ++x) {
            bool ring = x == 0 || y == 0 || x == 6 || y == 6;
            bool centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;
            if (qr.at(x0 + x, y0 + y) != (ring || centre)) return false;
        }
    return true;
}

TEST(PlayerQrCode, MatchesLibqrencodeModuleForModule) {
    const std::string url =
        "https://www.city.minato.tokyo.jp/bousai/hinanjo/map.html?area=shibaura";
    auto qr = encode_qr(url);
    ASSERT_TRUE(qr.ok()) << qr.error().message;
    std::unique_ptr<QRcode, decltype(&QRcode_free)> ref(
        QRcode_encodeString(url.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
    ASSERT_TRUE(ref);
    ASSERT_EQ(qr->size, ref->width);
    EXPECT_EQ((qr->size - 17) % 4, 0);  // version v is 17 + 4v modules wide
    for (int y = 0; y < qr->size; ++y)
        for (int x = 0; x < qr->size; ++x)
            ASSERT_EQ(qr->at(x, y), (ref->data[y * ref->width + x] & 1) != 0) << x << "," << y;
    EXPECT_TRUE(finder_at(*qr, 0, 0));
    EXPECT_TRUE(finder_at(*qr, qr->size - 7, 0));
    EXPECT_TRUE(finder_at(*qr, 0, qr->size - 7));
    EXPECT_FALSE(finder_at(*qr, qr->size - 7, qr->size - 7));
}

TEST(PlayerQrCode, LongerTextNeedsALargerCode) {
    auto small = encode_qr("https://a.jp/");
    auto large = encode_qr("https://example.jp/" + std::string(200, 'x'));
    ASSERT_TRUE(small.ok());
    ASSERT_TRUE(large.ok());
    EXPECT_LT(small->size, large->size);
}

TEST(PlayerQrCode, RefusesWhatCannotBeScanned) {
    EXPECT_FALSE(encode_qr("").ok());
    EXPECT_FALSE(encode_qr(std::string(kMaxQrBytes + 1, 'a')).ok());
    EXPECT_FALSE(encode_qr(std::string("https://a.jp/\0x", 15)).ok());
    EXPECT_TRUE(encode_qr(std::string(kMaxQrBytes, 'a')).ok());
}

}  // namespace
}  // namespace alerthub::player
