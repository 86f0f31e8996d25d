#include "hub/hubctl.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hub/cap_parser.h"
#include "hub/hub_config.h"
#include "hub/ingest_pipeline.h"

namespace alerthub::hub {
namespace {

void usage(std::ostream& os) {
    os << "usage: hubctl normalize [--max-bytes N] FILE...\n"
          "         print each CAP file's or JMA telegram's canonical alert (JSON, version 1;\n"
          "         a CAP id is derived from the file's own sender and identifier, as for the\n"
          "         first message of a chain, a JMA id from EventID and information type) on\n"
          "         its own line; rejected files are reported on stderr as\n"
          "         'FILE: rejected: REASON'\n"
          "       hubctl --version | --help\n"
          "exit status: 0 all normalized, 1 a file was rejected or unreadable, 2 usage error\n";
}

int normalize(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::size_t max_bytes = kDefaultMaxDocumentBytes;
    std::vector<std::string> files;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--max-bytes") {
            if (i + 1 >= args.size()) {
                err << "hubctl: --max-bytes needs a value\n";
                usage(err);
                return kHubctlUsage;
            }
            const auto& v = args[++i];
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), max_bytes);
            if (ec != std::errc() || end != v.data() + v.size() || max_bytes == 0) {
                err << "hubctl: --max-bytes: '" << v << "' is not a positive number\n";
                return kHubctlUsage;
            }
        } else if (args[i].size() > 1 && args[i][0] == '-') {
            err << "hubctl: unknown option " << args[i] << "\n";
            usage(err);
            return kHubctlUsage;
        } else {
            files.push_back(args[i]);
        }
    }
    if (files.empty()) {
        err << "hubctl: normalize needs at least one FILE\n";
        usage(err);
        return kHubctlUsage;
    }
    int status = kHubctlOk;
    for (const auto& file : files) {
        std::error_code ec;
        std::ifstream in;
        if (std::filesystem::is_regular_file(file, ec)) in.open(file, std::ios::binary);
        std::stringstream buf;
        if (in.is_open()) buf << in.rdbuf();
        if (!in.is_open() || in.bad()) {
            err << file << ": cannot read (not a readable file)\n";
            status = kHubctlRejected;
            continue;
        }
        auto doc = parse_source_document(buf.str(), max_bytes);
        if (!doc) {
            err << file << ": rejected: " << doc.error().message << "\n";
            status = kHubctlRejected;
            continue;
        }
        for (const auto& w : doc->warnings) err << file << ": warning: " << w << "\n";
        out << encode_alert(doc->alert) << "\n";
    }
    return status;
}

}  // namespace

int run_hubctl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty()) {
        usage(err);
        return kHubctlUsage;
    }
    const auto& command = args.front();
    if (command == "--version") {
        out << "hubctl " << ALERTHUB_VERSION << "\n";
        return kHubctlOk;
    }
    if (command == "--help" || command == "-h") {
        usage(out);
        return kHubctlOk;
    }
    if (command == "normalize")
        return normalize(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
    err << "hubctl: unknown command '" << command << "'\n";
    usage(err);
    return kHubctlUsage;
}

}  // namespace alerthub::hub
