#pragma once
// The [signing] section: the hub's public keys every player and adapter checks the hub's
// messages against (docs/protocol.md, "Signatures"). Required: a device without keys would
// trust anyone who can publish.

#include "core/config/config.h"
#include "core/protocol/signature.h"

namespace alerthub {

// Reads [signing] public_keys: one or two "{kid}:{Base64 key}" lines (two while the hub's key
// is rotated). Problems are recorded on `config`.
SignatureVerifier read_signing_config(ConfigReader& config);

}  // namespace alerthub
