#include "core/protocol/signature.h"

#include <gtest/gtest.h>

#include "core/base/crypto.h"
#include "core/protocol/alert.h"
#include "core/protocol/messages.h"
#include "tests/support/test_signing.h"

namespace alerthub {
namespace {

using testing::hub_signed;
using testing::test_signing_key;
using testing::test_verifier;

std::string job_json() {
    DeliveryJob job;
    job.alert.id = "cap-1";
    job.alert.version = 2;
    job.channel = "line";
    job.job_id = make_job_id("cap-1", 2, "line");
    job.idempotency_key = job.job_id;
    return encode_job(job);
}

TEST(Ed25519, SignsAndVerifiesRawBytes) {
    auto seed = ed25519_random_seed();
    auto pub = ed25519_public_key(seed);
    auto sig = ed25519_sign(seed, "message");
    EXPECT_EQ(sig.size(), kEd25519SignatureBytes);
    EXPECT_TRUE(ed25519_verify(pub, "message", sig));
    EXPECT_FALSE(ed25519_verify(pub, "messagE", sig));
    EXPECT_FALSE(ed25519_verify(pub, "message", sig.substr(1)));
    EXPECT_EQ(ed25519_sign(seed, "message"), sig);  // deterministic: redelivery is identical
}

TEST(Base64, RoundTripsAndRefusesWhatIsNotStandardBase64) {
    EXPECT_EQ(base64_encode("\x01\x02\xff"), "AQL/");
    EXPECT_EQ(base64_decode("AQL/"), std::string("\x01\x02\xff"));
    EXPECT_EQ(base64_decode(""), std::string());
    EXPECT_FALSE(base64_decode("AQL_"));   // URL-safe alphabet
    EXPECT_FALSE(base64_decode("AQL"));    // no padding
    EXPECT_FALSE(base64_decode("AQL/ "));  // trailing bytes
    EXPECT_FALSE(base64_decode("A*=="));
}

TEST(KeyFiles, SecretAndPublicLinesRoundTrip) {
    auto key = generate_signing_key("hub-2026-12");
    auto secret = parse_signing_key(format_signing_key(key));
    ASSERT_TRUE(secret) << secret.error().message;
    EXPECT_EQ(secret->kid, "hub-2026-12");
    EXPECT_EQ(secret->seed, key.seed);
    auto line = format_public_key(public_key_of(key));
    EXPECT_TRUE(line.starts_with("hub-2026-12:"));
    auto pub = parse_public_key(line);
    ASSERT_TRUE(pub) << pub.error().message;
    EXPECT_EQ(pub->key, public_key_of(key).key);
}

TEST(KeyFiles, RefusesBadLinesWithAReason) {
    EXPECT_FALSE(parse_public_key("no-colon"));
    EXPECT_FALSE(parse_public_key("bad kid:AAAA"));
    EXPECT_FALSE(parse_public_key("k:AAAA"));  // not 32 bytes
    auto secret = format_signing_key(generate_signing_key("k"));
    auto pasted = parse_public_key(secret);
    ASSERT_FALSE(pasted);
    EXPECT_NE(pasted.error().message.find("SECRET"), std::string::npos);
    EXPECT_FALSE(parse_signing_key("k:" + base64_encode(std::string(32, 'x'))));
    EXPECT_FALSE(parse_signing_key("ed25519-secret:k:" + base64_encode(std::string(31, 'x'))));
}

TEST(Signature, VerifiesAndGivesBackTheSignedBytes) {
    auto payload = hub_signed(job_json());
    auto verified = test_verifier().verify(payload);
    ASSERT_TRUE(verified) << verified.error().message;
    EXPECT_EQ(verified->kid, "test-key");
    EXPECT_TRUE(verified->signature.starts_with("test-key:"));
    // The signed bytes are the payload with the member's value emptied, and decode.
    EXPECT_NE(verified->signed_bytes.find("\"signature\":\"\""), std::string::npos);
    EXPECT_EQ(verified->signed_bytes.size(), payload.size() - verified->signature.size());
    auto job = decode_job(verified->signed_bytes);
    ASSERT_TRUE(job) << job.error().message;
    EXPECT_EQ(job->alert.version, 2);
}

TEST(Signature, AnAlertCarriesItInItsOwnSignatureField) {
    Alert alert;
    alert.id = "cap-1";
    alert.version = 3;
    auto payload = hub_signed(encode_alert(alert));
    auto verified = test_verifier().verify(payload);
    ASSERT_TRUE(verified) << verified.error().message;
    auto decoded = decode_alert(payload);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->signature, verified->signature);
    // The hub signs the alert's canonical bytes: signed bytes == encode_alert with "".
    EXPECT_EQ(verified->signed_bytes, encode_alert(alert));
    // encode(decode(x)) == x holds for the signed payload too, so a stored alert verifies.
    EXPECT_EQ(encode_alert(*decoded), payload);
}

TEST(Signature, RefusesEveryTamperedByte) {
    auto payload = hub_signed(job_json());
    auto sig_at = payload.find("\"signature\":\"");
    for (std::size_t i = 0; i < payload.size(); i += 7) {
        if (i >= sig_at && i < sig_at + 80) continue;  // the member itself: other tests
        std::string tampered = payload;
        tampered[i] = tampered[i] == '1' ? '2' : '1';
        EXPECT_FALSE(test_verifier().verify(tampered)) << "byte " << i << ": " << tampered;
    }
}

TEST(Signature, RefusesUnsignedForgedAndUnknownKeys) {
    auto verifier = test_verifier();
    auto reason = [&](std::string_view payload) {
        auto v = verifier.verify(payload);
        return v ? std::string("accepted") : v.error().message;
    };
    EXPECT_EQ(reason(job_json()), "unsigned");
    EXPECT_EQ(reason("not json"), "not a JSON object");
    EXPECT_EQ(reason("[1]"), "not a JSON object");

    auto rogue = generate_signing_key("test-key");  // the right name, another key
    auto forged = sign_payload(job_json(), rogue);
    ASSERT_TRUE(forged);
    EXPECT_EQ(reason(*forged), "bad signature (key 'test-key')");

    auto other = sign_payload(job_json(), generate_signing_key("other"));
    EXPECT_EQ(reason(*other), "unknown key id 'other'");

    auto good = hub_signed(job_json());
    auto bad_b64 = good;
    bad_b64.replace(bad_b64.find("test-key:") + 9, 4, "!!!!");
    EXPECT_EQ(reason(bad_b64), "malformed signature: not the Base64 of 64 bytes");
    auto no_kid = good;
    no_kid.replace(no_kid.find("test-key:"), 9, "");
    EXPECT_EQ(reason(no_kid), "malformed signature: not {kid}:{Base64}");
}

TEST(Signature, RefusesASignatureWrittenTwiceOrWithEscapes) {
    auto good = hub_signed(job_json());
    auto value_at = good.find("test-key:");
    auto value = good.substr(value_at, good.find('"', value_at) - value_at);
    // The same member once more inside the alert: which one was signed would be ambiguous.
    auto twice = good;
    twice.replace(twice.find("\"signature\":\"\""), 14, "\"signature\":\"" + value + "\"");
    EXPECT_FALSE(test_verifier().verify(twice));
    // Escaped the same value parses the same but is not the bytes the hub wrote.
    auto escaped = good;
    escaped.replace(value_at, 1, "\\u0074");
    EXPECT_FALSE(test_verifier().verify(escaped));
}

TEST(Signature, TwoKeysAtOnceForRotation) {
    auto next = generate_signing_key("next");
    SignatureVerifier both({public_key_of(test_signing_key()), public_key_of(next)});
    EXPECT_TRUE(both.verify(hub_signed(job_json())));
    auto by_next = sign_payload(job_json(), next);
    ASSERT_TRUE(by_next);
    EXPECT_TRUE(both.verify(*by_next));
    EXPECT_FALSE(test_verifier().verify(*by_next));
}

TEST(Signature, OnlyObjectsCanBeSigned) {
    EXPECT_FALSE(sign_payload("[]", test_signing_key()));
    EXPECT_FALSE(sign_payload("", test_signing_key()));
}

}  // namespace
}  // namespace alerthub
