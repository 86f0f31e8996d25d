#pragma once
// Hashing and signing (libsodium). Call crypto_init() once from main().

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.h"

namespace alerthub {

Status crypto_init();

// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view bytes);

// A random RFC 4122 version-4 UUID, lower-case hex with dashes (LINE's X-Line-Retry-Key).
std::string random_uuid();

// `bytes` random bytes as lower-case hex: unguessable tokens (links in mails).
std::string random_token_hex(std::size_t bytes = 32);

// Lower-case hex HMAC-SHA-256 of `message` under `key` (signed links).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// Constant-time comparison for tokens and signatures.
bool constant_time_equal(std::string_view a, std::string_view b);

// A UUID (version 8: name-based, RFC 9562) from SHA-256 of `name`: the same name always
// gives the same UUID (LINE's X-Line-Retry-Key of one batch of one job).
std::string derived_uuid(std::string_view name);

// True when `signature_base64` is Base64(HMAC-SHA256(key, message)) (LINE's
// X-Line-Signature), compared in constant time. Malformed Base64 is false.
bool hmac_sha256_base64_matches(std::string_view key, std::string_view message,
                                std::string_view signature_base64);
// Base64(HMAC-SHA256(key, message)): what a LINE webhook sender puts in X-Line-Signature.
std::string hmac_sha256_base64(std::string_view key, std::string_view message);

// Standard Base64 (RFC 4648, with padding) of raw bytes, and back; nullopt when `text` is not
// exactly that (other alphabets, missing padding, whitespace, trailing bytes).
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

// Ed25519 (RFC 8032), the hub's signature on what it publishes. Keys and signatures are
// raw bytes: a 32-byte seed (the secret), a 32-byte public key, 64-byte signatures.
inline constexpr std::size_t kEd25519SeedBytes = 32;
inline constexpr std::size_t kEd25519PublicKeyBytes = 32;
inline constexpr std::size_t kEd25519SignatureBytes = 64;

// A fresh random seed.
std::string ed25519_random_seed();
// The public key of `seed` (which must be kEd25519SeedBytes long).
std::string ed25519_public_key(std::string_view seed);
// The signature of `message` by `seed` (deterministic: the same bytes sign the same way).
std::string ed25519_sign(std::string_view seed, std::string_view message);
// True when `signature` is `public_key`'s over `message`; false for wrong lengths too.
bool ed25519_verify(std::string_view public_key, std::string_view message,
                    std::string_view signature);

}  // namespace alerthub
