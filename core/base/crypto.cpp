#include "core/base/crypto.h"

#include <fmt/format.h>
#include <sodium.h>

#include "core/base/check.h"

namespace alerthub {

Status crypto_init() {
    if (sodium_init() < 0) return make_error(ErrorCode::kInternal, "sodium_init failed");
    return {};
}

std::string sha256_hex(std::string_view bytes) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

namespace {

std::string format_uuid(unsigned char* b, unsigned version) {
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | (version << 4));
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    return fmt::format(
        "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-"
        "{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
        b[14], b[15]);
}

// crypto_auth_hmacsha256 keys are 32 bytes; HMAC hashes a longer key and zero-pads a shorter
// one, which the init/update/final form does for any length.
void hmac_sha256(std::string_view key, std::string_view message,
                 unsigned char (&out)[crypto_auth_hmacsha256_BYTES]) {
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                                key.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size());
    crypto_auth_hmacsha256_final(&state, out);
}

}  // namespace

std::string random_uuid() {
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    return format_uuid(b, 4);
}

std::string derived_uuid(std::string_view name) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(name.data()), name.size());
    return format_uuid(digest, 8);
}

bool hmac_sha256_base64_matches(std::string_view key, std::string_view message,
                                std::string_view signature_base64) {
    unsigned char given[crypto_auth_hmacsha256_BYTES];
    std::size_t given_length = 0;
    if (sodium_base642bin(given, sizeof given, signature_base64.data(), signature_base64.size(),
                          nullptr, &given_length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        given_length != sizeof given)
        return false;
    unsigned char expected[crypto_auth_hmacsha256_BYTES];
    hmac_sha256(key, message, expected);
    return sodium_memcmp(given, expected, sizeof given) == 0;
}

std::string hmac_sha256_base64(std::string_view key, std::string_view message) {
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    hmac_sha256(key, message, mac);
    char out[sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES,
                                       sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(out, sizeof out, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    return out;
}

std::string random_token_hex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    randombytes_buf(raw.data(), raw.size());
    std::string hex(bytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                   raw.size());
    hex.pop_back();
    sodium_memzero(raw.data(), raw.size());  // the token lives on only in `hex`
    return hex;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    // HMAC takes keys of any length; libsodium's _init form accepts them as they are.
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                                key.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size());
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_final(&state, mac);
    char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
    return hex;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64_encode(std::string_view bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();  // the terminating NUL
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    std::string out(text.size() / 4 * 3 + 3, '\0');
    std::size_t length = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                          text.size(), nullptr, &length, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != text.data() + text.size())
        return std::nullopt;
    out.resize(length);
    return out;
}

std::string ed25519_random_seed() {
    std::string seed(kEd25519SeedBytes, '\0');
    randombytes_buf(seed.data(), seed.size());
    return seed;
}

namespace {

// The 64-byte secret key libsodium signs with (seed and public key), from the seed.
std::string expand_seed(std::string_view seed,
                        unsigned char (&public_key)[crypto_sign_PUBLICKEYBYTES]) {
    static_assert(crypto_sign_SEEDBYTES == kEd25519SeedBytes);
    CHECK(seed.size() == kEd25519SeedBytes, "an Ed25519 seed is 32 bytes");
    std::string secret(crypto_sign_SECRETKEYBYTES, '\0');
    crypto_sign_seed_keypair(public_key, reinterpret_cast<unsigned char*>(secret.data()),
                             reinterpret_cast<const unsigned char*>(seed.data()));
    return secret;
}

}  // namespace

std::string ed25519_public_key(std::string_view seed) {
    unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
    auto secret = expand_seed(seed, public_key);
    sodium_memzero(secret.data(), secret.size());
    return std::string(reinterpret_cast<const char*>(public_key), sizeof public_key);
}

std::string ed25519_sign(std::string_view seed, std::string_view message) {
    static_assert(crypto_sign_BYTES == kEd25519SignatureBytes);
    unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
    auto secret = expand_seed(seed, public_key);
    std::string signature(crypto_sign_BYTES, '\0');
    crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                         reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                         reinterpret_cast<const unsigned char*>(secret.data()));
    sodium_memzero(secret.data(), secret.size());
    return signature;
}

bool ed25519_verify(std::string_view public_key, std::string_view message,
                    std::string_view signature) {
    static_assert(crypto_sign_PUBLICKEYBYTES == kEd25519PublicKeyBytes);
    if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES)
        return false;
    return crypto_sign_verify_detached(
               reinterpret_cast<const unsigned char*>(signature.data()),
               reinterpret_cast<const unsigned char*>(message.data()), message.size(),
               reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

}  // namespace alerthub
