#include "hub/console/secrets.h"

#include <fmt/format.h>
#include <sodium.h>

#include "core/base/utf8.h"

namespace alerthub::hub::console {

Result<std::string> hash_password(std::string_view password) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return make_error(ErrorCode::kResourceExhausted,
                          "crypto_pwhash_str: out of memory while hashing the password");
    return std::string(out);
}

bool verify_password(std::string_view password, const std::string& hash) {
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void verify_password_dummy(std::string_view password) {
    // A hash of a random password, made once: verifying against it costs what a real
    // verification costs and never succeeds.
    static const std::string dummy = [] {
        auto h = hash_password(random_token_hex(16));
        return h ? *h : std::string();
    }();
    (void)verify_password(password, dummy);
}

Status check_password_rules(std::string_view password) {
    if (password.size() < kMinPasswordLength)
        return make_error(
            ErrorCode::kInvalidArgument,
            fmt::format("a password needs at least {} characters", kMinPasswordLength));
    if (password.size() > kMaxPasswordLength)
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("a password has at most {} characters", kMaxPasswordLength));
    if (!validate_utf8(password).ok())
        return make_error(ErrorCode::kInvalidArgument, "a password must be UTF-8 text");
    return {};
}

}  // namespace alerthub::hub::console
