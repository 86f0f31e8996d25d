#pragma once
// The hub's signing key file ([signing] key_file, `hubctl keys`): read only when no one but
// its owner can read it, written so that no one else ever can.

#include <filesystem>

#include "core/base/result.h"
#include "core/protocol/signature.h"

namespace alerthub::hub {

// The key in `path`; refused when the file is readable or writable by group or others
// (0600 or 0400 as systemd's LoadCredential= gives it), or is not a key file.
Result<SigningKey> read_signing_key_file(const std::filesystem::path& path);

// Writes `key` to `path` with mode 0600; never overwrites an existing file.
Status write_signing_key_file(const std::filesystem::path& path, const SigningKey& key);

}  // namespace alerthub::hub
