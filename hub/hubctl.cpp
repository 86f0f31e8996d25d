#include "hub/hubctl.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "core/base/time_format.h"

#include "hub/hub_config.h"
#include "hub/hubctl_backup.h"
#include "hub/hubctl_console.h"
#include "hub/hubctl_keys.h"
#include "hub/hubctl_site.h"
#include "hub/ingest/ingest_pipeline.h"
#include "hub/journal/journal.h"
#include "hub/policy/area_router.h"
#include "hub/policy/lifetimes.h"
#include "hub/policy/phrase_bank.h"
#include "hub/policy/ward_reading.h"
#include "hub/sources/cap/cap_parser.h"
#include "hub/sources/jma/jmx_parser.h"
#include "hub/sources/source_reader.h"

namespace alerthub::hub {
namespace {

void usage(std::ostream& os) {
    os << "usage: hubctl normalize [--max-bytes N] [--phrases DIR] [--areas TSV]\n"
          "                       [--lifetimes TSV] FILE...\n"
          "         print each CAP file's, JMA telegram's or L-Alert document's canonical\n"
          "         alert (JSON, version 1; a CAP id is derived from the file's own sender\n"
          "         and identifier, as for the first message of a chain, a JMA id from\n"
          "         Status, EventID and information type) on its own line; rejected files\n"
          "         are reported on stderr as 'FILE: rejected: REASON'. With --phrases the\n"
          "         phrase bank fills the other languages (gaps on stderr); with --areas\n"
          "         (a JMA area table) stderr also says whether the default municipality,\n"
          "         港区, would send the alert or only journal it, and for a JMA telegram\n"
          "         what the ward gets beside the telegram's own summary: verdict, reason,\n"
          "         who is told, level and headline per language (earthquake thresholds:\n"
          "         the defaults of [jma] in hub.toml). With --lifetimes (config/jma/\n"
          "         lifetimes.tsv) a JMA telegram without an end gets its type's default\n"
          "         lifetime, as the hub gives it, and stderr says so\n"
          "       hubctl phrases check [--dir DIR]\n"
          "         load the phrase bank (default /etc/alerthub/phrases) and list every event\n"
          "         the parsers can emit that lacks a phrase in some language; exit 1 when\n"
          "         there is a gap or the bank does not load\n"
          "       hubctl routing --journal PATH [--limit N]\n"
          "         the latest routing decisions (sent, or journaled only: out of area)\n"
          "       hubctl --version | --help\n";
    keys_usage(os);
    site_usage(os);
    backup_usage(os);
    console::console_usage(os);
    os << "exit status: 0 all normalized, 1 a file was rejected or unreadable, 2 usage error\n";
}

// "--name VALUE" options of a subcommand; false (after a message) on anything else.
bool read_options(const std::vector<std::string>& args, std::map<std::string, std::string>& opts,
                  std::ostream& err) {
    for (size_t i = 0; i < args.size(); ++i) {
        if (!opts.count(args[i]) || i + 1 >= args.size()) {
            err << "hubctl: unexpected '" << args[i] << "'\n";
            usage(err);
            return false;
        }
        opts[args[i]] = args[i + 1];
        ++i;
    }
    return true;
}

int phrases(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::map<std::string, std::string> opts{{"--dir", "/etc/alerthub/phrases"}};
    if (args.empty() || args[0] != "check" ||
        !read_options(std::vector<std::string>(args.begin() + 1, args.end()), opts, err))
        return kHubctlUsage;
    auto bank = PhraseBank::load(opts["--dir"]);
    if (!bank) {
        err << "hubctl: the phrase bank does not load:\n" << bank.error().message << "\n";
        return kHubctlRejected;
    }
    for (const auto& l : bank->languages())
        out << l.language << ": written by " << l.written_by << "; "
            << (l.reviewed ? "reviewed by " + l.reviewed_by : "NOT reviewed by a native speaker")
            << "\n";
    auto known = jmx_known_events();
    auto gaps = bank->check(known);
    for (const auto& g : gaps) out << "missing: " << g.describe() << "\n";
    out << known.size() << " events checked, " << gaps.size() << " gaps\n";
    return gaps.empty() ? kHubctlOk : kHubctlRejected;
}

int routing(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::map<std::string, std::string> opts{{"--journal", ""}, {"--limit", "50"}};
    if (!read_options(args, opts, err)) return kHubctlUsage;
    int limit = 0;
    const auto& l = opts["--limit"];
    auto [end, ec] = std::from_chars(l.data(), l.data() + l.size(), limit);
    if (opts["--journal"].empty() || ec != std::errc() || end != l.data() + l.size() ||
        limit <= 0) {
        err << "hubctl: routing needs --journal PATH and a positive --limit\n";
        return kHubctlUsage;
    }
    SystemClock clock;
    auto journal = Journal::open(opts["--journal"], JournalSettings{Topics(""), {}}, clock);
    if (!journal) {
        err << "hubctl: " << journal.error().message << "\n";
        return kHubctlRejected;
    }
    auto log = journal->routing_log(limit);
    if (!log) {
        err << "hubctl: " << log.error().message << "\n";
        return kHubctlRejected;
    }
    for (const auto& r : *log)
        out << r.created << "  " << r.alert_id << " v" << r.version << "  "
            << (r.sent ? "sent" : "journaled only") << "  " << r.event_code << "  " << r.headline
            << "\n    " << r.reason << "\n";
    return kHubctlOk;
}

std::string_view describe(WardVerdict verdict) {
    switch (verdict) {
        case WardVerdict::kInForce:
            return "in force";
        case WardVerdict::kNothingInForce:
            return "nothing in force (a lift if the ward was told before, else nothing)";
        case WardVerdict::kNotNamed:
            return "not named";
        case WardVerdict::kWithdrawn:
            return "withdrawn (取消; reaches whoever the chain reached)";
    }
    return "unknown";
}

std::string_view describe(Reach reach) {
    switch (reach) {
        case Reach::kNone:
            return "journaled only";
        case Reach::kScreens:
            return "screens";
        case Reach::kEveryone:
            return "screens, LINE and mail";
    }
    return "unknown";
}

std::string level_text(const std::optional<int>& level) {
    return level ? "レベル" + std::to_string(*level) : "none";
}

// A JMA telegram read for the served places, beside the telegram's own summary: the lines a
// duty officer compares ("the telegram says レベル5 for 小笠原; the ward gets 暴風・波浪").
// Ends with the routing line every document gets ("FILE: sent: REASON").
void print_ward_reading(const std::string& file, const SourceDocument& doc,
                        const AreaRouter& router, const PhraseBank* phrases, std::ostream& err) {
    const auto& telegram = doc.alert;
    auto ja = [](const LocalizedText& t) {
        auto it = t.find("ja");
        return it == t.end() ? std::string() : it->second;
    };
    err << file << ": telegram: " << telegram.event_code << ", level " << level_text(telegram.level)
        << ": " << ja(telegram.headline) << "\n";
    auto reading = read_for_ward(doc, router.served_places(), WardThresholds{});
    if (phrases)
        for (const auto& gap : phrases->apply(reading.alert, &router.table(), &reading))
            err << file << ": ward: phrase bank: " << gap.describe() << "\n";
    err << file << ": ward: verdict: " << describe(reading.verdict) << "\n";
    err << file << ": ward: reason: " << reading.reason << "\n";
    err << file << ": ward: reach: " << describe(reading.reach) << "\n";
    if (reading.verdict != WardVerdict::kNotNamed) {
        err << file << ": ward: level: " << level_text(reading.alert.level) << "\n";
        // Japanese first, as residents read it; then the other languages.
        const auto& headline = reading.alert.headline;
        if (auto japanese = headline.find("ja"); japanese != headline.end())
            err << file << ": ward: headline ja: " << japanese->second << "\n";
        for (const auto& [lang, text] : headline)
            if (lang != "ja") err << file << ": ward: headline " << lang << ": " << text << "\n";
    }
    err << file << ": " << (reading.reach != Reach::kNone ? "sent" : "journaled only") << ": "
        << reading.reason << "\n";
}

int normalize(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::size_t max_bytes = kDefaultMaxDocumentBytes;
    std::vector<std::string> files;
    std::optional<PhraseBank> phrases;
    std::optional<AreaRouter> router;
    std::optional<LifetimeTable> lifetimes;
    for (size_t i = 0; i < args.size(); ++i) {
        if ((args[i] == "--phrases" || args[i] == "--areas" || args[i] == "--lifetimes") &&
            i + 1 >= args.size()) {
            err << "hubctl: " << args[i] << " needs a value\n";
            return kHubctlUsage;
        } else if (args[i] == "--phrases") {
            auto bank = PhraseBank::load(args[++i]);
            if (!bank) {
                err << "hubctl: the phrase bank does not load:\n" << bank.error().message << "\n";
                return kHubctlUsage;
            }
            phrases.emplace(std::move(*bank));
        } else if (args[i] == "--areas") {
            auto table = JmaAreaTable::load(args[++i]);
            auto made = table ? AreaRouter::create(AreaSettings{}, std::move(*table))
                              : Result<AreaRouter>(table.error());
            if (!made) {
                err << "hubctl: --areas: " << made.error().message << "\n";
                return kHubctlUsage;
            }
            router.emplace(std::move(*made));
        } else if (args[i] == "--lifetimes") {
            auto table = LifetimeTable::load(args[++i]);
            if (!table) {
                err << "hubctl: --lifetimes: " << table.error().message << "\n";
                return kHubctlUsage;
            }
            lifetimes.emplace(std::move(*table));
        } else if (args[i] == "--max-bytes") {
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
        const std::string raw = buf.str();
        auto doc = read_source_document(raw, max_bytes);
        if (!doc) {
            err << file << ": rejected: " << doc.error().message << "\n";
            status = kHubctlRejected;
            continue;
        }
        for (const auto& w : doc->warnings) err << file << ": warning: " << w << "\n";
        if (phrases)
            for (const auto& gap : phrases->apply(doc->alert, router ? &router->table() : nullptr))
                err << file << ": phrase bank: " << gap.describe() << "\n";
        if (router && doc->jma) {
            print_ward_reading(file, *doc, *router, phrases ? &*phrases : nullptr, err);
        } else if (router) {
            auto d = router->decide(doc->alert);
            err << file << ": " << (d.send ? "sent" : "journaled only") << ": " << d.reason << "\n";
        }
        if (lifetimes && lifetimes->give_end(*doc, doc->alert))
            err << file << ": ends: " << format_jst_minutes(*doc->alert.expires)
                << " JST (no end in the telegram: the default lifetime of " << doc->jma->type_code
                << ")\n";
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
    if (console::is_console_command(command))
        return console::run_console_command(args, std::cin, out, err);
    if (command == "site")
        return run_site_command(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
    if (command == "backup" || command == "restore") return run_backup_command(args, out, err);
    if (command == "keys")
        return run_keys_command(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
    if (command == "phrases")
        return phrases(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
    if (command == "routing")
        return routing(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
    if (command == "normalize")
        return normalize(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
    err << "hubctl: unknown command '" << command << "'\n";
    usage(err);
    return kHubctlUsage;
}

}  // namespace alerthub::hub
