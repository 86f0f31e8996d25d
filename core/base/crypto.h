#pragma once
// Hashing and signing (libsodium). Call crypto_init() once from main().

#include <cstddef>
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

}  // namespace alerthub
