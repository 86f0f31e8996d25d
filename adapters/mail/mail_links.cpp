#include "adapters/mail/mail_links.h"

#include <fmt/format.h>

#include <charconv>

#include "core/base/crypto.h"

namespace alerthub::mail {
namespace {

constexpr std::size_t kSignatureHex = 32;  // 128 bits

}  // namespace

std::string MailLinks::subscriber_token(std::int64_t id) const {
    auto mac = hmac_sha256_hex(secret_, fmt::format("subscriber:{}", id));
    return fmt::format("{}.{}", id, mac.substr(0, kSignatureHex));
}

std::optional<std::int64_t> MailLinks::verify(std::string_view token) const {
    auto dot = token.find('.');
    if (dot == std::string_view::npos || dot == 0 || secret_.empty()) return std::nullopt;
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(token.data(), token.data() + dot, id);
    if (ec != std::errc() || end != token.data() + dot || id <= 0) return std::nullopt;
    if (!constant_time_equal(subscriber_token(id), token)) return std::nullopt;
    return id;
}

std::string MailLinks::unsubscribe_url(std::int64_t id) const {
    return fmt::format("{}/mail/unsubscribe?t={}", public_url_, subscriber_token(id));
}

std::string MailLinks::preferences_url(std::int64_t id) const {
    return fmt::format("{}/mail/preferences?t={}", public_url_, subscriber_token(id));
}

std::string MailLinks::confirm_url(std::string_view token) const {
    return fmt::format("{}/mail/confirm?t={}", public_url_, token);
}

}  // namespace alerthub::mail
