#include "hub/hubctl_keys.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "core/base/clock.h"
#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "core/protocol/signature.h"
#include "hub/hubctl.h"
#include "hub/signing_key_file.h"

namespace alerthub::hub {
namespace {

constexpr const char* kDefaultKeyFile = "/etc/alerthub/signing.key";

// "--name VALUE" options, and the words that are not options.
bool parse(const std::vector<std::string>& args, std::map<std::string, std::string>& opts,
           std::vector<std::string>& words, std::ostream& err) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (!args[i].starts_with("--")) {
            words.push_back(args[i]);
            continue;
        }
        if (!opts.count(args[i]) || i + 1 >= args.size()) {
            err << "hubctl keys: unexpected '" << args[i] << "'\n";
            keys_usage(err);
            return false;
        }
        opts[args[i]] = args[i + 1];
        ++i;
    }
    return true;
}

// hub-20261205-3f2a: the day it was made, and a little randomness so two made on one day
// differ.
std::string default_kid(WallTime now) {
    auto day = format_rfc3339_jst(now).substr(0, 10);
    day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
    return fmt::format("hub-{}-{}", day, random_token_hex(2));
}

int generate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::map<std::string, std::string> opts{{"--out", ""}, {"--kid", ""}};
    std::vector<std::string> words;
    if (!parse(args, opts, words, err) || !words.empty() || opts["--out"].empty()) {
        if (opts["--out"].empty()) err << "hubctl keys generate: --out DIR is required\n";
        return kHubctlUsage;
    }
    std::string kid = opts["--kid"].empty() ? default_kid(SystemClock().now()) : opts["--kid"];
    if (!valid_key_id(kid)) {
        err << "hubctl keys generate: the key id must be 1-64 of A-Z a-z 0-9 . _ -\n";
        return kHubctlUsage;
    }
    std::filesystem::path dir = opts["--out"];
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    auto key = generate_signing_key(kid);
    auto secret_path = dir / (kid + ".key");
    auto public_path = dir / (kid + ".pub");
    if (auto s = write_signing_key_file(secret_path, key); !s) {
        err << "hubctl keys generate: " << s.error().message << "\n";
        return kHubctlRejected;
    }
    auto line = format_public_key(public_key_of(key));
    std::ofstream pub(public_path);
    pub << line << "\n";
    if (!pub.flush()) {
        err << "hubctl keys generate: " << public_path.string() << ": cannot write\n";
        return kHubctlRejected;
    }
    out << "secret key (hub only, mode 0600): " << secret_path.string() << "\n"
        << "public key (" << public_path.string() << "), for [signing] public_keys of every "
        << "player and adapter:\n"
        << line << "\n";
    return kHubctlOk;
}

int show(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::map<std::string, std::string> opts{{"--key-file", kDefaultKeyFile}};
    std::vector<std::string> words;
    if (!parse(args, opts, words, err) || !words.empty()) return kHubctlUsage;
    auto key = read_signing_key_file(opts["--key-file"]);
    if (!key) {
        err << "hubctl keys show: " << key.error().message << "\n";
        return kHubctlRejected;
    }
    out << format_public_key(public_key_of(*key)) << "\n";
    return kHubctlOk;
}

// For what the hub does not publish itself yet (ordinary-content playlists): the file's
// JSON object as the hub would publish it.
int sign(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::map<std::string, std::string> opts{{"--key-file", kDefaultKeyFile}};
    std::vector<std::string> words;
    if (!parse(args, opts, words, err) || words.size() != 1) {
        err << "hubctl keys sign: name one JSON file\n";
        return kHubctlUsage;
    }
    auto key = read_signing_key_file(opts["--key-file"]);
    if (!key) {
        err << "hubctl keys sign: " << key.error().message << "\n";
        return kHubctlRejected;
    }
    std::ifstream in(words[0], std::ios::binary);
    if (!in) {
        err << "hubctl keys sign: " << words[0] << ": cannot read\n";
        return kHubctlRejected;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto signed_payload = sign_payload(text.str(), *key);
    if (!signed_payload) {
        err << "hubctl keys sign: " << words[0] << ": " << signed_payload.error().message << "\n";
        return kHubctlRejected;
    }
    out << *signed_payload << "\n";
    return kHubctlOk;
}

}  // namespace

void keys_usage(std::ostream& os) {
    os << "       hubctl keys generate --out DIR [--kid KID]\n"
          "         a new Ed25519 key pair: DIR/KID.key (the hub's secret, mode 0600, for\n"
          "         [signing] key_file) and DIR/KID.pub (the public key line for [signing]\n"
          "         public_keys of every player and adapter); KID defaults to\n"
          "         hub-YYYYMMDD-xxxx. Never overwrites a file\n"
          "       hubctl keys show [--key-file PATH]\n"
          "         the public key line of the hub's key (default /etc/alerthub/signing.key)\n"
          "       hubctl keys sign [--key-file PATH] FILE\n"
          "         FILE's JSON object as the hub would publish it, signed (for content\n"
          "         playlists published by hand with mosquitto_pub -r -s)\n";
}

int run_keys_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::vector<std::string> rest(args.begin() + (args.empty() ? 0 : 1), args.end());
    if (!args.empty() && args[0] == "generate") return generate(rest, out, err);
    if (!args.empty() && args[0] == "show") return show(rest, out, err);
    if (!args.empty() && args[0] == "sign") return sign(rest, out, err);
    err << "hubctl keys: generate, show or sign\n";
    keys_usage(err);
    return kHubctlUsage;
}

}  // namespace alerthub::hub
