#pragma once
// Hashing and signing (libsodium). Call crypto_init() once from main().

#include <string>
#include <string_view>

#include "core/result.h"

namespace alerthub {

Status crypto_init();

// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view bytes);

// A random RFC 4122 version-4 UUID, lower-case hex with dashes (LINE's X-Line-Retry-Key).
std::string random_uuid();

// Constant-time comparison for tokens and signatures.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace alerthub
