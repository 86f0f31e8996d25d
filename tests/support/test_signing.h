#pragma once
// The hub's signature in tests: one fixed key pair, made from a fixed seed here, for tests
// only (no device is ever configured with it). Tests that speak for the hub sign with it;
// players and adapters under test verify against its public key.

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/protocol/signature.h"

namespace alerthub::testing {

inline const SigningKey& test_signing_key() {
    static const SigningKey key{"test-key", std::string(32, '\x5a')};
    return key;
}

// "{kid}:{Base64}", as [signing] public_keys takes it.
inline std::string test_public_key_line() {
    return format_public_key(public_key_of(test_signing_key()));
}

inline SignatureVerifier test_verifier() {
    return SignatureVerifier({public_key_of(test_signing_key())});
}

// The test key as the hub's [signing] key_file (mode 0600, as the hub requires).
inline void write_test_key_file(const std::filesystem::path& path) {
    std::ofstream(path) << format_signing_key(test_signing_key());
    ::chmod(path.c_str(), 0600);
}

// `json_object` as the hub would publish it. An empty payload (a cleared retained topic)
// stays empty: it cannot carry a signature.
inline std::string hub_signed(std::string_view json_object) {
    if (json_object.empty()) return {};
    auto signed_payload = sign_payload(json_object, test_signing_key());
    return signed_payload ? *signed_payload
                          : std::string("unsignable: ") + std::string(json_object);
}

}  // namespace alerthub::testing
