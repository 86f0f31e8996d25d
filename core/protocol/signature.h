#pragma once
// The hub's signature on what it publishes (docs/protocol.md, "Signatures"): Ed25519 over the
// exact bytes of a JSON payload whose top-level "signature" member is "", published with that
// member set to "{kid}:{Base64 of the 64-byte signature}". A verifier finds that one member
// in the bytes it received, puts "" back, and checks the signature over the result: the
// bytes the hub signed, never a re-serialisation. Consumers decode those signed bytes.

#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace alerthub {

// [A-Za-z0-9._-]{1,64}: names a key in signatures, configs and file names.
bool valid_key_id(std::string_view kid);

// The hub's secret: a key id and a 32-byte Ed25519 seed.
struct SigningKey {
    std::string kid;
    std::string seed;
};

// What devices and adapters are configured with: a key id and a 32-byte Ed25519 public key.
struct PublicKey {
    std::string kid;
    std::string key;
};

// A new random key pair under `kid`.
SigningKey generate_signing_key(std::string kid);
PublicKey public_key_of(const SigningKey& key);

// The secret key file: one line "ed25519-secret:{kid}:{Base64 seed}". The prefix keeps it
// from being mistaken for (or pasted as) a public key line.
std::string format_signing_key(const SigningKey& key);
Result<SigningKey> parse_signing_key(std::string_view text);

// A public key line, as configs take it: "{kid}:{Base64 public key}".
std::string format_public_key(const PublicKey& key);
Result<PublicKey> parse_public_key(std::string_view line);

// `json_object` (a JSON object) as the hub publishes it: its top-level "signature" set to ""
// and serialised compactly with sorted keys (the bytes signed), then set to the signature.
Result<std::string> sign_payload(std::string_view json_object, const SigningKey& key);

// What verify() found in a payload that carries a good signature.
struct VerifiedPayload {
    std::string signed_bytes;  // exactly what the hub signed: decode these, nothing else
    std::string signature;     // the member's value, "{kid}:{Base64}"
    std::string kid;
};

// Checks payloads against one or two configured public keys (two while keys rotate).
class SignatureVerifier {
public:
    SignatureVerifier() = default;
    explicit SignatureVerifier(std::vector<PublicKey> keys) : keys_(std::move(keys)) {}

    // The signed bytes of `payload`, or why it is refused: not a JSON object, unsigned (no
    // or an empty "signature"), a malformed signature, a key id not configured, or a
    // signature that does not match.
    Result<VerifiedPayload> verify(std::string_view payload) const;

    const std::vector<PublicKey>& keys() const { return keys_; }

private:
    std::vector<PublicKey> keys_;
};

}  // namespace alerthub
