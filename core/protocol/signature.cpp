#include "core/protocol/signature.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/base/crypto.h"

namespace alerthub {
namespace {

constexpr std::string_view kSecretPrefix = "ed25519-secret:";
constexpr std::string_view kMember = "\"signature\":\"";

Result<std::string> decode_key_bytes(std::string_view b64, std::size_t size, const char* what) {
    auto bytes = base64_decode(b64);
    if (!bytes || bytes->size() != size)
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("{} must be the Base64 of {} bytes", what, size));
    return *bytes;
}

std::string_view trim_line_end(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.remove_suffix(1);
    return text;
}

Error refusal(std::string why) {
    return Error{ErrorCode::kPermissionDenied, std::move(why)};
}

}  // namespace

bool valid_key_id(std::string_view kid) {
    if (kid.empty() || kid.size() > 64) return false;
    return std::all_of(kid.begin(), kid.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

SigningKey generate_signing_key(std::string kid) {
    return {std::move(kid), ed25519_random_seed()};
}

PublicKey public_key_of(const SigningKey& key) {
    return {key.kid, ed25519_public_key(key.seed)};
}

std::string format_signing_key(const SigningKey& key) {
    return fmt::format("{}{}:{}\n", kSecretPrefix, key.kid, base64_encode(key.seed));
}

Result<SigningKey> parse_signing_key(std::string_view text) {
    text = trim_line_end(text);
    if (!text.starts_with(kSecretPrefix))
        return make_error(ErrorCode::kInvalidArgument,
                          "not a signing key file (it must hold one line "
                          "\"ed25519-secret:{kid}:{Base64 seed}\", as hubctl keys generate "
                          "writes)");
    text.remove_prefix(kSecretPrefix.size());
    auto colon = text.find(':');
    if (colon == std::string_view::npos || !valid_key_id(text.substr(0, colon)))
        return make_error(ErrorCode::kInvalidArgument,
                          "the key id must be 1-64 of A-Z a-z 0-9 . _ - followed by ':'");
    auto seed = decode_key_bytes(text.substr(colon + 1), kEd25519SeedBytes, "the seed");
    if (!seed) return seed.error();
    return SigningKey{std::string(text.substr(0, colon)), std::move(*seed)};
}

std::string format_public_key(const PublicKey& key) {
    return fmt::format("{}:{}", key.kid, base64_encode(key.key));
}

Result<PublicKey> parse_public_key(std::string_view line) {
    line = trim_line_end(line);
    if (line.starts_with(kSecretPrefix))
        return make_error(ErrorCode::kInvalidArgument,
                          "this is the hub's SECRET key: configure its public key line "
                          "(hubctl keys show) and keep the secret on the hub only");
    auto colon = line.find(':');
    if (colon == std::string_view::npos || !valid_key_id(line.substr(0, colon)))
        return make_error(ErrorCode::kInvalidArgument,
                          "a public key is \"{kid}:{Base64 key}\" with a key id of 1-64 of "
                          "A-Z a-z 0-9 . _ -");
    auto key = decode_key_bytes(line.substr(colon + 1), kEd25519PublicKeyBytes, "the key");
    if (!key) return key.error();
    return PublicKey{std::string(line.substr(0, colon)), std::move(*key)};
}

Result<std::string> sign_payload(std::string_view json_object, const SigningKey& key) {
    auto j = nlohmann::json::parse(json_object, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
        return make_error(ErrorCode::kInvalidArgument, "only a JSON object can be signed");
    try {
        j["signature"] = "";
        std::string signed_bytes = j.dump();
        j["signature"] =
            fmt::format("{}:{}", key.kid, base64_encode(ed25519_sign(key.seed, signed_bytes)));
        return j.dump();
    } catch (const nlohmann::json::exception& e) {
        // Invalid UTF-8 in a string: nothing the hub encodes has it.
        return make_error(ErrorCode::kInvalidArgument, fmt::format("json dump: {}", e.what()));
    }
}

Result<VerifiedPayload> SignatureVerifier::verify(std::string_view payload) const {
    auto j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return refusal("not a JSON object");
    auto member = j.find("signature");
    if (member == j.end() || !member->is_string() || member->get_ref<const std::string&>().empty())
        return refusal("unsigned");
    const std::string& value = member->get_ref<const std::string&>();
    auto colon = value.find(':');
    if (colon == std::string::npos || !valid_key_id(std::string_view(value).substr(0, colon)))
        return refusal("malformed signature: not {kid}:{Base64}");
    std::string kid = value.substr(0, colon);
    auto signature = base64_decode(std::string_view(value).substr(colon + 1));
    if (!signature || signature->size() != kEd25519SignatureBytes)
        return refusal("malformed signature: not the Base64 of 64 bytes");
    auto key = std::find_if(keys_.begin(), keys_.end(), [&](auto& k) { return k.kid == kid; });
    if (key == keys_.end()) return refusal(fmt::format("unknown key id '{}'", kid));

    // A valid key id and Base64 need no JSON escaping, so the member is these exact bytes.
    // It must occur once: the bytes signed are the payload with its value emptied.
    std::string needle = fmt::format("{}{}\"", kMember, value);
    auto at = payload.find(needle);
    if (at == std::string_view::npos || payload.find(needle, at + 1) != std::string_view::npos)
        return refusal("malformed signature: its member is not written once as the hub writes it");
    VerifiedPayload out;
    out.signed_bytes.reserve(payload.size());
    out.signed_bytes.append(payload.substr(0, at));
    out.signed_bytes.append(kMember).append("\"");
    out.signed_bytes.append(payload.substr(at + needle.size()));
    if (!ed25519_verify(key->key, out.signed_bytes, *signature))
        return refusal(fmt::format("bad signature (key '{}')", kid));
    out.signature = value;
    out.kid = std::move(kid);
    return out;
}

}  // namespace alerthub
