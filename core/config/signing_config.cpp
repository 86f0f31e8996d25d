#include "core/config/signing_config.h"

namespace alerthub {

SignatureVerifier read_signing_config(ConfigReader& config) {
    constexpr std::string_view kKey = "signing.public_keys";
    if (!config.has(kKey)) {
        config.error(kKey,
                     "required: the hub's public key line(s) from `hubctl keys show` (messages "
                     "the hub did not sign are refused)");
        return {};
    }
    auto lines = config.get_strings(kKey, {});
    if (lines.empty() || lines.size() > 2)
        config.error(kKey, "list one key, or two while the hub's key is being rotated");
    std::vector<PublicKey> keys;
    for (auto& line : lines) {
        auto key = parse_public_key(line);
        if (!key) {
            config.error(kKey, key.error().message);
            continue;
        }
        for (auto& other : keys)
            if (other.kid == key->kid) config.error(kKey, "key id '" + key->kid + "' twice");
        keys.push_back(std::move(*key));
    }
    return SignatureVerifier(std::move(keys));
}

}  // namespace alerthub
