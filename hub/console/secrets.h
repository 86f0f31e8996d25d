#pragma once
// Password hashes and session secrets for the staff console (libsodium; call crypto_init()
// first). Plain passwords and tokens live only in memory for one request: the database
// holds Argon2id hashes of passwords and SHA-256 hashes of session tokens.

#include <string>
#include <string_view>

#include "core/base/crypto.h"  // random_token_hex for session tokens
#include "core/base/result.h"

namespace alerthub::hub::console {

inline constexpr std::size_t kMinPasswordLength = 12;
inline constexpr std::size_t kMaxPasswordLength = 256;

// crypto_pwhash_str (Argon2id, libsodium's interactive limits): a self-describing string
// with its own salt and parameters.
Result<std::string> hash_password(std::string_view password);

// crypto_pwhash_str_verify; false for a wrong password or a malformed hash.
bool verify_password(std::string_view password, const std::string& hash);

// Spends the same time as verify_password on a password with no user behind it, so that
// the answer time does not tell whether a user name exists.
void verify_password_dummy(std::string_view password);

// Why a new password is refused, or ok.
Status check_password_rules(std::string_view password);

}  // namespace alerthub::hub::console
